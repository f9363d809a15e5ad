"""Delete audit rows past the retention period (the audit log's only deletion path)."""

from django.core.management.base import BaseCommand, CommandError

from organizations.models import AUDIT_RETENTION_DAYS, AppendOnlyError
from organizations.services import audit_purge


class Command(BaseCommand):
    help = f"删除早于保存期限的审计日志（不少于{AUDIT_RETENTION_DAYS}天）。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=AUDIT_RETENTION_DAYS,
            help=f"删除多少天以前的记录（至少{AUDIT_RETENTION_DAYS}天）",
        )

    def handle(self, *args, days: int, **options):
        try:
            deleted = audit_purge(days=days)
        except AppendOnlyError as exc:
            raise CommandError(
                f"拒绝删除：审计日志至少保存{AUDIT_RETENTION_DAYS}天（{exc}）"
            ) from exc
        self.stdout.write(f"已删除 {deleted} 条{days}天以前的审计日志。")
