"""The members register: one by one, or from an Excel workbook (all or nothing)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from organizations.models import VILLAGE_KINDS, AuditLog, Organization, User
from organizations.services import audit_record
from starrating.errors import InvalidInput, NotPermitted
from workbooks.cells import is_formula_like

from .. import policies
from ..models import (
    MemberCategory,
    PartyMember,
)
from .common import IMPORT_MAX_ROWS, REGISTER_HEADER


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
