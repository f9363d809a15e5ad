"""公示异议 and 复核: who may lodge when, the county's handling, the re-score it may order."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from assessments import services
from assessments.models import Objection, Round, Sheet
from organizations.models import AuditLog
from starrating.errors import Conflict, InvalidInput, NotPermitted

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_publicity(scored_round, county_admin):
    services.round_advance(actor=county_admin, round_=scored_round)
    return scored_round


@pytest.fixture
def a1(in_publicity, village_a1):
    return in_publicity.assessments.get(organization=village_a1)


def test_anyone_registered_in_the_county_may_object_about_any_village(
    in_publicity, a1, secretary_a1, assessor_b, reviewer
):
    for user in (secretary_a1, assessor_b, reviewer):
        services.objection_lodge(actor=user, round_=in_publicity, assessment=a1, issue="得分偏高")
    assert Objection.objects.filter(kind="objection", status="pending").count() == 3
    assert AuditLog.objects.filter(object_type="assessments.Objection").count() == 3


def test_objections_only_during_publicity_and_only_in_the_county(
    scored_round, county_admin, secretary_a1, secretary2, auditor, village_a1
):
    a1 = scored_round.assessments.get(organization=village_a1)
    with pytest.raises(Conflict):
        services.objection_lodge(actor=secretary_a1, round_=scored_round, assessment=a1, issue="x")
    services.round_advance(actor=county_admin, round_=scored_round)
    with pytest.raises(NotPermitted):
        services.objection_lodge(actor=secretary2, round_=scored_round, assessment=a1, issue="x")
    with pytest.raises(NotPermitted):
        services.objection_lodge(actor=auditor, round_=scored_round, assessment=a1, issue="x")
    with pytest.raises(InvalidInput) as bad:
        services.objection_lodge(actor=secretary_a1, round_=scored_round, assessment=a1, issue=" ")
    assert bad.value.errors[0]["field"] == "issue"
    assert not Objection.objects.exists()


def test_handling_records_who_decided_and_the_reply(a1, in_publicity, county_admin, assessor_b):
    o = services.objection_lodge(actor=assessor_b, round_=in_publicity, assessment=a1, issue="x")
    with pytest.raises(NotPermitted):
        services.objection_handle(actor=assessor_b, objection=o, decision="rejected", reply="y")
    with pytest.raises(InvalidInput) as bad:
        services.objection_handle(
            actor=county_admin, objection=o, decision="maybe", reply="", reopen=True
        )
    assert {e["field"] for e in bad.value.errors} == {"decision", "reply", "reopen"}

    services.objection_handle(actor=county_admin, objection=o, decision="rejected", reply="无误")

    o.refresh_from_db()
    assert (o.status, o.reply, o.handled_by) == ("rejected", "无误", county_admin)
    with pytest.raises(Conflict):
        services.objection_handle(actor=county_admin, objection=o, decision="upheld", reply="z")


def test_an_upheld_objection_may_send_the_village_back_for_a_re_score(
    a1, in_publicity, county_admin, assessor_b
):
    o = services.objection_lodge(actor=assessor_b, round_=in_publicity, assessment=a1, issue="x")

    services.objection_handle(
        actor=county_admin, objection=o, decision="upheld", reply="属实，重新评定", reopen=True
    )

    in_publicity.refresh_from_db()
    assert in_publicity.status == Round.Status.COUNTY_REVIEW
    assert in_publicity.reopenings.get().stage == "county"
    sheet = Sheet.objects.get(assessment=a1, stage="county")
    assert sheet.status == Sheet.Status.DRAFT
    others = Sheet.objects.filter(assessment__round=in_publicity, stage="county").exclude(
        assessment=a1
    )
    assert all(s.status == Sheet.Status.SUBMITTED for s in others)
    assert Objection.objects.get().reopened


@pytest.fixture
def published(in_publicity, county_admin):
    services.round_publish(actor=county_admin, round_=in_publicity)
    in_publicity.refresh_from_db()
    return in_publicity


def test_a_village_appeals_within_the_window(published, a1, secretary_a1, assessor_a):
    published_on = timezone.localdate(published.published_at)
    last_day = published_on + datetime.timedelta(days=published.appeal_window_days)

    with pytest.raises(NotPermitted):
        services.objection_lodge(
            actor=assessor_a, round_=published, assessment=a1, issue="x", kind="appeal"
        )
    with pytest.raises(Conflict):
        services.objection_lodge(
            actor=secretary_a1,
            round_=published,
            assessment=a1,
            issue="x",
            kind="appeal",
            today=last_day + datetime.timedelta(days=1),
        )
    appeal = services.objection_lodge(
        actor=secretary_a1,
        round_=published,
        assessment=a1,
        issue="产业星应达标",
        kind="appeal",
        today=last_day,
    )
    assert appeal.kind == "appeal" and appeal.is_pending
    # After publishing, objections are closed: appeals only.
    with pytest.raises(Conflict):
        services.objection_lodge(actor=assessor_a, round_=published, assessment=a1, issue="x")


def test_a_village_cannot_appeal_for_another(published, village_a2, secretary_a1):
    a2 = published.assessments.get(organization=village_a2)
    with pytest.raises(NotPermitted):
        services.objection_lodge(
            actor=secretary_a1, round_=published, assessment=a2, issue="x", kind="appeal"
        )


def test_an_appeal_cannot_reopen_a_published_round(published, a1, secretary_a1, county_admin):
    appeal = services.objection_lodge(
        actor=secretary_a1, round_=published, assessment=a1, issue="x", kind="appeal"
    )
    with pytest.raises(Conflict):
        services.objection_handle(
            actor=county_admin, objection=appeal, decision="upheld", reply="y", reopen=True
        )
    services.objection_handle(actor=county_admin, objection=appeal, decision="upheld", reply="y")
    assert Objection.objects.get().status == "upheld"
