"""Rounds: create/update (county admin), transitions open / advance / reopen / publish /
archive, each validated by its service; the STYLE.md checklist."""

from datetime import timedelta

import pytest
from django.utils import timezone

from assessments import services
from assessments.models import Assessment, Finding, Round, StageReopening
from organizations.models import AuditLog
from tests.conftest import full_sheet, move_to
from tests.support.api import problems

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(county_admin, county, catalogue, villages):
    return services.round_create(actor=county_admin, county=county, year=2025, catalogue=catalogue)


def test_admin_creates_a_round_with_rules(api, county_admin, county, catalogue):
    response = api.as_(county_admin).post(
        "/api/v1/rounds/",
        {"year": 2025, "catalogue": catalogue.pk, "satisfaction_weight": "0.3", "quota_5": 0.1},
        format="json",
    )

    assert response.status_code == 201, response.json()
    round_ = Round.objects.get(pk=response.json()["id"])
    assert round_.county == county and round_.status == Round.Status.DRAFT
    assert str(round_.satisfaction_weight) == "0.300" and str(round_.quota_5) == "0.100"
    assert response.json()["satisfaction_weight"] == "0.300"
    assert AuditLog.objects.filter(action=AuditLog.Action.CREATE, object_id=str(round_.pk)).exists()


def test_create_lists_every_bad_field(api, county_admin, catalogue):
    response = api.as_(county_admin).post(
        "/api/v1/rounds/",
        {"catalogue": 999, "satisfaction_weight": "2", "level_mode": "best", "band_min_5": "x"},
        format="json",
    )

    assert response.status_code == 400
    fields = {e["field"] for e in problems(response)}
    assert fields == {"year", "catalogue", "satisfaction_weight", "level_mode", "band_min_5"}
    assert not Round.objects.exists()


def test_create_checks_the_rules_in_the_service(api, county_admin, catalogue):
    response = api.as_(county_admin).post(
        "/api/v1/rounds/",
        {"year": 2025, "catalogue": catalogue.pk, "weight_township": "0.3", "weight_county": "0.5"},
        format="json",
    )

    assert response.status_code == 400
    assert [e["field"] for e in problems(response)] == ["weight_county"]


def test_wrong_role_cannot_create(api, auditor, catalogue):
    response = api.as_(auditor).post(
        "/api/v1/rounds/", {"year": 2025, "catalogue": catalogue.pk}, format="json"
    )
    assert response.status_code == 403
    assert not Round.objects.exists()


def test_update_changes_rules_and_refuses_after_publication(api, county_admin, draft):
    client = api.as_(county_admin)
    response = client.patch(
        f"/api/v1/rounds/{draft.pk}/", {"band_min_5": "92", "name": "新名称"}, format="json"
    )
    assert response.status_code == 200
    draft.refresh_from_db()
    assert str(draft.band_min_5) == "92.00" and draft.name == "新名称"

    move_to(draft, Round.Status.PUBLISHED)
    locked = client.patch(f"/api/v1/rounds/{draft.pk}/", {"band_min_5": "91"}, format="json")
    assert locked.status_code == 409
    draft.refresh_from_db()
    assert str(draft.band_min_5) == "92.00"


def test_open_creates_assessments_and_refuses_twice(api, county_admin, draft, villages):
    client = api.as_(county_admin)

    response = client.post(f"/api/v1/rounds/{draft.pk}/open/")

    assert response.status_code == 200
    assert response.json()["status"] == "self_assessment"
    assert Assessment.objects.filter(round=draft).count() == len(villages)
    again = client.post(f"/api/v1/rounds/{draft.pk}/open/")
    assert again.status_code == 409
    assert again.json()["message"]


def test_advance_refuses_while_counting_sheets_are_missing_listing_each(
    api, county_admin, round_2024, villages
):
    move_to(round_2024, Round.Status.COUNTY_REVIEW)

    response = api.as_(county_admin).post(f"/api/v1/rounds/{round_2024.pk}/advance/")

    assert response.status_code == 409
    listed = {e["organization"] for e in problems(response)}
    assert listed == {v.code for v in villages}
    round_2024.refresh_from_db()
    assert round_2024.status == Round.Status.COUNTY_REVIEW


