"""Rounds: created, configured and moved through their stages (open, advance, publish, archive,
reopen)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments import policies, selectors
from assessments.models import (
    Assessment,
    Finding,
    GateOverride,
    Round,
    Sheet,
    Stage,
    StageReopening,
)
from indicators.services import catalogue_as_data, catalogue_validate
from organizations.models import AuditLog, User
from organizations.selectors import rated_in_county
from organizations.services import audit_record
from starrating.errors import Conflict, InvalidInput, NotPermitted

from .common import STATUS_OF_STAGE, display_value, lock_row
from .results import results_refresh


def ensure_round_admin(actor: User, round_: Round) -> None:
    if not policies.can_manage_round(actor, round_.county_id):
        raise NotPermitted(_("只有本区县的县级管理员可以管理评定轮次。"))


def _transition(
    *, actor: User, round_: Round, to: str, reason: str = "", ip: str | None = None, **extra
) -> Round:
    before = {"status": round_.status}
    round_.status = to
    for field, value in extra.items():
        setattr(round_, field, value)
    round_.save()
    audit_record(
        actor=actor,
        action=AuditLog.Action.ROUND_TRANSITION,
        obj=round_,
        before=before,
        after={"status": to, **{k: display_value(v) for k, v in extra.items()}},
        reason=reason,
        ip=ip,
    )
    return round_


def round_open(*, actor: User, round_: Round, ip: str | None = None) -> Round:
    """Open a draft round: freeze its catalogue and create an assessment for every active
    organization the round rates in the county — its villages, or for a township round its
    townships (DOMAIN.md §3 step 1)."""
    ensure_round_admin(actor, round_)
    if round_.status != Round.Status.DRAFT:
        raise Conflict(_("只有草稿状态的评定轮次可以开启。"))
    # The catalogue freezes now: it must add up (edits since loading may have broken its sums).
    try:
        catalogue_validate(catalogue_as_data(round_.catalogue))
    except InvalidInput as exc:
        raise InvalidInput(
            _("指标体系“%(c)s”有误，不能开启：%(m)s") % {"c": round_.catalogue, "m": exc.message},
            exc.errors,
        ) from exc
    # A township round has one stage: opening goes straight to the county's (its groups may be
    # set up while it runs; the county admin scores in any case).
    first = round_.first_status
    with transaction.atomic():
        lock_row(round_)
        if round_.status != Round.Status.DRAFT:
            raise Conflict(_("只有草稿状态的评定轮次可以开启。"))
        rated = (
            rated_in_county(round_.county_id, round_.target)
            .filter(is_active=True)
            .values_list("pk", "code")
        )
        Assessment.objects.bulk_create(
            [Assessment(round=round_, organization_id=pk, code=code) for pk, code in rated],
            ignore_conflicts=True,
        )
        _transition(actor=actor, round_=round_, to=first, ip=ip, opened_at=timezone.now())
        results_refresh(round_=round_, actor=actor)
    return round_


def _assessments_missing_stage(round_: Round, stage: str) -> list[Assessment]:
    return list(
        round_.assessments.exclude(
            sheets__stage=stage, sheets__status=Sheet.Status.SUBMITTED
        ).select_related("organization")
    )


def _missing_errors(missing: list[Assessment], stage: str) -> list[dict]:
    return [
        {
            "organization": a.organization.code,
            "organization_name": a.organization.name,
            "stage": stage,
            "message": _("“%(stage)s”评分表未提交") % {"stage": Stage(stage).label},
        }
        for a in missing
    ]


def _ensure_results_complete(round_: Round) -> None:
    without = list(round_.assessments.filter(level__isnull=True).select_related("organization"))
    if without:
        raise Conflict(
            _("还有%(n)d个%(noun)s没有评定结果（评分表未提交或缺少满意度测评）。")
            % {"n": len(without), "noun": round_.rated_noun},
            [
                {
                    "organization": a.organization.code,
                    "organization_name": a.organization.name,
                    "message": "；".join(a.result_missing or []) or _("无评定结果"),
                }
                for a in without
            ],
        )
    pending = round_.assessments.filter(findings__status=Finding.Status.PENDING).count()
    if pending:
        raise Conflict(_("还有%(n)d个联审问题待确认或撤回。") % {"n": pending})


def _ensure_groups_cover(round_: Round) -> None:
    """The county stage opens only when every village of the round is in exactly one
    evaluation group (考评组): its members score it, and no one else of the groups does. A
    township round checks it on leaving the county stage instead, and only once it has a
    group (docs/scoring.md "Township rounds")."""
    coverage = selectors.group_coverage(round_)
    if coverage["ok"]:
        return
    errors = [
        {
            "organization": org.code,
            "organization_name": org.name,
            "message": _("没有分配考评组"),
        }
        for org in coverage["unassigned"]
    ] + [
        {
            "organization": row["village"].code,
            "organization_name": row["village"].name,
            "message": _("同时分配给%(g)s") % {"g": "、".join(row["groups"])},
        }
        for row in coverage["double"]
    ]
    if round_.rates_townships:
        raise Conflict(
            _(
                "本轮设有考评组，每个镇街必须恰好分配给一个考评组：还有%(u)d个镇街未分配、"
                "%(d)d个镇街重复分配，不能进入公示。"
            )
            % {"u": len(coverage["unassigned"]), "d": len(coverage["double"])},
            errors,
        )
    raise Conflict(
        _(
            "每个村必须恰好分配给一个考评组：还有%(u)d个村未分配、%(d)d个村重复分配，"
            "不能开启考评组评定。"
        )
        % {"u": len(coverage["unassigned"]), "d": len(coverage["double"])},
        errors,
    )


DEADLINE_FIELD = {
    Stage.SELF: "self_deadline",
    Stage.TOWNSHIP: "township_deadline",
    Stage.COUNTY: "county_deadline",
}


def _next_stage_deadline(round_: Round, to: str, deadline: datetime | None) -> dict:
    """The deadline the stage being entered gets, as extra fields of the transition.

    A stage entered with its stored deadline already passed would open locked: every sheet
    read-only and nobody told. So a new deadline, later than now, is required then; one may
    also be given when none is stored or to move it. Publicity has no sheet deadline."""
    stage = Round.STAGE_OF_STATUS.get(to)
    if stage is None:
        if deadline is not None:
            raise InvalidInput(
                _("进入公示阶段不需要截止时间。"),
                [{"field": "deadline", "message": _("公示阶段没有评分截止时间，请留空")}],
            )
        return {}
    label = Stage(stage).label
    now = timezone.now()
    if deadline is not None:
        if deadline <= now:
            raise InvalidInput(
                _("“%(stage)s”的截止时间必须晚于现在。") % {"stage": label},
                [{"field": "deadline", "message": _("截止时间必须晚于现在")}],
            )
        return {DEADLINE_FIELD[stage]: deadline}
    stored = round_.deadline_for(stage)
    if stored is not None and stored <= now:
        raise InvalidInput(
            _("“%(stage)s”的截止时间（%(at)s）已过，进入该阶段后将无法填写：请填写新的截止时间。")
            % {"stage": label, "at": timezone.localtime(stored).strftime("%Y-%m-%d %H:%M")},
            [{"field": "deadline", "message": _("请填写晚于现在的截止时间")}],
        )
    return {}


# --- gates (docs/scoring.md "Gates"): what must be done before the county stage closes and
# before publishing; an admin may pass one only with a recorded reason. ----------------------


def _gate(
    *,
    actor: User,
    round_: Round,
    action: str,
    gate: str,
    open_items: list[dict],
    message: str,
    override_reason: str,
    ip: str | None,
) -> GateOverride | None:
    """Refuse (409, listing what is open) unless an override reason is given; then record the
    override (who, why, what was open) and audit it, in the caller's transaction."""
    if not open_items:
        return None
    reason = (override_reason or "").strip()
    if not reason:
        raise Conflict(message + _("（县级管理员可填写原因强制通过。）"), open_items, gate=gate)
    override = GateOverride.objects.create(
        round=round_, gate=gate, action=action, reason=reason, open_items=open_items, by=actor
    )
    audit_record(
        actor=actor,
        action=AuditLog.Action.ROUND_TRANSITION,
        obj=round_,
        before={"status": round_.status},
        after={"gate_override": gate, "action": action, "open": len(open_items)},
        reason=reason,
        ip=ip,
    )
    return override


