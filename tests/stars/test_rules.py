"""创星晋级 rules (docs/scoring.md §S1–S7): the worked examples, then properties."""

from __future__ import annotations

import datetime
from decimal import Decimal as D

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stars import rules
from stars.rules import ADD, DEDUCT, VETO, Entry

T = (D("10"), D("20"), D("30"), D("40"), D("50"))  # the default 先锋星 thresholds


def e(month: int, kind: str, points: str, year: int = 2024) -> Entry:
    return Entry(datetime.date(year, month, 15), kind, D(points))


def test_s1_monthly_sums_and_quarters():
    entries = [e(1, ADD, "2"), e(1, ADD, "3"), e(3, ADD, "1.5"), e(4, ADD, "2"), e(4, DEDUCT, "1")]
    monthly = rules.monthly_sums(entries, 2024)
    assert monthly[1] == D("5.0") and monthly[2] == D("0.0") and monthly[3] == D("1.5")
    assert monthly[4] == D("2.0")  # a 减星项 earns no points
    assert rules.quarterly_sums(monthly) == {1: D("6.5"), 2: D("2.0"), 3: D("0"), 4: D("0")}


def test_s2_grade_thresholds_at_and_below_each_line():
    assert rules.grade_for_points(D("9.9"), T) == 0
    assert rules.grade_for_points(D("10"), T) == 1
    assert rules.grade_for_points(D("39.9"), T) == 3
    assert rules.grade_for_points(D("40"), T) == 4
    assert rules.grade_for_points(D("500"), T) == 5


def test_s2_threshold_problems():
    assert rules.threshold_problems(T) == []
    assert rules.threshold_problems((D("10"), D("10"), D("30"), D("40"), D("50"))) == [
        "分数线必须逐档递增"
    ]
    assert rules.threshold_problems((D("0"), D("1"), D("2"), D("3"), D("4"))) == ["分数线必须大于0"]
    assert rules.threshold_problems(T[:4]) == ["需要5个档次分数线"]


def test_s3_deduction_takes_whole_stars_never_below_zero():
    earned = [e(m, ADD, "4") for m in range(1, 12)]  # 44 points: four stars
    assert rules.standing(earned, T, 2024).stars == 4
    one_off = rules.standing([*earned, e(12, DEDUCT, "1")], T, 2024)
    assert (one_off.stars, one_off.deducted, one_off.points) == (3, 1, D("44.0"))
    assert rules.standing([e(1, ADD, "12"), e(2, DEDUCT, "2")], T, 2024).stars == 0


def test_s4_veto_is_no_star_whatever_the_points():
    result = rules.standing([e(1, ADD, "60"), e(6, VETO, "0")], T, 2024)
    assert (result.stars, result.vetoed, result.points) == (0, True, D("60.0"))


def test_s4_stars_rise_and_fall_as_entries_are_approved():
    entries: list[Entry] = []
    seen = []
    for entry in [e(1, ADD, "10"), e(2, ADD, "10"), e(3, DEDUCT, "1"), e(4, ADD, "15")]:
        entries.append(entry)
        seen.append(rules.standing(entries, T, 2024).stars)
    assert seen == [1, 2, 1, 2]


def test_s5_year_end_reset_counts_only_the_year():
    history = [e(11, ADD, "50", year=2023), e(12, VETO, "0", year=2023)]
    assert rules.standing(history, T, 2023).stars == 0  # vetoed in 2023
    fresh = rules.standing([*history, e(1, ADD, "10", year=2024)], T, 2024)
    assert (fresh.stars, fresh.points, fresh.vetoed) == (1, D("10.0"), False)


def test_s6_exemplary_star_is_capped_by_the_mean_of_the_level_below():
    assert rules.exemplary_star(5, [5, 4, 3]) == 4
    assert rules.exemplary_star(3, [5, 5]) == 3
    assert rules.exemplary_star(4, [4, 3]) == 3  # 3.5 rounds down
    assert rules.exemplary_star(2, []) == 2


def test_s7_share_at_least():
    assert rules.share_at_least([5, 4, 3, 0], 4) == D("0.5000")
    assert rules.share_at_least([4, 4, 1], 4) == D("0.6667")
    assert rules.share_at_least([], 4) == D("0.0000")


kinds = st.sampled_from([ADD, ADD, ADD, DEDUCT, VETO])
entry_st = st.builds(
    lambda m, d, k, p: Entry(datetime.date(2024, m, d), k, p if k == ADD else D(int(p) % 3)),
    st.integers(1, 12),
    st.integers(1, 28),
    kinds,
    st.decimals(min_value=0, max_value=30, places=1, allow_nan=False, allow_infinity=False),
)


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.lists(entry_st, max_size=40))
def test_property_grade_always_between_0_and_5(entries):
    assert 0 <= rules.standing(entries, T, 2024).stars <= 5


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.lists(entry_st, max_size=40), st.integers(1, 12))
def test_property_veto_is_always_zero(entries, month):
    assert rules.standing([*entries, e(month, VETO, "0")], T, 2024).stars == 0


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    st.lists(entry_st, max_size=40),
    st.decimals(min_value=0, max_value=50, places=1, allow_nan=False, allow_infinity=False),
)
def test_property_monotone_in_points(entries, extra):
    before = rules.standing(entries, T, 2024).stars
    after = rules.standing([*entries, Entry(datetime.date(2024, 6, 1), ADD, extra)], T, 2024).stars
    assert after >= before


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.lists(entry_st, max_size=40))
def test_property_monthly_sums_add_up_to_the_points(entries):
    result = rules.standing(entries, T, 2024)
    assert sum(result.monthly.values()) == result.points
    assert sum(rules.quarterly_sums(result.monthly).values()) == result.points


