"""The rules of secretary projects (书记项目, docs/scoring.md §10), pure functions of plain
data: no Django. Worked examples in docs/scoring.md are tests (tests/secretaries/test_rules.py).

- 一月一调度: the report of month *m* is due on the county's due day of the month after *m*
  (clamped to that month's last day); a report handed in after that day is late by the days
  between; a month whose due day has passed without a report is owed.
- 必选 + 自选: a committee claims 1 to 3 projects a year, among them every mandatory one of its
  kind.
- 述职评议 (docs/scoring.md §11): the weighted score of the 现场测评 by reviewer group, the
  grade 好 / 较好 / 一般 / 差 by the session's thresholds, and the cap a poorly graded 书记项目
  puts on it.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal

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


# --- 述职评议考核 (§11) ----------------------------------------------------------------------

LEADERS, MEMBERS, PUBLIC = "leaders", "members", "public"
GROUPS = (LEADERS, MEMBERS, PUBLIC)
EXCELLENT, GOOD, FAIR, POOR = "excellent", "good", "fair", "poor"
GRADES = (EXCELLENT, GOOD, FAIR, POOR)  # best first: 好 / 较好 / 一般 / 差
SCORE_MAX = Decimal(100)
CENT = Decimal("0.01")

WEIGHTS_SUM = "weights_sum"
WEIGHT_RANGE = "weight_range"
THRESHOLD_ORDER = "threshold_order"
THRESHOLD_RANGE = "threshold_range"


def weight_problems(weights: Mapping[str, Decimal]) -> list[str]:
    """Each group's weight is within 0..1 and the three sum to exactly 1."""
    problems = []
    if any(not Decimal(0) <= weights.get(g, Decimal(0)) <= 1 for g in GROUPS):
        problems.append(WEIGHT_RANGE)
    if sum((weights.get(g, Decimal(0)) for g in GROUPS), Decimal(0)) != 1:
        problems.append(WEIGHTS_SUM)
    return problems


def threshold_problems(excellent: Decimal, good: Decimal, fair: Decimal) -> list[str]:
    """好 ≥ ``excellent`` > 较好 ≥ ``good`` > 一般 ≥ ``fair`` > 差, all within 0..100."""
    problems = []
    if any(not Decimal(0) <= t <= SCORE_MAX for t in (excellent, good, fair)):
        problems.append(THRESHOLD_RANGE)
    if not excellent > good > fair:
        problems.append(THRESHOLD_ORDER)
    return problems


def group_average(scores: Iterable[Decimal]) -> Decimal | None:
    """The mean of one group's scores, unrounded; None when the group gave none."""
    scores = list(scores)
    if not scores:
        return None
    return sum(scores, Decimal(0)) / len(scores)


def weighted_score(
    scores: Mapping[str, Iterable[Decimal]], weights: Mapping[str, Decimal]
) -> Decimal | None:
    """Σ weight × group average over the groups that scored, divided by the sum of those
    groups' weights, to 2 places (half up). A group that gave no score is left out and the
    others' weights are rescaled, so a missing group neither adds nor takes away points. None
    when no group with a weight above 0 scored."""
    total = Decimal(0)
    used = Decimal(0)
    for group in GROUPS:
        average = group_average(scores.get(group, ()))
        weight = weights.get(group, Decimal(0))
        if average is None or weight == 0:
            continue
        total += weight * average
        used += weight
    if used == 0:
        return None
    return (total / used).quantize(CENT, rounding=ROUND_HALF_UP)


def grade_for(score: Decimal, *, excellent: Decimal, good: Decimal, fair: Decimal) -> str:
    """好 at or above ``excellent``, 较好 at or above ``good``, 一般 at or above ``fair``, else
    差."""
    if score >= excellent:
        return EXCELLENT
    if score >= good:
        return GOOD
    if score >= fair:
        return FAIR
    return POOR


def worse(a: str, b: str) -> str:
    return a if GRADES.index(a) >= GRADES.index(b) else b


def capped_by_projects(grade: str, project_grades: Iterable[str], caps: Mapping[str, str]) -> str:
    """The review grade is at most ``caps[g]`` for the worst graded project grade ``g`` of the
    secretary's year (``caps`` maps a project grade to the best review grade it allows; a
    project grade not in ``caps`` caps nothing). Ungraded projects (blank) cap nothing."""
    graded = [g for g in project_grades if g in GRADES]
    if not graded:
        return grade
    worst = max(graded, key=GRADES.index)
    cap = caps.get(worst)
    return worse(grade, cap) if cap in GRADES else grade


def review_grade(
    scores: Mapping[str, Iterable[Decimal]],
    weights: Mapping[str, Decimal],
    *,
    excellent: Decimal,
    good: Decimal,
    fair: Decimal,
    project_grades: Iterable[str] = (),
    caps: Mapping[str, str] | None = None,
) -> tuple[Decimal | None, str, str]:
    """(weighted score, grade by the score, final grade after the project cap); the grades are
    "" while nobody has scored."""
    score = weighted_score(scores, weights)
    if score is None:
        return None, "", ""
    by_score = grade_for(score, excellent=excellent, good=good, fair=fair)
    return score, by_score, capped_by_projects(by_score, project_grades, caps or {})
