"""The rules of docs/scoring.md §9 as worked examples, and their properties."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from orghealth import rules

D = datetime.date


# --- 换届: due = last election + term -------------------------------------------------------


@pytest.mark.parametrize(
    ("elected", "term", "due"),
    [
        (D(2021, 3, 15), 5, D(2026, 3, 15)),  # the five-year term of the seed's county
        (D(2021, 3, 15), 3, D(2024, 3, 15)),
        (D(2020, 2, 29), 5, D(2025, 2, 28)),  # a leap day falls back to 28 February
        (D(2020, 2, 29), 4, D(2024, 2, 29)),  # … unless the due year is a leap year too
    ],
)
def test_election_due_worked_examples(elected, term, due):
    assert rules.election_due(elected, term) == due


@pytest.mark.parametrize(
    ("due", "today", "status"),
    [
        (D(2026, 3, 15), D(2026, 3, 16), rules.OVERDUE),  # overdue the day after
        (D(2026, 3, 15), D(2026, 3, 15), rules.DUE_SOON),  # due on the day itself
        (D(2026, 3, 15), D(2025, 12, 15), rules.DUE_SOON),  # 90 days before
        (D(2026, 3, 15), D(2025, 12, 14), rules.ON_TERM),  # 91 days before
        (None, D(2026, 1, 1), rules.UNRECORDED),
    ],
)
def test_election_status_worked_examples(due, today, status):
    assert rules.election_status(due, today, 90) == status


def test_election_term_must_be_positive():
    with pytest.raises(ValueError):
        rules.election_due(D(2021, 1, 1), 0)


@given(
    st.dates(min_value=D(1950, 1, 1), max_value=D(2080, 12, 31)),
    st.integers(min_value=1, max_value=10),
)
def test_due_is_term_years_later_within_a_day(elected, term):
    due = rules.election_due(elected, term)
    assert due.year == elected.year + term
    assert (due.month, due.day) in ((elected.month, elected.day), (2, 28))


# --- Party body type: 党总支 > 100 → 党委, < 20 → 支部 -------------------------------------


@pytest.mark.parametrize(
    ("body", "members", "wanted"),
    [
        (rules.GENERAL_BRANCH, 120, rules.COMMITTEE),  # the seed's three 党总支 over 100
        (rules.GENERAL_BRANCH, 15, rules.BRANCH),  # the seed's two 党总支 under 20
        (rules.GENERAL_BRANCH, 100, None),  # exactly 100 is not "over 100"
        (rules.GENERAL_BRANCH, 20, None),  # exactly 20 is not "under 20"
        (rules.COMMITTEE, 150, None),  # already a 党委
        (rules.BRANCH, 12, None),  # already a 支部
        (rules.BRANCH, 101, rules.COMMITTEE),
    ],
)
def test_suggested_body_worked_examples(body, members, wanted):
    assert rules.suggested_body(body, members, committee_above=100, branch_below=20) == wanted


def test_thresholds_must_be_ordered():
    with pytest.raises(ValueError):
        rules.suggested_body(rules.BRANCH, 10, committee_above=20, branch_below=20)


@given(
    st.sampled_from([rules.COMMITTEE, rules.GENERAL_BRANCH, rules.BRANCH]),
    st.integers(min_value=0, max_value=10_000),
    st.integers(min_value=1, max_value=500),
    st.integers(min_value=1, max_value=500),
)
def test_suggestion_follows_the_thresholds(body, members, low, gap):
    high = low + gap
    wanted = rules.suggested_body(body, members, committee_above=high, branch_below=low)
    if wanted is None:
        assert low <= members <= high or body == (
            rules.COMMITTEE if members > high else rules.BRANCH
        )
    else:
        assert wanted != body
        assert wanted == (rules.COMMITTEE if members > high else rules.BRANCH)


# --- 双承诺 completion rate -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("done", "made", "rate"),
    [
        (256, 297, Decimal("86.2")),  # the seed's organization commitments
        (2154, 2830, Decimal("76.1")),  # the seed's member commitments
        (1, 8, Decimal("12.5")),
        (1, 3, Decimal("33.3")),
        (2, 3, Decimal("66.7")),  # half up
        (0, 5, Decimal("0.0")),
        (5, 5, Decimal("100.0")),
        (0, 0, None),  # nothing made: no rate
    ],
)
def test_rate_worked_examples(done, made, rate):
    assert rules.rate(done, made) == rate


def test_rate_refuses_more_done_than_made():
    with pytest.raises(ValueError):
        rules.rate(3, 2)


@given(st.integers(min_value=1, max_value=100_000), st.data())
def test_rate_is_bounded_and_monotone(made, data):
    done = data.draw(st.integers(min_value=0, max_value=made))
    r = rules.rate(done, made)
    assert Decimal("0") <= r <= Decimal("100")
    assert r == r.quantize(Decimal("0.1"))
    if done < made:
        assert rules.rate(done + 1, made) >= r


# --- 两委 roster facts ----------------------------------------------------------------------


BORN = D(1975, 6, 1)


def person(female=False, born=BORN, college=False, reserve=False):
    return rules.Person(female=female, birth_date=born, college=college, reserve_cadre=reserve)


def test_roster_facts_worked_example():
    """Five members born 1970, 1972, 1975, 1978, 1980 (1 June), on 2024-06-01: ages 54, 52, 49,
    46, 44 → average 49.0 > 48; no woman; one reserve cadre."""
    people = [person(born=D(y, 6, 1)) for y in (1970, 1972, 1975, 1978)] + [
        person(born=D(1980, 6, 1), college=True, reserve=True)
    ]
    facts = rules.roster_facts(people, today=D(2024, 6, 1), max_average_age=Decimal("48"))
    assert facts.count == 5
    assert facts.average_age == Decimal("49.0")
    assert facts.women == 0 and facts.college == 1 and facts.reserve_cadres == 1
    assert facts.flags == [rules.NO_FEMALE, rules.AGE_OVER]


def test_roster_facts_age_is_whole_years_and_average_half_up():
    """Born 1976-06-02: 47 on 2024-06-01 (the birthday is tomorrow); with a 48-year-old the
    average is 47.5, not over 48; a woman and a reserve cadre: no flags."""
    people = [person(born=D(1976, 6, 2), female=True), person(born=D(1976, 6, 1), reserve=True)]
    facts = rules.roster_facts(people, today=D(2024, 6, 1), max_average_age=Decimal("48"))
    assert facts.average_age == Decimal("47.5")
    assert facts.flags == []


def test_empty_roster_has_no_flags():
    facts = rules.roster_facts([], today=D(2024, 6, 1), max_average_age=Decimal("48"))
    assert facts.count == 0 and facts.average_age is None and facts.flags == []


@given(
    st.lists(st.dates(min_value=D(1940, 1, 1), max_value=D(2000, 1, 1)), min_size=1, max_size=15)
)
def test_average_age_lies_between_youngest_and_oldest(births):
    today = D(2024, 6, 1)
    facts = rules.roster_facts(
        [person(born=b) for b in births], today=today, max_average_age=Decimal("48")
    )
    ages = [rules.age_on(b, today) for b in births]
    assert min(ages) <= facts.average_age <= max(ages)
    assert (rules.AGE_OVER in facts.flags) == (facts.average_age > Decimal("48"))
