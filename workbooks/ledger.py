"""整改台账 in Excel: the sheet of the annual report and the ledger's own export (a job kind),
written by one function so both read the same. Status is the computed one (逾期 included),
with the approver who closed each entry and its latest progress note."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import IO

import xlsxwriter
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from ledgers import selectors as ledger_selectors
from ledgers.models import Rectification, RectificationNote
from organizations.models import Organization, User

from .cells import WORKBOOK_OPTIONS, formats, print_setup, put, write_header, write_signatures
from .cells import write_title as _write_title

LABELS = [
    _("序号"),
    _("镇（街道）"),
    _("村（社区）"),
    _("存在问题"),
    _("来源"),
    _("整改措施"),
    _("整改标准"),
    _("整改时限"),
    _("责任人"),
    _("状态"),
    _("最新进展"),
    _("销号审核人"),
    _("销号时间"),
]
WIDTHS = {0: 6, 1: 12, 2: 14, 3: 36, 4: 10, 5: 36, 6: 24, 7: 12, 8: 10, 9: 8, 10: 30, 11: 10}


def ledger_entries(qs: QuerySet[Rectification]) -> QuerySet[Rectification]:
    notes = RectificationNote.objects.order_by("on", "pk")
    return (
        qs.select_related("organization", "organization__parent", "closed_by")
        .prefetch_related(Prefetch("notes", queryset=notes))
        .order_by("organization__code", "deadline", "pk")
    )


def write_ledger_sheet(
    ws,
    fmt,
    entries: Iterable[Rectification],
    *,
    title: str,
    unit: str,
    on: date,
    rates_townships: bool = False,
) -> int:
    """Fill one 整改台账 sheet; returns the number of entries written. A township round's
    report (``rates_townships``) heads its second column 整改对象: a township's own entry."""
    last = len(LABELS) - 1
    _write_title(ws, fmt, title, last, unit, on)
    labels = [str(label) for label in LABELS]
    if rates_townships:
        labels[1:3] = [str(_("镇街")), str(_("整改对象"))]
    write_header(ws, fmt, 2, labels, WIDTHS)
    print_setup(ws, header_row=2, last_col=last)
    n = 0
    for n, entry in enumerate(entries, start=1):
        org = entry.organization
        row = 2 + n
        notes = list(entry.notes.all())
        put(ws, row, 0, n, fmt["int"])
        put(ws, row, 1, entry.township.name if org.parent else "", fmt["text"])
        put(ws, row, 2, org.name, fmt["text"])
        put(ws, row, 3, entry.problem, fmt["text"])
        put(ws, row, 4, entry.get_source_display(), fmt["text"])
        put(ws, row, 5, entry.measures, fmt["text"])
        put(ws, row, 6, entry.standard, fmt["text"])
        ws.write_datetime(row, 7, entry.deadline, fmt["date"])
        put(ws, row, 8, entry.responsible_person, fmt["text"])
        put(
            ws,
            row,
            9,
            (entry.is_overdue(on) and _("已逾期")) or entry.get_status_display(),
            fmt["text"],
        )
        put(ws, row, 10, f"{notes[-1].on:%Y-%m-%d} {notes[-1].text}" if notes else "", fmt["text"])
        put(ws, row, 11, entry.closed_by.display_name if entry.closed_by else "", fmt["text"])
        put(ws, row, 12, f"{entry.closed_at:%Y-%m-%d}" if entry.closed_at else "", fmt["text"])
    write_signatures(ws, fmt, 3 + n + 1, last)
    return n


def ledger_export(
    out: str | IO[bytes],
    *,
    user: User,
    township_code: str | None = None,
    status: str = "",
    on: date | None = None,
) -> dict[str, int]:
    """The ledger the user may see (one township if asked), overdue first as on the page."""
    on = on or date.today()
    township = (
        Organization.objects.filter(code=township_code).only("pk").first()
        if township_code
        else None
    )
    qs = ledger_selectors.rectifications_filtered(
        user,
        township=township.pk if township else None,
        status=status if status in ledger_selectors.STATUS_FILTERS else "",
        today=on,
    )
    if township_code and township is None:
        qs = qs.none()
    entries = ledger_entries(qs).order_by("-overdue", "organization__code", "deadline", "pk")
    unit = user.organization.name if user.organization else ""
    wb = xlsxwriter.Workbook(out, WORKBOOK_OPTIONS)
    fmt = formats(wb)
    ws = wb.add_worksheet("整改台账")
    rows = write_ledger_sheet(
        ws, fmt, entries.iterator(chunk_size=2000), title=f"{unit}整改台账", unit=unit, on=on
    )
    wb.close()
    return {"rectifications": rows}
