"""Load a catalogue from its JSON form (as ``fixtures/catalogue_2024.json``)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from indicators.services import catalogue_load_file, catalogue_summary
from starrating.errors import InvalidInput


class Command(BaseCommand):
    help = "从 JSON 文件导入指标体系（同名指标体系已存在时不重复导入）。"

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, **options):
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}")
        try:
            catalogue = catalogue_load_file(path)
        except InvalidInput as exc:
            details = "\n".join(f"  {e['field']}: {e['message']}" for e in exc.errors)
            raise CommandError(f"{exc.message}\n{details}") from exc
        self.stdout.write(catalogue_summary(catalogue))
