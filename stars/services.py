"""创星晋级 writes (docs/scoring.md §S1–S7): tables copied and edited by the county, the members
register (one by one or from Excel), point entries recorded and approved by a second person,
and standings recomputed by ``stars.rules`` on every approval. Each write authorizes against
role and scope, validates everything, writes in one transaction and is audited."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from organizations.models import TOWNSHIP_KINDS, VILLAGE_KINDS, AuditLog, Organization, User
from organizations.services import audit_record
from starrating.errors import Conflict, InvalidInput, NotPermitted
from workbooks.cells import is_formula_like

from . import policies, rules
from .defaults import DEFAULT_TABLES
from .models import (
    ConsequenceTable,
    Ladder,
    MemberCategory,
    PartyMember,
    PointEntry,
    PointsItem,
    PointsTable,
    StarStanding,
)

EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
EVIDENCE_SUFFIXES = (".pdf", ".jpg", ".jpeg", ".png")
IMPORT_MAX_ROWS = 5000
REGISTER_HEADER = ("姓名", "党员类别", "所在支部代码")


def _decimal(value: Any, field: str, errors: list, *, positive: bool = False) -> Decimal | None:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        errors.append({"field": field, "value": str(value), "message": _("请填写数字")})
        return None
    if not number.is_finite() or number < 0 or (positive and number == 0):
        errors.append({"field": field, "value": str(value), "message": _("必须为正数")})
        return None
    if number != number.quantize(Decimal("0.1")) or number >= Decimal("10000"):
        errors.append(
            {"field": field, "value": str(value), "message": _("最多一位小数，小于10000")}
        )
        return None
    return number


# --- tables ----------------------------------------------------------------------------------


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


# --- the members register --------------------------------------------------------------------


def member_create(
    *, actor: User, branch: Organization, name: str, category: str, ip: str | None = None
) -> PartyMember:
    if not policies.can_manage_register(actor, branch):
        raise NotPermitted(_("您无权维护该支部的党员名册。"))
    errors: list[dict] = []
    name = _member_name(name, errors, field="name")
    if category not in MemberCategory.values:
        errors.append({"field": "category", "value": category, "message": _("党员类别不存在")})
    if name and PartyMember.objects.filter(branch=branch, name=name).exists():
        errors.append({"field": "name", "value": name, "message": _("该支部已有同名党员")})
    if errors:
        raise InvalidInput(_("党员信息填写有误。"), errors)
    with transaction.atomic():
        member = PartyMember.objects.create(branch=branch, name=name, category=category)
        audit_record(
            actor=actor,
            action=AuditLog.Action.CREATE,
            obj=member,
            after={"branch": branch.pk, "name": name, "category": category},
            ip=ip,
        )
    return member


def _member_name(value: Any, errors: list, **where: Any) -> str:
    name = str(value or "").strip()
    if not name or len(name) > 50:
        errors.append({**where, "message": _("姓名必填，不超过50个字")})
    elif is_formula_like(name):
        # A name like "=HYPERLINK(...)" would run as a formula in the 记分手册 (workbooks.cells).
        errors.append({**where, "value": name, "message": _("姓名不能以 = + - @ 开头")})
    return name


CATEGORY_BY_LABEL = {
    **{str(label): value for value, label in MemberCategory.choices},
    **{v: v for v in MemberCategory.values},
    "农村": "rural",
    "社区": "community",
    "机关事业单位": "institution",
    "非公企业和社会组织": "enterprise",
    "非公企业": "enterprise",
}


def members_import(*, actor: User, file, ip: str | None = None) -> int:
    """Import a register workbook (姓名 | 党员类别 | 所在支部代码): every row checked first, with
    the row and column of each problem; all rows written in one transaction, or none. A name
    already on the branch is updated (its category), not duplicated."""
    if not actor.has_role(*policies.REGISTER_ROLES):
        raise NotPermitted(_("您无权导入党员名册。"))
    try:
        wb = load_workbook(file, read_only=True, data_only=True)
    except Exception as error:
        raise InvalidInput(
            _("无法读取Excel文件。"), [{"field": "file", "message": _("请上传.xlsx文件")}]
        ) from error
    ws = wb.worksheets[0]
    rows = list(ws.iter_rows(values_only=True, max_row=IMPORT_MAX_ROWS + 2))
    wb.close()
    errors: list[dict] = []
    header = tuple(str(c or "").strip() for c in (rows[0] if rows else ())[:3])
    if header != REGISTER_HEADER:
        raise InvalidInput(
            _("表头应为：%(h)s。") % {"h": " | ".join(REGISTER_HEADER)},
            [{"row": 1, "column": "A-C", "message": _("表头不正确")}],
        )
    if len(rows) > IMPORT_MAX_ROWS + 1:
        raise InvalidInput(_("一次最多导入%(n)s行。") % {"n": IMPORT_MAX_ROWS})
    codes = {str(r[2]).strip() for r in rows[1:] if len(r) > 2 and r[2] is not None}
    branches = {
        o.code: o
        for o in Organization.objects.filter(code__in=codes, kind__in=VILLAGE_KINDS).select_related(
            "parent"
        )
    }
    plan: dict[tuple[int, str], tuple[Organization, str, str]] = {}
    for n, raw in enumerate(rows[1:], start=2):
        row = ((*tuple(raw), None, None, None))[:3]
        if all(c is None or str(c).strip() == "" for c in row):
            continue
        name = _member_name(row[0], errors, row=n, column=_("姓名"))
        category = CATEGORY_BY_LABEL.get(str(row[1] or "").strip())
        if category is None:
            errors.append(
                {
                    "row": n,
                    "column": _("党员类别"),
                    "value": str(row[1] or ""),
                    "message": _("党员类别应为农村、社区、机关事业单位或非公企业和社会组织"),
                }
            )
        code = str(row[2] or "").strip()
        branch = branches.get(code)
        if branch is None or not policies.can_manage_register(actor, branch):
            errors.append(
                {
                    "row": n,
                    "column": _("所在支部代码"),
                    "value": code,
                    "message": _("支部不存在或不在您的管辖范围内"),
                }
            )
            continue
        if (branch.pk, name) in plan:
            errors.append(
                {"row": n, "column": _("姓名"), "value": name, "message": _("与前面的行重复")}
            )
        if name and category:
            plan[(branch.pk, name)] = (branch, name, category)
    if errors:
        raise InvalidInput(
            _("党员名册有%(n)s处错误，未导入任何数据。") % {"n": len(errors)}, errors
        )
    if not plan:
        raise InvalidInput(_("文件中没有党员。"), [{"row": 2, "message": _("没有数据行")}])
    with transaction.atomic():
        existing = {
            (m.branch_id, m.name): m
            for m in PartyMember.objects.filter(branch_id__in={b for b, _n in plan})
        }
        new, changed = [], []
        for key, (branch, name, category) in plan.items():
            member = existing.get(key)
            if member is None:
                new.append(PartyMember(branch=branch, name=name, category=category))
            elif member.category != category or not member.is_active:
                member.category, member.is_active = category, True
                changed.append(member)
        PartyMember.objects.bulk_create(new)
        PartyMember.objects.bulk_update(changed, ["category", "is_active"])
        audit_record(
            actor=actor,
            action=AuditLog.Action.IMPORT,
            obj=actor.organization,
            after={"members_created": len(new), "members_updated": len(changed)},
            ip=ip,
        )
    return len(new) + len(changed)


# --- entries ---------------------------------------------------------------------------------


def _subject_org(member: PartyMember | None, organization: Organization | None) -> Organization:
    return member.branch if member is not None else organization


def entry_record(
    *,
    actor: User,
    item: PointsItem,
    occurred_on: datetime.date | str,
    description: str,
    member: PartyMember | None = None,
    organization: Organization | None = None,
    evidence: str = "",
    evidence_file=None,
    ip: str | None = None,
) -> PointEntry:
    """Record what a member / branch / committee did, against one item of its ladder's table.
    It counts once a second person approves it (``entry_approve``)."""
    table = item.table
    errors: list[dict] = []
    if (member is None) == (organization is None):
        raise InvalidInput(
            _("请选择党员或党组织之一。"), [{"field": "member", "message": _("请选择记分对象")}]
        )
    target = _subject_org(member, organization)
    if table.county_id != actor.county_id or not policies.can_record(actor, target):
        raise NotPermitted(_("您无权为该对象记分。"))
    expected = (
        Ladder.MEMBER
        if member is not None
        else Ladder.COMMITTEE
        if organization.kind in TOWNSHIP_KINDS
        else Ladder.BRANCH
        if organization.kind in VILLAGE_KINDS
        else None
    )
    if table.ladder != expected:
        errors.append(
            {"field": "item", "value": item.code, "message": _("记分项不属于该对象的星级类别")}
        )
    if not item.is_active:
        errors.append({"field": "item", "value": item.code, "message": _("记分项已停用")})
    if member is not None and item.category and item.category != member.category:
        errors.append(
            {"field": "item", "value": item.code, "message": _("该个性内容不适用于此类党员")}
        )
    if member is not None and not member.is_active:
        errors.append({"field": "member", "message": _("该党员不在册")})
    day = occurred_on
    if isinstance(day, str):
        try:
            day = datetime.date.fromisoformat(day.strip())
        except ValueError:
            day = None
            errors.append(
                {
                    "field": "occurred_on",
                    "value": occurred_on,
                    "message": _("日期格式应为YYYY-MM-DD"),
                }
            )
    if day is not None:
        if day > timezone.localdate():
            errors.append({"field": "occurred_on", "message": _("日期不能晚于今天")})
        elif day.year != table.year:
            errors.append(
                {"field": "occurred_on", "message": _("日期不在记分表年度内（年底清零）")}
            )
    description = (description or "").strip()
    if not description or len(description) > 300:
        errors.append({"field": "description", "message": _("请填写所做工作（不超过300字）")})
    if evidence_file is not None:
        if evidence_file.size > EVIDENCE_MAX_BYTES:
            errors.append({"field": "evidence_file", "message": _("佐证文件不超过10MB")})
        if not evidence_file.name.lower().endswith(EVIDENCE_SUFFIXES):
            errors.append({"field": "evidence_file", "message": _("佐证文件只能是PDF、JPG或PNG")})
    if errors:
        raise InvalidInput(_("记分填写有误。"), errors)
    with transaction.atomic():
        entry = PointEntry(
            table=table,
            item=item,
            member=member,
            organization=organization,
            occurred_on=day,
            description=description,
            evidence=(evidence or "").strip(),
            points=item.points,
            recorded_by=actor,
        )
        if evidence_file is not None:
            entry.evidence_file.save(evidence_file.name, evidence_file, save=False)
        entry.save()
        audit_record(
            actor=actor,
            action=AuditLog.Action.CREATE,
            obj=entry,
            after={
                "item": item.code,
                "subject": target.pk,
                "member": getattr(member, "pk", None),
                "occurred_on": day.isoformat(),
                "points": str(item.points),
            },
            ip=ip,
        )
    return entry


def _decide(actor: User, entry: PointEntry, status: str, reason: str, ip: str | None) -> PointEntry:
    target = _subject_org(entry.member, entry.organization)
    if not policies.can_approve(actor, target):
        raise NotPermitted(_("只有县级管理员可以审核创星记分。"))
    if entry.recorded_by_id == actor.pk:
        raise NotPermitted(_("记分须由记录人以外的另一人审核。"))
    with transaction.atomic():
        locked = PointEntry.objects.select_for_update().get(pk=entry.pk)
        if locked.status != PointEntry.Status.PENDING:
            raise Conflict(_("该记分已审核。"))
        locked.status, locked.decided_by, locked.decided_at = status, actor, timezone.now()
        locked.reject_reason = reason
        locked.save(update_fields=["status", "decided_by", "decided_at", "reject_reason"])
        standing = None
        if status == PointEntry.Status.APPROVED:
            standing = _recompute(entry.table, member=entry.member, organization=entry.organization)
        audit_record(
            actor=actor,
            action=AuditLog.Action.UPDATE,
            obj=locked,
            before={"status": PointEntry.Status.PENDING},
            after={"status": status, "reason": reason, "stars": getattr(standing, "stars", None)},
            ip=ip,
        )
    return locked


def entry_approve(*, actor: User, entry: PointEntry, ip: str | None = None) -> PointEntry:
    """A second person (the county) approves: the subject's stars are recomputed at once (S4)."""
    return _decide(actor, entry, PointEntry.Status.APPROVED, "", ip)


