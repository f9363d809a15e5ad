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
        parser.add_argument(
            "--cities",
            type=int,
            default=0,
            help="生成一个省：市的数量（0：只生成一个区县）",
        )
        parser.add_argument(
            "--counties-per-city", type=int, default=3, help="每个市的区县数量（与 --cities 同用）"
        )

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("生产模式（DJANGO_ENV=production）下不能生成合成数据。")
        if options["villages"] < 1:
            raise CommandError("--villages 必须大于0")
        started = time.perf_counter()
        if options["cities"]:
            try:
                province = synthetic.generate_province(
                    villages=options["villages"],
                    cities=options["cities"],
                    counties_per_city=options["counties_per_city"],
                    seed=options["seed"],
                    year=options["year"],
                )
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(
                f"已生成 {province.province.name}（{province.province.code}）："
                f"{len(province.cities)} 个市、{len(province.counties)} 个区县、"
                f"{province.villages} 个村、{province.scores} 条得分，"
                f"省组织部账号 {province.viewer.username}；"
                f"用时 {time.perf_counter() - started:.1f} 秒。"
            )
            return
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
