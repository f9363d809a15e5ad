"""Findings (联查联审 veto / star deduction) and satisfaction surveys: who may record, confirm and
withdraw them, what they do to the level (rules 8, 9, 11), and the audit trail they leave."""

from __future__ import annotations

from decimal import Decimal

import pytest

from assessments import services
from assessments.models import (
    Assessment,
    DepartmentClearance,
    Finding,
    Round,
    SatisfactionSurvey,
)
from organizations.models import AuditLog
from starrating.errors import Conflict, InvalidInput, NotPermitted
from tests.conftest import assessment_of, audit_rows, move_to, submit_county

pytestmark = pytest.mark.django_db

EVIDENCE = "2024年8月该村发生越级集体上访，经区信访局认定属实。"


@pytest.fixture
def rated_a1(round_2024, county_admin, village_a1, catalogue) -> Assessment:
    """Village A1 in county review with a full county sheet: 100 points, level 5 (first year)."""
    round_ = move_to(round_2024, Round.Status.COUNTY_REVIEW)
    submit_county(county_admin, round_, village_a1, catalogue, "1")
    a1 = assessment_of(round_, village_a1)
    assert a1.level == 5 and not a1.vetoed
    return a1


def record(actor, assessment, code="FJ04", evidence=EVIDENCE, **kw) -> Finding:
    return services.finding_create(
        actor=actor, assessment=assessment, item_code=code, evidence=evidence, **kw
    )


# --- finding_create -----------------------------------------------------------------------


def test_reviewer_records_a_pending_finding_with_audit(reviewer, round_2024, village_b1):
    assessment = assessment_of(round_2024, village_b1)

    finding = record(reviewer, assessment, "FJ04", f"  {EVIDENCE}  ")

    finding.refresh_from_db()
    assert finding.status == Finding.Status.PENDING
    assert finding.item.code == "FJ04" and finding.item.kind == "veto"
    assert finding.department == "discipline"  # the reviewer's own department
    assert finding.recorded_by == reviewer
    assert finding.evidence == EVIDENCE
    entry = audit_rows(finding, AuditLog.Action.FINDING_CREATE).get()
    assert entry.actor == reviewer
    assert entry.before is None
    assert entry.after["status"] == "pending" and entry.after["item"] == "FJ04"
    assert entry.after["assessment"] == assessment.pk


def test_a_reviewer_cannot_record_as_another_department(reviewer, round_2024, village_b1):
    assessment = assessment_of(round_2024, village_b1)

    with pytest.raises(NotPermitted, match="只能以本部门（纪检监察）的名义登记") as refused:
        record(reviewer, assessment, department="petitions")

    assert refused.value.errors[0]["field"] == "department"
    assert not Finding.objects.exists()


def test_a_reviewer_naming_their_own_department_is_fine(reviewer, round_2024, village_b1):
    finding = record(reviewer, assessment_of(round_2024, village_b1), department="discipline")

    assert finding.department == "discipline"


def test_an_evaluator_records_as_the_organization_department_only(
    evaluator, round_2024, village_a1
):
    assessment = assessment_of(round_2024, village_a1)

    with pytest.raises(NotPermitted):
        record(evaluator, assessment, "JX02", department="tax")
    finding = record(evaluator, assessment, "JX02")

    assert finding.department == "organization"


def test_the_county_admin_may_record_for_a_department(county_admin, round_2024, village_b1):
    finding = record(county_admin, assessment_of(round_2024, village_b1), department="petitions")

    finding.refresh_from_db()
    assert finding.department == "petitions"


def test_a_reviewer_cannot_clear_as_another_department(reviewer, round_2024, village_b1):
    assessment = assessment_of(round_2024, village_b1)

    with pytest.raises(NotPermitted):
        services.clearance_record(actor=reviewer, assessment=assessment, department="tax")

    assert not DepartmentClearance.objects.exists()


def test_county_admin_records_a_finding(county_admin, round_2024, village_a2):
    finding = record(county_admin, assessment_of(round_2024, village_a2), "JX01")

    finding.refresh_from_db()
    assert finding.item.kind == "star_deduction"
    assert finding.recorded_by == county_admin
    assert finding.department == "organization"