def _joint_review_gate(
    *, actor: User, round_: Round, action: str, override_reason: str, ip: str | None
) -> None:
    """Every listed department has cleared or recorded a finding for every village."""
    open_items = selectors.joint_review_open(round_)
    _gate(
        actor=actor,
        round_=round_,
        action=action,
        gate=GateOverride.Gate.JOINT_REVIEW,
        open_items=open_items,
        message=_("联查联审未完成：%(n)d个部门还未对全部%(noun)s给出审查结论。")
        % {"n": len(open_items), "noun": round_.rated_noun},
        override_reason=override_reason,
        ip=ip,
    )


def _publish_gates(
    *, actor: User, round_: Round, override_reason: str, ip: str | None, now=None
) -> None:
    """Publishing also needs the publicity period over and every objection handled."""
    action = GateOverride.Action.PUBLISH
    _joint_review_gate(
        actor=actor, round_=round_, action=action, override_reason=override_reason, ip=ip
    )
    today = timezone.localdate(now)
    if round_.publicity_end is not None and today <= round_.publicity_end:
        _gate(
            actor=actor,
            round_=round_,
            action=action,
            gate=GateOverride.Gate.PUBLICITY_PERIOD,
            open_items=[
                {
                    "field": "publicity_end",
                    "value": round_.publicity_end.isoformat(),
                    "message": _("公示期至%(d)s，尚未结束") % {"d": round_.publicity_end},
                }
            ],
            message=_("公示期至%(d)s结束，期满后才能发布。") % {"d": round_.publicity_end},
            override_reason=override_reason,
            ip=ip,
        )
    pending = selectors.objections_pending(round_)
    _gate(
        actor=actor,
        round_=round_,
        action=action,
        gate=GateOverride.Gate.OBJECTIONS,
        open_items=pending,
        message=_("还有%(n)d件公示异议未处理，不能发布。") % {"n": len(pending)},
        override_reason=override_reason,
        ip=ip,
    )