# --- 奖惩凭星 (S8–S10) ---

PAY = rules.DEFAULT_PAY


def test_s8_pay_ratio_by_the_branch_star_and_veto():
    assert [
        rules.village_outcome(s, False, PAY, award_min=4, weak_max=1).pay_ratio for s in range(6)
    ] == [D("0"), D("0.50"), D("0.80"), D("1.00"), D("1.10"), D("1.20")]
    vetoed = rules.village_outcome(5, True, PAY, award_min=4, weak_max=1)
    assert (vetoed.stars, vetoed.pay_ratio, vetoed.award_eligible, vetoed.weak_candidate) == (
        0,
        D("0"),
        False,
        True,
    )


def test_s9_awards_and_weak_candidates():
    four = rules.village_outcome(4, False, PAY, award_min=4, weak_max=1)
    assert four.award_eligible and not four.weak_candidate
    one = rules.village_outcome(1, False, PAY, award_min=4, weak_max=1)
    assert one.weak_candidate and not one.award_eligible
    assert not rules.village_outcome(2, False, PAY, award_min=4, weak_max=1).weak_candidate


def test_s10_member_flags():
    assert [rules.member_flag(s, award_min=4, unqualified_max=1) for s in range(6)] == [
        "review",
        "review",
        "",
        "",
        "award",
        "award",
    ]


def test_s8_pay_problems():
    assert rules.pay_problems(PAY) == []
    assert rules.pay_problems(PAY[:5]) == ["需要6个档次的系数"]
    assert rules.pay_problems((D("0"), D("1"), D("0.5"), D("1"), D("1"), D("3"))) == [
        "系数必须在0到2之间",
        "星级越高，系数不能越低",
    ]


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.integers(0, 5), st.booleans())
def test_property_pay_ratio_is_the_tables_and_veto_pays_the_no_star_ratio(stars, vetoed):
    result = rules.village_outcome(stars, vetoed, PAY, award_min=4, weak_max=1)
    assert result.pay_ratio == (PAY[0] if vetoed else PAY[stars])
    assert not (result.award_eligible and result.weak_candidate)


# --- S11: a ladder figure as an annual-rating item's input (docs/scoring.md, examples 15–19) --


def test_example_15_points_are_max_times_share_rounded_to_a_tenth():
    assert rules.input_points(D("0.5000"), D("3.00")) == D("1.5")
    assert rules.input_points(D("0.3333"), D("2.50")) == D("0.8")  # 0.83325 → 0.8
    assert rules.input_points(D("0.2500"), D("1.50")) == D("0.4")  # 0.375 → 0.4, half up


def test_example_16_full_points_at_the_full_share():
    assert rules.input_points(D("0.6000"), D("2.00"), D("0.8")) == D("1.5")
    assert rules.input_points(D("0.9000"), D("2.00"), D("0.8")) == D("2.00")


def test_example_17_never_above_the_items_maximum():
    assert rules.input_points(D("1"), D("2.25")) == D("2.25")  # the maximum, not 2.3
    assert rules.input_points(D("0.9999"), D("2.25")) == D("2.2")  # 2.2498 → 2.2
    assert rules.input_points(D("0.9900"), D("0.26")) == D("0.26")  # 0.2574 → 0.3, capped


def test_example_18_no_members_or_no_stars_give_zero():
    assert rules.input_points(rules.share_at_least([], 4), D("3")) == D("0.0")
    assert rules.input_points(D("0"), D("3")) == D("0.0")


def test_example_19_the_branch_figure_is_stars_over_five():
    assert rules.branch_share(4) == D("0.8000")
    assert rules.input_points(rules.branch_share(4), D("2.50")) == D("2.0")
    assert rules.branch_share(0) == D("0.0000")


def test_full_share_must_be_in_zero_to_one():
    assert rules.full_share_problems(D("1")) == []
    assert rules.full_share_problems(D("0.5")) == []
    assert rules.full_share_problems(D("0")) and rules.full_share_problems(D("1.2"))


shares = st.decimals(min_value=0, max_value=1, places=4)
maxima = st.decimals(min_value=D("0.01"), max_value=100, places=2)
fulls = st.decimals(min_value=D("0.0001"), max_value=1, places=4)


@given(shares, maxima, fulls)
def test_property_input_points_lie_within_zero_and_the_maximum(share, maximum, full):
    points = rules.input_points(share, maximum, full)
    assert D(0) <= points <= maximum


@given(shares, shares, maxima, fulls)
def test_property_input_points_are_monotone_in_the_share(a, b, maximum, full):
    low, high = sorted((a, b))
    assert rules.input_points(low, maximum, full) <= rules.input_points(high, maximum, full)


@given(maxima)
def test_property_a_full_share_gives_the_maximum(maximum):
    assert rules.input_points(D(1), maximum) == maximum
