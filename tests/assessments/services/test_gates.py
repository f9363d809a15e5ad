"""The gates of docs/scoring.md: the joint review before the county stage closes and before
publishing; the publicity period and unhandled objections before publishing; an admin's
override only with a recorded, audited reason."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from assessments import selectors, services
from assessments.models import GateOverride, Objection, Round
from organizations.models import AuditLog, Department, Role
from starrating.errors import Conflict, InvalidInput, NotPermitted
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def petitions(county):
    return UserFactory(
        username="petitions",
        role=Role.DEPARTMENT_REVIEWER,
        organization=county,
        department=Department.PETITIONS,
    )


@pytest.fixture
def listed(scored_round, county_admin):
    services.review_departments_set(
        actor=county_admin, round_=scored_round, departments=["discipline", "petitions"]
    )
    return scored_round


def _clear_all(user, round_, department=None):
    for a in round_.assessments.all():
        services.clearance_record(actor=user, assessment=a, department=department)


def test_without_listed_departments_there_is_no_joint_review_gate(scored_round, county_admin):
    services.round_advance(actor=county_admin, round_=scored_round)
    assert scored_round.status == Round.Status.PUBLICITY


def test_the_county_stage_cannot_close_until_every_department_concluded(
    listed, county_admin, reviewer
):
    _clear_all(reviewer, listed)  # 纪检监察 done; 信访 has done nothing

    with pytest.raises(Conflict) as refused:
        services.round_advance(actor=county_admin, round_=listed)

    assert refused.value.extra["gate"] == "joint_review"
    assert [e["department"] for e in refused.value.errors] == ["petitions"]
    assert refused.value.errors[0]["left"] == 3
    listed.refresh_from_db()
    assert listed.status == Round.Status.COUNTY_REVIEW
    assert not GateOverride.objects.exists()


def test_a_finding_is_a_conclusion_too(listed, county_admin, reviewer, petitions):
    _clear_all(reviewer, listed)
    first, *rest = listed.assessments.order_by("pk")
    finding = services.finding_create(
        actor=petitions, assessment=first, item_code="JX01", evidence="越级集体上访"
    )
    services.finding_confirm(actor=county_admin, finding=finding)
    for a in rest:
        services.clearance_record(actor=petitions, assessment=a)

    services.round_advance(actor=county_admin, round_=listed)

    assert listed.status == Round.Status.PUBLICITY


def test_a_withdrawn_clearance_no_longer_counts(listed, county_admin, reviewer, petitions):
    _clear_all(reviewer, listed)
    _clear_all(petitions, listed)
    clearance = petitions_clearance = listed.assessments.first().clearances.get(
        department="petitions"
    )
    services.clearance_withdraw(actor=petitions, clearance=clearance, reason="误点")

    with pytest.raises(Conflict):
        services.round_advance(actor=county_admin, round_=listed)
    petitions_clearance.refresh_from_db()
    assert petitions_clearance.withdrawn_by == petitions
    # The same department may conclude again once its clearance is withdrawn.
    services.clearance_record(actor=petitions, assessment=clearance.assessment)
    services.round_advance(actor=county_admin, round_=listed)


def test_override_needs_a_reason_and_is_recorded_and_audited(listed, county_admin):
    with pytest.raises(Conflict):
        services.round_advance(actor=county_admin, round_=listed, override_reason="   ")

    services.round_advance(
        actor=county_admin, round_=listed, override_reason="信访局书面确认无问题，系统外登记"
    )

    assert listed.status == Round.Status.PUBLICITY
    override = GateOverride.objects.get()
    assert (override.gate, override.action, override.by) == (
        "joint_review",
        "advance",
        county_admin,
    )
    assert {e["department"] for e in override.open_items} == {"discipline", "petitions"}
    audit = AuditLog.objects.filter(
        action=AuditLog.Action.ROUND_TRANSITION, reason__contains="信访局书面确认"
    )
    assert audit.exists()


def test_progress_lists_a_department_that_did_nothing_at_zero(listed, reviewer):
    services.clearance_record(actor=reviewer, assessment=listed.assessments.first())

    rows = {r["department"]: r for r in selectors.review_progress(listed)}

    assert rows["petitions"]["done"] == 0 and rows["petitions"]["percent"] == 0
    assert rows["petitions"]["total"] == 3 and rows["petitions"]["required"]
    assert (rows["discipline"]["done"], rows["discipline"]["percent"]) == (1, 33)


def test_departments_are_checked_and_frozen_once_the_county_stage_closed(
    scored_round, county_admin, reviewer
):
    with pytest.raises(InvalidInput) as bad:
        services.review_departments_set(
            actor=county_admin, round_=scored_round, departments=["nowhere", "tax", "tax"]
        )
    assert {e.get("value") for e in bad.value.errors} >= {"nowhere"}
    with pytest.raises(NotPermitted):
        services.review_departments_set(actor=reviewer, round_=scored_round, departments=[])

    services.round_advance(actor=county_admin, round_=scored_round)
    with pytest.raises(Conflict):
        services.review_departments_set(
            actor=county_admin, round_=scored_round, departments=["tax"]
        )


# --- publishing -------------------------------------------------------------------------------


@pytest.fixture
def in_publicity(scored_round, county_admin):
    services.round_advance(actor=county_admin, round_=scored_round)
    return scored_round


def test_publishing_waits_for_the_end_of_the_publicity_period(in_publicity, county_admin):
    today = timezone.localdate()
    Round.objects.filter(pk=in_publicity.pk).update(publicity_end=today)

    with pytest.raises(Conflict) as refused:
        services.round_publish(actor=county_admin, round_=in_publicity)
    assert refused.value.extra["gate"] == "publicity_period"

    Round.objects.filter(pk=in_publicity.pk).update(
        publicity_end=today - datetime.timedelta(days=1)
    )
    services.round_publish(actor=county_admin, round_=in_publicity)
    assert in_publicity.status == Round.Status.PUBLISHED


def test_publishing_is_refused_while_an_objection_is_unhandled(
    in_publicity, county_admin, assessor_a
):
    a = in_publicity.assessments.first()
    objection = services.objection_lodge(
        actor=assessor_a, round_=in_publicity, assessment=a, issue="产业项目数据有误"
    )

    with pytest.raises(Conflict) as refused:
        services.round_publish(actor=county_admin, round_=in_publicity)
    assert refused.value.extra["gate"] == "objections"
    assert refused.value.errors[0]["objection"] == objection.pk

    services.objection_handle(
        actor=county_admin, objection=objection, decision="rejected", reply="经核实数据无误"
    )
    services.round_publish(actor=county_admin, round_=in_publicity)
    assert in_publicity.status == Round.Status.PUBLISHED


def test_publishing_over_an_objection_needs_a_recorded_reason(
    in_publicity, county_admin, assessor_a
):
    services.objection_lodge(
        actor=assessor_a,
        round_=in_publicity,
        assessment=in_publicity.assessments.first(),
        issue="有误",
    )

    services.round_publish(actor=county_admin, round_=in_publicity, override_reason="上级要求")

    override = GateOverride.objects.get()
    assert override.gate == "objections" and override.action == "publish"
    assert Objection.objects.get().status == Objection.Status.PENDING


def test_the_joint_review_gate_holds_at_publishing_too(scored_round, county_admin):
    services.review_departments_set(
        actor=county_admin, round_=scored_round, departments=["emergency"]
    )
    services.round_advance(actor=county_admin, round_=scored_round, override_reason="先公示")

    with pytest.raises(Conflict) as refused:
        services.round_publish(actor=county_admin, round_=scored_round)

    assert refused.value.extra["gate"] == "joint_review"