def round_advance(
    *,
    actor: User,
    round_: Round,
    deadline: datetime | None = None,
    override_reason: str = "",
    ip: str | None = None,
) -> Round:
    """Move to the next stage. Leaving a stage that counts (rule 1) needs every sheet of it
    submitted; entering 考评组评定 needs every village in exactly one evaluation group;
    entering publicity (closing the county stage) needs every result, no pending finding and
    the joint review complete (or an override with a reason). Entering a stage whose deadline
    has passed needs a new ``deadline`` (see _next_stage_deadline)."""
    ensure_round_admin(actor, round_)
    if deadline is not None and not 2000 <= deadline.year <= 2100:
        raise InvalidInput(
            _("截止时间必须在2000年至2100年之间。"),
            [{"field": "deadline", "message": _("日期必须在2000年至2100年之间")}],
        )
    with transaction.atomic():
        lock_row(round_)
        to = Round.NEXT_STATUS.get(round_.status)
        if to is None:
            raise Conflict(
                _("当前状态（%(s)s）不能进入下一阶段。") % {"s": round_.get_status_display()}
            )
        extra = _next_stage_deadline(round_, to, deadline)
        stage = round_.open_stage
        if stage in round_.counting_stages:
            missing = _assessments_missing_stage(round_, stage)
            if missing:
                raise Conflict(
                    _("还有%(n)d个%(noun)s的“%(stage)s”评分表未提交，不能进入下一阶段。")
                    % {"n": len(missing), "stage": Stage(stage).label, "noun": round_.rated_noun},
                    _missing_errors(missing, stage),
                )
        if to == Round.Status.COUNTY_REVIEW:
            _ensure_groups_cover(round_)
        if to == Round.Status.PUBLICITY:
            if round_.rates_townships:
                # Its groups are set up while the county stage runs (groups optional there).
                _ensure_groups_cover(round_)
            results_refresh(round_=round_, actor=actor)
            _ensure_results_complete(round_)
            _joint_review_gate(
                actor=actor,
                round_=round_,
                action=GateOverride.Action.ADVANCE,
                override_reason=override_reason,
                ip=ip,
            )
        return _transition(actor=actor, round_=round_, to=to, ip=ip, **extra)


