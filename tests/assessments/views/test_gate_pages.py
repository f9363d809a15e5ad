"""The pages of issue 14 (items 1–3): joint-review departments and progress, clearance
withdrawal, spot checks, objections and appeals, the override reason on the round page; the
STYLE.md checklist on each."""

from __future__ import annotations

import pytest
from django.urls import reverse

from assessments import services
from assessments.models import (
    DepartmentClearance,
    GateOverride,
    Objection,
    ReviewDepartment,
    Round,
    SpotCheckDraw,
)
from tests.conftest import move_to
from tests.support.web import as_user

pytestmark = pytest.mark.django_db


# --- joint review -------------------------------------------------------------------------------


def test_findings_page_lists_every_department_at_zero(
    client, round_2024, county_admin, reviewer, assessment_a1
):
    services.review_departments_set(
        actor=county_admin, round_=round_2024, departments=["discipline", "petitions"]
    )
    services.clearance_record(actor=reviewer, assessment=assessment_a1)

    response = as_user(client, reviewer).get(reverse("findings", args=[round_2024.pk]))

    rows = {p["department"]: p for p in response.context["progress"]}
    assert rows["petitions"]["percent"] == 0 and rows["discipline"]["done"] == 1
    html = response.content.decode()
    assert "信访" in html and "还差 3 村" in html


def test_admin_sets_departments_on_the_page(client, round_2024, county_admin, reviewer, round2):
    url = reverse("review_departments", args=[round_2024.pk])
    response = as_user(client, county_admin).post(
        url, {"departments": ["organization", "discipline"]}
    )
    assert response.status_code == 302
    assert list(
        ReviewDepartment.objects.filter(round=round_2024).values_list("department", flat=True)
    ) == ["organization", "discipline"]
    bad = client.post(url, {"departments": ["nowhere"]})
    assert bad.status_code == 400 and "部门不存在" in bad.content.decode()
    assert client.get(url).status_code == 405
    assert client.post(reverse("review_departments", args=[round2.pk])).status_code == 404
    assert as_user(client, reviewer).post(url, {"departments": []}).status_code == 403
    move_to(round_2024, Round.Status.PUBLICITY)
    locked = as_user(client, county_admin).post(url, {"departments": ["tax"]})
    assert locked.status_code == 409
    client.logout()
    assert client.post(url, {"departments": []}).status_code == 302  # to the login page
    assert ReviewDepartment.objects.filter(round=round_2024).count() == 2


def test_clearance_withdrawn_on_the_page(
    client, round_2024, reviewer, assessor_a, county_admin2, assessment_a1
):
    clearance = services.clearance_record(actor=reviewer, assessment=assessment_a1)
    url = reverse("clearance_withdraw", args=[clearance.pk])

    assert as_user(client, county_admin2).post(url, {"reason": "x"}).status_code == 404
    assert as_user(client, assessor_a).post(url, {"reason": "x"}).status_code == 403
    assert as_user(client, reviewer).post(url, {"reason": ""}).status_code == 400
    assert client.get(url).status_code == 405
    assert client.post(url, {"reason": "误登记"}).status_code == 302
    clearance.refresh_from_db()
    assert clearance.withdrawn_reason == "误登记"
    assert client.post(url, {"reason": "再撤"}).status_code == 409
    assert DepartmentClearance.objects.filter(withdrawn_at__isnull=True).count() == 0


def test_round_page_shows_progress_and_takes_an_override_reason(client, scored_round, county_admin):
    services.review_departments_set(
        actor=county_admin, round_=scored_round, departments=["agriculture"]
    )
    page = as_user(client, county_admin).get(reverse("round_overview", args=[scored_round.pk]))
    assert "联查联审进度" in page.content.decode() and "农业农村" in page.content.decode()

    url = reverse("round_action", args=[scored_round.pk])
    refused = client.post(url, {"action": "advance"})
    assert refused.status_code == 409 and "联查联审未完成" in refused.content.decode()
    passed = client.post(url, {"action": "advance", "override_reason": "农业农村局另行报送"})
    assert passed.status_code == 302
    assert GateOverride.objects.get().reason == "农业农村局另行报送"
    page = client.get(reverse("round_overview", args=[scored_round.pk]))
    assert "农业农村局另行报送" in page.content.decode()


# --- spot checks --------------------------------------------------------------------------------


