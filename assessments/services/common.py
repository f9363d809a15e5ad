"""What every write of the rating year shares: parsing and checking points, stage locks, row locks
and model validation."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments import selectors
from assessments.models import (
    Assessment,
    Round,
    Stage,
)
from indicators.models import Item
from starrating.errors import Conflict, InvalidInput

TWO_PLACES = Decimal("0.01")


STATUS_ORDER = [
    Round.Status.DRAFT,
    Round.Status.SELF_ASSESSMENT,
    Round.Status.TOWNSHIP_REVIEW,
    Round.Status.COUNTY_REVIEW,
    Round.Status.PUBLICITY,
    Round.Status.PUBLISHED,
    Round.Status.ARCHIVED,
]


STATUS_OF_STAGE = {stage: status for status, stage in Round.STAGE_OF_STATUS.items()}


def parse_points(value: Any) -> Decimal:
    """Parse entered points: a number with at most 2 decimal places. Raises ValueError(message)."""
    if isinstance(value, bool):
        raise ValueError(_("不是有效的数字"))
    if isinstance(value, float):
        value = repr(value)  # the shortest text that round-trips, so 2.5 stays 2.5
    try:
        points = Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise ValueError(_("不是有效的数字")) from exc
    if not points.is_finite():
        raise ValueError(_("不是有效的数字"))
    try:
        quantized = points.quantize(TWO_PLACES)
    except InvalidOperation as exc:  # beyond the decimal context's precision
        raise ValueError(_("数值超出范围")) from exc
    if points != quantized:
        raise ValueError(_("最多保留两位小数"))
    return quantized


def validate_points(item: Item, value: Any) -> tuple[Decimal | None, str | None]:
    """(points, None) or (None, message) for one item's entered value."""
    try:
        points = parse_points(value)
    except ValueError as exc:
        return None, str(exc)
    if points < 0:
        return None, _("不能小于0")
    if points > item.max_points:
        return None, _("超过该项最高分%(max)s") % {"max": item.max_points}
    return points, None


def validate_entry(
    items: Mapping[str, Item], code: str, raw: Any
) -> tuple[Decimal | None, str | None]:
    """One entered value of a sheet, shared by ``scores_save`` and ``scores_import``:
    (points, None); (None, None) for a blank, which clears the item; or (None, message)."""
    item = items.get(code)
    if item is None:
        return None, _("指标代码不在本轮指标体系中")
    if raw is None or (isinstance(raw, str) and raw.strip() == ""):
        return None, None
    return validate_points(item, raw)


def display_value(value: Any) -> str:
    return "" if value is None else str(value)


def stage_lock_error(round_: Round, stage: str) -> Conflict:
    label = Stage(stage).label
    deadline = round_.deadline_for(stage)
    if round_.open_stage == stage and deadline is not None:
        local = timezone.localtime(deadline)
        return Conflict(
            _("“%(stage)s”阶段已于%(at)s截止，不能再修改。")
            % {"stage": label, "at": f"{local:%Y-%m-%d %H:%M}"},
            stage=stage,
            locked_since=deadline.isoformat(),
        )
    closed_at = selectors.stage_closed_at(round_, stage)
    if closed_at is not None:
        local = timezone.localtime(closed_at)
        return Conflict(
            _("“%(stage)s”阶段已于%(at)s结束（本轮状态：%(status)s），不能再修改。")
            % {
                "stage": label,
                "at": f"{local:%Y-%m-%d %H:%M}",
                "status": round_.get_status_display(),
            },
            stage=stage,
            locked_since=closed_at.isoformat(),
            round_status=round_.status,
        )
    return Conflict(
        _("“%(stage)s”阶段当前未开放（本轮状态：%(status)s）。")
        % {"stage": label, "status": round_.get_status_display()},
        stage=stage,
        round_status=round_.status,
    )


def current_round(assessment: Assessment) -> Round:
    """The assessment's round as it is now: callers may hold an instance read before an
    admin moved the round on, and stage locks must be judged on the current state."""
    assessment.round.refresh_from_db()
    return assessment.round


def ensure_stage_open(round_: Round, stage: str) -> None:
    if not round_.stage_open(stage):
        raise stage_lock_error(round_, stage)


def lock_row(instance: Model) -> Model:
    """Lock the instance's row for this transaction and bring it up to date, so two people
    cannot move the same round or finding at once (SQLite has no row locks but serializes
    writers anyway)."""
    type(instance).objects.select_for_update().filter(pk=instance.pk).first()
    instance.refresh_from_db()
    return instance


def check_model(obj) -> None:
    from django.core.exceptions import ValidationError

    try:
        obj.full_clean(exclude=["county", "catalogue"])
    except ValidationError as exc:
        raise InvalidInput(
            _("数据有误，未保存。"),
            [
                {"field": field, "message": str(message)}
                for field, messages in exc.message_dict.items()
                for message in messages
            ],
        ) from exc
