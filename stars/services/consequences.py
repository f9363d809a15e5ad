"""奖惩凭星: a county's table per year (S8–S10)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from organizations.models import AuditLog, User
from organizations.services import audit_record
from starrating.errors import InvalidInput, NotPermitted

from .. import policies, rules
from ..models import (
    ConsequenceTable,
)


def consequences_set(
    *,
    actor: User,
    year: int,
    pay: list[Any],
    award_min_stars: Any = 4,
    unqualified_max_stars: Any = 1,
    weak_max_stars: Any = 1,
    ip: str | None = None,
) -> ConsequenceTable:
    """Set (create or change) a year's 奖惩凭星 table: six pay ratios (no star … five stars) and
    the star lines of the awards and the flags (docs/scoring.md §S8–S10)."""
    if not policies.can_manage_tables(actor):
        raise NotPermitted(_("只有县级管理员可以设置奖惩凭星表。"))
    errors: list[dict] = []
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        errors.append({"field": "year", "message": _("年度有误")})
    ratios = []
    for n, value in enumerate(pay):
        try:
            ratios.append(Decimal(str(value).strip()).quantize(Decimal("0.01")))
        except (InvalidOperation, ValueError):
            errors.append({"field": f"pay_{n}", "value": str(value), "message": _("请填写数字")})
    if not errors:
        errors += [{"field": "pay", "message": m} for m in rules.pay_problems(ratios)]
    lines = {}
    for field, value in (
        ("award_min_stars", award_min_stars),
        ("unqualified_max_stars", unqualified_max_stars),
        ("weak_max_stars", weak_max_stars),
    ):
        try:
            lines[field] = int(value)
        except (TypeError, ValueError):
            lines[field] = -1
        if not 0 <= lines[field] <= rules.MAX_STARS:
            errors.append({"field": field, "value": str(value), "message": _("星级应为0到5")})
    if errors:
        raise InvalidInput(_("奖惩凭星表填写有误。"), errors)
    fields = {**{f"pay_{n}": r for n, r in enumerate(ratios)}, **lines}
    with transaction.atomic():
        table = (
            ConsequenceTable.objects.select_for_update()
            .filter(county_id=actor.county_id, year=year)
            .first()
        )
        before = None
        if table is None:
            table = ConsequenceTable(county_id=actor.county_id, year=year)
        else:
            before = {k: str(getattr(table, k)) for k in fields}
        for key, value in fields.items():
            setattr(table, key, value)
        table.save()
        audit_record(
            actor=actor,
            action=AuditLog.Action.UPDATE if before else AuditLog.Action.CREATE,
            obj=table,
            before=before,
            after={k: str(v) for k, v in fields.items()},
            ip=ip,
        )
    return table
