"""Review (stages side by side), findings and clearances (联查联审), satisfaction surveys."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from assessments import services
from assessments.models import DepartmentClearance, Finding, Round, SatisfactionSurvey
from organizations.models import AuditLog
from tests.conftest import move_to
from tests.support.web import as_user

pytestmark = pytest.mark.django_db


# --- review ---------------------------------------------------------------------------------


@pytest.fixture
def two_stages(round_2024, secretary_a1, assessor_a, assessment_a1):
    services.scores_save(
        actor=secretary_a1,
        assessment=assessment_a1,
        stage="self",
        scores={"SJ01": "3", "SJ02": "2"},
        notes={"SJ01": "全年会议齐全"},
    )
    move_to(round_2024, Round.Status.TOWNSHIP_REVIEW)
    services.scores_save(
        actor=assessor_a,
        assessment=assessment_a1,
        stage="township",
        scores={"SJ01": "1.5", "SJ02": "1.8"},
    )
    return assessment_a1


def test_review_highlights_differences_beyond_the_threshold(client, county_admin, two_stages):
    url = reverse("review", args=[two_stages.pk])
    response = as_user(client, county_admin).get(url)
    assert response.status_code == 200
    rows = {r["item"].code: r for c in response.context["categories"] for r in c["rows"]}
    assert rows["SJ01"]["spread"] == Decimal("1.50") and rows["SJ01"]["flagged"]
    assert not rows["SJ02"]["flagged"]
    assert "全年会议齐全" in response.content.decode()
    assert client.get(url + "?threshold=2").context["flagged"] == 0


def test_review_scope_and_roles(client, assessor_a, assessor_b, secretary_a1, two_stages):
    url = reverse("review", args=[two_stages.pk])
    assert as_user(client, assessor_a).get(url).status_code == 200
    assert as_user(client, assessor_b).get(url).status_code == 404
    assert as_user(client, secretary_a1).get(url).status_code == 403
    assert client.post(url).status_code == 405
    client.logout()
    assert client.get(url).status_code == 302


# --- findings -------------------------------------------------------------------------------


def findings_url(round_):
    return reverse("findings", args=[round_.pk])


def test_reviewer_sees_every_village_and_department_progress(client, reviewer, round_2024):
    response = as_user(client, reviewer).get(findings_url(round_2024))
    assert response.status_code == 200
    assert len(response.context["rows"]) == 3
    assert response.context["progress"][0]["label"] == "纪检监察"
    assert "无重大问题" in response.content.decode()


def test_findings_page_query_budget(client, reviewer, round_2024, django_assert_max_num_queries):
    as_user(client, reviewer)
    # +1 since issue 14: the round's reviewing departments.
    with django_assert_max_num_queries(13):
        client.get(findings_url(round_2024))


def test_clearance_is_recorded_and_audited(client, reviewer, assessment_a1):
    response = as_user(client, reviewer).post(reverse("clearance_create", args=[assessment_a1.pk]))
    assert response.status_code == 302
    clearance = DepartmentClearance.objects.get()
    assert clearance.department == "discipline" and clearance.by == reviewer
    assert AuditLog.objects.filter(object_type="assessments.DepartmentClearance").count() == 1
    again = client.post(reverse("clearance_create", args=[assessment_a1.pk]))
    assert again.status_code == 409
    assert "已登记七道江村“无重大问题”" in again.content.decode()


def test_finding_create_bad_input_shows_the_message(client, reviewer, assessment_a1):
    response = as_user(client, reviewer).post(
        reverse("finding_create", args=[assessment_a1.pk]), {"item_code": "SJ01", "evidence": ""}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "不是本轮的否决项或减星项代码" in html and "请填写问题事实与依据" in html
    assert not Finding.objects.exists()


def test_finding_then_clearance_is_refused(client, reviewer, assessment_a1):
    as_user(client, reviewer)
    response = client.post(
        reverse("finding_create", args=[assessment_a1.pk]),
        {"item_code": "FJ01", "evidence": "书记受到党纪处分"},
    )
    assert response.status_code == 302
    assert Finding.objects.get().status == Finding.Status.PENDING
    response = client.post(reverse("clearance_create", args=[assessment_a1.pk]))
    assert response.status_code == 409
    assert not DepartmentClearance.objects.exists()


def test_admin_confirms_and_reviewer_may_not(client, reviewer, county_admin, assessment_a1):
    finding = services.finding_create(
        actor=reviewer, assessment=assessment_a1, item_code="JX01", evidence="通报批评"
    )
    url = reverse("finding_confirm", args=[finding.pk])
    assert as_user(client, reviewer).post(url).status_code == 403
    finding.refresh_from_db()
    assert finding.status == Finding.Status.PENDING
    assert as_user(client, county_admin).post(url).status_code == 302
    finding.refresh_from_db()
    assert finding.status == Finding.Status.CONFIRMED
    assert client.get(url).status_code == 405


def test_withdraw_needs_a_reason(client, reviewer, county_admin, assessment_a1):
    finding = services.finding_create(
        actor=reviewer, assessment=assessment_a1, item_code="JX01", evidence="通报批评"
    )
    url = reverse("finding_withdraw", args=[finding.pk])
    response = as_user(client, county_admin).post(url, {"reason": ""})
    assert response.status_code == 400 and "请填写撤回原因" in response.content.decode()
    assert client.post(url, {"reason": "核实有误"}).status_code == 302
    finding.refresh_from_db()
    assert finding.status == Finding.Status.WITHDRAWN


def test_findings_scope_and_roles(client, assessor_a, assessor_b, secretary_a1, assessment_a1):
    url = findings_url(assessment_a1.round)
    assert as_user(client, assessor_a).get(url).status_code == 403
    assert as_user(client, secretary_a1).get(url).status_code == 403
    response = as_user(client, assessor_b).post(
        reverse("clearance_create", args=[assessment_a1.pk])
    )
    assert response.status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_findings_locked_after_publicity(client, reviewer, assessment_a1):
    move_to(assessment_a1.round, Round.Status.PUBLISHED)
    as_user(client, reviewer)
    assert (
        "不能登记或修改联审结论" in client.get(findings_url(assessment_a1.round)).content.decode()
    )
    response = client.post(reverse("clearance_create", args=[assessment_a1.pk]))
    assert response.status_code == 409
    assert not DepartmentClearance.objects.exists()


# --- surveys --------------------------------------------------------------------------------


def test_survey_entry(client, county_admin, assessment_a1):
    as_user(client, county_admin)
    page = client.get(reverse("surveys", args=[assessment_a1.round_id]))
    assert page.status_code == 200 and len(page.context["rows"]) == 3
    url = reverse("survey_save", args=[assessment_a1.pk])
    assert client.post(url, {"respondents": "20", "satisfied": "19"}).status_code == 302
    survey = SatisfactionSurvey.objects.get(assessment=assessment_a1)
    assert (survey.respondents, survey.satisfied) == (20, 19)


def test_survey_bad_input(client, county_admin, assessment_a1):
    url = reverse("survey_save", args=[assessment_a1.pk])
    response = as_user(client, county_admin).post(url, {"respondents": "10", "satisfied": "11"})
    assert response.status_code == 400
    assert "满意人数不能超过测评人数" in response.content.decode()
    assert not SatisfactionSurvey.objects.exists()


def test_survey_roles_and_scope(client, reviewer, assessor_a, assessment_a1, assessment_b1):
    assert (
        as_user(client, assessor_a)
        .get(reverse("surveys", args=[assessment_a1.round_id]))
        .status_code
        == 403
    )
    url = reverse("survey_save", args=[assessment_a1.pk])
    assert (
        as_user(client, reviewer).post(url, {"respondents": "1", "satisfied": "1"}).status_code
        == 403
    )
    assert (
        as_user(client, assessor_a)
        .post(reverse("survey_save", args=[assessment_b1.pk]), {})
        .status_code
        == 404
    )
    assert client.get(url).status_code == 405
    assert not SatisfactionSurvey.objects.exists()


# --- 破格 -----------------------------------------------------------------------------------


def test_admin_sets_exceptional_with_a_reason(client, county_admin, assessment_a1):
    url = reverse("exceptional_set", args=[assessment_a1.pk])
    as_user(client, county_admin)
    response = client.post(url, {"exceptional": "1", "reason": ""})
    assert response.status_code == 400 and "破格须填写理由" in response.content.decode()
    assessment_a1.refresh_from_db()
    assert not assessment_a1.exceptional
    assert client.post(url, {"exceptional": "1", "reason": "脱贫攻坚成效突出"}).status_code == 302
    assessment_a1.refresh_from_db()
    assert assessment_a1.exceptional and assessment_a1.exceptional_reason == "脱贫攻坚成效突出"
    assert "已破格" in client.get(reverse("review", args=[assessment_a1.pk])).content.decode()
    assert client.get(url).status_code == 405


def test_exceptional_roles_scope_and_lock(
    client, assessor_a, assessor_b, county_admin, assessment_a1
):
    url = reverse("exceptional_set", args=[assessment_a1.pk])
    data = {"exceptional": "1", "reason": "x"}
    assert as_user(client, assessor_a).post(url, data).status_code == 403
    assert as_user(client, assessor_b).post(url, data).status_code == 404
    move_to(assessment_a1.round, Round.Status.PUBLISHED)
    assert as_user(client, county_admin).post(url, data).status_code == 409
    assessment_a1.refresh_from_db()
    assert not assessment_a1.exceptional


def test_refused_write_does_not_show_the_page_behind_it(client, reviewer, assessment_a1):
    response = as_user(client, reviewer).post(
        reverse("exceptional_set", args=[assessment_a1.pk]), {"exceptional": "1", "reason": "x"}
    )
    assert response.status_code == 403
    html = response.content.decode()
    assert "只有县级管理员可以设置破格" in html and "review-table" not in html


def test_a_reviewer_cannot_clear_for_another_department_from_the_page(
    client, reviewer, assessment_a1
):
    response = as_user(client, reviewer).post(
        reverse("clearance_create", args=[assessment_a1.pk]), {"department": "tax"}
    )

    assert response.status_code == 403
    assert "只能以本部门（纪检监察）的名义登记" in response.content.decode()
    assert not DepartmentClearance.objects.exists()


# --- issue 12: no wrong default, labelled fields, confirmation and undo ----------------------


def test_the_veto_list_starts_empty_and_each_field_has_its_own_label(
    client, reviewer, assessment_a1, assessment_a2
):
    html = as_user(client, reviewer).get(findings_url(assessment_a1.round)).content.decode()
    for a in (assessment_a1, assessment_a2):
        select = html[html.index(f'id="fi-{a.pk}"') :]
        select = select[: select.index("</select>")]
        first = select[select.index("<option") : select.index("</option>")]
        assert 'value=""' in first and "请选择否决项" in first, "the first choice is empty"
        assert " required" in select.split(">")[0]
        assert f'<label for="fi-{a.pk}">否决/减星项（必选）</label>' in html
        assert f'<label for="fe-{a.pk}">问题事实与依据（必填）</label>' in html
    assert 'id="id_item_code"' not in html  # no id repeated on every row


def test_a_veto_without_an_item_is_refused_naming_the_field(client, reviewer, assessment_a1):
    response = as_user(client, reviewer).post(
        reverse("finding_create", args=[assessment_a1.pk]),
        {"item_code": "", "evidence": "只填写了事实"},
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "请选择否决/减星项" in html
    assert not Finding.objects.exists()
    # The form reopens on its row with the evidence kept and the item list marked wrong.
    row = html[html.index(f'id="fi-{assessment_a1.pk}"') - 200 :]
    assert 'aria-invalid="true"' in row[: row.index("</select>")]
    assert "只填写了事实</textarea>" in html


def test_the_clearance_asks_first_and_can_be_undone_with_an_audit_record(
    client, reviewer, assessment_a1
):
    as_user(client, reviewer)
    html = client.get(findings_url(assessment_a1.round)).content.decode()
    form = html[html.index(reverse("clearance_create", args=[assessment_a1.pk])) :]
    assert "data-confirm=" in form[: form.index(">")] and "无重大问题" in form[: form.index(">")]
    client.post(reverse("clearance_create", args=[assessment_a1.pk]))
    html = client.get(findings_url(assessment_a1.round)).content.decode()
    undo = reverse("clearance_undo", args=[assessment_a1.pk])
    assert undo in html

    response = client.post(undo)

    assert response.status_code == 302
    assert not DepartmentClearance.objects.filter(withdrawn_at__isnull=True).exists()
    log = AuditLog.objects.get(action=AuditLog.Action.DEACTIVATE)
    assert log.actor == reviewer and log.before["department"] == "discipline"
    assert client.get(undo).status_code == 405
    again = client.post(undo)  # nothing left to undo
    assert again.status_code == 409 and "无需撤销" in again.content.decode()


def test_clearance_undo_scope_roles_and_lock(
    client, reviewer, assessor_a, assessor_b, assessment_a1
):
    services.clearance_record(actor=reviewer, assessment=assessment_a1)
    undo = reverse("clearance_undo", args=[assessment_a1.pk])
    assert as_user(client, assessor_b).post(undo).status_code == 404
    assert as_user(client, assessor_a).post(undo).status_code == 403
    client.logout()
    assert client.post(undo).status_code == 302  # to the login page
    move_to(assessment_a1.round, Round.Status.PUBLISHED)
    assert as_user(client, reviewer).post(undo).status_code == 409
    assert DepartmentClearance.objects.filter(withdrawn_at__isnull=True).count() == 1