def test_evaluator_records_only_for_assigned_villages(
    evaluator, round_2024, village_a1, village_a2
):
    finding = record(evaluator, assessment_of(round_2024, village_a1), "JX02")
    assert Finding.objects.get(pk=finding.pk).recorded_by == evaluator

    with pytest.raises(NotPermitted):
        record(evaluator, assessment_of(round_2024, village_a2), "JX02")

    assert Finding.objects.filter(assessment__organization=village_a2).count() == 0


@pytest.mark.parametrize("who", ["assessor_a", "secretary_a1", "auditor", "maintainer"])
def test_other_roles_may_not_record_findings(request, who, round_2024, village_a1):
    with pytest.raises(NotPermitted):
        record(request.getfixturevalue(who), assessment_of(round_2024, village_a1))

    assert not Finding.objects.exists()
    assert not AuditLog.objects.filter(action=AuditLog.Action.FINDING_CREATE).exists()


@pytest.mark.parametrize("code", ["SJ01", "DW11", "XX99"])
def test_bad_item_code_and_empty_evidence_are_both_listed(reviewer, round_2024, village_a1, code):
    # SJ01 is a scored item, DW11 a deduction item: neither is a veto or star-deduction item.
    with pytest.raises(InvalidInput) as exc:
        record(reviewer, assessment_of(round_2024, village_a1), code, "   ")

    errors = {e["field"]: e for e in exc.value.errors}
    assert set(errors) == {"item", "evidence"}
    assert errors["item"]["value"] == code
    assert "否决项或减星项" in errors["item"]["message"]
    assert errors["evidence"]["message"]
    assert not Finding.objects.exists()


def test_pending_findings_do_not_count(reviewer, county_admin, rated_a1):
    record(reviewer, rated_a1, "FJ04")
    record(reviewer, rated_a1, "JX01")

    services.results_refresh(round_=rated_a1.round, actor=county_admin)

    rated_a1.refresh_from_db()
    assert rated_a1.level == 5
    assert not rated_a1.vetoed


# --- finding_confirm ----------------------------------------------------------------------


def test_confirmed_veto_makes_the_level_zero(reviewer, county_admin, rated_a1):
    finding = record(reviewer, rated_a1, "FJ04")

    services.finding_confirm(actor=county_admin, finding=finding)

    finding.refresh_from_db()
    assert finding.status == Finding.Status.CONFIRMED
    assert finding.confirmed_by == county_admin and finding.confirmed_at is not None
    rated_a1.refresh_from_db()
    assert rated_a1.level == 0
    assert rated_a1.vetoed
    assert rated_a1.total == Decimal("100")  # the points stand; the rating is withdrawn
    entry = audit_rows(finding, AuditLog.Action.FINDING_CONFIRM).get()
    assert entry.actor == county_admin
    assert entry.before["status"] == "pending" and entry.after["status"] == "confirmed"
    result = audit_rows(rated_a1, AuditLog.Action.RESULT_CHANGE).last()
    assert result.before["level"] == 5 and result.after["level"] == 0


def test_confirmed_star_deduction_lowers_the_level_by_one(reviewer, county_admin, rated_a1):
    finding = record(reviewer, rated_a1, "JX01")

    services.finding_confirm(actor=county_admin, finding=finding)

    rated_a1.refresh_from_db()
    assert rated_a1.level == 4
    assert not rated_a1.vetoed


@pytest.mark.parametrize("who", ["reviewer", "evaluator", "auditor", "assessor_a"])
def test_only_the_county_admin_confirms(request, who, reviewer, rated_a1):
    finding = record(reviewer, rated_a1, "FJ04")

    with pytest.raises(NotPermitted):
        services.finding_confirm(actor=request.getfixturevalue(who), finding=finding)

    finding.refresh_from_db()
    assert finding.status == Finding.Status.PENDING and finding.confirmed_by is None
    rated_a1.refresh_from_db()
    assert rated_a1.level == 5


