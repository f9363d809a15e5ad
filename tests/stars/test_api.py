"""The 创星晋级 API walks STYLE.md's checklist: works · anonymous 401 · other township / county
404 · wrong role 403 · bad input 400 with the message · wrong method 405."""

from __future__ import annotations

import pytest
from django.utils import timezone

from stars.models import Ladder, PartyMember, PointEntry, StarStanding
from tests.support.api import problems

from .conftest import YEAR, item

pytestmark = pytest.mark.django_db


def test_entries_record_then_approve_by_a_second_person(
    api, tables, assessor_a, county_admin, approver, member_a1
):
    body = {
        "item": item(tables, Ladder.MEMBER, "R02").pk,
        "member": member_a1.pk,
        "occurred_on": timezone.localdate().isoformat(),
        "description": "带动三户种植木耳",
    }
    assert api.post("/api/v1/stars/entries/", body, format="json").status_code == 401
    response = api.as_(assessor_a).post("/api/v1/stars/entries/", body, format="json")
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    assert api.as_(assessor_a).post(f"/api/v1/stars/entries/{pk}/approve/").status_code == 403
    response = api.as_(approver).post(f"/api/v1/stars/entries/{pk}/approve/")
    assert response.status_code == 200 and response.json()["status"] == "approved"
    assert StarStanding.objects.get(member=member_a1).points == 5
    assert api.as_(approver).get(f"/api/v1/stars/entries/{pk}/approve/").status_code == 405
    assert api.as_(approver).post(f"/api/v1/stars/entries/{pk}/approve/").status_code == 409


def test_entries_scope_and_bad_input(
    api, tables, pending_a1, assessor_b, county_admin2, maintainer, assessor_a, member2
):
    assert api.as_(assessor_b).get(f"/api/v1/stars/entries/{pending_a1.pk}/").status_code == 404
    evidence = f"/api/v1/stars/entries/{pending_a1.pk}/evidence/"
    assert api.as_(assessor_b).get(evidence).status_code == 404
    assert api.as_(assessor_a).get(evidence).status_code == 404  # no file on this entry
    assert api.as_(county_admin2).get(f"/api/v1/stars/entries/{pending_a1.pk}/").status_code == 404
    assert (
        api.as_(county_admin2).post(f"/api/v1/stars/entries/{pending_a1.pk}/approve/").status_code
        == 404
    )
    assert api.as_(maintainer).get("/api/v1/stars/entries/").status_code == 403
    assert api.as_(assessor_b).get("/api/v1/stars/entries/").json()["count"] == 0
    response = api.as_(assessor_a).post(
        "/api/v1/stars/entries/",
        {
            "item": item(tables, Ladder.MEMBER, "G01").pk,
            "member": member2.pk,
            "occurred_on": timezone.localdate().isoformat(),
            "description": "x",
        },
        format="json",
    )
    assert response.status_code == 404  # the other county's member
    response = api.as_(assessor_a).post(
        "/api/v1/stars/entries/",
        {
            "item": item(tables, Ladder.MEMBER, "G01").pk,
            "member": pending_a1.member_id,
            "occurred_on": "2000-01-01",
            "description": "",
        },
        format="json",
    )
    assert response.status_code == 400
    assert {e["field"] for e in problems(response)} >= {"description"}
    assert PointEntry.objects.count() == 1


def test_rankings_and_summary(
    api,
    tables,
    pending_a1,
    approver,
    assessor_a,
    assessor_b,
    township_a,
    township_b,
    township2,
    django_assert_max_num_queries,
):
    api.as_(approver).post(f"/api/v1/stars/entries/{pending_a1.pk}/approve/")
    client = api.as_(assessor_a)
    with django_assert_max_num_queries(12):
        response = client.get("/api/v1/stars/rankings/", {"year": YEAR, "ladder": "member"})
    assert response.status_code == 200
    assert [(r["name"], str(r["points"])) for r in response.json()] == [("王红", "3.0")]
    assert api.as_(assessor_b).get("/api/v1/stars/rankings/", {"ladder": "member"}).json() == []
    assert client.get("/api/v1/stars/rankings/", {"township": township2.pk}).status_code == 404
    assert client.get("/api/v1/stars/rankings/", {"ladder": "bogus"}).status_code == 400
    committees = api.as_(approver).get("/api/v1/stars/rankings/", {"ladder": "committee"}).json()
    assert sorted(r["name"] for r in committees) == sorted([township_a.name, township_b.name])
    summary = client.get("/api/v1/stars/summary/", {"year": YEAR, "township": township_a.pk}).json()
    month = timezone.localdate().month
    assert summary["monthly"][month - 1] == {"month": month, "points": "3.0", "entries": 1}
    assert client.post("/api/v1/stars/summary/").status_code == 405


