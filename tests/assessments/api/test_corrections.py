"""The corrections API (issue 14, item 4): the STYLE checklist — works, anonymous rejected,
other county 404, wrong role 403, bad input 400 naming the field, wrong method 405, a round
not yet published refused (409) — and the second person enforced."""

from __future__ import annotations

import pytest

from assessments.models import Assessment, ResultCorrection
from tests.conftest import assessment_of
from tests.support.api import problems

pytestmark = pytest.mark.django_db

STRIP = {"kind": "strip", "reason": "2025年查实村书记违纪"}


def url(assessment):
    return f"/api/v1/assessments/{assessment.pk}/corrections/"


def test_propose_then_a_second_admin_approves(
    api, published_2024, village_a1, county_admin, county_admin_b
):
    a1 = assessment_of(published_2024, village_a1)
    before = Assessment.objects.filter(pk=a1.pk).values().get()
    created = api.as_(county_admin).post(url(a1), STRIP, format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["status"], body["published_level"], body["new_level"]) == ("pending", 5, 0)

    approve = f"/api/v1/corrections/{body['id']}/approve/"
    refused = api.as_(county_admin).post(approve, {}, format="json")
    assert refused.status_code == 403 and "另一名" in refused.json()["message"]
    done = api.as_(county_admin_b).post(approve, {"note": "同意"}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "approved"

    detail = api.as_(county_admin).get(f"/api/v1/assessments/{a1.pk}/").json()
    assert (detail["level"], detail["current_level"]) == (5, 0)
    assert [c["status"] for c in detail["corrections"]] == ["approved"]
    assert Assessment.objects.filter(pk=a1.pk).values().get() == before


def test_reject_needs_a_note(api, published_2024, village_a1, county_admin, county_admin_b):
    a1 = assessment_of(published_2024, village_a1)
    pk = api.as_(county_admin).post(url(a1), STRIP, format="json").json()["id"]
    reject = f"/api/v1/corrections/{pk}/reject/"
    response = api.as_(county_admin_b).post(reject, {"note": ""}, format="json")
    assert response.status_code == 400
    assert problems(response)[0]["field"] == "note"
    assert (
        api.as_(county_admin_b).post(reject, {"note": "依据不足"}, format="json").status_code == 200
    )
    assert ResultCorrection.objects.get(pk=pk).status == "rejected"


def test_bad_input_lists_every_field(api, published_2024, village_a1, county_admin):
    a1 = assessment_of(published_2024, village_a1)
    response = api.as_(county_admin).post(
        url(a1), {"kind": "correct", "new_level": 9, "reason": ""}, format="json"
    )
    assert response.status_code == 400
    assert {e["field"] for e in problems(response)} == {"new_level", "reason"}
    response = api.as_(county_admin).post(url(a1), {"kind": "nope", "reason": "x"}, format="json")
    assert response.status_code == 400
    assert not ResultCorrection.objects.exists()


def test_checklist(
    api,
    published_2024,
    round_2024,
    village_a1,
    county_admin,
    county_admin2,
    auditor,
    secretary_a1,
):
    a1 = assessment_of(published_2024, village_a1)
    assert api.post(url(a1), STRIP, format="json").status_code in (401, 403)  # anonymous
    assert api.as_(county_admin2).post(url(a1), STRIP, format="json").status_code == 404
    assert api.as_(auditor).post(url(a1), STRIP, format="json").status_code == 403
    assert api.as_(county_admin).put(url(a1), STRIP, format="json").status_code == 405
    pk = api.as_(county_admin).post(url(a1), STRIP, format="json").json()["id"]
    assert api.as_(county_admin).get(f"/api/v1/corrections/{pk}/approve/").status_code == 405
    assert api.as_(county_admin2).post(f"/api/v1/corrections/{pk}/approve/").status_code == 404
    # The village sees no proposal until it is approved.
    assert api.as_(secretary_a1).get(url(a1)).json() == []
    assert api.as_(auditor).get(url(a1)).json()[0]["status"] == "pending"


def test_a_round_not_yet_published_is_refused(api, round_2024, village_a1, county_admin):
    response = api.as_(county_admin).post(
        url(assessment_of(round_2024, village_a1)), STRIP, format="json"
    )
    assert response.status_code == 409


def test_list_is_scoped_filtered_and_bounded(
    api,
    published_2024,
    village_a1,
    village_a2,
    village_b1,
    county_admin,
    county_admin2,
    django_assert_max_num_queries,
):
    for village in (village_a1, village_a2, village_b1):
        api.as_(county_admin).post(
            url(assessment_of(published_2024, village)), STRIP, format="json"
        )
    client = api.as_(county_admin)
    with django_assert_max_num_queries(8):
        body = client.get(f"/api/v1/corrections/?round={published_2024.pk}").json()
    assert body["count"] == 3
    assert client.get("/api/v1/corrections/?status=approved").json()["count"] == 0
    assert client.get("/api/v1/corrections/?status=bogus").status_code == 400
    assert api.as_(county_admin2).get("/api/v1/corrections/").json()["count"] == 0
