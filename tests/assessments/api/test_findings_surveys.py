"""Findings (create / confirm / withdraw), satisfaction surveys and the 破格 flag."""

import pytest

from assessments.models import Assessment, Finding, Round, SatisfactionSurvey
from organizations.models import AuditLog
from tests.conftest import move_to
from tests.support.api import problems

pytestmark = pytest.mark.django_db


@pytest.fixture
def a1(round_2024, village_a1):
    return Assessment.objects.get(round=round_2024, organization=village_a1)


@pytest.fixture
def b1(round_2024, village_b1):
    return Assessment.objects.get(round=round_2024, organization=village_b1)


def test_reviewer_records_a_finding_and_admin_confirms_it(api, a1, reviewer, county_admin):
    created = api.as_(reviewer).post(
        f"/api/v1/assessments/{a1.pk}/findings/",
        {"item": "FJ03", "evidence": "村委委员受到党纪处分"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["item"], body["kind"], body["status"]) == ("FJ03", "veto", "pending")
    assert body["department"] == "discipline"

    confirmed = api.as_(county_admin).post(f"/api/v1/findings/{body['id']}/confirm/")
    assert confirmed.status_code == 200
    finding = Finding.objects.get(pk=body["id"])
    assert finding.status == Finding.Status.CONFIRMED and finding.confirmed_by == county_admin
    assert api.as_(county_admin).post(f"/api/v1/findings/{finding.pk}/confirm/").status_code == 409
    assert AuditLog.objects.filter(action=AuditLog.Action.FINDING_CONFIRM).count() == 1


def test_finding_bad_input_lists_each_problem(api, a1, reviewer):
    response = api.as_(reviewer).post(
        f"/api/v1/assessments/{a1.pk}/findings/", {"item": "SJ01", "evidence": " "}, format="json"
    )

    assert response.status_code == 400
    assert {e["field"] for e in problems(response)} == {"item", "evidence"}
    assert not Finding.objects.exists()


def test_finding_malformed_body(api, a1, reviewer):
    response = api.as_(reviewer).post(
        f"/api/v1/assessments/{a1.pk}/findings/", {"department": "nowhere"}, format="json"
    )

    assert response.status_code == 400
    assert {e["field"] for e in problems(response)} == {"item", "evidence", "department"}


def test_withdraw_needs_a_reason(api, a1, reviewer):
    finding = (
        api.as_(reviewer)
        .post(
            f"/api/v1/assessments/{a1.pk}/findings/",
            {"item": "JX01", "evidence": "通报批评"},
            format="json",
        )
        .json()
    )
    url = f"/api/v1/findings/{finding['id']}/withdraw/"

    assert api.as_(reviewer).post(url, {"reason": ""}, format="json").status_code == 400
    response = api.as_(reviewer).post(url, {"reason": "重复登记"}, format="json")

    assert response.status_code == 200
    assert response.json()["status"] == "withdrawn"
    assert Finding.objects.get(pk=finding["id"]).withdrawn_reason == "重复登记"


def test_findings_are_locked_after_publication(api, a1, reviewer, round_2024):
    move_to(round_2024, Round.Status.PUBLISHED)

    response = api.as_(reviewer).post(
        f"/api/v1/assessments/{a1.pk}/findings/", {"item": "FJ01", "evidence": "x"}, format="json"
    )

    assert response.status_code == 409
    assert not Finding.objects.exists()


def test_findings_list_is_scoped_and_filtered(api, a1, b1, county_admin, assessor_a):
    for assessment, code in ((a1, "FJ01"), (b1, "JX02")):
        api.as_(county_admin).post(
            f"/api/v1/assessments/{assessment.pk}/findings/",
            {"item": code, "evidence": "e"},
            format="json",
        )

    mine = api.as_(assessor_a).get("/api/v1/findings/").json()
    assert [f["organization"]["id"] for f in mine["results"]] == [a1.organization_id]
    assert api.as_(county_admin).get("/api/v1/findings/?status=pending").json()["count"] == 2
    by_assessment = api.as_(county_admin).get(f"/api/v1/assessments/{b1.pk}/findings/").json()
    assert [f["item"] for f in by_assessment["results"]] == ["JX02"]
    other = Finding.objects.get(assessment=b1)
    assert api.as_(assessor_a).get(f"/api/v1/findings/{other.pk}/").status_code == 404
    assert api.as_(county_admin).get("/api/v1/findings/?status=odd").status_code == 400


def test_survey_put_and_get(api, a1, evaluator):
    client = api.as_(evaluator)
    url = f"/api/v1/assessments/{a1.pk}/survey/"
    assert client.get(url).json() == {"respondents": None, "satisfied": None, "rate": None}

    response = client.put(url, {"respondents": 40, "satisfied": 38}, format="json")

    assert response.status_code == 200
    assert response.json() == {"respondents": 40, "satisfied": 38, "rate": "0.9500"}
    survey = SatisfactionSurvey.objects.get(assessment=a1)
    assert (survey.respondents, survey.satisfied) == (40, 38)


def test_survey_bad_input(api, a1, county_admin):
    url = f"/api/v1/assessments/{a1.pk}/survey/"
    client = api.as_(county_admin)

    shape = client.put(url, {"respondents": "many", "satisfied": -1}, format="json")
    assert shape.status_code == 400
    assert {e["field"] for e in problems(shape)} == {"respondents", "satisfied"}

    rule = client.put(url, {"respondents": 10, "satisfied": 11}, format="json")
    assert rule.status_code == 400
    assert [e["field"] for e in problems(rule)] == ["satisfied"]
    assert not SatisfactionSurvey.objects.exists()
    assert client.delete(url).status_code == 405


def test_exceptional_needs_a_reason(api, a1, county_admin):
    url = f"/api/v1/assessments/{a1.pk}/exceptional/"
    client = api.as_(county_admin)

    assert client.post(url, {"exceptional": True}, format="json").status_code == 400
    response = client.post(url, {"exceptional": True, "reason": "抗洪救灾表现突出"}, format="json")

    assert response.status_code == 200
    assert response.json()["exceptional"] is True
    a1.refresh_from_db()
    assert a1.exceptional_reason == "抗洪救灾表现突出"


def test_survey_is_locked_after_publication(api, a1, county_admin, round_2024):
    move_to(round_2024, Round.Status.PUBLISHED)

    response = api.as_(county_admin).put(
        f"/api/v1/assessments/{a1.pk}/survey/", {"respondents": 10, "satisfied": 9}, format="json"
    )

    assert response.status_code == 409
    assert not SatisfactionSurvey.objects.exists()


def test_a_reviewer_naming_another_department_is_refused(api, a1, reviewer):
    response = api.as_(reviewer).post(
        f"/api/v1/assessments/{a1.pk}/findings/",
        {"item": "FJ03", "evidence": "村委委员受到党纪处分", "department": "petitions"},
        format="json",
    )

    assert response.status_code == 403
    assert "只能以本部门（纪检监察）的名义登记" in response.json()["message"]
    assert [e["field"] for e in problems(response)] == ["department"]
    assert not Finding.objects.exists()


def test_a_clearance_is_recorded_and_undone_through_the_api(api, a1, reviewer, county_admin):
    from assessments.models import DepartmentClearance

    client = api.as_(reviewer)
    url = f"/api/v1/assessments/{a1.pk}/clearance/"
    created = client.post(url, {}, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["department"] == "discipline"
    assert client.post(url, {}, format="json").status_code == 409  # once per department
    refused = client.delete(url, {"department": "tax"}, format="json")
    assert refused.status_code == 403 and "只能以本部门" in refused.json()["message"]
    bad = api.as_(county_admin).delete(url, {"department": "nobody"}, format="json")
    assert bad.status_code == 400 and [e["field"] for e in problems(bad)] == ["department"]

    undone = client.delete(url, format="json")

    assert undone.status_code == 204
    assert not DepartmentClearance.objects.filter(withdrawn_at__isnull=True).exists()
    assert AuditLog.objects.filter(action=AuditLog.Action.DEACTIVATE).count() == 1
    assert client.delete(url, format="json").status_code == 409
    assert client.get(url).status_code == 405


def test_a_finding_needs_an_item_through_the_api(api, a1, reviewer):
    response = api.as_(reviewer).post(
        f"/api/v1/assessments/{a1.pk}/findings/", {"item": "", "evidence": "经查"}, format="json"
    )
    assert response.status_code == 400
    assert [e["field"] for e in problems(response)] == ["item"]
    assert not Finding.objects.exists()
