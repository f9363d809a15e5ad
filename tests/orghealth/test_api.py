"""The organization-health API walks STYLE.md's checklist: works · anonymous 401 · other
township 404 · other county 404 · wrong role 403 · bad input 400 with the message · wrong method
405 · a finished record refused (409; this part of the year has no stages to lock)."""

from __future__ import annotations

import io

import openpyxl
import pytest

from ledgers.models import Rectification
from organizations.models import AuditLog
from orghealth.models import Commitment, CommitteeMember, Election, HealthSettings, Posting
from tests.support.api import problems

pytestmark = pytest.mark.django_db

READS = [
    "/api/v1/health/summary/",
    "/api/v1/health/settings/",
    "/api/v1/health/elections/",
    "/api/v1/health/body-flags/",
    "/api/v1/health/body-adjustments/",
    "/api/v1/health/commitments/",
    "/api/v1/health/commitments/rates/",
    "/api/v1/health/postings/",
    "/api/v1/health/members/",
    "/api/v1/health/weak/",
]


@pytest.mark.parametrize("url", READS)
def test_reads_by_role(
    url, api, county_admin, auditor, assessor_a, secretary_a1, maintainer, reviewer, evaluator
):
    assert api.get(url).status_code == 401
    for user in (county_admin, auditor, assessor_a, secretary_a1):
        assert api.as_(user).get(url).status_code == 200, user
    for user in (maintainer, reviewer, evaluator):
        response = api.as_(user).get(url)
        assert response.status_code == 403
        assert problems(response) == [] and "角色" in response.json()["message"]
    assert api.as_(county_admin).delete(url).status_code == 405


def test_elections_list_is_scoped_and_counts(
    api, assessor_a, villages, election_a1, election_b1, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8):
        body = api.as_(assessor_a).get("/api/v1/health/elections/").json()
    names = [r["organization_name"] for r in body]
    assert "六道江村" not in names and names[0] == "七道江村"
    assert body[0]["status"] == "overdue"
    overdue = api.as_(assessor_a).get("/api/v1/health/elections/?status=overdue").json()
    assert [r["organization_name"] for r in overdue] == ["七道江村"]


def test_election_post_checklist(
    api, assessor_a, auditor, county_admin, village_a1, village_b1, village2
):
    url = "/api/v1/health/elections/"
    body = {"organization": village_a1.pk, "elected_on": "2024-03-15", "note": "按期换届"}
    assert api.post(url, body, format="json").status_code == 401
    assert api.as_(auditor).post(url, body, format="json").status_code == 403
    other = body | {"organization": village_b1.pk}
    assert api.as_(assessor_a).post(url, other, format="json").status_code == 404
    other_county = body | {"organization": village2.pk}
    assert api.as_(county_admin).post(url, other_county, format="json").status_code == 404
    bad = api.as_(assessor_a).post(url, body | {"elected_on": "2024-02-30"}, format="json")
    assert bad.status_code == 400
    assert problems(bad)[0]["field"] == "elected_on" and "换届日期" in problems(bad)[0]["message"]
    assert not Election.objects.exists()
    response = api.as_(assessor_a).post(url, body, format="json")
    assert response.status_code == 201
    assert response.json()["due_on"] == "2029-03-15"
    assert Election.objects.get().recorded_by == assessor_a
    again = api.as_(assessor_a).post(url, body, format="json")
    assert again.status_code == 409
    assert AuditLog.objects.filter(object_type="orghealth.Election").count() == 1


def test_settings_put(api, county_admin, assessor_a):
    url = "/api/v1/health/settings/"
    body = {
        "term_years": 3,
        "remind_days": 30,
        "committee_above": 100,
        "branch_below": 20,
        "max_average_age": "46.0",
    }
    assert api.as_(assessor_a).put(url, body, format="json").status_code == 403
    bad = api.as_(county_admin).put(url, body | {"branch_below": 200}, format="json")
    assert bad.status_code == 400 and problems(bad)[0]["field"] == "branch_below"
    response = api.as_(county_admin).put(url, body, format="json")
    assert response.status_code == 200 and response.json()["max_average_age"] == "46.0"
    assert HealthSettings.objects.get().term_years == 3
    assert api.as_(county_admin).post(url, body, format="json").status_code == 405


