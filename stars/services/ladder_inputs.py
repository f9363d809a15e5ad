"""S11: a ladder figure as an annual-rating item's input — the county's setting per round and
item, and the fill, which writes through the core's sheet save so that the stage locks, the
scope, the audit and the recalculation are the core's own."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from assessments import services as assessment_services
from assessments.models import Assessment, Round, Sheet
from indicators.models import Item
from organizations.models import AuditLog, User
from organizations.services import audit_record
from starrating.errors import Conflict, InvalidInput, NotPermitted

from .. import policies, rules, selectors
from ..models import LadderInput

SETTLED = (Round.Status.PUBLISHED, Round.Status.ARCHIVED)
FIELDS = ("figure", "min_stars", "full_share", "is_active")


def ladder_input_set(
    *,
    actor: User,
    round_: Round,
    item_code: str,
    figure: str = LadderInput.Figure.MEMBER_SHARE,
    min_stars: Any = 4,
    full_share: Any = "1",
    is_active: bool = True,
    ip: str | None = None,
) -> LadderInput:
    """Set (create or change) which ladder figure gives a round's item its points
    (docs/scoring.md §S11). The round's county administrator only; a published round is
    settled. Switching an input off keeps the row (``is_active``), never deletes it."""
    if not policies.can_manage_tables(actor) or round_.county_id != actor.county_id:
        raise NotPermitted(_("只有本县县级管理员可以设置创星数据指标。"))
    if round_.status in SETTLED:
        raise Conflict(_("本轮已发布，不能再更改创星数据指标。"))
    errors: list[dict] = []
    if round_.rates_townships:  # the ladder figures (S7, 堡垒星) are a village's
        message = _("创星数据只能用于村（社区）星级评定")
        errors.append({"field": "round", "value": str(round_), "message": message})
    code = str(item_code or "").strip()
    item = Item.objects.filter(catalogue_id=round_.catalogue_id, code=code).first()
    if item is None:
        errors.append({"field": "item", "value": code, "message": _("指标代码不在本轮指标体系中")})
    elif item.kind != Item.Kind.SCORED or item.max_points <= 0:
        errors.append(
            {"field": "item", "value": code, "message": _("只有有分值的评分项可以使用创星数据")}
        )
    if figure not in LadderInput.Figure.values:
        errors.append({"field": "figure", "value": str(figure), "message": _("创星数据有误")})
    try:
        line = int(str(min_stars).strip())
    except ValueError:
        line = 0
    if not 1 <= line <= rules.MAX_STARS:
        errors.append(
            {"field": "min_stars", "value": str(min_stars), "message": _("星级线应为1到5")}
        )
    try:
        full = Decimal(str(full_share).strip())
        problems = rules.full_share_problems(full) if full.is_finite() else ["请填写数字"]
    except InvalidOperation:
        full, problems = Decimal(0), [_("请填写数字")]
    if not problems and full != full.quantize(Decimal("0.0001")):
        problems = [_("最多四位小数")]
    errors += [{"field": "full_share", "value": str(full_share), "message": m} for m in problems]
    if errors:
        raise InvalidInput(_("创星数据指标填写有误。"), errors)
    values = {"figure": figure, "min_stars": line, "full_share": full, "is_active": bool(is_active)}
    with transaction.atomic():
        row = LadderInput.objects.select_for_update().filter(
            round=round_, item=item
        ).first() or LadderInput(round=round_, item=item)
        before = {k: str(getattr(row, k)) for k in FIELDS} if row.pk else None
        for key, value in values.items():
            setattr(row, key, value)
        row.updated_by = actor
        row.save()
        audit_record(
            actor=actor,
            action=AuditLog.Action.UPDATE if before else AuditLog.Action.CREATE,
            obj=row,
            before=before,
            after={"item": item.code, **{k: str(v) for k, v in values.items()}},
            ip=ip,
        )
    return row


def ladder_input_fill(
    *,
    actor: User,
    assessment: Assessment,
    stage: str,
    item_code: str | None = None,
    version: int | None = None,
    ip: str | None = None,
) -> Sheet:
    """按创星晋级数据填入: write each active ladder input's points (S11) for the assessment's
    village — or the one ``item_code`` — into the stage's sheet through
    ``assessments.services.scores_save``, with a note saying where the value came from. The
    caller has read the assessment through a scoped selector (another township's is a 404);
    the save checks who may fill the stage and whether it is open, audits and recalculates."""
    values = selectors.ladder_values(assessment)
    if item_code is not None:
        values = [v for v in values if v["code"] == item_code]
    if not values:
        raise InvalidInput(
            _("本轮没有使用创星数据的指标。"),
            [{"field": "item", "value": item_code or "", "message": _("该指标未设置创星数据")}],
        )
    scores = {v["code"]: v["points"] for v in values}
    notes = {
        v["code"]: _("按创星晋级数据填入：%(rule)s，比例%(share)s")
        % {
            "rule": v["rule"],
            "share": f"{v['share']:.4f}",
        }
        for v in values
    }
    return assessment_services.scores_save(
        actor=actor,
        assessment=assessment,
        stage=stage,
        scores=scores,
        notes=notes,
        version=version,
        ip=ip,
    )