def entry_reject(
    *, actor: User, entry: PointEntry, reason: str, ip: str | None = None
) -> PointEntry:
    reason = (reason or "").strip()
    if not reason or len(reason) > 200:
        raise InvalidInput(
            _("请填写退回原因。"),
            [{"field": "reason", "message": _("请填写退回原因（不超过200字）")}],
        )
    return _decide(actor, entry, PointEntry.Status.REJECTED, reason, ip)


def _recompute(
    table: PointsTable, *, member: PartyMember | None, organization: Organization | None
) -> StarStanding:
    """Rewrite one subject's standing from its approved entries of the table's year (S4)."""
    subject = {"member": member} if member is not None else {"organization": organization}
    entries = [
        rules.Entry(day, kind, points)
        for day, kind, points in PointEntry.objects.filter(
            table=table, status=PointEntry.Status.APPROVED, **subject
        ).values_list("occurred_on", "item__kind", "points")
    ]
    result = rules.standing(entries, table.thresholds, table.year)
    standing, _created = StarStanding.objects.update_or_create(
        table=table,
        **subject,
        defaults={
            "points": result.points,
            "deducted": result.deducted,
            "vetoed": result.vetoed,
            "stars": result.stars,
        },
    )
    return standing


# --- 奖惩凭星 --------------------------------------------------------------------------------


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
