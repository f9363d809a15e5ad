"""创星晋级: the star rules of the three ladders (先锋星, 堡垒星, 服务星) and 示范星, as pure
functions of plain data (docs/scoring.md §S1–S7). No Django, Decimal only: the services, the
pages, the API and the exports all call these, never a second copy.

An entry is (day, kind, points): ``add`` items earn points, ``deduct`` (减星项) items take whole
stars off, ``veto`` (否决项) sets the grade to no star. Only approved entries reach here.
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

ADD, DEDUCT, VETO = "add", "deduct", "veto"
MAX_STARS = 5
ZERO = Decimal("0")
POINTS_QUANTUM = Decimal("0.1")
SHARE_QUANTUM = Decimal("0.0001")


@dataclass(frozen=True)
class Entry:
    day: datetime.date
    kind: str
    points: Decimal


@dataclass(frozen=True)
class Standing:
    """Where one member / branch / committee stands in a year (S4)."""

    points: Decimal
    deducted: int
    vetoed: bool
    stars: int
    monthly: dict[int, Decimal] = field(default_factory=dict)


def threshold_problems(thresholds: Sequence[Decimal]) -> list[str]:
    """S2: five thresholds, for one to five stars, positive and strictly rising."""
    problems = []
    if len(thresholds) != MAX_STARS:
        return [f"需要{MAX_STARS}个档次分数线"]
    if any(Decimal(t) <= ZERO for t in thresholds):
        problems.append("分数线必须大于0")
    if any(b <= a for a, b in itertools.pairwise(thresholds)):
        problems.append("分数线必须逐档递增")
    return problems


def in_year(entries: Iterable[Entry], year: int) -> list[Entry]:
    """S5 year-end reset: a year counts only its own entries; earlier ones stay as history."""
    return [e for e in entries if e.day.year == year]


def monthly_sums(entries: Iterable[Entry], year: int) -> dict[int, Decimal]:
    """S1: points earned each month of ``year`` (months without entries are 0)."""
    sums = {month: ZERO for month in range(1, 13)}
    for e in in_year(entries, year):
        if e.kind == ADD:
            sums[e.day.month] += Decimal(e.points)
    return {m: v.quantize(POINTS_QUANTUM, ROUND_HALF_UP) for m, v in sums.items()}


def quarterly_sums(monthly: dict[int, Decimal]) -> dict[int, Decimal]:
    """S1: a quarter is the sum of its three months."""
    return {
        q: sum((monthly.get(m, ZERO) for m in range(3 * q - 2, 3 * q + 1)), ZERO)
        for q in (1, 2, 3, 4)
    }


def grade_for_points(points: Decimal, thresholds: Sequence[Decimal]) -> int:
    """S2: the highest grade whose threshold the points reach (0 below the first)."""
    grade = 0
    for n, threshold in enumerate(thresholds, start=1):
        if Decimal(points) >= Decimal(threshold):
            grade = n
    return grade


def standing(entries: Iterable[Entry], thresholds: Sequence[Decimal], year: int) -> Standing:
    """S3/S4: grade by points, minus the 减星 stars (never below 0); any 否决项 → no star."""
    current = in_year(entries, year)
    monthly = monthly_sums(current, year)
    points = sum(monthly.values(), ZERO)
    deducted = int(sum((Decimal(e.points) for e in current if e.kind == DEDUCT), ZERO))
    vetoed = any(e.kind == VETO for e in current)
    stars = 0 if vetoed else max(0, grade_for_points(points, thresholds) - deducted)
    return Standing(points=points, deducted=deducted, vetoed=vetoed, stars=stars, monthly=monthly)


def exemplary_star(own: int, children: Sequence[int]) -> int:
    """S6 示范星: a branch's 堡垒星 (a committee's 服务星), capped by the mean star of its members
    (branches), rounded down; without members (branches) it is the organization's own star."""
    if not children:
        return own
    mean = (Decimal(sum(children)) / Decimal(len(children))).to_integral_value(ROUND_FLOOR)
    return min(own, int(mean))


