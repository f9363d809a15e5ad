"""The rules of docs/scoring.md §10 as worked examples, and their properties."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from secretaries import rules

D = datetime.date


@pytest.mark.parametrize(
    ("month", "due_day", "due"),
    [
        (D(2024, 3, 1), 5, D(2024, 4, 5)),  # March's report by 5 April
        (D(2024, 12, 1), 5, D(2025, 1, 5)),  # December's by 5 January of the next year
        (D(2024, 1, 1), 31, D(2024, 2, 29)),  # clamped to February's last day (leap year)
        (D(2023, 1, 1), 31, D(2023, 2, 28)),
        (D(2024, 3, 17), 10, D(2024, 4, 10)),  # any day of the month names the month
    ],
)
def test_report_due_worked_examples(month, due_day, due):
    assert rules.report_due(month, due_day) == due


@pytest.mark.parametrize(
    ("submitted", "late"),
    [(D(2024, 3, 28), 0), (D(2024, 4, 5), 0), (D(2024, 4, 6), 1), (D(2024, 4, 8), 3)],
)
def test_days_late_worked_examples(submitted, late):
    assert rules.days_late(D(2024, 3, 1), submitted, 5) == late


def test_months_owed_worked_example():
    """Approved 2024-02-20, due day 5, on 2024-05-06: February, March and April are past due
    (April's was due 5 May); May is not yet."""
    owed = rules.months_owed(D(2024, 2, 20), D(2024, 12, 1), D(2024, 5, 6), 5)
    assert owed == [D(2024, 2, 1), D(2024, 3, 1), D(2024, 4, 1)]
    assert rules.months_owed(D(2024, 2, 20), D(2024, 12, 1), D(2024, 5, 5), 5)[-1] == D(2024, 3, 1)


def test_due_day_must_be_a_day():
    with pytest.raises(ValueError):
        rules.report_due(D(2024, 1, 1), 0)


@pytest.mark.parametrize(
    ("claimed", "mandatory", "problems"),
    [
        ({1, 2}, {1}, []),
        ({1}, {1}, []),
        (set(), set(), [rules.TOO_FEW]),
        ({1, 2, 3, 4}, {1}, [rules.TOO_MANY]),
        ({2, 3}, {1}, [rules.MISSING_MANDATORY]),  # 党建+村级集体经济 not taken
        ({2}, {1, 5}, [rules.MISSING_MANDATORY]),
    ],
)
def test_claim_problems_worked_examples(claimed, mandatory, problems):
    assert rules.claim_problems(claimed, mandatory) == problems


@given(
    st.dates(min_value=D(2000, 1, 1), max_value=D(2099, 12, 31)),
    st.integers(min_value=1, max_value=31),
    st.integers(min_value=0, max_value=90),
)
def test_due_is_in_the_next_month_and_lateness_counts_days(month, due_day, extra):
    due = rules.report_due(month, due_day)
    assert rules.next_month(rules.first_of_month(month)) == due.replace(day=1)
    assert due.day <= due_day
    assert rules.days_late(month, due, due_day) == 0
    assert rules.days_late(month, due + datetime.timedelta(days=extra), due_day) == extra


@given(
    st.dates(min_value=D(2020, 1, 1), max_value=D(2030, 12, 31)),
    st.integers(min_value=0, max_value=800),
)
def test_owed_months_are_past_due_and_in_order(start, after):
    today = start + datetime.timedelta(days=after)
    end = D(start.year, 12, 1)
    owed = rules.months_owed(start, end, today, 5)
    assert owed == sorted(owed)
    assert all(rules.report_due(m, 5) < today for m in owed)
    assert all(rules.first_of_month(start) <= m <= end for m in owed)