def test_spot_check_page_draws_and_redraws(
    client, round_2024, county_admin, auditor, django_assert_max_num_queries
):
    draw_url = reverse("spot_draw", args=[round_2024.pk])
    as_user(client, county_admin)
    first = client.post(
        draw_url,
        {
            "size_kind": "count",
            "size_value": "2",
            "seed": "7",
            "interviewee_pool": "甲\n乙\n丙",
            "interviewee_count": "2",
        },
    )
    assert first.status_code == 302
    refused = client.post(draw_url, {"size_kind": "count", "size_value": "2"})
    assert refused.status_code == 409 and "重新抽取须填写原因" in refused.content.decode()
    assert (
        client.post(
            draw_url, {"size_kind": "count", "size_value": "1", "reason": "抽样范围有误"}
        ).status_code
        == 302
    )

    as_user(client, auditor)
    with django_assert_max_num_queries(25):
        page = client.get(reverse("spotchecks", args=[round_2024.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and "抽样范围有误" in html and "已作废" in html
    assert "draw-form" not in html  # the auditor cannot draw
    assert SpotCheckDraw.objects.count() == 2


def test_spot_check_page_checklist(
    client, round_2024, round2, county_admin, evaluator, secretary_a1, county_admin2
):
    url = reverse("spotchecks", args=[round_2024.pk])
    draw_url = reverse("spot_draw", args=[round_2024.pk])
    assert client.get(url).status_code == 302
    assert as_user(client, secretary_a1).get(url).status_code == 403
    assert as_user(client, county_admin2).get(url).status_code == 404
    assert (
        as_user(client, evaluator)
        .post(draw_url, {"size_kind": "count", "size_value": "1"})
        .status_code
        == 403
    )
    as_user(client, county_admin)
    bad = client.post(draw_url, {"size_kind": "count", "size_value": "x", "seed": "abc"})
    assert bad.status_code == 400 and "须为非负整数" in bad.content.decode()
    assert client.post(url).status_code == 405
    move_to(round_2024, "archived")
    assert client.post(draw_url, {"size_kind": "count", "size_value": "1"}).status_code == 409
    assert not SpotCheckDraw.objects.filter(round=round_2024).exists()


def test_checker_records_an_outcome_on_the_page(client, round_2024, county_admin, evaluator):
    draw = services.spot_draw(
        actor=county_admin, round_=round_2024, size_kind="count", size_value="1", seed=1
    )
    check = draw.checks.get()
    as_user(client, county_admin)
    assert (
        client.post(reverse("spot_assign", args=[check.pk]), {"checker": evaluator.pk}).status_code
        == 302
    )
    as_user(client, evaluator)
    outcome = reverse("spot_outcome", args=[check.pk])
    bad = client.post(outcome, {"outcome": "differences"})
    assert bad.status_code == 400 and "不是本轮的评分项或减分项代码" in bad.content.decode()
    assert client.post(outcome, {"outcome": "confirmed", "note": "属实"}).status_code == 302
    check.refresh_from_db()
    assert check.outcome == "confirmed"


# --- objections ---------------------------------------------------------------------------------


@pytest.fixture
def in_publicity(scored_round, county_admin):
    services.round_advance(actor=county_admin, round_=scored_round)
    return scored_round


def test_objection_lodged_handled_counted_and_printable(
    client, in_publicity, assessment_a1, assessor_b, county_admin
):
    lodge = reverse("objection_lodge", args=[in_publicity.pk])
    as_user(client, assessor_b)
    assert (
        client.post(lodge, {"assessment": assessment_a1.pk, "issue": "书记项目未完成"}).status_code
        == 302
    )
    page = client.get(reverse("objections", args=[in_publicity.pk]))
    assert "书记项目未完成" in page.content.decode()

    objection = Objection.objects.get()
    as_user(client, county_admin)
    handle = reverse("objection_handle", args=[objection.pk])
    assert client.post(handle, {"decision": "rejected", "reply": ""}).status_code == 400
    assert client.post(handle, {"decision": "rejected", "reply": "已核实"}).status_code == 302
    page = client.get(reverse("objections", args=[in_publicity.pk]))
    assert page.context["counts"]["objection"]["rejected"] == 1
    assert "data-print" in page.content.decode() and "已核实" in page.content.decode()


def test_objection_pages_checklist(
    client, in_publicity, assessment_a1, secretary2, auditor, assessor_b, round2, county_admin
):
    url = reverse("objections", args=[in_publicity.pk])
    lodge = reverse("objection_lodge", args=[in_publicity.pk])
    body = {"assessment": assessment_a1.pk, "issue": "x"}
    assert client.get(url).status_code == 302
    assert as_user(client, secretary2).get(url).status_code == 404
    assert as_user(client, auditor).post(lodge, body).status_code == 403
    other = round2.assessments.first()
    assert (
        as_user(client, assessor_b).post(lodge, {"assessment": other.pk, "issue": "x"}).status_code
        == 404
    )
    assert client.post(lodge, {"assessment": assessment_a1.pk, "issue": " "}).status_code == 400
    assert client.get(lodge).status_code == 405
    services.round_publish(actor=county_admin, round_=in_publicity)
    assert client.post(lodge, body).status_code == 409
    assert not Objection.objects.exists()


def test_objections_page_query_budget(
    client, in_publicity, county_admin, assessor_b, django_assert_max_num_queries
):
    for a in in_publicity.assessments.all():
        services.objection_lodge(actor=assessor_b, round_=in_publicity, assessment=a, issue="x")
    as_user(client, county_admin)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("objections", args=[in_publicity.pk]))
    assert len(response.context["objections"]) == 3


def test_round_page_warns_the_admin_when_no_department_is_listed(
    client, round_2024, county_admin, auditor
):
    """A round that lists no reviewing department has no joint-review gate: say so where the
    admin looks, instead of letting the gate be off without a word."""
    url = reverse("round_overview", args=[round_2024.pk])
    html = as_user(client, county_admin).get(url).content.decode()
    assert 'id="review-departments-missing"' in html
    assert reverse("findings", args=[round_2024.pk]) in html
    assert (
        'id="review-departments-missing"' not in as_user(client, auditor).get(url).content.decode()
    )

    services.review_departments_set(actor=county_admin, round_=round_2024, departments=["tax"])
    html = as_user(client, county_admin).get(url).content.decode()
    assert 'id="review-departments-missing"' not in html and 'id="review-progress"' in html
