"""The ledger's workflow in the services: second-person closure, computed overdue at the
boundary dates, notes, reopening, entries from findings and weaknesses."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, transaction

from assessments import services as assessment_services
from ledgers import selectors, services
from ledgers.models import Rectification, RectificationNote
from organizations.models import AuditLog
from starrating.errors import Conflict, InvalidInput, NotPermitted
from tests.conftest import audit_rows

pytestmark = pytest.mark.django_db


def test_create_validates_every_field_and_writes_nothing(assessor_a, village_a1):
    with pytest.raises(InvalidInput) as error:
        services.rectification_create(
            actor=assessor_a,
            organization=village_a1,
            problem="",
            measures=" ",
            deadline="2025-13-01",
            responsible_person="",
        )
    fields = {e["field"] for e in error.value.errors}
    assert fields == {"problem", "measures", "deadline", "responsible_person"}
    assert "请填写存在问题" in str(error.value.errors)
    assert not Rectification.objects.exists()


def test_create_is_scoped_and_audited(assessor_a, village_b1, secretary_a1, village_a1, entry):
    with pytest.raises(NotPermitted):
        services.rectification_create(
            actor=assessor_a,
            organization=village_b1,
            problem="x",
            measures="y",
            deadline="2030-01-01",
            responsible_person="z",
        )
    with pytest.raises(NotPermitted):  # the village follows up, it does not record
        services.rectification_create(
            actor=secretary_a1,
            organization=village_a1,
            problem="x",
            measures="y",
            deadline="2030-01-01",
            responsible_person="z",
        )
    assert entry.recorded_by.username == "assessor_a"
    assert audit_rows(entry, AuditLog.Action.CREATE).get().after["problem"] == "党员活动室设施陈旧"


def test_the_recorder_may_not_close_their_own_entry(assessor_a, entry):
    with pytest.raises(NotPermitted) as error:
        services.rectification_close(actor=assessor_a, entry=entry, closure_evidence="已更新")
    assert "登记人以外" in error.value.message
    entry.refresh_from_db()
    assert entry.status == Rectification.Status.OPEN and entry.closed_by is None


def test_a_second_person_closes_with_evidence(county_admin, entry):
    with pytest.raises(InvalidInput):
        services.rectification_close(actor=county_admin, entry=entry, closure_evidence=" ")
    services.rectification_close(actor=county_admin, entry=entry, closure_evidence="现场核查到位")
    entry.refresh_from_db()
    assert entry.status == "closed" and entry.closed_by == county_admin and entry.closed_at
    log = audit_rows(entry, AuditLog.Action.UPDATE).last()
    assert log.before["status"] == "open" and log.after["status"] == "closed"
    with pytest.raises(Conflict):
        services.rectification_close(actor=county_admin, entry=entry, closure_evidence="again")


def test_the_database_refuses_a_closure_by_the_recorder(assessor_a, entry):
    with pytest.raises(IntegrityError), transaction.atomic():
        Rectification.objects.filter(pk=entry.pk).update(
            status="closed", closure_evidence="x", closed_by=assessor_a
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Rectification.objects.filter(pk=entry.pk).update(status="overdue")


def test_the_secretary_and_other_roles_may_not_close(secretary_a1, auditor, reviewer, entry):
    for user in (secretary_a1, auditor, reviewer):
        with pytest.raises(NotPermitted):
            services.rectification_close(actor=user, entry=entry, closure_evidence="x")


@pytest.mark.parametrize(("days", "overdue"), [(1, False), (0, False), (-1, True), (-30, True)])
def test_overdue_is_computed_at_the_boundary(county_admin, entry, today, days, overdue):
    Rectification.objects.filter(pk=entry.pk).update(deadline=today + datetime.timedelta(days=days))
    entry.refresh_from_db()
    assert entry.is_overdue(today) is overdue
    assert entry.effective_status == ("overdue" if overdue else "open")
    listed = selectors.rectifications_filtered(county_admin, status="overdue", today=today)
    assert (entry in listed) is overdue
    counts = selectors.ledger_counts(county_admin, today=today)
    assert counts["overdue"] == int(overdue)
    assert counts["due_soon"] == int(not overdue)


def test_a_closed_entry_is_never_overdue(county_admin, entry, today):
    Rectification.objects.filter(pk=entry.pk).update(deadline=today - datetime.timedelta(days=5))
    entry.refresh_from_db()
    services.rectification_close(actor=county_admin, entry=entry, closure_evidence="到位")
    entry.refresh_from_db()
    assert not entry.is_overdue(today)
    assert selectors.ledger_counts(county_admin, today=today)["overdue"] == 0


def test_overdue_entries_come_first(county_admin, assessor_a, village_a2, entry, today):
    late = services.rectification_create(
        actor=assessor_a,
        organization=village_a2,
        problem="late",
        measures="m",
        deadline=today + datetime.timedelta(days=60),
        responsible_person="p",
    )
    Rectification.objects.filter(pk=late.pk).update(deadline=today - datetime.timedelta(days=1))
    assert selectors.rectifications_filtered(county_admin).first().pk == late.pk


def test_a_note_moves_the_entry_in_progress(secretary_a1, entry, today):
    with pytest.raises(InvalidInput) as error:
        services.rectification_note_add(
            actor=secretary_a1, entry=entry, text="", on=today + datetime.timedelta(days=1)
        )
    assert {e["field"] for e in error.value.errors} == {"text", "on"}
    services.rectification_note_add(actor=secretary_a1, entry=entry, text="已采购桌椅")
    entry.refresh_from_db()
    assert entry.status == "in_progress"
    assert RectificationNote.objects.get().on == today


def test_reopen_needs_the_county_admin_and_a_reason(county_admin, assessor_b, assessor_a, entry):
    services.rectification_close(actor=county_admin, entry=entry, closure_evidence="到位")
    with pytest.raises(NotPermitted):
        services.rectification_reopen(actor=assessor_a, entry=entry, reason="复查不到位")
    with pytest.raises(InvalidInput):
        services.rectification_reopen(actor=county_admin, entry=entry, reason="")
    services.rectification_reopen(actor=county_admin, entry=entry, reason="复查不到位")
    entry.refresh_from_db()
    assert entry.status == "in_progress" and entry.closed_by is None
    assert entry.reopen_reason == "复查不到位"
    # Closed again by a second person (the recorder still may not).
    with pytest.raises(NotPermitted):
        services.rectification_close(actor=assessor_a, entry=entry, closure_evidence="y")
    services.rectification_close(actor=county_admin, entry=entry, closure_evidence="再次核查")


def test_a_closed_entry_is_not_edited(county_admin, assessor_a, entry):
    services.rectification_close(actor=county_admin, entry=entry, closure_evidence="到位")
    with pytest.raises(Conflict):
        services.rectification_update(actor=assessor_a, entry=entry, measures="x")
    with pytest.raises(Conflict):
        services.rectification_note_add(actor=assessor_a, entry=entry, text="x")


def test_from_a_confirmed_finding_once(county_admin, reviewer, round_2024, village_a1):
    from tests.conftest import assessment_of

    assessment = assessment_of(round_2024, village_a1)
    finding = assessment_services.finding_create(
        actor=reviewer, assessment=assessment, item_code="JX01", evidence="被通报批评"
    )
    with pytest.raises(Conflict):
        services.rectification_from_finding(actor=county_admin, finding=finding)
    assessment_services.finding_confirm(actor=county_admin, finding=finding)
    finding.refresh_from_db()
    entry = services.rectification_from_finding(actor=county_admin, finding=finding)
    assert entry.source == "finding" and entry.finding == finding
    assert "被通报批评" in entry.problem and entry.organization == village_a1
    with pytest.raises(Conflict):
        services.rectification_from_finding(actor=county_admin, finding=finding)


def test_from_a_weak_category_or_item(county_admin, round_2024, village_a1):
    from tests.conftest import assessment_of

    assessment = assessment_of(round_2024, village_a1)
    assessment.category_scores = {"SJ": "10.00"}
    assessment.item_points = {"SJ01": "0.50"}
    assessment.save()
    cat = services.rectification_from_weakness(actor=county_admin, assessment=assessment, code="SJ")
    assert cat.source == "weak_category" and "10.00" in cat.problem
    item = services.rectification_from_weakness(
        actor=county_admin, assessment=assessment, code="SJ01"
    )
    assert item.source == "weak_item" and item.item.code == "SJ01"
    with pytest.raises(Conflict):
        services.rectification_from_weakness(actor=county_admin, assessment=assessment, code="SJ")
    with pytest.raises(InvalidInput):
        services.rectification_from_weakness(actor=county_admin, assessment=assessment, code="ZZ")
