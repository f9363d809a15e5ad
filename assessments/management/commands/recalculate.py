"""Recompute and store every result of a round (after a rules change or a data repair)."""

from django.core.management.base import BaseCommand, CommandError

from assessments.management.options import add_target_argument, round_for
from assessments.services import results_refresh


class Command(BaseCommand):
    help = "重新计算某年度全部评定结果。已发布的结果保持不变。"

    def add_arguments(self, parser):
        parser.add_argument("--round", type=int, required=True, help="年度，如 2024")
        parser.add_argument("--county", help="区县代码（库中有多个区县时必填）")
        add_target_argument(parser)

    def handle(self, *args, **options):
        round_ = round_for(options["round"], options["county"], options["target"])
        if round_.is_published:
            raise CommandError(f"{round_} 已发布，结果已冻结，不能重新计算。")
        changed = results_refresh(round_=round_)
        with_result = round_.assessments.filter(level__isnull=False).count()
        self.stdout.write(
            f"{round_}：{round_.assessments.count()} 个评定对象，"
            f"{with_result} 个有结果，{changed} 个结果发生变化。"
        )
