"""Generate realistic, reproducible synthetic data at scale (benchmarks, load tests)."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo import synthetic


class Command(BaseCommand):
    help = "生成合成数据：区县、乡镇、村（12位代码）、含三个阶段评分的评定轮次、少量否决和测评。"

    def add_arguments(self, parser):
        parser.add_argument("--villages", type=int, required=True, help="村的数量，如 10000")
        parser.add_argument("--seed", type=int, default=1, help="随机数种子（相同种子数据相同）")
        parser.add_argument("--year", type=int, default=2024)

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("生产模式（DJANGO_ENV=production）下不能生成合成数据。")
        if options["villages"] < 1:
            raise CommandError("--villages 必须大于0")
        started = time.perf_counter()
        try:
            made = synthetic.generate(
                villages=options["villages"], seed=options["seed"], year=options["year"]
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"已生成 {made.county.name}（{made.county.code}）：{made.townships} 个乡镇、"
            f"{made.villages} 个村、{made.scores} 条得分，评定轮次 {made.round.year}，"
            f"管理员账号 {made.admin.username}；用时 {time.perf_counter() - started:.1f} 秒。"
        )