def test_a_finding_is_confirmed_once(reviewer, county_admin, rated_a1):
    finding = record(reviewer, rated_a1, "JX01")
    services.finding_confirm(actor=county_admin, finding=finding)

    with pytest.raises(Conflict):
        services.finding_confirm(actor=county_admin, finding=finding)

    rated_a1.refresh_from_db()
    assert rated_a1.level == 4
    assert audit_rows(finding, AuditLog.Action.FINDING_CONFIRM).count() == 1


# --- finding_withdraw ---------------------------------------------------------------------


def test_withdraw_needs_a_reason(reviewer, rated_a1):
    finding = record(reviewer, rated_a1)

    with pytest.raises(InvalidInput) as exc:
        services.finding_withdraw(actor=reviewer, finding=finding, reason="  ")

    assert exc.value.errors == [{"field": "reason", "message": "必填"}]
    finding.refresh_from_db()
    assert finding.status == Finding.Status.PENDING


def test_recorder_withdraws_while_pending(reviewer, rated_a1):
    finding = record(reviewer, rated_a1)

    services.finding_withdraw(actor=reviewer, finding=finding, reason="误登记，应为相邻村")

    finding.refresh_from_db()
    assert finding.status == Finding.Status.WITHDRAWN
    assert finding.withdrawn_reason == "误登记，应为相邻村"
    entry = audit_rows(finding, AuditLog.Action.FINDING_WITHDRAW).get()
    assert entry.before["status"] == "pending" and entry.after["status"] == "withdrawn"
    assert entry.reason == "误登记，应为相邻村"


def test_a_withdrawn_finding_stays_withdrawn(reviewer, county_admin, rated_a1):
    finding = record(reviewer, rated_a1)
    services.finding_withdraw(actor=reviewer, finding=finding, reason="误登记")

    with pytest.raises(NotPermitted):  # no longer pending: not the recorder's any more
        services.finding_withdraw(actor=reviewer, finding=finding, reason="再次撤回")
    with pytest.raises(Conflict) as exc:
        services.finding_withdraw(actor=county_admin, finding=finding, reason="再次撤回")
    assert "已撤回" in exc.value.message
    with pytest.raises(Conflict):
        services.finding_confirm(actor=county_admin, finding=finding)

    finding.refresh_from_db()
    assert finding.status == Finding.Status.WITHDRAWN and finding.withdrawn_reason == "误登记"
    assert audit_rows(finding, AuditLog.Action.FINDING_WITHDRAW).count() == 1


def test_recorder_may_not_withdraw_once_confirmed(reviewer, county_admin, rated_a1):
    finding = record(reviewer, rated_a1)
    services.finding_confirm(actor=county_admin, finding=finding)

    with pytest.raises(NotPermitted):
        services.finding_withdraw(actor=reviewer, finding=finding, reason="不服")

    finding.refresh_from_db()
    assert finding.status == Finding.Status.CONFIRMED
    rated_a1.refresh_from_db()
    assert rated_a1.level == 0


def test_another_reviewer_may_not_withdraw(reviewer, rated_a1, county):
    from tests.factories import UserFactory

    colleague = UserFactory(
        username="reviewer2", role="department_reviewer", organization=county, department="tax"
    )
    finding = record(reviewer, rated_a1)

    with pytest.raises(NotPermitted):
        services.finding_withdraw(actor=colleague, finding=finding, reason="不是我登记的")

    finding.refresh_from_db()
    assert finding.status == Finding.Status.PENDING


def test_withdrawing_a_confirmed_veto_restores_the_level(reviewer, county_admin, rated_a1):
    finding = record(reviewer, rated_a1)
    services.finding_confirm(actor=county_admin, finding=finding)
    rated_a1.refresh_from_db()
    assert rated_a1.level == 0

    services.finding_withdraw(
        actor=county_admin, finding=finding, reason="复核认定不属于越级上访，撤销否决。"
    )

    finding.refresh_from_db()
    assert finding.status == Finding.Status.WITHDRAWN
    rated_a1.refresh_from_db()
    assert rated_a1.level == 5
    assert not rated_a1.vetoed
    entry = audit_rows(finding, AuditLog.Action.FINDING_WITHDRAW).get()
    assert entry.actor == county_admin
    assert entry.before["status"] == "confirmed" and entry.after["status"] == "withdrawn"