def test_tables_api_county_admin_only(api, county_admin, assessor_a, county_admin2, tables):
    assert (
        api.as_(assessor_a)
        .post("/api/v1/stars/tables/copy/", {"year": YEAR + 1}, format="json")
        .status_code
        == 403
    )
    response = api.as_(county_admin).post(
        "/api/v1/stars/tables/copy/", {"year": YEAR + 1, "from_year": YEAR}, format="json"
    )
    assert response.status_code == 201 and len(response.json()) == 3
    table = tables[Ladder.MEMBER]
    url = f"/api/v1/stars/tables/{table.pk}/thresholds/"
    assert (
        api.as_(county_admin2).post(url, {"thresholds": [1, 2, 3, 4, 5]}, format="json").status_code
        == 404
    )
    response = api.as_(county_admin).post(url, {"thresholds": [5, 4, 3, 2, 1]}, format="json")
    assert response.status_code == 400 and problems(response)[0]["message"] == "分数线必须逐档递增"
    assert (
        api.as_(county_admin)
        .post(url, {"thresholds": [5, 10, 15, 20, 25]}, format="json")
        .status_code
        == 200
    )
    table.refresh_from_db()
    assert table.star_5 == 25
    response = api.as_(county_admin).post(
        f"/api/v1/stars/tables/{table.pk}/items/",
        {"code": "G07", "name": "参加应急救援", "kind": "add", "points": "4"},
        format="json",
    )
    assert response.status_code == 201
    assert api.as_(county_admin).get("/api/v1/stars/tables/").json()["count"] == 6


def test_members_api(
    api, county_admin, assessor_a, assessor_b, auditor, village_a1, village_b1, member_a1
):
    assert [
        m["name"] for m in api.as_(assessor_a).get("/api/v1/stars/members/").json()["results"]
    ] == ["王红"]
    response = api.as_(assessor_a).post(
        "/api/v1/stars/members/",
        {"name": "孙丽", "category": "community", "branch": village_b1.pk},
        format="json",
    )
    assert response.status_code == 400  # another township's branch
    assert (
        api.as_(auditor)
        .post(
            "/api/v1/stars/members/",
            {"name": "孙丽", "category": "community", "branch": village_a1.pk},
            format="json",
        )
        .status_code
        == 403
    )
    response = api.as_(assessor_a).post(
        "/api/v1/stars/members/",
        {"name": "孙丽", "category": "community", "branch": village_a1.pk},
        format="json",
    )
    assert response.status_code == 201
    assert PartyMember.objects.filter(branch=village_a1).count() == 2


def test_handbook_api(api, tables, pending_a1, approver, assessor_b, county_admin):
    api.as_(approver).post(f"/api/v1/stars/entries/{pending_a1.pk}/approve/")
    response = api.as_(county_admin).get(
        "/api/v1/stars/handbook/", {"member": pending_a1.member_id, "year": YEAR}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert (
        api.as_(assessor_b)
        .get("/api/v1/stars/handbook/", {"member": pending_a1.member_id})
        .status_code
        == 404
    )
    assert api.as_(county_admin).get("/api/v1/stars/handbook/").status_code == 400


def test_schema_lists_the_star_endpoints(api, county_admin):
    response = api.as_(county_admin).get("/api/schema/", {"format": "json"})
    assert "/api/v1/stars/rankings/" in response.json()["paths"]
