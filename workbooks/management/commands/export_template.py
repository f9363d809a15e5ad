"""Write the score-sheet template of a round and stage (optionally one township)."""

from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from assessments.management.options import add_target_argument, round_for, stage_of, user_of
from workbooks.template import template_export


class Command(BaseCommand):
    help = "导出评分模板（Excel）：每个镇（街道）一个工作表，每村一行，每个指标一列。"

    def add_arguments(self, parser):
        parser.add_argument("--round", type=int, required=True, help="年度，如 2024")
        parser.add_argument("--stage", required=True, help="self / township / county")
        parser.add_argument("--township", help="镇（街道）区划代码；省略则导出全部")
        parser.add_argument("--county", help="区县代码（库中有多个区县时必填）")
        add_target_argument(parser)
        parser.add_argument("--user", help="按该用户的权限范围导出")
        parser.add_argument("--output", required=True, help="输出文件 .xlsx")

    def handle(self, *args, **options):
        round_ = round_for(options["round"], options["county"], options["target"])
        try:
            counts = template_export(
                options["output"],
                round_=round_,
                stage=stage_of(options["stage"]),
                user=user_of(options["user"]),
                township_code=options["township"],
            )
        except Http404 as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"已导出 {counts['sheets']} 个工作表、{counts['villages']} 个村、"
            f"{counts['items']} 个指标到 {options['output']}"
        )
