"""Export a round's results (the ``export_results`` contract: see docs/scoring.md)."""

import csv
import io
import json
import sys
from decimal import Decimal, InvalidOperation

from django.core.management.base import BaseCommand

from assessments.management.options import add_target_argument, round_for
from assessments.selectors import result_records
from organizations.models import AuditLog
from organizations.services import audit_record
from workbooks.cells import is_formula_like

FIELDS = [
    "organization_code",
    "organization_name",
    "township_code",
    "category_scores",
    "total",
    "composite",
    "stars_earned",
    "level",
    "previous_level",
    "change",
]


class Command(BaseCommand):
    help = "导出某年度评定结果（JSON 或 CSV）。"

    def add_arguments(self, parser):
        parser.add_argument("--round", type=int, required=True, help="年度，如 2024")
        parser.add_argument("--county", help="区县代码（库中有多个区县时必填）")
        add_target_argument(parser)
        parser.add_argument("--format", choices=["json", "csv"], default="json")
        parser.add_argument("--output", help="输出文件；省略则写到标准输出")

    def handle(self, *args, **options):
        round_ = round_for(options["round"], options["county"], options["target"])
        records = [{k: r[k] for k in FIELDS} for r in result_records(round_)]
        text = render(records, options["format"])
        audit_record(
            actor=None,
            action=AuditLog.Action.EXPORT,
            obj=round_,
            after={"results": len(records), "format": options["format"]},
            reason="manage.py export_results",
        )
        if options["output"]:
            with open(options["output"], "w", encoding="utf-8", newline="") as f:
                f.write(text)
            self.stderr.write(f"已导出 {len(records)} 条记录到 {options['output']}")
        else:
            sys.stdout.write(text)


def _cell(value) -> object:
    """A CSV cell that a spreadsheet will not run: text starting like a formula gets a
    leading apostrophe (OWASP's CSV-injection advice); numbers stay numbers."""
    if value is None:
        return ""
    if isinstance(value, str) and is_formula_like(value) and not _is_number(value):
        return "'" + value
    return value


def _is_number(text: str) -> bool:
    try:
        Decimal(text)
    except InvalidOperation:
        return False
    return True


def render(records: list[dict], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(records, ensure_ascii=False, indent=2) + "\n"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=FIELDS)
    writer.writeheader()
    for record in records:
        row = dict(record)
        row["category_scores"] = (
            None  # empty like every other null, not the text "null"
            if record["category_scores"] is None
            else json.dumps(record["category_scores"], ensure_ascii=False)
        )
        row["stars_earned"] = (
            "" if record["stars_earned"] is None else " ".join(record["stars_earned"])
        )
        writer.writerow({k: _cell(v) for k, v in row.items()})
    return out.getvalue()
