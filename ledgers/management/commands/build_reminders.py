"""Build today's reminders (the beat task's work), e.g. from cron where beat is not run."""

from django.core.management.base import BaseCommand

from ledgers import services


class Command(BaseCommand):
    help = "生成今天的提醒（可重复运行，不会重复生成）"

    def handle(self, *args, **options):
        n = services.reminders_build()
        self.stdout.write(f"新增提醒 {n} 条")
