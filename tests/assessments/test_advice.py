"""assessments.advice: what a village needs for the next level (pure, over the engine's rules)."""

from __future__ import annotations

from decimal import Decimal as D

from assessments.advice import level_advice, next_level_advice, points_text
from assessments.scoring import AssessmentInput, CategoryRule, RoundRules, assess

NAMES = {"SJ": "书记星", "DW": "队伍星", "CY": "产业星", "MS": "民生星", "ZL": "治理星"}


def rules(**kwargs) -> RoundRules:
    categories = tuple(
        CategoryRule(code, name, D("20"), D("16"), (f"{code}01",)) for code, name in NAMES.items()
    )
    return RoundRules(categories=categories, **kwargs)


def scores(*values):
    return {code: D(str(v)) for code, v in zip(NAMES, values, strict=True)}


def test_example_of_the_issue():
    # 3 stars now (band 3, four categories pass); four stars need 产业星 and a total of 80.
    s = scores(18, 17, "14.5", "16.5", "11")
    advice = next_level_advice(rules(), s, sum(s.values()))
    assert advice.level == 3 and advice.target == 4
    assert advice.text == "产业星差1.5分达标；总分差3分达四星"


def test_only_stars_missing():
    s = scores(20, 20, 20, "15", "5")  # total 80 → band 4, stars 3
    advice = next_level_advice(rules(), s, D("80"))
    assert advice.text == "民生星差1分达标，即可达四星"


def test_mode_total_ignores_stars():
    s = scores(20, 20, 20, "15", "5")
    advice = next_level_advice(rules(level_mode="total"), s, D("80"))
    assert advice.target == 5 and advice.text == "总分差10分达五星"


def test_composite_named_with_a_satisfaction_weight():
    s = scores(20, 20, 20, 20, 5)
    advice = next_level_advice(rules(satisfaction_weight=D("0.3")), s, D("79.5"))
    assert advice.text == "综合得分差0.5分达四星"


def test_top_and_veto():
    top = scores(20, 20, 20, 20, 20)
    assert next_level_advice(rules(), top, D("100")).target is None
    vetoed = next_level_advice(rules(), top, D("100"), vetoed=True)
    assert vetoed.text == "触及否决项，本年度取消评星资格"


def test_points_text():
    assert points_text(D("1.50")) == "1.5" and points_text(D("3.00")) == "3"
    assert points_text(D("0.25")) == "0.25"


# --- the advice agrees with the projected level (issue 12, defect 3) -----------------------


def _advised(r: RoundRules, points: str, **inp) -> tuple[int, str]:
    sheet = {f"{code}01": D(points) for code in NAMES}
    result = assess(r, AssessmentInput(key=1, sheets={"county": sheet}, **inp))
    advice = level_advice(
        r,
        result.category_scores,
        result.composite,
        level=result.level,
        steps=[(s.rule, s.level) for s in result.steps],
        previous_level=result.previous_level,
        vetoed=result.vetoed,
    )
    return result.level, advice.text


def test_a_hundred_points_after_two_stars_is_explained_by_the_promotion_limit():
    level, text = _advised(rules(), "20", previous_level=2)

    assert level == 3
    assert text == "按规则10，较上年（2星）最多晋升一级：预计3星（分数已达五星线）"
    assert "保持即可" not in text


def test_the_first_year_cap_and_star_deductions_are_named():
    assert _advised(rules(first_year_max=3), "20")[1] == (
        "按规则10，首次评定最高3星：预计3星（分数已达五星线）"
    )
    assert _advised(rules(), "20", star_deduction_count=2)[1] == (
        "按规则9，减星项减2星：预计3星（分数已达五星线）"
    )


def test_nothing_holding_the_level_down_gives_the_gaps_as_before():
    assert _advised(rules(), "20", previous_level=4)[1] == "已达五星，保持即可"
    assert _advised(rules(), "20", previous_level=2, exceptional=True)[1] == "已达五星，保持即可"
    assert _advised(rules(), "20", veto_count=1)[1] == "触及否决项，本年度取消评星资格"