# --- survey_save --------------------------------------------------------------------------


def test_survey_values_must_be_integers(county_admin, round_2024, village_a1):
    with pytest.raises(InvalidInput) as exc:
        services.survey_save(
            actor=county_admin,
            assessment=assessment_of(round_2024, village_a1),
            respondents="二十",
            satisfied="1.5",
        )

    errors = {e["field"]: e for e in exc.value.errors}
    assert set(errors) == {"respondents", "satisfied"}
    assert errors["respondents"]["value"] == "二十"
    assert "整数" in errors["respondents"]["message"]
    assert errors["satisfied"]["value"] == "1.5"
    assert not SatisfactionSurvey.objects.exists()


def test_survey_zero_respondents_and_too_many_satisfied_both_listed(
    county_admin, round_2024, village_a1
):
    with pytest.raises(InvalidInput) as exc:
        services.survey_save(
            actor=county_admin,
            assessment=assessment_of(round_2024, village_a1),
            respondents=0,
            satisfied=3,
        )

    messages = {e["field"]: e["message"] for e in exc.value.errors}
    assert set(messages) == {"respondents", "satisfied"}
    assert "大于0" in messages["respondents"]
    assert "不能超过测评人数" in messages["satisfied"]
    assert not SatisfactionSurvey.objects.exists()


def test_survey_every_problem_listed_at_once(county_admin, round_2024, village_a1):
    # One field not a number does not hide the other field's range problem.
    with pytest.raises(InvalidInput) as exc:
        services.survey_save(
            actor=county_admin,
            assessment=assessment_of(round_2024, village_a1),
            respondents=0,
            satisfied="很多",
        )

    messages = {e["field"]: e["message"] for e in exc.value.errors}
    assert set(messages) == {"respondents", "satisfied"}
    assert "大于0" in messages["respondents"]
    assert "整数" in messages["satisfied"]


def test_survey_satisfied_above_respondents(county_admin, round_2024, village_a1):
    with pytest.raises(InvalidInput) as exc:
        services.survey_save(
            actor=county_admin,
            assessment=assessment_of(round_2024, village_a1),
            respondents="10",
            satisfied="11",
        )

    assert [e["field"] for e in exc.value.errors] == ["satisfied"]
    assert not SatisfactionSurvey.objects.exists()


def test_survey_below_the_floor_caps_the_level_at_two(county_admin, rated_a1):
    survey = services.survey_save(
        actor=county_admin, assessment=rated_a1, respondents=10, satisfied=5
    )

    survey.refresh_from_db()
    assert (survey.respondents, survey.satisfied) == (10, 5)
    assert survey.recorded_by == county_admin
    rated_a1.refresh_from_db()
    assert rated_a1.level == 2
    entry = audit_rows(survey, AuditLog.Action.SURVEY_SAVE).get()
    assert entry.before is None
    assert entry.after == {"respondents": 10, "satisfied": 5}

    # 6 of 10 is exactly the 0.6 floor: not below it.
    services.survey_save(actor=county_admin, assessment=rated_a1, respondents="10", satisfied="6")

    rated_a1.refresh_from_db()
    assert rated_a1.level == 5
    survey.refresh_from_db()
    assert survey.satisfied == 6
    entry = audit_rows(survey, AuditLog.Action.SURVEY_SAVE).last()
    assert entry.before == {"respondents": 10, "satisfied": 5}
    assert entry.after == {"respondents": 10, "satisfied": 6}


def test_survey_by_evaluator_only_for_assigned_villages(
    evaluator, reviewer, assessor_a, round_2024, village_a1, village_a2
):
    services.survey_save(
        actor=evaluator,
        assessment=assessment_of(round_2024, village_a1),
        respondents=15,
        satisfied=15,
    )
    assert SatisfactionSurvey.objects.get().recorded_by == evaluator

    for actor, village in (
        (evaluator, village_a2),
        (reviewer, village_a1),
        (assessor_a, village_a1),
    ):
        with pytest.raises(NotPermitted):
            services.survey_save(
                actor=actor,
                assessment=assessment_of(round_2024, village),
                respondents=15,
                satisfied=1,
            )
    assert SatisfactionSurvey.objects.count() == 1
    assert SatisfactionSurvey.objects.get().satisfied == 15


