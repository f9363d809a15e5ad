"""Delete the files of background jobs past their expiry (for cron, without Celery beat)."""

from django.core.management.base import BaseCommand

from jobs.services import jobs_expire


class Command(BaseCommand):
    help = "删除已过期的后台任务文件（导出结果和上传文件），任务记录保留。"

    def handle(self, *args, **options):
        self.stdout.write(f"已清理 {jobs_expire()} 个过期任务的文件。")
