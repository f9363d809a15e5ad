"""A round's settings: created as a draft, its rules, deadlines and publicity details changed
until it is published (a change after opening recomputes the results)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from itertools import pairwise

from django.db import transaction
from django.utils.translation import gettext as _

from assessments import policies
from assessments.models import Round
from indicators.models import Catalogue
from organizations.models import AuditLog, Organization, RatingTarget, User
from organizations.services import audit_record
from starrating.errors import Conflict, InvalidInput, NotPermitted, reject_unknown_fields

from .common import check_model, display_value
from .results import results_refresh
from .rounds import ensure_round_admin

ROUND_RULE_FIELDS = (
    "name",
    "authoritative_stage",
    "weight_self",
    "weight_township",
    "weight_county",
    "self_assessment_enabled",
    "satisfaction_weight",
    "band_min_5",
    "band_min_4",
    "band_min_3",
    "band_min_2",
    "band_min_1",
    "pass_ratio",
    "level_mode",
    "satisfaction_floor",
    "satisfaction_cap_level",
    "max_promotion",
    "first_year_max",
    "quota_5",
    "quota_4",
    "self_deadline",
    "township_deadline",
    "county_deadline",
    "publicity_start",
    "publicity_end",
    "supervision_phone",
    "target_share_3",
    "target_share_4",
    "appeal_window_days",
)


def round_create(
    *,
    actor: User,
    county: Organization,
    year: int,
    catalogue: Catalogue,
    target: str = RatingTarget.VILLAGE,
    ip: str | None = None,
    **fields,
) -> Round:
    """A draft round of ``target`` (villages by default, or the county's townships) on a
    catalogue made for that target."""
    if not policies.can_manage_round(actor, county.pk):
        raise NotPermitted(_("只有本区县的县级管理员可以创建评定轮次。"))
    reject_unknown_fields(fields, ROUND_RULE_FIELDS)
    _target_check(county.pk, year, target, taken_field="year")
    if target == RatingTarget.TOWNSHIP:
        # Scored by the county alone (docs/scoring.md, "Township rounds").
        fields.setdefault("self_assessment_enabled", False)
        fields.setdefault("name", f"{county.name}{year}年度镇街党（工）委星级评定")
    fields.setdefault("name", f"{county.name}{year}年度村党组织星级评定")
    round_ = Round(county=county, year=year, target=target, catalogue=catalogue, **fields)
    _round_bands_check(round_)
    check_model(round_)
    with transaction.atomic():
        round_.save()
        audit_record(
            actor=actor,
            action=AuditLog.Action.CREATE,
            obj=round_,
            after=_round_snapshot(round_),
            ip=ip,
        )
    return round_


def _target_check(county_id: int, year: int, target: str, *, taken_field: str) -> None:
    """A known target, and no other round of the county's year rates it."""
    if target not in RatingTarget.values:
        raise InvalidInput(
            _("评定对象不存在：%(t)s。") % {"t": target},
            [{"field": "target", "value": str(target), "message": _("只能是村（社区）或镇街")}],
        )
    if Round.objects.filter(county_id=county_id, year=year, target=target).exists():
        raise InvalidInput(
            _("%(y)s年度评定轮次已存在：每个区县每年只有一个%(t)s评定轮次。")
            % {"y": year, "t": RatingTarget(target).label},
            [{"field": taken_field, "message": _("已存在")}],
        )


def round_update(*, actor: User, round_: Round, ip: str | None = None, **fields) -> Round:
    """Change a round's rules, deadlines or publicity details before it is published; the
    results are recomputed under the new rules."""
    ensure_round_admin(actor, round_)
    if round_.is_published:
        raise Conflict(_("结果已发布，不能修改评定规则。"))
    reject_unknown_fields(fields, (*ROUND_RULE_FIELDS, "catalogue", "target"))
    if "catalogue" in fields and round_.status != Round.Status.DRAFT:
        raise Conflict(_("评定轮次开启后不能更换指标体系。"))
    if "target" in fields and fields["target"] != round_.target:
        if round_.status != Round.Status.DRAFT:
            raise InvalidInput(
                _("评定轮次开启后不能更改评定对象（%(t)s）。") % {"t": round_.get_target_display()},
                [
                    {
                        "field": "target",
                        "value": str(fields["target"]),
                        "message": _("评定对象（村或镇街）开启后锁定"),
                    }
                ],
            )
        _target_check(round_.county_id, round_.year, fields["target"], taken_field="target")
    before = _round_snapshot(round_)
    for field, value in fields.items():
        setattr(round_, field, value)
    _round_bands_check(round_)
    check_model(round_)
    with transaction.atomic():
        round_.save()
        after = _round_snapshot(round_)
        changed = {k: v for k, v in after.items() if before.get(k) != v}
        if changed:
            audit_record(
                actor=actor,
                action=AuditLog.Action.UPDATE,
                obj=round_,
                before={k: before.get(k) for k in changed},
                after=changed,
                ip=ip,
            )
        if round_.status != Round.Status.DRAFT:
            results_refresh(round_=round_, actor=actor)
    return round_


BAND_FIELDS = ("band_min_5", "band_min_4", "band_min_3", "band_min_2", "band_min_1")


def _round_bands_check(round_: Round) -> None:
    """Rule 5 needs band minima that never rise from five stars down to one. The database
    checks it too, but its message names only the constraint, not the field."""
    errors = []
    for higher, lower in pairwise(BAND_FIELDS):
        try:
            high = Decimal(str(getattr(round_, higher)))
            low = Decimal(str(getattr(round_, lower)))
        except (InvalidOperation, TypeError):
            continue  # not a number: full_clean names the field
        if low > high:
            errors.append(
                {
                    "field": lower,
                    "message": _("%(low)s（%(lv)s）不能高于%(high)s（%(hv)s）。")
                    % {
                        "low": Round._meta.get_field(lower).verbose_name,
                        "lv": low,
                        "high": Round._meta.get_field(higher).verbose_name,
                        "hv": high,
                    },
                }
            )
    if errors:
        raise InvalidInput(_("各星级分数线必须从五星到一星依次降低（规则5），未保存。"), errors)


def _round_snapshot(round_: Round) -> dict:
    return {f: display_value(getattr(round_, f)) for f in ROUND_RULE_FIELDS} | {
        "catalogue": round_.catalogue_id,
        "target": round_.target,
    }
