"""Back up the database and the uploaded files into one archive (docs/operations.md)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from organizations.services.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "备份数据库和上传文件到一个归档文件（.tar.gz）。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", help="归档文件路径；默认 starrating-backup-<时间>.tar.gz（当前目录）"
        )

    def handle(self, *args, output=None, **options):
        output = output or f"starrating-backup-{timezone.localtime():%Y%m%d-%H%M%S}.tar.gz"
        try:
            manifest = backup_create(output)
        except BackupError as exc:
            raise CommandError(f"备份失败：{exc}") from exc
        self.stdout.write(f"已备份（{manifest['vendor']}）到 {output}")