def share_at_least(stars: Sequence[int], minimum: int) -> Decimal:
    """S7: the share (0–1, four places) of ``stars`` at ``minimum`` or more; 0 when empty."""
    if not stars:
        return ZERO.quantize(SHARE_QUANTUM)
    hits = sum(1 for s in stars if s >= minimum)
    return (Decimal(hits) / Decimal(len(stars))).quantize(SHARE_QUANTUM, ROUND_HALF_UP)


# --- 奖惩凭星 (S8–S10) -------------------------------------------------------------------------

# Seed 001 and the anchors: 4–5 star branches rewarded by band (+10 %, +20 %), 3 stars
# full pay, 2 stars −20 %, 1 star −50 %, no star none.
DEFAULT_PAY = (
    Decimal("0"),
    Decimal("0.50"),
    Decimal("0.80"),
    Decimal("1.00"),
    Decimal("1.10"),
    Decimal("1.20"),
)


@dataclass(frozen=True)
class VillageOutcome:
    stars: int
    pay_ratio: Decimal
    award_eligible: bool
    weak_candidate: bool


def pay_problems(ratios: Sequence[Decimal]) -> list[str]:
    """S8: six ratios (no star … five stars), each 0–2, never lower for more stars."""
    if len(ratios) != MAX_STARS + 1:
        return ["需要6个档次的系数"]
    problems = []
    if any(not Decimal("0") <= Decimal(r) <= Decimal("2") for r in ratios):
        problems.append("系数必须在0到2之间")
    if any(b < a for a, b in itertools.pairwise(ratios)):
        problems.append("星级越高，系数不能越低")
    return problems


def village_outcome(
    stars: int, vetoed: bool, ratios: Sequence[Decimal], *, award_min: int, weak_max: int
) -> VillageOutcome:
    """S8/S9: the branch's 堡垒星 decides the cadres' pay ratio; a vetoed branch stands at no
    star; 4–5 stars (``award_min``) first for 评先评优; ``weak_max`` stars or fewer, or a veto,
    make the village a 软弱涣散 candidate."""
    grade = 0 if vetoed else stars
    return VillageOutcome(
        stars=grade,
        pay_ratio=Decimal(ratios[grade]),
        award_eligible=grade >= award_min,
        weak_candidate=vetoed or grade <= weak_max,
    )


def member_flag(stars: int, *, award_min: int, unqualified_max: int) -> str:
    """S10: ``award`` (优先评先评优), ``review`` (不合格党员审查: one star or none) or ``""``."""
    if stars >= award_min:
        return "award"
    if stars <= unqualified_max:
        return "review"
    return ""


# --- a ladder figure as an annual-rating item's input (S11) ----------------------------------

MEMBER_SHARE, BRANCH_STARS = "member_share", "branch_stars"


def branch_share(stars: int) -> Decimal:
    """S11: the 堡垒星 figure as a share, stars ÷ 5 (four places)."""
    stars = min(max(int(stars), 0), MAX_STARS)
    return (Decimal(stars) / Decimal(MAX_STARS)).quantize(SHARE_QUANTUM, ROUND_HALF_UP)


def input_points(share: Decimal, max_points: Decimal, full_share: Decimal = Decimal(1)) -> Decimal:
    """S11: an item's points from a ladder share: max × min(1, share ÷ full share), rounded half
    up to 0.1 and never above the item's maximum (nor below 0); at the full share exactly the
    maximum (not the maximum rounded)."""
    share = min(max(Decimal(share), ZERO), Decimal(1))
    full = Decimal(full_share)
    if full <= ZERO or share >= full:
        return Decimal(max_points)
    ratio = share / full
    points = (Decimal(max_points) * ratio).quantize(POINTS_QUANTUM, ROUND_HALF_UP)
    return min(max(points, ZERO), Decimal(max_points))


def full_share_problems(full_share: Decimal) -> list[str]:
    """S11: the share that earns full points lies in (0, 1]."""
    if not ZERO < Decimal(full_share) <= Decimal(1):
        return ["满分比例必须大于0且不超过1"]
    return []