def test_body_adjustment_post(api, county_admin, assessor_a, village_a1, village2):
    url = "/api/v1/health/body-adjustments/"
    body = {
        "organization": village_a1.pk,
        "to_body": "committee",
        "adjusted_on": "2024-05-01",
        "reason": "党员人数超过100名",
    }
    assert api.as_(assessor_a).post(url, body, format="json").status_code == 403
    other = body | {"organization": village2.pk}
    assert api.as_(county_admin).post(url, other, format="json").status_code == 404
    bad = api.as_(county_admin).post(url, body | {"to_body": "cell"}, format="json")
    assert bad.status_code == 400 and problems(bad)[0]["field"] == "to_body"
    assert api.as_(county_admin).post(url, body, format="json").status_code == 201
    village_a1.refresh_from_db()
    assert village_a1.party_body == "committee"


def test_commitments_api(
    api, secretary_a1, assessor_b, county_admin, commitment_a1, commitment_b1, village_a1, today
):
    url = "/api/v1/health/commitments/"
    listed = api.as_(secretary_a1).get(url).json()["results"]
    assert [c["id"] for c in listed] == [commitment_a1.pk]
    body = {"organization": village_a1.pk, "year": today.year, "kind": "member", "content": "x"}
    bad = api.as_(secretary_a1).post(url, body, format="json")
    assert bad.status_code == 400 and problems(bad)[0]["field"] == "member_name"
    ok = api.as_(secretary_a1).post(url, body | {"member_name": "李四"}, format="json")
    assert ok.status_code == 201
    complete = f"/api/v1/health/commitments/{commitment_a1.pk}/complete/"
    done = {"done_on": today.isoformat(), "evidence": "已完工"}
    assert api.as_(assessor_b).post(complete, done, format="json").status_code == 404
    other = f"/api/v1/health/commitments/{commitment_b1.pk}/complete/"
    assert api.as_(secretary_a1).post(other, done, format="json").status_code == 404
    assert api.as_(secretary_a1).get(complete).status_code == 405
    assert api.as_(secretary_a1).post(complete, done, format="json").status_code == 200
    assert api.as_(secretary_a1).post(complete, done, format="json").status_code == 409
    rates = api.as_(county_admin).get("/api/v1/health/commitments/rates/").json()
    assert rates["organization"] == {"label": "党组织承诺", "made": 1, "done": 1, "rate": "100.0"}
    assert rates["member"]["made"] == 2 and rates["member"]["rate"] == "0.0"
    assert Commitment.objects.filter(done_on__isnull=False).count() == 1


def test_postings_api(api, assessor_a, assessor_b, county_admin2, posting_a1, village_a1, today):
    extend = f"/api/v1/health/postings/{posting_a1.pk}/extend/"
    body = {
        "new_end": posting_a1.ends_on.replace(year=posting_a1.ends_on.year + 1).isoformat(),
        "reason": "延长一年",
    }
    assert api.as_(assessor_b).post(extend, body, format="json").status_code == 404
    assert api.as_(county_admin2).post(extend, body, format="json").status_code == 404
    bad = api.as_(assessor_a).post(extend, body | {"new_end": "2000-01-01"}, format="json")
    assert bad.status_code == 400 and problems(bad)[0]["field"] == "new_end"
    response = api.as_(assessor_a).post(extend, body, format="json")
    assert response.status_code == 200 and len(response.json()["extensions"]) == 1
    create = {
        "organization": village_a1.pk,
        "kind": "work_team",
        "person_name": "孙队员",
        "unit": "区农业农村局",
        "starts_on": today.isoformat(),
        "ends_on": today.replace(year=today.year + 2).isoformat(),
    }
    assert (
        api.as_(assessor_a).post("/api/v1/health/postings/", create, format="json").status_code
        == 201
    )
    assert Posting.objects.count() == 2


