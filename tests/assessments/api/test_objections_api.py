"""Objections and appeals over the API: lodge, list with counts, handle; the checklist."""

from __future__ import annotations

import pytest

from assessments import services
from assessments.models import Objection, Round
from tests.support.api import problems

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_publicity(scored_round, county_admin):
    services.round_advance(actor=county_admin, round_=scored_round)
    return scored_round


@pytest.fixture
def a1(in_publicity, village_a1):
    return in_publicity.assessments.get(organization=village_a1)


def _lodge(api, user, round_, assessment, **body):
    data = {"assessment": assessment.pk, "issue": "集体收入数据有误"} | body
    return api.as_(user).post(f"/api/v1/rounds/{round_.pk}/objections/", data, format="json")


def test_lodge_list_count_handle(
    api,
    in_publicity,
    a1,
    assessor_b,
    secretary_a1,
    county_admin,
    auditor,
    django_assert_max_num_queries,
):
    created = _lodge(api, assessor_b, in_publicity, a1)
    assert created.status_code == 201, created.json()
    _lodge(api, secretary_a1, in_publicity, a1)

    assert api.as_(assessor_b).get("/api/v1/objections/").json()["count"] == 1
    with django_assert_max_num_queries(8):
        assert api.as_(auditor).get("/api/v1/objections/").json()["count"] == 2
    counts = api.as_(county_admin).get(f"/api/v1/rounds/{in_publicity.pk}/objections/counts/")
    assert counts.json()["objection"] == {"pending": 2, "upheld": 0, "rejected": 0, "total": 2}

    pk = created.json()["id"]
    refused = api.as_(county_admin).post(f"/api/v1/rounds/{in_publicity.pk}/publish/")
    assert refused.status_code == 409 and refused.json()["gate"] == "objections"
    handled = api.as_(county_admin).post(
        f"/api/v1/objections/{pk}/handle/",
        {"decision": "upheld", "reply": "属实，退回重评", "reopen": True},
        format="json",
    )
    assert handled.status_code == 200, handled.json()
    assert handled.json()["reopened"] is True
    in_publicity.refresh_from_db()
    assert in_publicity.status == Round.Status.COUNTY_REVIEW


def test_lodge_checklist(
    api, in_publicity, a1, round2, secretary2, auditor, secretary_a1, county_admin
):
    assert _lodge(api, None, in_publicity, a1).status_code in (401, 403)
    assert _lodge(api, secretary2, in_publicity, a1).status_code == 404
    other = round2.assessments.first()
    assert _lodge(api, secretary_a1, in_publicity, other).status_code == 404
    assert _lodge(api, auditor, in_publicity, a1).status_code == 403
    bad = _lodge(api, secretary_a1, in_publicity, a1, issue=" ", kind="gripe")
    assert bad.status_code == 400 and problems(bad)
    url = f"/api/v1/rounds/{in_publicity.pk}/objections/"
    assert api.as_(secretary_a1).get(url).status_code == 405
    services.round_publish(actor=county_admin, round_=in_publicity)
    closed = _lodge(api, secretary_a1, in_publicity, a1)
    assert closed.status_code == 409
    appeal = _lodge(api, secretary_a1, in_publicity, a1, kind="appeal")
    assert appeal.status_code == 201 and appeal.json()["kind"] == "appeal"


def test_handle_checklist(api, in_publicity, a1, assessor_b, county_admin, county_admin2):
    pk = _lodge(api, assessor_b, in_publicity, a1).json()["id"]
    url = f"/api/v1/objections/{pk}/handle/"
    body = {"decision": "rejected", "reply": "经核实无误"}
    assert api.post(url, body, format="json").status_code in (401, 403)
    assert api.as_(county_admin2).post(url, body, format="json").status_code == 404
    assert api.as_(assessor_b).post(url, body, format="json").status_code == 403
    bad = api.as_(county_admin).post(url, {"decision": "rejected", "reply": ""}, format="json")
    assert bad.status_code == 400 and problems(bad)[0]["field"] == "reply"
    assert api.as_(county_admin).get(url).status_code == 405
    assert api.as_(county_admin).post(url, body, format="json").status_code == 200
    assert api.as_(county_admin).post(url, body, format="json").status_code == 409
    assert Objection.objects.get().handled_by == county_admin
