"""Restore the database and the uploaded files from a backup archive (docs/operations.md)."""

from django.core.management.base import BaseCommand, CommandError

from organizations.services.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = "从备份归档恢复数据库和上传文件（会覆盖现有数据，请先停止服务）。"

    def add_arguments(self, parser):
        parser.add_argument("archive", help="backup 命令生成的 .tar.gz 文件")
        parser.add_argument("--yes", action="store_true", help="确认覆盖现有数据")

    def handle(self, *args, archive, yes=False, **options):
        if not yes:
            raise CommandError("恢复会覆盖现有的全部数据和上传文件；确认请加 --yes。")
        try:
            manifest = backup_restore(archive)
        except (BackupError, OSError) as exc:
            raise CommandError(f"恢复失败：{exc}") from exc
        self.stdout.write(f"已从 {archive} 恢复（备份时间 {manifest['created_at']}）")
