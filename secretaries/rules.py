"""The rules of secretary projects (书记项目, docs/scoring.md §10), pure functions of plain
data: no Django. Worked examples in docs/scoring.md are tests (tests/secretaries/test_rules.py).

- 一月一调度: the report of month *m* is due on the county's due day of the month after *m*
  (clamped to that month's last day); a report handed in after that day is late by the days
  between; a month whose due day has passed without a report is owed.
- 必选 + 自选: a committee claims 1 to 3 projects a year, among them every mandatory one of its
  kind.
"""

from __future__ import annotations

import calendar
import datetime

TOO_FEW = "too_few"
TOO_MANY = "too_many"
MISSING_MANDATORY = "missing_mandatory"


def first_of_month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def next_month(month: datetime.date) -> datetime.date:
    return (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def report_due(month: datetime.date, due_day: int) -> datetime.date:
    """The report of ``month`` is due on ``due_day`` of the following month (2024-03 with due
    day 5 → 2024-04-05; 2024-01 with due day 31 → 2024-02-29)."""
    if not 1 <= due_day <= 31:
        raise ValueError("due_day must be 1..31")
    following = next_month(first_of_month(month))
    last = calendar.monthrange(following.year, following.month)[1]
    return following.replace(day=min(due_day, last))


def days_late(month: datetime.date, submitted_on: datetime.date, due_day: int) -> int:
    """0 on or before the due day, else the days after it."""
    return max(0, (submitted_on - report_due(month, due_day)).days)


def months_owed(
    start: datetime.date, end: datetime.date, today: datetime.date, due_day: int
) -> list[datetime.date]:
    """The months from ``start``'s to ``end``'s whose report is past due on ``today``."""
    owed = []
    month = first_of_month(start)
    while month <= first_of_month(end):
        if report_due(month, due_day) < today:
            owed.append(month)
        month = next_month(month)
    return owed


def claim_problems(
    claimed: set[int], mandatory: set[int], *, low: int = 1, high: int = 3
) -> list[str]:
    """What is wrong with a committee's claimed projects of a year (empty when none)."""
    problems = []
    if len(claimed) < low:
        problems.append(TOO_FEW)
    if len(claimed) > high:
        problems.append(TOO_MANY)
    if not mandatory <= claimed:
        problems.append(MISSING_MANDATORY)
    return problems
