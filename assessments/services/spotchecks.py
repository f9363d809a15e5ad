"""Random spot checks (三随机): the county admin draws villages and interviewees with a recorded
seed, assigns checkers; the checkers record each village's outcome. A redraw needs a reason and
keeps the earlier draw (superseded), so a sample is never silently replaced."""

from __future__ import annotations

import secrets
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments import policies
from assessments.models import Round, SpotCheck, SpotCheckDraw
from assessments.scoring.sampling import draw_interviewees, draw_sample, sample_size
from indicators.models import Item
from organizations.models import AuditLog, Role, User
from organizations.services import audit_record
from starrating.errors import Conflict, InvalidInput, NotPermitted

from .common import lock_row, validate_points

CHECKER_ROLES = (Role.COUNTY_ADMIN, Role.EVALUATOR, Role.DEPARTMENT_REVIEWER)
MAX_SEED = 2**62


def _parse_size(size_kind: str, size_value) -> tuple[Decimal, dict]:
    try:
        value = Decimal(str(size_value).strip())
    except (InvalidOperation, ValueError):
        value = None
    if size_kind == SpotCheckDraw.SizeKind.COUNT:
        if value is None or value != value.to_integral_value() or value < 1:
            raise InvalidInput(
                _("抽取数量有误。"),
                [{"field": "size_value", "value": size_value, "message": _("须为正整数")}],
            )
        return value, {"count": int(value)}
    if size_kind == SpotCheckDraw.SizeKind.SHARE:
        if value is None or not Decimal("0") < value <= Decimal("1"):
            raise InvalidInput(
                _("抽取比例有误。"),
                [{"field": "size_value", "value": size_value, "message": _("须大于0且不超过1")}],
            )
        return value.quantize(Decimal("0.001")), {"share": value}
    raise InvalidInput(
        _("抽取方式有误。"),
        [{"field": "size_kind", "value": size_kind, "message": _("须为按数量或按比例")}],
    )


def spot_draw(
    *,
    actor: User,
    round_: Round,
    size_kind: str,
    size_value,
    seed: int | None = None,
    interviewee_pool: list[str] | None = None,
    interviewee_count: int = 0,
    reason: str = "",
    ip: str | None = None,
) -> SpotCheckDraw:
    """Draw villages stratified by township (assessments.scoring.sampling) and interviewees
    from the list; the seed (given, or a fresh random one) is stored so that anyone can redo
    the draw. A second draw of the same round needs a reason; the first is kept, superseded."""
    if not policies.can_manage_round(actor, round_.county_id):
        raise NotPermitted(_("只有本区县的县级管理员可以抽取三随机核查对象。"))
    value, size = _parse_size(size_kind, size_value)
    pool = [str(p).strip() for p in (interviewee_pool or []) if str(p).strip()]
    errors = []
    if seed is not None and not (0 <= seed < MAX_SEED):
        errors.append({"field": "seed", "value": seed, "message": _("须为非负整数")})
    if interviewee_count < 0 or interviewee_count > len(pool):
        errors.append(
            {
                "field": "interviewee_count",
                "value": interviewee_count,
                "message": _("不能超过访谈对象名单人数（%(n)d）") % {"n": len(pool)},
            }
        )
    if len(set(pool)) != len(pool):
        errors.append({"field": "interviewee_pool", "message": _("名单中有重复的姓名")})
    if errors:
        raise InvalidInput(_("抽取失败。"), errors)
    seed = secrets.randbelow(2**31) if seed is None else seed
    with transaction.atomic():
        lock_row(round_)
        if round_.status in (Round.Status.DRAFT, Round.Status.ARCHIVED):
            raise Conflict(
                _("本轮当前状态（%(s)s）不能抽取三随机核查对象。")
                % {"s": round_.get_status_display()}
            )
        current = SpotCheckDraw.objects.filter(round=round_, superseded_at__isnull=True).first()
        if current is not None and not (reason or "").strip():
            raise Conflict(
                _("本轮已于%(at)s完成第%(n)d次抽取；重新抽取须填写原因，原抽取结果将保留备查。")
                % {
                    "at": f"{timezone.localtime(current.drawn_at):%Y-%m-%d %H:%M}",
                    "n": current.number,
                },
                [{"field": "reason", "message": _("重新抽取须填写原因")}],
            )
        population = list(
            round_.assessments.order_by("pk").values_list("organization__parent_id", "pk")
        )
        n = sample_size(len(population), **size)
        drawn = draw_sample(population, n, seed)
        number = 1
        if current is not None:
            number = current.number + 1
            current.superseded_at = timezone.now()
            current.save(update_fields=["superseded_at"])
        draw = SpotCheckDraw.objects.create(
            round=round_,
            number=number,
            seed=seed,
            size_kind=size_kind,
            size_value=value,
            population=len(population),
            interviewee_pool=pool,
            interviewee_count=interviewee_count,
            interviewees=draw_interviewees(pool, interviewee_count, seed),
            reason=(reason or "").strip() if current is not None else "",
            drawn_by=actor,
        )
        SpotCheck.objects.bulk_create(
            [
                SpotCheck(draw=draw, assessment_id=assessment_id, position=i + 1)
                for i, (_township, assessment_id) in enumerate(drawn)
            ]
        )
        audit_record(
            actor=actor,
            action=AuditLog.Action.CREATE,
            obj=draw,
            after={
                "number": number,
                "seed": seed,
                "size_kind": size_kind,
                "size_value": str(value),
                "population": len(population),
                "assessments": [a for _t, a in drawn],
                "interviewees": draw.interviewees,
                "superseded": current.pk if current else None,
            },
            reason=draw.reason,
            ip=ip,
        )
    return draw


