"""The audit log as an Excel workbook (审计日志导出): the filtered rows of the auditor page,
written in constant memory, every text cell as a string (never a formula), times local."""

from __future__ import annotations

from collections.abc import Iterable

import xlsxwriter
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from organizations import selectors
from organizations.models import AuditLog

from .cells import WORKBOOK_OPTIONS, put

# More than this is no longer a reading but a copy of the database: narrow the filters.
MAX_ROWS = 200_000

COLUMNS = [
    (_("时间"), 20),
    (_("操作人"), 24),
    (_("IP地址"), 16),
    (_("操作"), 14),
    (_("对象类型"), 14),
    (_("对象"), 30),
    (_("村（社区）"), 14),
    (_("变更内容"), 60),
    (_("原因"), 30),
]


def _rows(entries: Iterable[AuditLog]):
    for e in entries:
        diff = "\n".join(
            f"{d['field']}：{d['old']} → {d['new']}" if d["field"] else f"{d['old']} → {d['new']}"
            for d in selectors.audit_diff(e)
        )
        yield [
            f"{timezone.localtime(e.at):%Y-%m-%d %H:%M:%S}",
            e.actor_name,
            e.ip_address or "",
            e.get_action_display(),
            selectors.object_type_label(e.object_type),
            e.object_repr,
            e.village.name if e.village_id else "",
            diff,
            e.reason,
        ]


def audit_log_export(path, rows: QuerySet[AuditLog]) -> int:
    """Write ``rows`` (already scoped and filtered) to ``path``; returns how many were written."""
    workbook = xlsxwriter.Workbook(path, WORKBOOK_OPTIONS)  # a path or a binary file
    try:
        ws = workbook.add_worksheet(_("审计日志"))
        bold = workbook.add_format({"bold": True})
        wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
        for col, (title, width) in enumerate(COLUMNS):
            ws.set_column(col, col, width)
            put(ws, 0, col, title, bold)
        ws.freeze_panes(1, 0)
        count = 0
        for count, values in enumerate(_rows(rows[:MAX_ROWS].iterator(chunk_size=2000)), 1):
            for col, value in enumerate(values):
                put(ws, count, col, str(value), wrap)  # text, always: never a formula
    finally:
        workbook.close()
    return count