def test_reopen_needs_a_reason_and_is_audited(api, county_admin, round_2024):
    move_to(round_2024, Round.Status.COUNTY_REVIEW)
    client = api.as_(county_admin)
    url = f"/api/v1/rounds/{round_2024.pk}/reopen/"

    missing = client.post(url, {"stage": "township", "reason": ""}, format="json")
    assert missing.status_code == 400
    assert [e["field"] for e in problems(missing)] == ["reason"]

    bad = client.post(url, {"stage": "final", "deadline": "soon"}, format="json")
    assert bad.status_code == 400
    assert {e["field"] for e in problems(bad)} == {"stage", "reason", "deadline"}

    deadline = timezone.now() + timedelta(days=3)
    response = client.post(
        url,
        {"stage": "township", "reason": "补录两个村", "deadline": deadline.isoformat()},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["status"] == "township_review"
    reopening = StageReopening.objects.get(round=round_2024)
    assert reopening.reason == "补录两个村"
    assert AuditLog.objects.filter(
        action=AuditLog.Action.ROUND_REOPEN, reason="补录两个村"
    ).exists()


def test_publish_refuses_outside_publicity_and_with_pending_findings(
    api, county_admin, round_2024, catalogue, villages
):
    client = api.as_(county_admin)
    assert client.post(f"/api/v1/rounds/{round_2024.pk}/publish/").status_code == 409

    move_to(round_2024, Round.Status.COUNTY_REVIEW)
    for a in Assessment.objects.filter(round=round_2024):
        services.scores_save(
            actor=county_admin,
            assessment=a,
            stage="county",
            scores=full_sheet(catalogue),
            submit=True,
        )
    assert client.post(f"/api/v1/rounds/{round_2024.pk}/advance/").status_code == 200
    a1 = Assessment.objects.filter(round=round_2024).first()
    services.finding_create(actor=county_admin, assessment=a1, item_code="FJ02", evidence="线索")

    pending = client.post(f"/api/v1/rounds/{round_2024.pk}/publish/")
    assert pending.status_code == 409
    assert "待确认" in pending.json()["message"]

    Finding.objects.update(status=Finding.Status.WITHDRAWN)
    published = client.post(f"/api/v1/rounds/{round_2024.pk}/publish/")
    assert published.status_code == 200
    assert published.json()["status"] == "published"
    archived = client.post(f"/api/v1/rounds/{round_2024.pk}/archive/")
    assert archived.status_code == 200 and archived.json()["status"] == "archived"


def test_transitions_checklist(api, round_2024, auditor, assessor_a):
    for action in ("open", "advance", "publish", "archive"):
        url = f"/api/v1/rounds/{round_2024.pk}/{action}/"
        assert api.post(url).status_code == 401
        assert api.as_(auditor).post(url).status_code == 403
        assert api.as_(assessor_a).post(url).status_code == 403
        assert api.as_(auditor).get(url).status_code == 405
        assert (
            api.as_(auditor).post(f"/api/v1/rounds/{round_2024.pk + 999}/{action}/").status_code
            == 404
        )
    round_2024.refresh_from_db()
    assert round_2024.status == Round.Status.SELF_ASSESSMENT


def test_rounds_list_filters(api, county_admin, round_2024, draft):
    client = api.as_(county_admin)

    everything = client.get("/api/v1/rounds/").json()
    assert [r["year"] for r in everything["results"]] == [2025, 2024]
    assert [r["year"] for r in client.get("/api/v1/rounds/?status=draft").json()["results"]] == [
        2025
    ]
    bad = client.get("/api/v1/rounds/?status=nope&year=x")
    assert bad.status_code == 400
    assert {e["field"] for e in problems(bad)} == {"status", "year"}


def test_dates_out_of_range_are_listed(api, county_admin, draft):
    """Found by fuzzing: a year like 1232 came back with the zone's local-mean-time offset."""
    response = api.as_(county_admin).patch(
        f"/api/v1/rounds/{draft.pk}/",
        {"county_deadline": "1232-10-05T07:57:14-19:42", "publicity_start": "1999-12-31"},
        format="json",
    )

    assert response.status_code == 400
    assert {e["field"] for e in problems(response)} == {"county_deadline", "publicity_start"}
    draft.refresh_from_db()
    assert draft.county_deadline is None


def test_advance_needs_a_new_deadline_when_the_next_stages_has_passed(
    api, county_admin, round_2024
):
    Round.objects.filter(pk=round_2024.pk).update(
        township_deadline=timezone.now() - timedelta(days=1)
    )
    client = api.as_(county_admin)
    url = f"/api/v1/rounds/{round_2024.pk}/advance/"

    refused = client.post(url, {}, format="json")
    assert refused.status_code == 400
    assert [e["field"] for e in problems(refused)] == ["deadline"]
    bad = client.post(url, {"deadline": "1232-01-01T00:00:00+08:00"}, format="json")
    assert bad.status_code == 400
    round_2024.refresh_from_db()
    assert round_2024.status == Round.Status.SELF_ASSESSMENT

    response = client.post(url, {"deadline": "2099-06-30T18:00:00+08:00"}, format="json")

    assert response.status_code == 200, response.json()
    round_2024.refresh_from_db()
    assert round_2024.status == Round.Status.TOWNSHIP_REVIEW
    assert round_2024.township_deadline.year == 2099
