"""Create the demo county with its rounds and print the demo logins (once per run)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo import seed as demo


class Command(BaseCommand):
    help = (
        "创建演示数据（浑江区：6个乡镇街道、55个村，2023年已发布、2024年评定中），并打印演示账号。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2024, help="随机数种子（可复现）")

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("生产模式（DJANGO_ENV=production）下不能创建演示数据。")
        accounts = demo.seed(seed=options["seed"])
        self.stdout.write(self.style.SUCCESS("演示数据已就绪。演示账号（密码每次运行重新生成）："))
        width = max(len(a.username) for a in accounts)
        for a in accounts:
            self.stdout.write(f"  {a.username.ljust(width)}  {a.password}  {a.role}（{a.scope}）")