def _ensure_current(check: SpotCheck) -> None:
    if check.draw.superseded_at is not None:
        raise Conflict(_("该抽取已被重新抽取取代，只能查看。"))
    if check.draw.round.status == Round.Status.ARCHIVED:
        raise Conflict(_("本轮已归档，不能再修改三随机核查。"))


def spot_check_assign(
    *, actor: User, check: SpotCheck, checker: User | None, ip: str | None = None
) -> SpotCheck:
    """Assign (or clear) the checker of one drawn village: county staff of the same county."""
    round_ = check.draw.round
    if not policies.can_manage_round(actor, round_.county_id):
        raise NotPermitted(_("只有本区县的县级管理员可以指派核查人。"))
    if checker is not None and not (
        checker.is_active
        and checker.has_role(*CHECKER_ROLES)
        and policies.in_county(checker, round_.county_id)
    ):
        raise InvalidInput(
            _("核查人须为本区县的县级管理员、考评组成员或联审部门人员。"),
            [{"field": "checker", "value": checker.pk, "message": _("不能担任核查人")}],
        )
    _ensure_current(check)
    with transaction.atomic():
        before = {"checker": check.checker_id}
        check.checker = checker
        check.save(update_fields=["checker"])
        audit_record(
            actor=actor,
            action=AuditLog.Action.UPDATE,
            obj=check,
            before=before,
            after={"checker": checker.pk if checker else None},
            ip=ip,
        )
    return check


def spot_check_record(
    *,
    actor: User,
    check: SpotCheck,
    outcome: str,
    item_code: str = "",
    points=None,
    note: str = "",
    ip: str | None = None,
) -> SpotCheck:
    """The outcome of one village's check: confirmed, or differences found naming the item and
    the points the checker established. Its checker or the county admin."""
    round_ = check.draw.round
    if not (
        policies.can_manage_round(actor, round_.county_id)
        or (check.checker_id == actor.pk and actor.is_active)
    ):
        raise NotPermitted(_("只有指派的核查人或县级管理员可以登记核查结果。"))
    _ensure_current(check)
    errors = []
    item, value = None, None
    if outcome not in (SpotCheck.Outcome.CONFIRMED, SpotCheck.Outcome.DIFFERENCES):
        errors.append({"field": "outcome", "value": outcome, "message": _("请选择核查结果")})
    if outcome == SpotCheck.Outcome.DIFFERENCES:
        item = Item.objects.filter(
            catalogue_id=round_.catalogue_id,
            code=item_code,
            kind__in=[Item.Kind.SCORED, Item.Kind.DEDUCTION],
        ).first()
        if item is None:
            errors.append(
                {"field": "item", "value": item_code, "message": _("不是本轮的评分项或减分项代码")}
            )
        else:
            value, problem = validate_points(item, points)
            if problem:
                errors.append({"field": "points", "value": points, "message": problem})
        if not (note or "").strip():
            errors.append({"field": "note", "message": _("请写明发现的差异")})
    if errors:
        raise InvalidInput(_("登记核查结果失败。"), errors)
    with transaction.atomic():
        before = {"outcome": check.outcome}
        check.outcome = outcome
        check.item = item
        check.points = value
        check.note = (note or "").strip()
        check.recorded_by = actor
        check.recorded_at = timezone.now()
        check.save()
        audit_record(
            actor=actor,
            action=AuditLog.Action.UPDATE,
            obj=check,
            before=before,
            after={
                "outcome": outcome,
                "item": item.code if item else None,
                "points": str(value) if value is not None else None,
                "note": check.note,
            },
            ip=ip,
        )
    return check
