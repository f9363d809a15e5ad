"""The county's 定星 tables: copied per year, thresholds changed, items added (S2, S5)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from organizations.models import AuditLog, User
from organizations.services import audit_record
from starrating.errors import Conflict, InvalidInput, NotPermitted

from .. import policies, rules
from ..defaults import DEFAULT_TABLES
from ..models import (
    Ladder,
    MemberCategory,
    PointsItem,
    PointsTable,
)
from .common import _decimal
from .entries import _recompute


def tables_copy(
    *, actor: User, year: int, from_year: int | None = None, ip: str | None = None
) -> list[PointsTable]:
    """Start a year's three tables: a copy of ``from_year``'s (items and thresholds), or the
    default tables of seed 001. A new year starts every standing at zero (S5)."""
    if not policies.can_manage_tables(actor):
        raise NotPermitted(_("只有县级管理员可以管理创星记分表。"))
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise InvalidInput(_("年度有误。"), [{"field": "year", "message": _("年度有误")}])
    county_id = actor.county_id
    if PointsTable.objects.filter(county_id=county_id, year=year).exists():
        raise Conflict(_("%(year)s年的创星记分表已存在。") % {"year": year})
    if from_year is not None:
        sources = list(
            PointsTable.objects.filter(county_id=county_id, year=from_year).prefetch_related(
                "items"
            )
        )
        if not sources:
            raise InvalidInput(
                _("没有可复制的记分表。"),
                [{"field": "from_year", "message": _("%(y)s年没有记分表") % {"y": from_year}}],
            )
        plan = {
            t.ladder: (
                t.thresholds,
                [
                    (i.code, i.name, i.kind, i.points, i.category)
                    for i in t.items.all()
                    if i.is_active
                ],
            )
            for t in sources
        }
    else:
        plan = DEFAULT_TABLES
    created = []
    with transaction.atomic():
        for ladder, (thresholds, items) in plan.items():
            table = PointsTable.objects.create(
                county_id=county_id,
                year=year,
                ladder=ladder,
                **{f"star_{n}": t for n, t in enumerate(thresholds, start=1)},
            )
            PointsItem.objects.bulk_create(
                PointsItem(table=table, code=c, name=n, kind=k, points=p, category=cat)
                for c, n, k, p, cat in items
            )
            audit_record(
                actor=actor,
                action=AuditLog.Action.CREATE,
                obj=table,
                after={"year": year, "ladder": ladder, "items": len(items), "from": from_year},
                ip=ip,
            )
            created.append(table)
    return created


def table_set_thresholds(
    *, actor: User, table: PointsTable, thresholds: list[Any], ip: str | None = None
) -> PointsTable:
    """Change the five grade thresholds (S2); every standing of the table is recomputed."""
    if not policies.can_manage_tables(actor) or table.county_id != actor.county_id:
        raise NotPermitted(_("只有县级管理员可以管理创星记分表。"))
    errors: list[dict] = []
    values = [_decimal(v, f"star_{n}", errors, positive=True) for n, v in enumerate(thresholds, 1)]
    if len(values) != rules.MAX_STARS:
        errors.append({"field": "thresholds", "message": _("需要五个档次分数线")})
    if not errors:
        errors += [{"field": "thresholds", "message": m} for m in rules.threshold_problems(values)]
    if errors:
        raise InvalidInput(_("分数线填写有误。"), errors)
    before = {f"star_{n}": str(t) for n, t in enumerate(table.thresholds, 1)}
    with transaction.atomic():
        for n, value in enumerate(values, 1):
            setattr(table, f"star_{n}", value)
        table.save()
        for standing in table.standings.select_related("member__branch", "organization"):
            _recompute(table, member=standing.member, organization=standing.organization)
        audit_record(
            actor=actor,
            action=AuditLog.Action.UPDATE,
            obj=table,
            before=before,
            after={f"star_{n}": str(v) for n, v in enumerate(values, 1)},
            ip=ip,
        )
    return table


def item_create(
    *,
    actor: User,
    table: PointsTable,
    code: str,
    name: str,
    kind: str,
    points: Any,
    category: str = "",
    ip: str | None = None,
) -> PointsItem:
    """Add an item (加分项 / 减星项 / 否决项) to a table; personalised items: members only."""
    if not policies.can_manage_tables(actor) or table.county_id != actor.county_id:
        raise NotPermitted(_("只有县级管理员可以管理创星记分表。"))
    errors: list[dict] = []
    code, name = (code or "").strip(), (name or "").strip()
    if not code or len(code) > 16:
        errors.append({"field": "code", "message": _("编号必填，不超过16个字符")})
    elif table.items.filter(code=code).exists():
        errors.append({"field": "code", "value": code, "message": _("编号已存在")})
    if not name or len(name) > 200:
        errors.append({"field": "name", "message": _("内容必填，不超过200个字")})
    if kind not in PointsItem.Kind.values:
        errors.append({"field": "kind", "value": kind, "message": _("类型不存在")})
    number = _decimal(points, "points", errors, positive=kind != PointsItem.Kind.VETO)
    if kind == PointsItem.Kind.DEDUCT and number is not None and number != int(number):
        errors.append({"field": "points", "message": _("减星项填写整数星数")})
    category = category or ""
    if category and category not in MemberCategory.values:
        errors.append({"field": "category", "value": category, "message": _("党员类别不存在")})
    if category and table.ladder != Ladder.MEMBER:
        errors.append({"field": "category", "message": _("个性内容只用于先锋星")})
    if errors:
        raise InvalidInput(_("记分项填写有误。"), errors)
    with transaction.atomic():
        item = PointsItem.objects.create(
            table=table,
            code=code,
            name=name,
            kind=kind,
            points=Decimal("0") if kind == PointsItem.Kind.VETO else number,
            category=category,
        )
        audit_record(
            actor=actor,
            action=AuditLog.Action.CREATE,
            obj=item,
            after={
                "table": table.pk,
                "code": code,
                "name": name,
                "kind": kind,
                "points": str(item.points),
            },
            ip=ip,
        )
    return item
