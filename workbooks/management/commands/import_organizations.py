"""Import the organization tree from Excel; villages absent from the file are deactivated.

The same validator as the web page (``organizations_import``): ``--dry-run`` prints the
preview only; a deactivation past the configured share needs ``--confirm-deactivation``."""

from django.core.management.base import BaseCommand

from assessments.management.options import domain_error, user_of
from starrating.errors import DomainError
from workbooks.organizations import import_organizations_file


class Command(BaseCommand):
    help = "导入组织机构（Excel）：区划代码、名称、类型、上级代码、党组织类型、书记姓名。"

    def add_arguments(self, parser):
        parser.add_argument("file", help=".xlsx 文件")
        parser.add_argument("--user", help="以该县级管理员身份导入；省略为系统")
        parser.add_argument("--dry-run", action="store_true", help="只检查并列出将发生的变动")
        parser.add_argument(
            "--confirm-deactivation",
            action="store_true",
            help="确认停用超过设定比例的村（默认比例见 ORG_IMPORT_MAX_DEACTIVATE_SHARE）",
        )

    def handle(self, *args, **options):
        actor = user_of(options["user"])
        try:
            plan = import_organizations_file(options["file"], actor=actor, preview=True)
            self.stdout.write(
                f"预览：新增 {plan['created']}，修改 {plan['updated']}，"
                f"未变 {plan['unchanged']}，停用 {plan['deactivated']}"
                f"（全县有效村 {plan['active_villages']} 个）。"
            )
            for label, key in (("新增", "created_names"), ("修改", "updated_names")):
                for name in plan[key]:
                    self.stdout.write(f"  {label}：{name}")
            for name in plan["deactivated_names"]:
                self.stdout.write(f"  停用：{name}")
            if options["dry_run"]:
                return
            counts = import_organizations_file(
                options["file"], actor=actor, confirm=options["confirm_deactivation"]
            )
        except DomainError as exc:
            raise domain_error(exc) from exc
        self.stdout.write(
            f"导入完成：新增 {counts['created']}，修改 {counts['updated']}，"
            f"未变 {counts['unchanged']}，停用 {counts['deactivated']}。"
        )
