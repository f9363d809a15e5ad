"""The rules of organization health (docs/scoring.md §9), pure functions of plain data: no
Django, Decimal only. Worked examples in docs/scoring.md are tests (tests/orghealth/test_rules.py).

- 换届: the due date is the last election plus the term in whole years (a 29 February election
  is due on 28 February of a common year); overdue the day after the due date; "due soon"
  within the county's reminder window.
- Party body type: more than ``committee_above`` members → 党委; fewer than ``branch_below``
  → 支部 (a 党总支 of 120 is flagged to become a 党委, one of 15 a 支部); in between the body
  stands as it is.
- 双承诺: the completion rate is done ÷ made × 100, rounded half up to one decimal
  (256 of 297 → 86.2); nothing made → no rate.
- 两委 roster facts: head count, women, average age (one decimal, half up), college-educated,
  reserve cadres, and the flags 队伍星 reads: no woman, average age over the county's limit,
  no reserve cadre.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

OVERDUE = "overdue"
DUE_SOON = "due_soon"
ON_TERM = "on_term"
UNRECORDED = "unrecorded"

COMMITTEE = "committee"
GENERAL_BRANCH = "general_branch"
BRANCH = "branch"

NO_FEMALE = "no_female"
AGE_OVER = "average_age_over"
NO_RESERVE = "no_reserve_cadre"

ONE_PLACE = Decimal("0.1")


def add_years(day: datetime.date, years: int) -> datetime.date:
    """The same calendar day ``years`` later; 29 February falls back to 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def election_due(elected_on: datetime.date, term_years: int) -> datetime.date:
    """换届 due date: last election + term (a five-year term from 2021-03-15 → 2026-03-15)."""
    if term_years < 1:
        raise ValueError("term_years must be at least 1")
    return add_years(elected_on, term_years)


def election_status(due: datetime.date | None, today: datetime.date, remind_days: int) -> str:
    """overdue (due before today) · due_soon (within ``remind_days``) · on_term · unrecorded."""
    if due is None:
        return UNRECORDED
    if due < today:
        return OVERDUE
    if (due - today).days <= remind_days:
        return DUE_SOON
    return ON_TERM


def suggested_body(
    body: str, members: int, *, committee_above: int, branch_below: int
) -> str | None:
    """The body type the member count calls for, or None when the present one stands."""
    if branch_below >= committee_above:
        raise ValueError("branch_below must be less than committee_above")
    if members > committee_above:
        wanted = COMMITTEE
    elif members < branch_below:
        wanted = BRANCH
    else:
        return None
    return None if wanted == body else wanted


def rate(done: int, made: int) -> Decimal | None:
    """Completion rate in percent, one decimal, half up: rate(256, 297) == Decimal("86.2")."""
    if made <= 0:
        return None
    if not 0 <= done <= made:
        raise ValueError("done must be between 0 and made")
    return (Decimal(done) * 100 / Decimal(made)).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


def age_on(birth: datetime.date, today: datetime.date) -> int:
    """Whole years of age on ``today``."""
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


@dataclass(frozen=True)
class Person:
    female: bool
    birth_date: datetime.date | None
    college: bool
    reserve_cadre: bool


@dataclass(frozen=True)
class RosterFacts:
    count: int
    women: int
    average_age: Decimal | None
    college: int
    reserve_cadres: int
    flags: list[str] = field(default_factory=list)


def roster_facts(
    people: list[Person], *, today: datetime.date, max_average_age: Decimal
) -> RosterFacts:
    """What the 两委 roster shows beside the 队伍星 items. Ages count only known birth dates;
    an empty roster has no flags (there is nothing to judge yet)."""
    ages = [age_on(p.birth_date, today) for p in people if p.birth_date is not None]
    average = (
        (Decimal(sum(ages)) / len(ages)).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)
        if ages
        else None
    )
    women = sum(1 for p in people if p.female)
    reserve = sum(1 for p in people if p.reserve_cadre)
    flags: list[str] = []
    if people:
        if women == 0:
            flags.append(NO_FEMALE)
        if average is not None and average > max_average_age:
            flags.append(AGE_OVER)
        if reserve == 0:
            flags.append(NO_RESERVE)
    return RosterFacts(
        count=len(people),
        women=women,
        average_age=average,
        college=sum(1 for p in people if p.college),
        reserve_cadres=reserve,
        flags=flags,
    )
