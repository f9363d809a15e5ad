"""Extra sheets of the annual report, given by the apps above ``workbooks`` (which may not be
imported from here): an app registers a ``ReportSheet`` from its ``AppConfig.ready``, and
``workbooks.report`` asks each one, per export, for its rows.

The contract keeps the report streaming in constant memory and in a constant number of
queries: ``rows(round_, organization_ids)`` returns ``None`` when the sheet does not apply to
the round (the report is then exactly as without the registration), else a ``ReportRows`` —
the column labels, an iterator of ``(organization code, values)`` ordered by organization
code (read in chunks from one query over every village; ``organization_ids`` is the report's
scope as a subquery), and the values of a village the stream does not mention. The report
merge-joins the stream with its villages, one row per village, in village-code order.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Sequence
from typing import Any


@dataclasses.dataclass(frozen=True)
class ReportRows:
    labels: Sequence[str]
    rows: Iterator[tuple[str, Sequence[Any]]]
    missing: Sequence[Any]
    widths: dict[int, int] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True)
class ReportSheet:
    """One extra sheet: its key (registering the same key again replaces it), its sheet name
    and title suffix, and the function giving its rows for a round (or ``None``)."""

    key: str
    name: str
    title: str
    rows: Callable[[Any, Any], ReportRows | None]


_SHEETS: dict[str, ReportSheet] = {}


def register_report_sheet(sheet: ReportSheet) -> ReportSheet:
    _SHEETS[sheet.key] = sheet
    return sheet


def report_sheets() -> list[ReportSheet]:
    return list(_SHEETS.values())
