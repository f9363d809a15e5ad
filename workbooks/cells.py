"""Writing cells safely with XlsxWriter, shared by every workbook we write.

Every workbook is written in ``constant_memory`` mode: each worksheet is streamed row by row to
a temporary file, so memory stays flat whatever the number of villages. Every text cell is
written with ``write_string`` (never ``write``), so a village name such as ``=HYPERLINK(...)``
stays text and is never a formula (CSV/formula injection); numbers are written as numbers.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

Progress = Callable[[int], None]


# Any text starting with these could be taken for a formula by a spreadsheet.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


WORKBOOK_OPTIONS = {
    "constant_memory": True,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}


LEVEL_NAMES = {5: "五星", 4: "四星", 3: "三星", 2: "二星", 1: "一星", 0: "零星"}


def is_formula_like(text: str) -> bool:
    return text.startswith(FORMULA_PREFIXES)


def put(ws, row: int, col: int, value: Any, fmt=None) -> None:
    """Write one cell: numbers as numbers, everything else as text (never a formula)."""
    if value is None:
        if fmt is not None:
            ws.write_blank(row, col, None, fmt)
        return
    if isinstance(value, bool):
        ws.write_string(row, col, _("是") if value else _("否"), fmt)
    elif isinstance(value, int | float | Decimal):
        ws.write_number(row, col, float(value), fmt)
    else:
        ws.write_string(row, col, str(value), fmt)


def sheet_name(name: str, used: set[str]) -> str:
    """Excel sheet names: at most 31 characters, none of []:*?/\\, unique."""
    clean = "".join("_" if ch in "[]:*?/\\" else ch for ch in name).strip("'")[:31] or "Sheet"
    candidate, n = clean, 2
    while candidate.lower() in used:
        suffix = f"({n})"
        candidate, n = clean[: 31 - len(suffix)] + suffix, n + 1
    used.add(candidate.lower())
    return candidate


def formats(wb) -> dict[str, Any]:
    return {
        "title": wb.add_format(
            {"bold": True, "font_size": 16, "align": "center", "valign": "vcenter"}
        ),
        "sub": wb.add_format({"font_size": 10}),
        "header": wb.add_format(
            {
                "bold": True,
                "border": 1,
                "align": "center",
                "valign": "vcenter",
                "text_wrap": True,
                "bg_color": "#D9E1F2",
            }
        ),
        "text": wb.add_format({"border": 1}),
        "int": wb.add_format({"border": 1, "num_format": "0"}),
        "points": wb.add_format({"border": 1, "num_format": "0.00"}),
        "percent": wb.add_format({"border": 1, "num_format": "0.0%"}),
        "date": wb.add_format({"border": 1, "num_format": "yyyy-mm-dd"}),
        "input": wb.add_format({"border": 1, "num_format": "0.00", "bg_color": "#FFF2CC"}),
        "total": wb.add_format({"bold": True, "border": 1, "num_format": "0.00"}),
        "total_text": wb.add_format({"bold": True, "border": 1}),
        "total_int": wb.add_format({"bold": True, "border": 1, "num_format": "0"}),
        "muted": wb.add_format({"border": 1, "font_color": "#808080", "align": "center"}),
        "note": wb.add_format({"text_wrap": True, "valign": "top"}),
        "note_cell": wb.add_format({"text_wrap": True, "valign": "top", "border": 1}),
    }


def print_setup(ws, *, header_row: int, last_col: int) -> None:
    """Government report conventions: A4 landscape, one page wide, the header repeated on
    every page, centred page numbers 第&P页 共&N页."""
    ws.set_paper(9)  # A4
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(header_row)
    ws.set_footer("&C第&P页 共&N页")
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.center_horizontally()
    ws.freeze_panes(header_row + 1, 0)


def write_title(ws, fmt, text: str, last_col: int, unit: str, on: date) -> None:
    ws.set_row(0, 30)
    ws.merge_range(0, 0, 0, last_col, text, fmt["title"])
    put(ws, 1, 0, _("填报单位：%(unit)s") % {"unit": unit}, fmt["sub"])
    put(ws, 1, max(last_col - 2, 1), _("填报日期：%(d)s") % {"d": f"{on:%Y年%m月%d日}"}, fmt["sub"])


def write_header(
    ws, fmt, row: int, labels: list[str], widths: dict[int, int] | None = None
) -> None:
    for col, label in enumerate(labels):
        put(ws, row, col, label, fmt["header"])
    for col, width in (widths or {}).items():
        ws.set_column(col, col, width)


def write_signatures(ws, fmt, row: int, last_col: int) -> None:
    step = max((last_col + 1) // 3, 1)
    for n, label in enumerate((_("单位负责人："), _("审核人："), _("填表人："))):
        put(ws, row, n * step, label, fmt["sub"])