# --- a published round is final -----------------------------------------------------------


def test_findings_and_surveys_refused_when_published(
    reviewer, county_admin, round_2024, village_a1, village_a2, village_b1, catalogue
):
    round_ = move_to(round_2024, Round.Status.COUNTY_REVIEW)
    for village in (village_a1, village_a2, village_b1):
        submit_county(county_admin, round_, village, catalogue, "0.9")
    pending = record(reviewer, assessment_of(round_, village_b1), "JX03")
    services.finding_withdraw(actor=reviewer, finding=pending, reason="已核实整改完毕")
    services.round_advance(actor=county_admin, round_=round_)
    services.round_publish(actor=county_admin, round_=round_)
    a1 = assessment_of(round_, village_a1)
    level = a1.level

    with pytest.raises(Conflict) as exc:
        record(reviewer, a1, "FJ04")
    assert "已发布" in exc.value.message
    with pytest.raises(Conflict):
        record(county_admin, a1, "JX01")
    with pytest.raises(Conflict):
        services.survey_save(actor=county_admin, assessment=a1, respondents=10, satisfied=1)
    with pytest.raises(Conflict):
        services.finding_withdraw(actor=county_admin, finding=pending, reason="再撤")

    assert Finding.objects.count() == 1
    assert not SatisfactionSurvey.objects.exists()
    a1.refresh_from_db()
    assert a1.level == level


@pytest.mark.parametrize("code", ["", "  "])
def test_a_finding_without_an_item_is_refused_naming_the_field(
    reviewer, round_2024, village_a1, code
):
    # Issue 12: the page's list used to start on FJ01, so a reviewer who only typed the
    # evidence recorded the most serious veto. No item chosen is refused, never defaulted.
    with pytest.raises(InvalidInput) as exc:
        record(reviewer, assessment_of(round_2024, village_a1), code, "书记受到警告处分")

    assert exc.value.errors == [{"field": "item", "message": "请选择否决/减星项"}]
    assert not Finding.objects.exists()


def ACTIVE():
    return DepartmentClearance.objects.filter(withdrawn_at__isnull=True)


def test_a_clearance_is_undone_by_its_department_or_the_county_admin_and_audited(
    reviewer, county_admin, evaluator, round_2024, village_a1
):
    a1 = assessment_of(round_2024, village_a1)
    services.clearance_record(actor=reviewer, assessment=a1)
    services.clearance_record(actor=evaluator, assessment=a1)  # the organization department

    services.clearance_undo(actor=reviewer, assessment=a1, ip="10.0.0.8")

    assert list(ACTIVE().values_list("department", flat=True)) == ["organization"]
    undone = DepartmentClearance.objects.get(department="discipline")  # kept, marked withdrawn
    assert undone.withdrawn_by == reviewer and undone.withdrawn_reason == "登记有误，撤销"
    entry = AuditLog.objects.get(action=AuditLog.Action.DEACTIVATE)
    assert entry.before["department"] == "discipline" and entry.after["active"] is False
    assert entry.actor == reviewer and entry.ip_address == "10.0.0.8"
    with pytest.raises(NotPermitted):  # a reviewer takes back only their own department's
        services.clearance_undo(actor=reviewer, assessment=a1, department="organization")
    services.clearance_undo(actor=county_admin, assessment=a1, department="organization")
    assert not ACTIVE().exists()
    with pytest.raises(Conflict, match="无需撤销"):
        services.clearance_undo(actor=county_admin, assessment=a1, department="organization")
    # Once recorded again it may be undone again; after the review closes it may not.
    services.clearance_record(actor=reviewer, assessment=a1)
    move_to(round_2024, Round.Status.PUBLISHED)
    with pytest.raises(Conflict):
        services.clearance_undo(actor=reviewer, assessment=a1)
    assert ACTIVE().count() == 1
