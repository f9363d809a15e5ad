"""Import the organization tree from Excel; villages absent from the file are deactivated."""

from django.core.management.base import BaseCommand

from assessments.management.options import domain_error, user_of
from starrating.errors import DomainError
from workbooks.imports import import_organizations_file


class Command(BaseCommand):
    help = "导入组织机构（Excel）：区划代码、名称、类型、上级代码、党组织类型、书记姓名。"

    def add_arguments(self, parser):
        parser.add_argument("file", help=".xlsx 文件")
        parser.add_argument("--user", help="以该县级管理员身份导入；省略为系统")

    def handle(self, *args, **options):
        try:
            counts = import_organizations_file(options["file"], actor=user_of(options["user"]))
        except DomainError as exc:
            raise domain_error(exc) from exc
        self.stdout.write(
            f"导入完成：新增 {counts['created']}，修改 {counts['updated']}，"
            f"未变 {counts['unchanged']}，停用 {counts['deactivated']}。"
        )
