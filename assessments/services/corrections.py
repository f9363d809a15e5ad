"""Corrections after publishing (动态管理): a star stripped (摘星) or a wrong level corrected,
proposed by one county administrator and approved by another. The published assessment row
is never written: the current level is read through the approved corrections
(``selectors.current_level``), and next year's rule 10 reads the current level."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments import policies, selectors
from assessments.models import Assessment, ResultCorrection, Round
from organizations.models import AuditLog, Succession, User
from organizations.services import audit_record
from starrating.errors import Conflict, InvalidInput, NotPermitted

from .common import lock_row
from .results import results_refresh


def _snapshot(correction: ResultCorrection) -> dict[str, Any]:
    return {
        "kind": correction.kind,
        "level_before": correction.level_before,
        "new_level": correction.new_level,
        "status": correction.status,
        "reason": correction.reason,
        "decision_note": correction.decision_note,
    }


def correction_propose(
    *,
    actor: User,
    assessment: Assessment,
    kind: str,
    new_level: Any = None,
    reason: str,
    evidence: str = "",
    ip: str | None = None,
) -> ResultCorrection:
    """Propose a correction of a published result. 摘星 sets the level to 0; 更正 names the
    right level. It changes nothing until a second county administrator approves it."""
    round_ = assessment.round
    if not policies.can_manage_round(actor, round_.county_id):
        raise NotPermitted(_("只有本区县的县级管理员可以提出结果更正。"))
    round_.refresh_from_db()
    if not round_.is_published:
        raise Conflict(_("本轮结果尚未发布：发布前请在评定中修改，不需要更正。"))
    if assessment.level is None:
        raise Conflict(_("该%(noun)s本轮没有评定结果，不能更正。") % {"noun": round_.rated_noun})
    current = selectors.assessment_current_level(assessment)
    errors = []
    if kind not in ResultCorrection.Kind.values:
        errors.append({"field": "kind", "value": kind, "message": _("类型须为摘星或更正")})
    level = None
    if kind == ResultCorrection.Kind.STRIP:
        level = 0
        if current == 0:
            errors.append(
                {
                    "field": "kind",
                    "message": _("该%(noun)s当前已是0星，无星可摘") % {"noun": round_.rated_noun},
                }
            )
    elif kind == ResultCorrection.Kind.CORRECT:
        try:
            level = int(str(new_level).strip())
            if str(level) != str(new_level).strip() or not 0 <= level <= 5:
                raise ValueError
        except (TypeError, ValueError):
            errors.append(
                {"field": "new_level", "value": new_level, "message": _("须为0到5的整数")}
            )
            level = None
        if level is not None and level == current:
            errors.append(
                {"field": "new_level", "value": new_level, "message": _("与当前星级相同")}
            )
    reason = (reason or "").strip()
    if not reason:
        errors.append({"field": "reason", "message": _("必须填写更正原因")})
    if errors:
        raise InvalidInput(_("更正内容有误，未保存。"), errors)
    with transaction.atomic():
        lock_row(assessment)
        if assessment.corrections.filter(status=ResultCorrection.Status.PENDING).exists():
            raise Conflict(
                _("该%(noun)s已有一项待审批的更正，请先审批或驳回。") % {"noun": round_.rated_noun}
            )
        correction = ResultCorrection.objects.create(
            assessment=assessment,
            kind=kind,
            level_before=current,
            new_level=level,
            reason=reason,
            evidence=(evidence or "").strip(),
            proposed_by=actor,
        )
        audit_record(
            actor=actor,
            action=AuditLog.Action.CREATE,
            obj=correction,
            after=_snapshot(correction),
            reason=reason,
            ip=ip,
        )
    return correction


def _decide(
    *, actor: User, correction: ResultCorrection, approve: bool, note: str, ip: str | None
) -> ResultCorrection:
    round_ = correction.assessment.round
    if not policies.can_manage_round(actor, round_.county_id):
        raise NotPermitted(_("只有本区县的县级管理员可以审批结果更正。"))
    if actor.pk == correction.proposed_by_id:
        raise NotPermitted(_("更正须由提出人以外的另一名县级管理员审批。"))
    note = (note or "").strip()
    if not approve and not note:
        raise InvalidInput(
            _("驳回须填写理由。"), [{"field": "note", "message": _("必须填写驳回理由")}]
        )
    with transaction.atomic():
        lock_row(correction)
        if correction.status != ResultCorrection.Status.PENDING:
            raise Conflict(
                _("该更正已处理（%(status)s），不能再次审批。")
                % {"status": correction.get_status_display()}
            )
        before = _snapshot(correction)
        correction.status = (
            ResultCorrection.Status.APPROVED if approve else ResultCorrection.Status.REJECTED
        )
        correction.decided_by = actor
        correction.decided_at = timezone.now()
        correction.decision_note = note
        correction.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        audit_record(
            actor=actor,
            action=AuditLog.Action.UPDATE,
            obj=correction,
            before=before,
            after=_snapshot(correction),
            reason=note or correction.reason,
            ip=ip,
        )
        if approve:
            refresh_later_rounds(
                county_id=round_.county_id,
                year=round_.year,
                organization_ids=[correction.assessment.organization_id],
                actor=actor,
            )
    return correction


def correction_approve(
    *, actor: User, correction: ResultCorrection, note: str = "", ip: str | None = None
) -> ResultCorrection:
    """Approve a pending correction (the second person: never its proposer). From now on the
    village's current level is the corrected one, and rule 10 of later rounds reads it."""
    return _decide(actor=actor, correction=correction, approve=True, note=note, ip=ip)


def correction_reject(
    *, actor: User, correction: ResultCorrection, note: str, ip: str | None = None
) -> ResultCorrection:
    """Reject a pending correction, with the reason (also never by its proposer)."""
    return _decide(actor=actor, correction=correction, approve=False, note=note, ip=ip)


def refresh_later_rounds(
    *,
    county_id: int,
    year: int,
    organization_ids: list[int] | None = None,
    actor: User | None = None,
) -> None:
    """Rescore the results whose previous level may have moved: in the county's later rounds
    still open (published ones are frozen), the given organizations and those that came from
    them (a merge or split inherits the level), or every assessment when ``organization_ids``
    is None."""
    rounds = Round.objects.filter(county_id=county_id, year__gt=year).exclude(
        status__in=[Round.Status.DRAFT, Round.Status.PUBLISHED, Round.Status.ARCHIVED]
    )
    for later in rounds:
        if organization_ids is None:
            results_refresh(round_=later, actor=actor)
            continue
        ids = set(organization_ids) | set(
            Succession.objects.filter(predecessor_id__in=organization_ids).values_list(
                "successor_id", flat=True
            )
        )
        assessment_ids = list(
            later.assessments.filter(organization_id__in=ids).values_list("pk", flat=True)
        )
        if assessment_ids:
            results_refresh(round_=later, assessment_ids=assessment_ids, actor=actor)
