"""Import a filled score-sheet template: every cell checked first, all or nothing."""

from django.core.management.base import BaseCommand

from assessments.management.options import (
    add_target_argument,
    domain_error,
    round_for,
    stage_of,
    user_of,
)
from starrating.errors import DomainError
from workbooks.imports import import_scores_file


class Command(BaseCommand):
    help = "导入评分（Excel）：先检查全部单元格，有任何错误则全部列出且不导入。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="填写好的评分模板 .xlsx")
        parser.add_argument("--round", type=int, required=True, help="年度，如 2024")
        parser.add_argument("--stage", required=True, help="self / township / county")
        parser.add_argument("--county", help="区县代码（库中有多个区县时必填）")
        add_target_argument(parser)
        parser.add_argument("--user", help="以该用户身份导入（按其权限范围检查）；省略为系统")

    def handle(self, *args, **options):
        round_ = round_for(options["round"], options["county"], options["target"])
        try:
            counts = import_scores_file(
                options["file"],
                actor=user_of(options["user"]),
                round_=round_,
                stage=stage_of(options["stage"]),
            )
        except DomainError as exc:
            raise domain_error(exc) from exc
        self.stdout.write(
            f"导入完成：{counts['villages']} 个村，{counts['cells']} 个得分；"
            f"新增 {counts['created']}，修改 {counts['updated']}，未变 {counts['unchanged']}。"
        )
