"""The annual report's extra sheets (``workbooks.registry``): opened before the villages are
streamed, one row written per village beside the 评分明细 row, closed with the signatures."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from .cells import print_setup, put, write_header, write_signatures, write_title
from .registry import ReportRows, report_sheets

BASE_LABELS = ("序号", "镇（街道）", "村（社区）", "区划代码")


class ExtraSheet:
    """One registered sheet being written: the worksheet, the provider's stream (merge-joined
    by village code: one row of lookahead) and the next row."""

    def __init__(self, wb, fmt, name: str, title: str, rows: ReportRows, unit: str, on: date):
        self.ws = wb.add_worksheet(name)
        self.fmt = fmt
        self.missing = list(rows.missing)
        self.stream: Iterator[tuple[str, Any]] = iter(rows.rows)
        self.pending = next(self.stream, None)
        labels = [_(label) for label in BASE_LABELS] + list(rows.labels)
        self.last_col = len(labels) - 1
        write_title(self.ws, fmt, title, self.last_col, unit, on)
        write_header(self.ws, fmt, 2, labels, {0: 6, 1: 14, 2: 16, 3: 15, **rows.widths})
        print_setup(self.ws, header_row=2, last_col=self.last_col)
        self.row = 3

    def add(self, code: str, township: str, name: str) -> None:
        while self.pending is not None and self.pending[0] < code:
            self.pending = next(self.stream, None)
        if self.pending is not None and self.pending[0] == code:
            values = self.pending[1]
            self.pending = next(self.stream, None)
        else:
            values = self.missing
        ws, text = self.ws, self.fmt["text"]
        ws.write_number(self.row, 0, self.row - 2, self.fmt["int"])
        ws.write_string(self.row, 1, township, text)
        ws.write_string(self.row, 2, name, text)
        ws.write_string(self.row, 3, code, text)
        for col, value in enumerate(values, start=4):
            put(ws, self.row, col, value, self._format(value))
        self.row += 1

    def _format(self, value: Any):
        if isinstance(value, Decimal):
            return self.fmt["points"]
        if isinstance(value, int) and not isinstance(value, bool):
            return self.fmt["int"]
        return self.fmt["text"]

    def close(self) -> None:
        write_signatures(self.ws, self.fmt, self.row + 1, self.last_col)


def open_extra_sheets(
    wb, fmt, *, round_, organization_ids, year_title: str, unit: str, on: date
) -> list[ExtraSheet]:
    """The registered sheets that apply to this round, in registration order."""
    opened = []
    for sheet in report_sheets():
        rows = sheet.rows(round_, organization_ids)
        if rows is not None:
            opened.append(
                ExtraSheet(wb, fmt, sheet.name, f"{year_title}{sheet.title}", rows, unit, on)
            )
    return opened
