"""Publicity objections (公示异议) and appeals after publishing (复核申请): lodged, then handled
by the county, which may send the village back to the county stage for a re-score."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments import policies
from assessments.models import Assessment, Objection, Round, Sheet, Stage
from organizations.models import AuditLog, Role, User
from organizations.services import audit_record
from starrating.errors import Conflict, InvalidInput, NotPermitted

from .common import lock_row
from .rounds import round_reopen
from .sheets import sheet_return

# Who the county registers that may lodge an objection during publicity (DOMAIN.md §3 step 6).
OBJECTION_ROLES = (
    Role.VILLAGE_SECRETARY,
    Role.TOWNSHIP_ASSESSOR,
    Role.DEPARTMENT_REVIEWER,
    Role.EVALUATOR,
    Role.COUNTY_ADMIN,
)


def is_appellant(user: User, round_: Round) -> bool:
    """The role that appeals its own result: the village secretary on a village round, the
    township's own users (its assessor) on a township round."""
    role = Role.TOWNSHIP_ASSESSOR if round_.rates_townships else Role.VILLAGE_SECRETARY
    return user.role == role


def appeal_deadline(round_: Round):
    """The last day a village may appeal: the publishing date plus the round's window."""
    if round_.published_at is None:
        return None
    return timezone.localdate(round_.published_at) + timedelta(days=round_.appeal_window_days)


def _snapshot(o: Objection) -> dict:
    return {
        "kind": o.kind,
        "assessment": o.assessment_id,
        "status": o.status,
        "issue": o.issue,
        "reply": o.reply,
        "reopened": o.reopened,
    }


def objection_lodge(
    *,
    actor: User,
    round_: Round,
    assessment: Assessment,
    issue: str,
    kind: str = Objection.Kind.OBJECTION,
    ip: str | None = None,
    today=None,
) -> Objection:
    """An objection: anyone of the county's registered village, township or department users
    while the round is in publicity. An appeal: the village itself (or the county admin on its
    behalf) within ``appeal_window_days`` after publishing."""
    if not actor.is_active or not policies.in_county(actor, round_.county_id):
        raise NotPermitted(_("您不是本区县登记的用户，不能提出异议。"))
    errors = []
    if kind not in Objection.Kind.values:
        errors.append({"field": "kind", "value": kind, "message": _("类型不存在")})
    if assessment.round_id != round_.pk:
        errors.append(
            {"field": "assessment", "value": assessment.pk, "message": _("不是本轮的评定对象")}
        )
    if not (issue or "").strip():
        errors.append({"field": "issue", "message": _("请写明反映的问题")})
    if errors:
        raise InvalidInput(_("提交失败。"), errors)
    round_.refresh_from_db()
    village = assessment.organization
    if kind == Objection.Kind.OBJECTION:
        if not actor.has_role(*OBJECTION_ROLES):
            raise NotPermitted(_("您的角色不能提出公示异议。"))
        # A township round is publicised to the county's townships and departments, not to
        # the villages; a township reads (and so objects to) its own line only.
        if round_.rates_townships and actor.role == Role.VILLAGE_SECRETARY:
            raise NotPermitted(_("镇街评定结果不向村（社区）公示，村用户不能提出异议。"))
        if (
            round_.rates_townships
            and actor.role == Role.TOWNSHIP_ASSESSOR
            and actor.organization_id != village.pk
        ):
            raise NotPermitted(_("镇街只能对本镇街的评定结果提出异议。"))
        if round_.status != Round.Status.PUBLICITY:
            raise Conflict(
                _("只能在公示期内提出异议（本轮当前状态：%(s)s）。")
                % {"s": round_.get_status_display()}
            )
    else:
        if not (is_appellant(actor, round_) and actor.organization_id == village.pk) and not (
            policies.is_county_admin(actor)
        ):
            raise NotPermitted(
                _("只有%(v)s本%(noun)s可以申请复核。")
                % {"v": village.name, "noun": round_.rated_noun}
            )
        deadline = appeal_deadline(round_)
        if not round_.is_published or deadline is None:
            raise Conflict(_("结果发布后才能申请复核；公示期内请提出公示异议。"))
        if (today or timezone.localdate()) > deadline:
            raise Conflict(
                _("复核申请期限已于%(d)s届满（发布后%(n)d天）。")
                % {"d": deadline, "n": round_.appeal_window_days}
            )
    with transaction.atomic():
        objection = Objection.objects.create(
            round=round_, assessment=assessment, kind=kind, issue=issue.strip(), lodged_by=actor
        )
        audit_record(
            actor=actor,
            action=AuditLog.Action.CREATE,
            obj=objection,
            after=_snapshot(objection),
            ip=ip,
        )
    return objection


def objection_handle(
    *,
    actor: User,
    objection: Objection,
    decision: str,
    reply: str,
    reopen: bool = False,
    ip: str | None = None,
) -> Objection:
    """The county's handling: who, the decision (成立 / 不成立) and the reply. An upheld
    objection during publicity may reopen the county stage and return that village's county
    sheet for a re-score (the round goes back to 考评组评定; publicity starts again after)."""
    round_ = objection.round
    if not policies.can_manage_round(actor, round_.county_id):
        raise NotPermitted(_("只有本区县的县级管理员可以处理异议和复核申请。"))
    errors = []
    if decision not in (Objection.Status.UPHELD, Objection.Status.REJECTED):
        errors.append({"field": "decision", "value": decision, "message": _("请选择处理结果")})
    if not (reply or "").strip():
        errors.append({"field": "reply", "message": _("请填写答复意见")})
    if reopen and decision != Objection.Status.UPHELD:
        errors.append({"field": "reopen", "message": _("只有异议成立时才能退回重新评定")})
    if errors:
        raise InvalidInput(_("处理失败。"), errors)
    with transaction.atomic():
        lock_row(objection)
        if not objection.is_pending:
            raise Conflict(
                _("该%(k)s已处理（%(s)s）。")
                % {"k": objection.get_kind_display(), "s": objection.get_status_display()}
            )
        round_.refresh_from_db()
        if reopen and (
            objection.kind != Objection.Kind.OBJECTION or round_.status != Round.Status.PUBLICITY
        ):
            raise Conflict(_("只有公示期内的异议可以退回考评组重新评定；发布后请走更正程序。"))
        before = _snapshot(objection)
        objection.status = decision
        objection.reply = reply.strip()
        objection.handled_by = actor
        objection.handled_at = timezone.now()
        objection.reopened = reopen
        objection.save()
        audit_record(
            actor=actor,
            action=AuditLog.Action.UPDATE,
            obj=objection,
            before=before,
            after=_snapshot(objection),
            ip=ip,
        )
        if reopen:
            village = objection.assessment.organization.name
            reason = _("公示异议成立（%(v)s）：%(r)s") % {"v": village, "r": objection.reply}
            round_reopen(actor=actor, round_=round_, stage=Stage.COUNTY, reason=reason, ip=ip)
            sheet = Sheet.objects.filter(
                assessment=objection.assessment, stage=Stage.COUNTY
            ).first()
            if sheet is not None and sheet.is_submitted:
                sheet.assessment.round = round_
                sheet_return(actor=actor, sheet=sheet, reason=reason, ip=ip)
    return objection
