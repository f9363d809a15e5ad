"""The joint review (联查联审): findings recorded, confirmed and withdrawn, and departments'
clearances."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments import policies
from assessments.models import (
    Assessment,
    DepartmentClearance,
    Finding,
    Round,
)
from indicators.models import Item
from organizations.models import AuditLog, Department, Role, User
from organizations.services import audit_record
from starrating.errors import Conflict, InvalidInput, NotPermitted

from .common import current_round, lock_row
from .results import results_refresh


def ensure_findings_open(round_: Round) -> None:
    if not round_.findings_open:
        raise Conflict(
            _("本轮当前状态（%(status)s）不能登记或修改联审问题和满意度测评。")
            % {"status": round_.get_status_display()}
        )


def acting_department(actor: User, department: str | None) -> str:
    """The department a finding or clearance is recorded under. A department reviewer acts
    only as their own department and an evaluation group as the organization department,
    whatever the request says; only the county admin may record on behalf of a department
    (entering its written conclusion). Naming another department is refused, not ignored, so
    nobody believes they recorded for someone else."""
    own = actor.department if actor.role == Role.DEPARTMENT_REVIEWER else "organization"
    if actor.role != Role.COUNTY_ADMIN:
        if department and department != own:
            raise NotPermitted(
                _("您只能以本部门（%(own)s）的名义登记，不能代%(other)s登记。")
                % {
                    "own": Department(own).label,
                    "other": Department(department).label
                    if department in Department.values
                    else department,
                },
                [{"field": "department", "value": department, "message": _("不是您的部门")}],
            )
        return own
    department = department or own
    if department not in Department.values:
        raise InvalidInput(
            _("部门不存在。"),
            [{"field": "department", "value": department, "message": _("部门不存在")}],
        )
    return department


def finding_create(
    *,
    actor: User,
    assessment: Assessment,
    item_code: str,
    evidence: str,
    department: str | None = None,
    ip: str | None = None,
) -> Finding:
    """Record a veto or star-deduction finding (pending until the county admin confirms)."""
    if not policies.can_record_finding(actor, assessment):
        raise NotPermitted(
            _("您无权为该%(noun)s登记联审问题。") % {"noun": assessment.round.rated_noun}
        )
    current_round(assessment)
    ensure_findings_open(assessment.round)
    errors = []
    item = Item.objects.filter(
        catalogue_id=assessment.round.catalogue_id,
        code=item_code,
        kind__in=[Item.Kind.VETO, Item.Kind.STAR_DEDUCTION],
    ).first()
    if not (item_code or "").strip():
        errors.append({"field": "item", "message": _("请选择否决/减星项")})
    elif item is None:
        errors.append(
            {"field": "item", "value": item_code, "message": _("不是本轮的否决项或减星项代码")}
        )
    if not (evidence or "").strip():
        errors.append({"field": "evidence", "message": _("请填写问题事实与依据")})
    department = acting_department(actor, department)
    if errors:
        raise InvalidInput(_("登记联审问题失败。"), errors)
    with transaction.atomic():
        finding = Finding.objects.create(
            assessment=assessment,
            item=item,
            department=department,
            evidence=evidence.strip(),
            recorded_by=actor,
        )
        audit_record(
            actor=actor,
            action=AuditLog.Action.FINDING_CREATE,
            obj=finding,
            after=_finding_snapshot(finding),
            ip=ip,
        )
    return finding


def _finding_snapshot(finding: Finding) -> dict:
    return {
        "assessment": finding.assessment_id,
        "item": finding.item.code,
        "kind": finding.item.kind,
        "department": finding.department,
        "status": finding.status,
        "evidence": finding.evidence,
    }


def finding_confirm(*, actor: User, finding: Finding, ip: str | None = None) -> Finding:
    assessment = finding.assessment
    if not policies.can_confirm_finding(actor, assessment):
        raise NotPermitted(_("只有县级管理员可以确认联审问题。"))
    current_round(assessment)
    ensure_findings_open(assessment.round)
    with transaction.atomic():
        lock_row(finding)
        if finding.status != Finding.Status.PENDING:
            raise Conflict(
                _("该问题当前状态为“%(s)s”，不能确认。") % {"s": finding.get_status_display()}
            )
        before = _finding_snapshot(finding)
        finding.status = Finding.Status.CONFIRMED
        finding.confirmed_by = actor
        finding.confirmed_at = timezone.now()
        finding.save()
        audit_record(
            actor=actor,
            action=AuditLog.Action.FINDING_CONFIRM,
            obj=finding,
            before=before,
            after=_finding_snapshot(finding),
            ip=ip,
        )
        results_refresh(round_=assessment.round, assessment_ids=[assessment.pk], actor=actor)
    return finding


def finding_withdraw(
    *, actor: User, finding: Finding, reason: str, ip: str | None = None
) -> Finding:
    """Withdraw a finding: its recorder while pending, the county admin at any time."""
    assessment = finding.assessment
    if not policies.can_withdraw_finding(actor, finding):
        raise NotPermitted(_("您无权撤回该问题。"))
    current_round(assessment)
    ensure_findings_open(assessment.round)
    if not (reason or "").strip():
        raise InvalidInput(_("请填写撤回原因。"), [{"field": "reason", "message": _("必填")}])
    with transaction.atomic():
        lock_row(finding)
        if finding.status == Finding.Status.WITHDRAWN:
            raise Conflict(_("该问题已撤回。"))
        if not policies.can_withdraw_finding(actor, finding):  # confirmed meanwhile
            raise NotPermitted(_("您无权撤回该问题。"))
        before = _finding_snapshot(finding)
        was_confirmed = finding.status == Finding.Status.CONFIRMED
        finding.status = Finding.Status.WITHDRAWN
        finding.withdrawn_reason = reason.strip()
        finding.save()
        audit_record(
            actor=actor,
            action=AuditLog.Action.FINDING_WITHDRAW,
            obj=finding,
            before=before,
            after=_finding_snapshot(finding),
            reason=reason,
            ip=ip,
        )
        if was_confirmed:
            results_refresh(round_=assessment.round, assessment_ids=[assessment.pk], actor=actor)
    return finding


def clearance_record(
    *,
    actor: User,
    assessment: Assessment,
    department: str | None = None,
    ip: str | None = None,
) -> DepartmentClearance:
    """Record that a department found no main problem (无重大问题) for a village. Refused while
    the same department has a pending or confirmed finding for it; one per department."""
    if not policies.can_record_finding(actor, assessment):
        raise NotPermitted(
            _("您无权为该%(noun)s登记联审结论。") % {"noun": assessment.round.rated_noun}
        )
    ensure_findings_open(assessment.round)
    department = acting_department(actor, department)
    org_name = assessment.organization.name
    label = Department(department).label
    open_findings = assessment.findings.filter(department=department).exclude(
        status=Finding.Status.WITHDRAWN
    )
    if open_findings.exists():
        raise Conflict(
            _("%(dept)s已为%(org)s登记了问题，不能再登记“无重大问题”。")
            % {"dept": label, "org": org_name}
        )
    with transaction.atomic():
        if DepartmentClearance.objects.filter(
            assessment=assessment, department=department, withdrawn_at__isnull=True
        ).exists():
            raise Conflict(
                _("%(dept)s已登记%(org)s“无重大问题”。") % {"dept": label, "org": org_name}
            )
        clearance = DepartmentClearance.objects.create(
            assessment=assessment, department=department, by=actor
        )
        audit_record(
            actor=actor,
            action=AuditLog.Action.CREATE,
            obj=clearance,
            after={
                "assessment": assessment.pk,
                "department": department,
                "conclusion": "no_main_problem",
            },
            ip=ip,
        )
    return clearance


def clearance_withdraw(
    *, actor: User, clearance: DepartmentClearance, reason: str, ip: str | None = None
) -> DepartmentClearance:
    """Withdraw a "无重大问题" (kept, marked withdrawn): whoever may record it for that
    department (its own reviewer; an evaluation group for the organization department) or the
    county admin, while findings are open. The village then counts as not reviewed by that
    department again (the joint-review gate)."""
    assessment = clearance.assessment
    own = actor.role != Role.COUNTY_ADMIN and acting_department(actor, None) == clearance.department
    if not (
        policies.can_confirm_finding(actor, assessment)
        or (own and policies.can_record_finding(actor, assessment))
    ):
        raise NotPermitted(_("只有该部门的审查人员或县级管理员可以撤回审查结论。"))
    current_round(assessment)
    ensure_findings_open(assessment.round)
    if not (reason or "").strip():
        raise InvalidInput(_("请填写撤回原因。"), [{"field": "reason", "message": _("必填")}])
    with transaction.atomic():
        lock_row(clearance)
        if clearance.withdrawn_at is not None:
            raise Conflict(_("该审查结论已撤回。"))
        clearance.withdrawn_at = timezone.now()
        clearance.withdrawn_by = actor
        clearance.withdrawn_reason = reason.strip()
        clearance.save()
        audit_record(
            actor=actor,
            action=AuditLog.Action.DEACTIVATE,
            obj=clearance,
            before={"department": clearance.department, "active": True},
            after={"department": clearance.department, "active": False},
            reason=reason,
            ip=ip,
        )
    return clearance


def clearance_undo(
    *,
    actor: User,
    assessment: Assessment,
    department: str | None = None,
    ip: str | None = None,
) -> DepartmentClearance:
    """Take back a department's “无重大问题” recorded by mistake (the review table's 撤销, right
    where it was recorded): the department's own reviewer (or an evaluation group, for the
    organization department) or the county admin. It is a withdrawal (clearance_withdraw):
    the row is kept, marked withdrawn with the reason, and audited."""
    if not policies.can_record_finding(actor, assessment):
        raise NotPermitted(
            _("您无权为该%(noun)s撤销联审结论。") % {"noun": assessment.round.rated_noun}
        )
    current_round(assessment)
    department = acting_department(actor, department)
    clearance = DepartmentClearance.objects.filter(
        assessment=assessment, department=department, withdrawn_at__isnull=True
    ).first()
    if clearance is None:
        raise Conflict(
            _("%(dept)s没有登记%(org)s“无重大问题”，无需撤销。")
            % {"dept": Department(department).label, "org": assessment.organization.name}
        )
    return clearance_withdraw(actor=actor, clearance=clearance, reason=_("登记有误，撤销"), ip=ip)
