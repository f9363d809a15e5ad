"""The 述职评议 rules of docs/scoring.md §11 as worked examples, and their properties."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from secretaries import rules

D = Decimal
W = {"leaders": D("0.4"), "members": D("0.3"), "public": D("0.3")}
T = {"excellent": D(90), "good": D(80), "fair": D(60)}
CAPS = {"poor": "fair", "fair": "excellent"}


def test_weighted_score_worked_example():
    """§11 example 1: leaders 92 and 88 (avg 90), members 85, public 80 →
    0.4×90 + 0.3×85 + 0.3×80 = 85.50 → 较好."""
    scores = {"leaders": [D(92), D(88)], "members": [D(85)], "public": [D(80)]}
    assert rules.weighted_score(scores, W) == D("85.50")
    assert rules.review_grade(scores, W, **T) == (D("85.50"), "good", "good")


def test_a_missing_group_rescales_the_others():
    """§11 example 2: the public gave no score → (0.4×90 + 0.3×85) / 0.7 = 87.857… → 87.86."""
    scores = {"leaders": [D(90)], "members": [D(85)]}
    assert rules.weighted_score(scores, W) == D("87.86")


def test_nobody_scored_is_no_result():
    assert rules.weighted_score({}, W) is None
    assert rules.review_grade({}, W, **T) == (None, "", "")
    # A group with weight 0 counts as not scoring.
    assert rules.weighted_score({"public": [D(70)]}, W | {"public": D(0)}) is None


def test_rounding_is_half_up():
    """Averages are kept unrounded; the weighted score is rounded once, half up: weights
    0.5 / 0.25 / 0.25 of 80, 80, 80.02 → 80.005 → 80.01."""
    w = {"leaders": D("0.5"), "members": D("0.25"), "public": D("0.25")}
    scores = {"leaders": [D(80)], "members": [D(80)], "public": [D("80.02")]}
    assert rules.weighted_score(scores, w) == D("80.01")


@pytest.mark.parametrize(
    ("score", "grade"),
    [
        (D(100), "excellent"),
        (D(90), "excellent"),  # the threshold itself belongs to the higher grade
        (D("89.99"), "good"),
        (D(80), "good"),
        (D("79.99"), "fair"),
        (D(60), "fair"),
        (D("59.99"), "poor"),
        (D(0), "poor"),
    ],
)
def test_grade_worked_examples(score, grade):
    assert rules.grade_for(score, **T) == grade


@pytest.mark.parametrize(
    ("grade", "projects", "final"),
    [
        ("excellent", ["poor"], "fair"),  # a failed project caps the review at 一般
        ("good", ["excellent", "poor"], "fair"),  # the worst project counts
        ("poor", ["poor"], "poor"),  # a cap never raises
        ("excellent", ["fair"], "excellent"),  # 一般 caps at 好 = no cap (the default)
        ("excellent", [], "excellent"),  # no graded project: no cap
        ("excellent", [""], "excellent"),  # ungraded project: no cap
    ],
)
def test_project_cap_worked_examples(grade, projects, final):
    assert rules.capped_by_projects(grade, projects, CAPS) == final


def test_project_cap_in_the_whole_rule():
    """§11 example 3: 91.00 by the scores (好), a 差 project → 一般."""
    scores = {"leaders": [D(91)], "members": [D(91)], "public": [D(91)]}
    assert rules.review_grade(scores, W, **T, project_grades=["poor"], caps=CAPS) == (
        D("91.00"),
        "excellent",
        "fair",
    )


def test_weight_and_threshold_problems():
    assert rules.weight_problems(W) == []
    assert rules.weight_problems(W | {"public": D("0.2")}) == [rules.WEIGHTS_SUM]
    assert rules.weight_problems({"leaders": D("1.5"), "members": D("-0.5")}) == [
        rules.WEIGHT_RANGE
    ]
    assert rules.threshold_problems(D(90), D(80), D(60)) == []
    assert rules.threshold_problems(D(80), D(80), D(60)) == [rules.THRESHOLD_ORDER]
    assert rules.threshold_problems(D(120), D(80), D(60)) == [rules.THRESHOLD_RANGE]


# --- properties ---------------------------------------------------------------------------

scores_st = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False)
weights_st = st.tuples(
    st.integers(min_value=0, max_value=1000), st.integers(min_value=0, max_value=1000)
).filter(lambda t: t[0] + t[1] <= 1000)
thresholds_st = st.tuples(scores_st, scores_st, scores_st).filter(lambda t: t[0] > t[1] > t[2])


def _weights(t) -> dict:
    a, b = t
    return {"leaders": D(a) / 1000, "members": D(b) / 1000, "public": D(1000 - a - b) / 1000}


@given(st.lists(scores_st, min_size=2, max_size=2), thresholds_st)
def test_grade_is_monotone_in_the_score(pair, thresholds):
    low, high = sorted(pair)
    t = dict(zip(("excellent", "good", "fair"), thresholds, strict=True))
    assert rules.GRADES.index(rules.grade_for(high, **t)) <= rules.GRADES.index(
        rules.grade_for(low, **t)
    )


@given(scores_st, thresholds_st, st.lists(st.sampled_from([*rules.GRADES, ""]), max_size=3))
def test_grade_is_always_one_of_the_four(score, thresholds, projects):
    t = dict(zip(("excellent", "good", "fair"), thresholds, strict=True))
    grade = rules.grade_for(score, **t)
    assert grade in rules.GRADES
    final = rules.capped_by_projects(grade, projects, CAPS)
    assert final in rules.GRADES
    assert rules.GRADES.index(final) >= rules.GRADES.index(grade)  # a cap never raises


@given(
    weights_st,
    st.lists(scores_st, min_size=1, max_size=5),
    st.lists(scores_st, min_size=1, max_size=5),
    st.lists(scores_st, min_size=1, max_size=5),
)
def test_weights_are_respected(weights, leaders, members, public):
    """With every group scoring, the result is Σ weight × average (to 2 places), and it lies
    between the lowest and the highest group average."""
    w = _weights(weights)
    scores = {"leaders": leaders, "members": members, "public": public}
    got = rules.weighted_score(scores, w)
    assert rules.weight_problems(w) == []
    averages = {g: sum(v) / len(v) for g, v in scores.items()}
    expected = sum(w[g] * averages[g] for g in rules.GROUPS)
    assert abs(got - expected) <= D("0.005")
    assert min(averages.values()) - D("0.005") <= got <= max(averages.values()) + D("0.005")


@given(scores_st, weights_st)
def test_one_group_alone_gives_its_average(score, weights):
    w = _weights(weights)
    for group in rules.GROUPS:
        got = rules.weighted_score({group: [score]}, w)
        assert got == (None if w[group] == 0 else score)
