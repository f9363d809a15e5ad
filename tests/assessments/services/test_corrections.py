"""Corrections after publishing (issue 14, item 4): a recorded correction approved by a second
person, never an edit of the published row; the current level is what next year's rule 10
reads."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction

from assessments import selectors, services
from assessments.models import Assessment, ResultCorrection
from organizations.models import AuditLog
from starrating.errors import Conflict, InvalidInput, NotPermitted
from tests.conftest import assessment_of, audit_rows, submit_county

pytestmark = pytest.mark.django_db


def raw_row(assessment: Assessment) -> tuple:
    """The published row exactly as the database holds it (every column, as stored)."""
    table = Assessment._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} WHERE id = %s", [assessment.pk])
        return cursor.fetchone()


def strip(actor, assessment, reason="村党支部书记严重违纪，2025年6月查实"):
    return services.correction_propose(
        actor=actor, assessment=assessment, kind="strip", reason=reason
    )


def test_strip_approved_by_a_second_person_never_edits_the_published_row(
    published_2024, village_a1, county_admin, county_admin_b
):
    assessment = assessment_of(published_2024, village_a1)
    assert assessment.level == 5
    before = raw_row(assessment)

    correction = strip(county_admin, assessment)
    assert correction.status == "pending" and correction.level_before == 5
    assert selectors.assessment_current_level(assessment) == 5  # nothing until approved
    services.correction_approve(actor=county_admin_b, correction=correction, note="同意")

    correction.refresh_from_db()
    assert correction.status == "approved" and correction.decided_by == county_admin_b
    assert raw_row(assessment) == before  # byte for byte: the published row is untouched
    assert selectors.assessment_current_level(assessment) == 0
    assert audit_rows(correction, AuditLog.Action.CREATE).count() == 1
    approved = audit_rows(correction, AuditLog.Action.UPDATE).get()
    assert approved.after["status"] == "approved" and approved.actor == county_admin_b


def test_the_proposer_cannot_approve_nor_reject(published_2024, village_a1, county_admin):
    correction = strip(county_admin, assessment_of(published_2024, village_a1))
    with pytest.raises(NotPermitted, match="另一名"):
        services.correction_approve(actor=county_admin, correction=correction)
    with pytest.raises(NotPermitted):
        services.correction_reject(actor=county_admin, correction=correction, note="撤回")
    correction.refresh_from_db()
    assert correction.status == "pending"


def test_the_database_refuses_a_self_approval(published_2024, village_a1, county_admin):
    """The second-person rule holds even for a write that skips the service."""
    correction = strip(county_admin, assessment_of(published_2024, village_a1))
    with pytest.raises(IntegrityError), transaction.atomic():
        ResultCorrection.objects.filter(pk=correction.pk).update(
            status="approved", decided_by=county_admin
        )


def test_approver_needs_the_role_and_the_county(
    published_2024, village_a1, county_admin, county_admin2, auditor, assessor_a
):
    correction = strip(county_admin, assessment_of(published_2024, village_a1))
    for outsider in (county_admin2, auditor, assessor_a):
        with pytest.raises(NotPermitted):
            services.correction_approve(actor=outsider, correction=correction)
    with pytest.raises(NotPermitted):
        strip(auditor, assessment_of(published_2024, village_a1))


def test_rejection_needs_a_reason_and_changes_nothing(
    published_2024, village_a1, county_admin, county_admin_b
):
    assessment = assessment_of(published_2024, village_a1)
    correction = strip(county_admin, assessment)
    with pytest.raises(InvalidInput):
        services.correction_reject(actor=county_admin_b, correction=correction, note=" ")
    services.correction_reject(actor=county_admin_b, correction=correction, note="事实不清")
    assert selectors.assessment_current_level(assessment) == 5
    with pytest.raises(Conflict):  # decided once
        services.correction_approve(actor=county_admin_b, correction=correction)


def test_bad_input_names_every_field(published_2024, village_a1, county_admin):
    assessment = assessment_of(published_2024, village_a1)
    with pytest.raises(InvalidInput) as caught:
        services.correction_propose(
            actor=county_admin, assessment=assessment, kind="correct", new_level="6", reason=""
        )
    assert {e["field"] for e in caught.value.errors} == {"new_level", "reason"}
    with pytest.raises(InvalidInput) as caught:
        services.correction_propose(
            actor=county_admin, assessment=assessment, kind="correct", new_level=5, reason="x"
        )
    assert caught.value.errors[0]["message"] == "与当前星级相同"
    assert not ResultCorrection.objects.exists()


def test_only_published_results_are_corrected_and_one_pending_at_a_time(
    round_2024, published_2024, village_a1, county_admin
):
    assessment = assessment_of(published_2024, village_a1)
    strip(county_admin, assessment)
    with pytest.raises(Conflict, match="待审批"):
        services.correction_propose(
            actor=county_admin, assessment=assessment, kind="correct", new_level=3, reason="x"
        )


def test_unpublished_round_refuses_corrections(round_2024, village_a1, county_admin):
    with pytest.raises(Conflict, match="尚未发布"):
        strip(county_admin, assessment_of(round_2024, village_a1))


def test_next_year_reads_the_current_level(
    round_2025, published_2024, village_a1, village_a2, county_admin, county_admin_b, catalogue
):
    """Year over year uses the current level: a 5-star stripped to 0 in 2024 is limited to
    0 + 1 = 1 star in 2025 (rule 10), and its change is counted from 0."""
    submit_county(county_admin, round_2025, village_a1, catalogue, "0.95")
    assessment = assessment_of(round_2025, village_a1)
    assert (assessment.previous_level, assessment.level) == (5, 5)

    correction = strip(county_admin, assessment_of(published_2024, village_a1))
    services.correction_approve(actor=county_admin_b, correction=correction)
    assessment.refresh_from_db()
    assert (assessment.previous_level, assessment.level, assessment.change) == (0, 1, 1)

    # A correction to a level, not a strip: A2 4 → 2, so 2025 caps A2 at 3.
    fix = services.correction_propose(
        actor=county_admin,
        assessment=assessment_of(published_2024, village_a2),
        kind="correct",
        new_level=2,
        reason="2024年度录入错误，复核后应为2星",
    )
    services.correction_approve(actor=county_admin_b, correction=fix)
    submit_county(county_admin, round_2025, village_a2, catalogue, "0.95")
    a2 = assessment_of(round_2025, village_a2)
    assert (a2.previous_level, a2.level) == (2, 3)
