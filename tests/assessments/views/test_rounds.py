"""Round list, overview (progress per township) and the county admin's actions."""

from __future__ import annotations

import pytest
from django.urls import reverse

from assessments import services
from assessments.models import Round, StageReopening
from tests.conftest import full_sheet, move_to
from tests.factories import OrganizationFactory
from tests.support.web import as_user

pytestmark = pytest.mark.django_db


def overview(round_):
    return reverse("round_overview", args=[round_.pk])


def action(round_):
    return reverse("round_action", args=[round_.pk])


def test_round_list(client, auditor, round_2024):
    response = as_user(client, auditor).get(reverse("round_list"))
    assert response.status_code == 200
    assert round_2024.name in response.content.decode()


def test_overview_counts_sheets_per_township_and_stage(
    client, county_admin, secretary_a1, assessment_a1, catalogue
):
    services.scores_save(
        actor=secretary_a1,
        assessment=assessment_a1,
        stage="self",
        scores=full_sheet(catalogue),
        submit=True,
    )
    response = as_user(client, county_admin).get(overview(assessment_a1.round))
    assert response.status_code == 200
    rows = {r["township_name"]: r for r in response.context["progress"]}
    assert rows["七道江镇"]["villages"] == 2
    assert rows["七道江镇"]["stages"]["self"] == {"not_started": 1, "draft": 0, "submitted": 1}
    assert rows["六道江镇"]["stages"]["self"]["not_started"] == 1
    html = response.content.decode()
    assert "进入下一阶段" in html and "重新开放某一阶段" in html


def test_overview_query_budget(client, county_admin, round_2024, django_assert_max_num_queries):
    as_user(client, county_admin)
    # +2 since issue 14: the round's reviewing departments and the gate overrides.
    with django_assert_max_num_queries(14):
        client.get(
            overview(round_2024)
            + f"?township={round_2024.assessments.first().organization.parent_id}"
        )


def test_township_assessor_sees_only_own_villages_and_no_admin_actions(
    client, assessor_a, round_2024
):
    move_to(round_2024, Round.Status.TOWNSHIP_REVIEW)
    response = as_user(client, assessor_a).get(overview(round_2024))
    html = response.content.decode()
    assert [r["township_name"] for r in response.context["progress"]] == ["七道江镇"]
    assert "七道江村" in html and "六道江村" not in html
    assert "进入下一阶段" not in html
    assert html.count(">评分</a>") == 2


def test_anonymous_redirected(client, round_2024):
    assert client.get(overview(round_2024)).status_code == 302
    assert client.post(action(round_2024), {"action": "advance"}).status_code == 302


def test_other_county_round_is_not_found(client, county_admin, catalogue):
    other = OrganizationFactory(code="220603000000", name="江源区", kind="county")
    round_ = Round.objects.create(county=other, year=2024, catalogue=catalogue, name="江源区2024")
    as_user(client, county_admin)
    assert client.get(overview(round_)).status_code == 404
    assert client.post(action(round_), {"action": "advance"}).status_code == 404


def test_wrong_role(client, maintainer, assessor_a, round_2024):
    assert as_user(client, maintainer).get(overview(round_2024)).status_code == 403
    response = as_user(client, assessor_a).post(action(round_2024), {"action": "advance"})
    assert response.status_code == 403
    assert "只有本区县的县级管理员" in response.content.decode()
    round_2024.refresh_from_db()
    assert round_2024.status == Round.Status.SELF_ASSESSMENT


def test_wrong_method(client, county_admin, round_2024):
    as_user(client, county_admin)
    assert client.get(action(round_2024)).status_code == 405
    assert client.post(overview(round_2024)).status_code == 405


def test_advance_moves_the_round_on(client, county_admin, round_2024):
    response = as_user(client, county_admin).post(action(round_2024), {"action": "advance"})
    assert response.status_code == 302
    round_2024.refresh_from_db()
    assert round_2024.status == Round.Status.TOWNSHIP_REVIEW
    assert "已进入下一阶段" in client.get(response.url).content.decode()