def test_members_and_team_api(
    api, secretary_a1, assessor_b, county_admin2, member_a1, member_b1, village_a1, village_b1
):
    team = f"/api/v1/health/villages/{village_a1.pk}/team/"
    body = api.as_(secretary_a1).get(team).json()
    assert body["count"] == 1 and "no_female" in body["flags"]
    assert "无女性成员" in body["flag_labels"]
    assert (
        api.as_(secretary_a1).get(f"/api/v1/health/villages/{village_b1.pk}/team/").status_code
        == 404
    )
    assert api.as_(county_admin2).get(team).status_code == 404
    leave = f"/api/v1/health/members/{member_a1.pk}/leave/"
    assert (
        api.as_(assessor_b).post(leave, {"left_on": "2024-01-01"}, format="json").status_code == 404
    )
    bad = api.as_(secretary_a1).post(leave, {"left_on": "1900-01-01"}, format="json")
    assert bad.status_code == 400
    assert (
        api.as_(secretary_a1).post(leave, {"left_on": "2024-01-01"}, format="json").status_code
        == 200
    )
    assert (
        api.as_(secretary_a1).post(leave, {"left_on": "2024-01-01"}, format="json").status_code
        == 409
    )
    add = {
        "organization": village_a1.pk,
        "name": "吴八",
        "position": "妇联主席",
        "body": "village",
        "gender": "female",
        "birth_date": "1990-01-01",
        "education": "bachelor",
        "is_reserve_cadre": True,
    }
    assert (
        api.as_(secretary_a1).post("/api/v1/health/members/", add, format="json").status_code == 201
    )
    other = add | {"organization": village_b1.pk}
    assert (
        api.as_(secretary_a1).post("/api/v1/health/members/", other, format="json").status_code
        == 404
    )
    assert CommitteeMember.objects.filter(left_on__isnull=True).count() == 2


def test_weak_api(api, county_admin, assessor_a, village_a1, today):
    url = "/api/v1/health/weak/"
    body = {
        "organization": village_a1.pk,
        "year": today.year,
        "reason": "班子软弱",
        "designated_on": f"{today.year}-01-15",
        "measures": "选派第一书记",
        "deadline": f"{today.year}-12-31",
        "responsible_person": "包保领导",
    }
    assert api.as_(assessor_a).post(url, body, format="json").status_code == 403
    bad = api.as_(county_admin).post(url, body | {"designated_on": "x"}, format="json")
    assert bad.status_code == 400 and problems(bad)[0]["field"] == "designated_on"
    response = api.as_(county_admin).post(url, body, format="json")
    assert response.status_code == 201 and response.json()["ledger_status"] == "open"
    assert Rectification.objects.get().source == "weak_lax"
    listed = api.as_(assessor_a).get(url).json()["results"]
    assert [w["organization_name"] for w in listed] == ["七道江村"]
    assert api.as_(county_admin).post(url, body, format="json").status_code == 409


def test_export_keeps_formulas_as_text(api, secretary_a1, assessor_a, village_a1, today):
    from orghealth import services

    services.commitment_create(
        actor=secretary_a1,
        organization=village_a1,
        year=today.year,
        kind="organization",
        content='=HYPERLINK("http://evil","点我")',
    )
    assert api.as_(secretary_a1).get("/api/v1/health/export/").status_code == 403
    response = api.as_(assessor_a).get("/api/v1/health/export/")
    assert response.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["换届", "党组织设置", "双承诺", "驻村力量", "两委班子", "软弱涣散"]
    cell = wb["双承诺"]["E2"]
    assert cell.value == '=HYPERLINK("http://evil","点我")' and cell.data_type == "s"