def round_publish(
    *, actor: User, round_: Round, override_reason: str = "", ip: str | None = None
) -> Round:
    """Publish: every result, no pending finding, the joint review complete, the publicity
    period over and no unhandled objection — each gate passable only with a recorded reason."""
    ensure_round_admin(actor, round_)
    with transaction.atomic():
        lock_row(round_)
        if round_.status != Round.Status.PUBLICITY:
            raise Conflict(_("只有公示中的评定轮次可以发布。"))
        results_refresh(round_=round_, actor=actor)
        _ensure_results_complete(round_)
        _publish_gates(actor=actor, round_=round_, override_reason=override_reason, ip=ip)
        return _transition(
            actor=actor,
            round_=round_,
            to=Round.Status.PUBLISHED,
            ip=ip,
            published_at=timezone.now(),
        )


def round_archive(*, actor: User, round_: Round, ip: str | None = None) -> Round:
    ensure_round_admin(actor, round_)
    with transaction.atomic():
        lock_row(round_)
        if round_.status != Round.Status.PUBLISHED:
            raise Conflict(_("只有已发布的评定轮次可以归档。"))
        return _transition(actor=actor, round_=round_, to=Round.Status.ARCHIVED, ip=ip)


def round_reopen(
    *,
    actor: User,
    round_: Round,
    stage: str,
    reason: str,
    deadline: datetime | None = None,
    ip: str | None = None,
) -> Round:
    """Reopen a stage (with a required reason): the round returns to that stage and its
    deadline is set anew. Published rounds are final."""
    ensure_round_admin(actor, round_)
    errors = []
    if stage not in Stage.values:
        errors.append({"field": "stage", "value": stage, "message": _("阶段不存在")})
    if not (reason or "").strip():
        errors.append({"field": "reason", "message": _("请填写重新开放的原因")})
    if deadline is not None and deadline <= timezone.now():
        errors.append({"field": "deadline", "message": _("新的截止时间必须晚于现在")})
    if errors:
        raise InvalidInput(_("重新开放阶段失败。"), errors)
    with transaction.atomic():
        lock_row(round_)
        if stage == Stage.SELF and not round_.self_assessment_enabled:
            raise Conflict(_("本轮未开展村自评。"))
        if round_.rates_townships and stage != Stage.COUNTY:
            raise Conflict(_("镇街评定只有考评组评定阶段，不能重新开放其他阶段。"))
        if round_.status in (Round.Status.DRAFT, Round.Status.PUBLISHED, Round.Status.ARCHIVED):
            raise Conflict(
                _("当前状态（%(s)s）不能重新开放阶段。") % {"s": round_.get_status_display()}
            )
        deadline_field = {
            Stage.SELF: "self_deadline",
            Stage.TOWNSHIP: "township_deadline",
            Stage.COUNTY: "county_deadline",
        }[stage]
        before = {
            "status": round_.status,
            deadline_field: display_value(getattr(round_, deadline_field)),
        }
        round_.status = STATUS_OF_STAGE[stage]
        setattr(round_, deadline_field, deadline)
        round_.save()
        StageReopening.objects.create(
            round=round_, stage=stage, reason=reason.strip(), new_deadline=deadline, by=actor
        )
        audit_record(
            actor=actor,
            action=AuditLog.Action.ROUND_REOPEN,
            obj=round_,
            before=before,
            after={"status": round_.status, deadline_field: display_value(deadline)},
            reason=reason,
            ip=ip,
        )
    return round_
