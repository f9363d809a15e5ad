"""The 一村一档 record and the village page's "星级由来" (issue 14, item 7): the steps shown are
the engine's for worked examples (veto, the rule 10 limit, quotas), in Chinese; the entries
behind each category name who changed each item and when; the STYLE checklist; a query budget."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from assessments import scoring, selectors, services
from assessments.models import Assessment, Round
from tests.conftest import full_sheet
from tests.support.web import as_user

pytestmark = pytest.mark.django_db


def record_url(assessment):
    return reverse("village_record", args=[assessment.organization_id, assessment.round_id])


def engine_steps(round_, assessment) -> list[tuple[int, int]]:
    """What the one engine makes of the round now (rules 0–13), for this assessment."""
    results = scoring.score_round(selectors.round_rules(round_), selectors.scoring_inputs(round_))
    return [(s.rule, s.level) for s in results[assessment.pk].steps]


def shown_steps(response) -> list[tuple[int, int]]:
    return [(s["rule"], s["level"]) for s in response.context["steps"]]


@pytest.fixture
def with_2023(scored_round, county, catalogue, village_a1):
    """A published 2023 round in which A1 had 2 stars."""
    old = Round.objects.create(
        county=county, year=2023, catalogue=catalogue, name="2023年度", status="published"
    )
    Assessment.objects.create(round=old, organization=village_a1, level=2, total=Decimal("65"))
    services.results_refresh(round_=scored_round)
    return scored_round


# --- worked examples: the page shows the engine's steps -----------------------------------


def test_rule_10_promotion_limit(client, county_admin, with_2023, assessment_a1):
    response = as_user(client, county_admin).get(record_url(assessment_a1))

    assert response.status_code == 200
    assert shown_steps(response) == engine_steps(with_2023, assessment_a1)
    assert shown_steps(response)[-1] == (10, 3)
    html = response.content.decode()
    assert "晋升限制：上年2星 + 每年最多晋升1星，最高3星：5星 → 3星。" in html
    assert "评定结果：3星" in html


def test_veto(client, county_admin, scored_round, assessment_a2):
    finding = services.finding_create(
        actor=county_admin, assessment=assessment_a2, item_code="FJ01", evidence="书记被立案审查"
    )
    services.finding_confirm(actor=county_admin, finding=finding)

    response = as_user(client, county_admin).get(record_url(assessment_a2))

    assert shown_steps(response) == engine_steps(scored_round, assessment_a2)
    assert shown_steps(response)[-1] == (11, 0)
    html = response.content.decode()
    assert "已确认的否决项1项：取消评星资格，为0星。" in html
    assert "书记被立案审查" in html and "已确认" in html


def test_quota(client, county_admin, scored_round, assessment_a1, assessment_a2, catalogue):
    # Three at five stars would need a 5-star quota of 1/3: with 0.34, k = 1 keeps the best.
    services.scores_save(
        actor=county_admin,
        assessment=assessment_a2,
        stage="county",
        scores=full_sheet(catalogue, Decimal("0.93")),
        submit=True,
        version=1,
    )
    services.round_update(actor=county_admin, round_=scored_round, quota_5=Decimal("0.34"))
    assessment_a2.refresh_from_db()
    assert assessment_a2.level == 4

    response = as_user(client, county_admin).get(record_url(assessment_a2))

    assert shown_steps(response) == engine_steps(scored_round, assessment_a2)
    assert shown_steps(response)[-1] == (12, 4)
    html = response.content.decode()
    assert "名额控制：5星不超过34%" in html and "5星 → 4星" in html


def test_steps_from_band_to_base_in_chinese(client, county_admin, scored_round, assessment_b1):
    # B1 at 70 % of every item: composite 70 → band 3, no category reaches 80 % → 0 stars.
    response = as_user(client, county_admin).get(record_url(assessment_b1))
    html = response.content.decode()
    assert shown_steps(response) == engine_steps(scored_round, assessment_b1)
    assert "综合得分70.00 ≥ 3星分数线70" in html
    assert "5个类别中0个达到达标线：无" in html
    assert "取两者较低" in html


# --- the entries behind each category ---------------------------------------------------------


def test_entries_name_who_changed_each_item_and_when(
    client, county_admin, scored_round, assessment_a1
):
    response = as_user(client, county_admin).get(record_url(assessment_a1))
    categories = response.context["categories"]
    first = categories[0]["items"][0]
    county = next(e for e in first["entries"] if e["stage"] == "county")
    assert county["points"] is not None and county["by"].startswith("组织部管理员")
    assert county["at"] is not None
    assert first["result"] == str(county["points"]) or Decimal(first["result"]) == county["points"]
    assert "一村一档" in response.content.decode() or "星级评定档案" in response.content.decode()


def test_a_village_secretary_sees_only_its_own_published_stage(
    client, secretary_a1, scored_round, assessment_a1, county_admin
):
    # Unpublished: not found for the village.
    assert as_user(client, secretary_a1).get(record_url(assessment_a1)).status_code == 404
    publish(county_admin, scored_round)

    response = as_user(client, secretary_a1).get(record_url(assessment_a1))
    assert response.status_code == 200
    assert [s["stage"] for s in response.context["stages"]] == ["self"]


# --- the checklist ----------------------------------------------------------------------------


def publish(actor, round_):
    services.round_advance(actor=actor, round_=round_)
    services.round_publish(actor=actor, round_=round_)


def test_record_refusals(
    client,
    scored_round,
    assessment_a1,
    assessor_b,
    maintainer,
    county_admin2,
    evaluator,
    county_admin,
):
    url = record_url(assessment_a1)
    assert client.get(url).status_code == 302  # anonymous → sign in
    # Before publishing only county staff see a record (as on the village page).
    assert as_user(client, evaluator).get(url).status_code == 404
    publish(county_admin, scored_round)
    assert as_user(client, assessor_b).get(url).status_code == 404  # another township
    assert as_user(client, county_admin2).get(url).status_code == 404  # another county
    assert as_user(client, maintainer).get(url).status_code == 403  # wrong role
    assert as_user(client, evaluator).get(url).status_code == 200  # the group's village
    assert as_user(client, evaluator).post(url).status_code == 405
    bad = reverse("village_record", args=[assessment_a1.organization_id, 999999])
    assert as_user(client, evaluator).get(bad).status_code == 404


def test_an_evaluator_sees_only_the_groups_villages(
    client, evaluator, scored_round, assessment_b1, county_admin
):
    publish(county_admin, scored_round)
    assert as_user(client, evaluator).get(record_url(assessment_b1)).status_code == 404


def test_record_query_budget(
    client, county_admin, with_2023, assessment_a1, django_assert_max_num_queries
):
    services.finding_create(
        actor=county_admin, assessment=assessment_a1, item_code="JX01", evidence="通报批评"
    )
    services.survey_save(actor=county_admin, assessment=assessment_a1, respondents=20, satisfied=19)
    as_user(client, county_admin)
    with django_assert_max_num_queries(15):
        assert client.get(record_url(assessment_a1)).status_code == 200


def test_record_query_budget_for_an_evaluator(
    client, evaluator, scored_round, assessment_a1, county_admin, django_assert_max_num_queries
):
    publish(county_admin, scored_round)
    as_user(client, evaluator)
    with django_assert_max_num_queries(15):
        assert client.get(record_url(assessment_a1)).status_code == 200


# --- the village page -----------------------------------------------------------------------


def test_village_page_explains_the_latest_star_and_links_the_record(
    client, county_admin, with_2023, assessment_a1
):
    response = as_user(client, county_admin).get(
        reverse("village", args=[assessment_a1.organization_id])
    )
    html = response.content.decode()
    assert "星级由来（2024年度：3星）" in html
    assert "晋升限制" in html
    assert record_url(assessment_a1) in html
    assert [(s["rule"], s["level"]) for s in response.context["explain"]["steps"]] == engine_steps(
        with_2023, assessment_a1
    )
