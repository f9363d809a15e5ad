"""The ledgers' API walks the checklist; 销号 by a second person holds here too."""

from __future__ import annotations

import pytest

from ledgers.models import Rectification, SupervisionVisit
from tests.support.api import problems

pytestmark = pytest.mark.django_db

LIST = "/api/v1/rectifications/"


def test_list_is_scoped_and_anonymous_is_refused(api, assessor_a, maintainer, entry, entry_b):
    assert api.get(LIST).status_code == 401
    body = api.as_(assessor_a).get(LIST).json()
    assert [r["id"] for r in body["results"]] == [entry.pk]
    assert body["results"][0]["effective_status"] == "open"
    assert api.as_(maintainer).get(LIST).status_code == 403
    assert api.as_(assessor_a).delete(LIST).status_code == 405


def test_create_bad_input_and_works(api, assessor_a, village_a1, village_b1):
    client = api.as_(assessor_a)
    response = client.post(
        LIST,
        {
            "organization": village_a1.pk,
            "problem": "",
            "measures": "",
            "deadline": "2030-01-01",
            "responsible_person": "",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "请填写存在问题" in str(problems(response))
    data = {
        "organization": village_b1.pk,
        "problem": "p",
        "measures": "m",
        "deadline": "2030-01-01",
        "responsible_person": "r",
    }
    assert client.post(LIST, data, format="json").status_code == 400  # not in scope
    response = client.post(LIST, {**data, "organization": village_a1.pk}, format="json")
    assert response.status_code == 201 and response.json()["status"] == "open"


def test_close_by_a_second_person_only(api, assessor_a, assessor_b, county_admin, entry):
    url = f"{LIST}{entry.pk}/close/"
    response = api.as_(assessor_a).post(url, {"closure_evidence": "到位"}, format="json")
    assert response.status_code == 403 and "登记人以外" in response.json()["message"]
    assert (
        api.as_(assessor_b).post(url, {"closure_evidence": "到位"}, format="json").status_code
        == 404
    )
    response = api.as_(county_admin).post(url, {"closure_evidence": ""}, format="json")
    assert response.status_code == 400
    response = api.as_(county_admin).post(url, {"closure_evidence": "到位"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "closed"
    assert api.as_(county_admin).get(url).status_code == 405
    response = api.as_(county_admin).post(url, {"closure_evidence": "到位"}, format="json")
    assert response.status_code == 409
    reopen = f"{LIST}{entry.pk}/reopen/"
    assert api.as_(assessor_a).post(reopen, {"reason": "x"}, format="json").status_code == 403
    response = api.as_(county_admin).post(reopen, {"reason": "复查"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "in_progress"


def test_detail_patch_and_notes(api, assessor_a, assessor_b, secretary_a1, entry):
    url = f"{LIST}{entry.pk}/"
    assert api.as_(assessor_b).get(url).status_code == 404
    response = api.as_(assessor_a).patch(url, {"deadline": "2031-01-01"}, format="json")
    assert response.status_code == 200 and response.json()["deadline"] == "2031-01-01"
    response = api.as_(secretary_a1).post(f"{url}notes/", {"text": "已开工"}, format="json")
    assert response.status_code == 201
    detail = api.as_(secretary_a1).get(url).json()
    assert detail["status"] == "in_progress" and detail["notes"][0]["text"] == "已开工"
    assert api.as_(secretary_a1).patch(url, {"measures": "x"}, format="json").status_code == 403


def test_visits_api(api, county_admin, assessor_b, village_a1, today):
    body = {
        "visited_on": today.isoformat(),
        "visitors": "王部长",
        "organizations": [village_a1.pk],
        "method": "home_visit",
        "problems": [{"organization": village_a1.pk, "description": "党员信息未更新"}],
    }
    response = api.as_(county_admin).post("/api/v1/visits/", body, format="json")
    assert response.status_code == 201
    visit = SupervisionVisit.objects.get()
    problem_id = response.json()["problems"][0]["id"]
    assert api.as_(assessor_b).get(f"/api/v1/visits/{visit.pk}/").status_code == 404
    url = f"/api/v1/visit-problems/{problem_id}/rectification/"
    assert api.as_(assessor_b).post(url).status_code == 404
    response = api.as_(county_admin).post(url)
    assert response.status_code == 201 and response.json()["source"] == "visit"
    assert Rectification.objects.get().organization == village_a1
    bad = api.as_(county_admin).post("/api/v1/visits/", {**body, "method": "x"}, format="json")
    assert bad.status_code == 400 and "督导方式不存在" in str(problems(bad))


def test_reminders_and_pairings_api(api, county_admin, secretary_a1):
    assert api.as_(secretary_a1).get("/api/v1/reminders/").status_code == 200
    assert api.as_(secretary_a1).get("/api/v1/pairings/").status_code == 403
    assert api.as_(county_admin).get("/api/v1/pairings/?year=2026").status_code == 200
    response = api.as_(secretary_a1).post("/api/v1/reminders/read/", {}, format="json")
    assert response.status_code == 200 and response.json() == {"read": 0}


def test_filter_by_the_paired_department(api, county_admin, entry, entry_b, village_b1, today):
    from ledgers.models import Pairing

    Pairing.objects.create(
        organization=village_b1, year=today.year, leader_name="钱", department="区财政局"
    )
    body = api.as_(county_admin).get(LIST, {"department": "区财政局"}).json()
    assert [r["id"] for r in body["results"]] == [entry_b.pk]