def test_advance_refused_with_the_villages_missing(client, county_admin, round_2024):
    move_to(round_2024, Round.Status.COUNTY_REVIEW)
    response = as_user(client, county_admin).post(action(round_2024), {"action": "advance"})
    assert response.status_code == 409
    html = response.content.decode()
    assert "还有3个村的“考评组评定”评分表未提交" in html and "六道江村" in html
    round_2024.refresh_from_db()
    assert round_2024.status == Round.Status.COUNTY_REVIEW


def test_reopen_needs_a_reason(client, county_admin, round_2024):
    move_to(round_2024, Round.Status.TOWNSHIP_REVIEW)
    response = as_user(client, county_admin).post(
        action(round_2024), {"action": "reopen", "stage": "self", "reason": ""}
    )
    assert response.status_code == 400
    assert "重新开放阶段失败" in response.content.decode()
    assert not StageReopening.objects.exists()


def test_reopen_with_reason(client, county_admin, round_2024):
    move_to(round_2024, Round.Status.TOWNSHIP_REVIEW)
    response = as_user(client, county_admin).post(
        action(round_2024),
        {
            "action": "reopen",
            "stage": "self",
            "reason": "两个村补录",
            "deadline": "2099-01-01T18:00",
        },
    )
    assert response.status_code == 302
    round_2024.refresh_from_db()
    assert round_2024.status == Round.Status.SELF_ASSESSMENT
    assert StageReopening.objects.get().reason == "两个村补录"


def test_publish_in_wrong_status_is_a_conflict(client, county_admin, round_2024):
    response = as_user(client, county_admin).post(action(round_2024), {"action": "publish"})
    assert response.status_code == 409
    assert "只有公示中的评定轮次可以发布" in response.content.decode()


def test_unknown_action_is_bad_input(client, county_admin, round_2024):
    response = as_user(client, county_admin).post(action(round_2024), {"action": "explode"})
    assert response.status_code == 400
    assert "未知的操作" in response.content.decode()


def test_round_list_roles(client, maintainer, round_2024):
    assert as_user(client, maintainer).get(reverse("round_list")).status_code == 403
    assert client.post(reverse("round_list")).status_code == 405
    client.logout()
    assert client.get(reverse("round_list")).status_code == 302


# --- issue 12: the next stage must not open already locked ----------------------------------


def _past(round_, field="township_deadline"):
    from datetime import timedelta

    from django.utils import timezone

    Round.objects.filter(pk=round_.pk).update(**{field: timezone.now() - timedelta(days=2)})
    round_.refresh_from_db()


def test_advance_asks_for_the_next_stages_deadline_when_it_has_passed(
    client, county_admin, round_2024
):
    _past(round_2024)
    html = as_user(client, county_admin).get(overview(round_2024)).content.decode()
    field = html[: html.index('id="advance-deadline"')]
    field = html[field.rindex("<input") : html.index(">", len(field))]
    assert 'name="deadline"' in field and " required" in field
    assert "已过，请设置新的截止时间" in html

    refused = client.post(action(round_2024), {"action": "advance"})
    assert refused.status_code == 400
    assert "截止时间" in refused.content.decode() and "已过" in refused.content.decode()
    bad = client.post(action(round_2024), {"action": "advance", "deadline": "明天"})
    assert bad.status_code == 400
    round_2024.refresh_from_db()
    assert round_2024.status == Round.Status.SELF_ASSESSMENT

    response = client.post(
        action(round_2024), {"action": "advance", "deadline": "2099-06-30T18:00"}
    )
    assert response.status_code == 302
    round_2024.refresh_from_db()
    assert round_2024.status == Round.Status.TOWNSHIP_REVIEW
    assert round_2024.stage_open("township")


def test_the_round_page_warns_when_the_open_stage_has_passed_its_deadline(
    client, county_admin, assessor_a, round_2024
):
    assert (
        "deadline-passed"
        not in as_user(client, county_admin).get(overview(round_2024)).content.decode()
    )
    _past(round_2024, "self_deadline")
    html = client.get(overview(round_2024)).content.decode()
    assert 'id="deadline-passed"' in html and "“村自评”已于" in html and "重新开放" in html
    html = as_user(client, assessor_a).get(overview(round_2024)).content.decode()
    assert "请联系县级管理员重新开放" in html
