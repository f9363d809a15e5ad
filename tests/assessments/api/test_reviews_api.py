"""The joint review over the API: departments and progress, clearances listed, recorded and
withdrawn; the STYLE.md checklist; override reasons on advance and publish."""

from __future__ import annotations

import pytest

from assessments import services
from assessments.models import DepartmentClearance, GateOverride, Round
from organizations.models import AuditLog
from tests.conftest import move_to
from tests.support.api import problems

pytestmark = pytest.mark.django_db


@pytest.fixture
def a1(round_2024, village_a1):
    return round_2024.assessments.get(organization=village_a1)


def test_admin_lists_departments_and_progress_shows_zero(
    api, round_2024, county_admin, reviewer, a1
):
    url = f"/api/v1/rounds/{round_2024.pk}/review/"
    put = api.as_(county_admin).put(
        url, {"departments": ["discipline", "petitions"]}, format="json"
    )
    assert put.status_code == 200, put.json()
    services.clearance_record(actor=reviewer, assessment=a1)

    body = api.as_(reviewer).get(url).json()

    assert body["departments"] == ["discipline", "petitions"]
    progress = {p["department"]: p for p in body["progress"]}
    assert (progress["discipline"]["done"], progress["discipline"]["total"]) == (1, 3)
    assert progress["petitions"]["done"] == 0 and progress["petitions"]["percent"] == 0


def test_review_departments_checklist(api, round_2024, round2, county_admin, reviewer):
    url = f"/api/v1/rounds/{round_2024.pk}/review/"
    assert api.get(url).status_code in (401, 403)
    assert api.as_(county_admin).get(f"/api/v1/rounds/{round2.pk}/review/").status_code == 404
    assert api.as_(reviewer).put(url, {"departments": []}, format="json").status_code == 403
    bad = api.as_(county_admin).put(url, {"departments": ["nowhere"]}, format="json")
    assert bad.status_code == 400 and problems(bad)
    assert api.as_(county_admin).post(url, {}, format="json").status_code == 405
    move_to(round_2024, Round.Status.PUBLICITY)
    locked = api.as_(county_admin).put(url, {"departments": ["tax"]}, format="json")
    assert locked.status_code == 409 and "不能再修改联审部门" in locked.json()["message"]


def test_reviewer_records_and_withdraws_a_clearance(api, a1, reviewer):
    url = f"/api/v1/assessments/{a1.pk}/clearances/"
    created = api.as_(reviewer).post(url, {}, format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["department"], body["active"]) == ("discipline", True)
    again = api.as_(reviewer).post(url, {}, format="json")
    assert again.status_code == 409

    no_reason = api.as_(reviewer).post(
        f"/api/v1/clearances/{body['id']}/withdraw/", {"reason": ""}, format="json"
    )
    assert no_reason.status_code == 400
    withdrawn = api.as_(reviewer).post(
        f"/api/v1/clearances/{body['id']}/withdraw/", {"reason": "误登记"}, format="json"
    )
    assert withdrawn.status_code == 200 and withdrawn.json()["active"] is False
    clearance = DepartmentClearance.objects.get(pk=body["id"])
    assert clearance.withdrawn_reason == "误登记" and clearance.withdrawn_by == reviewer
    assert AuditLog.objects.filter(
        action=AuditLog.Action.DEACTIVATE, object_type="assessments.DepartmentClearance"
    ).exists()
    assert api.as_(reviewer).post(url, {}, format="json").status_code == 201


def test_clearance_checklist(
    api, a1, reviewer, county_admin, county_admin2, assessor_a, assessor_b, secretary_a1, round_2024
):
    url = f"/api/v1/assessments/{a1.pk}/clearances/"
    assert api.post(url, {}, format="json").status_code in (401, 403)
    assert api.as_(county_admin2).post(url, {}, format="json").status_code == 404
    assert api.as_(assessor_b).get(url).status_code == 404
    assert api.as_(assessor_a).post(url, {}, format="json").status_code == 403
    named = api.as_(reviewer).post(url, {"department": "petitions"}, format="json")
    assert named.status_code == 403
    bad = api.as_(county_admin).post(url, {"department": "nowhere"}, format="json")
    assert bad.status_code == 400 and problems(bad)[0]["field"] == "department"
    assert api.as_(reviewer).put(url, {}, format="json").status_code == 405
    move_to(round_2024, Round.Status.PUBLISHED)
    assert api.as_(reviewer).post(url, {}, format="json").status_code == 409
    assert not DepartmentClearance.objects.exists()


def test_clearance_list_is_scoped_and_filtered(
    api, round_2024, reviewer, county_admin2, assessor_b, django_assert_max_num_queries
):
    for a in round_2024.assessments.all():
        services.clearance_record(actor=reviewer, assessment=a)
    with django_assert_max_num_queries(8):
        body = api.as_(reviewer).get(f"/api/v1/clearances/?round={round_2024.pk}").json()
    assert body["count"] == 3
    assert api.as_(assessor_b).get("/api/v1/clearances/").json()["count"] == 1
    assert api.as_(county_admin2).get("/api/v1/clearances/").json()["count"] == 0
    pk = body["results"][0]["id"]
    assert api.as_(county_admin2).get(f"/api/v1/clearances/{pk}/").status_code == 404
    assert api.as_(reviewer).get("/api/v1/clearances/?department=nowhere").status_code == 400


def test_advance_over_the_gate_with_a_reason(api, scored_round, county_admin):
    services.review_departments_set(
        actor=county_admin, round_=scored_round, departments=["emergency"]
    )
    url = f"/api/v1/rounds/{scored_round.pk}/advance/"

    refused = api.as_(county_admin).post(url, {}, format="json")
    assert refused.status_code == 409
    assert refused.json()["gate"] == "joint_review"
    assert problems(refused)[0]["department"] == "emergency"

    passed = api.as_(county_admin).post(url, {"override_reason": "应急局书面报告"}, format="json")
    assert passed.status_code == 200 and passed.json()["status"] == "publicity"
    assert GateOverride.objects.get().reason == "应急局书面报告"
