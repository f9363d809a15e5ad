"""One node of the tree at a time: a county admin creates, renames, moves, deactivates (and
reactivates) a township or a village of their own county — the same rules as the Excel import
(``tree.organizations_import``), for the API and any page that edits a single node. Nothing is
ever deleted: past rounds refer to the organization."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from organizations.models import TOWNSHIP_KINDS, VILLAGE_KINDS, AuditLog, Organization, Role, User
from organizations.selectors import county_organizations
from starrating.errors import InvalidInput, NotPermitted, reject_unknown_fields

from .audit import audit_record
from .tree import FORMULA_PREFIXES

EDITABLE = ("name", "parent", "party_body", "secretary_name", "member_count")
AUDITED = ("code", "name", "kind", "parent_id", "party_body", "secretary_name", "member_count")


def _require_county_admin(actor: User) -> None:
    if not (actor.is_active and actor.has_role(Role.COUNTY_ADMIN) and actor.county_id):
        raise NotPermitted(_("只有县级管理员可以维护组织机构。"))


def _snapshot(org: Organization) -> dict[str, Any]:
    return {f: getattr(org, f) for f in AUDITED} | {"is_active": org.is_active}


def _parent_errors(actor: User, kind: str, parent: Organization | None) -> list[dict[str, Any]]:
    """A township hangs under the actor's county, a village under a township of it."""
    if parent is None:
        return [{"field": "parent", "message": _("请选择上级组织")}]
    in_county = county_organizations(actor.county_id).filter(pk=parent.pk).exists()
    if not in_county:
        return [{"field": "parent", "message": _("上级组织不在本区县")}]
    if kind in TOWNSHIP_KINDS and parent.pk != actor.county_id:
        return [{"field": "parent", "message": _("乡镇（街道）的上级必须是本区县")}]
    if kind in VILLAGE_KINDS and parent.kind not in TOWNSHIP_KINDS:
        return [{"field": "parent", "message": _("村（社区）的上级必须是乡镇（街道）")}]
    if kind in VILLAGE_KINDS and not parent.is_active:
        return [{"field": "parent", "message": _("上级乡镇（街道）已停用")}]
    return []


def _text_errors(name: str | None, secretary_name: str | None) -> list[dict[str, Any]]:
    errors = []
    if name is not None:
        name = name.strip()
        if not name:
            errors.append({"field": "name", "message": _("名称必填")})
        elif len(name) > 100:
            errors.append({"field": "name", "message": _("名称最多100个字")})
        elif name.startswith(FORMULA_PREFIXES) or any(ord(c) < 32 for c in name):
            errors.append({"field": "name", "message": _("名称不能以 = + - @ 开头或包含控制字符")})
    if secretary_name is not None and (
        len(secretary_name) > 50 or secretary_name.startswith(FORMULA_PREFIXES)
    ):
        errors.append(
            {"field": "secretary_name", "message": _("书记姓名最多50个字，且不能以 = + - @ 开头")}
        )
    return errors


def organization_create(
    *,
    actor: User,
    code: str,
    name: str,
    kind: str,
    parent: Organization | None,
    party_body: str = Organization.PartyBody.BRANCH,
    secretary_name: str = "",
    member_count: int = 0,
    ip: str | None = None,
) -> Organization:
    """A new township (street) or village (community) of the actor's county (county admin).
    The code is the 12-digit statistical code, unique across the installation. Audited."""
    _require_county_admin(actor)
    errors: list[dict[str, Any]] = []
    code = (code or "").strip()
    if not (code.isdigit() and len(code) == 12):
        errors.append({"field": "code", "value": code, "message": _("区划代码必须是12位数字")})
    elif Organization.objects.filter(code=code).exists():
        errors.append({"field": "code", "value": code, "message": _("该区划代码已存在")})
    if kind not in (*TOWNSHIP_KINDS, *VILLAGE_KINDS):
        message = _("只能新建乡镇、街道、村或社区")
        errors.append({"field": "kind", "value": kind, "message": message})
    else:
        errors += _parent_errors(actor, kind, parent)
    if party_body not in Organization.PartyBody.values:
        errors.append({"field": "party_body", "message": _("党组织类型必须是党委、党总支或党支部")})
    if member_count is None or member_count < 0:
        errors.append({"field": "member_count", "message": _("党员人数必须是非负整数")})
    errors += _text_errors(name, secretary_name or "")
    if errors:
        raise InvalidInput(_("组织未新建：请改正以下问题。"), errors)
    with transaction.atomic():
        org = Organization.objects.create(
            code=code,
            name=name.strip(),
            kind=kind,
            parent=parent,
            party_body=party_body,
            secretary_name=(secretary_name or "").strip(),
            member_count=member_count,
        )
        audit_record(
            actor=actor, action=AuditLog.Action.CREATE, obj=org, after=_snapshot(org), ip=ip
        )
    return org


def organization_update(
    *, actor: User, organization: Organization, ip: str | None = None, **fields: Any
) -> Organization:
    """Rename, move (a village to another township of the county), or change the Party body,
    secretary or member count of a township or village of the actor's county. The kind and
    the code never change (the code is the statistical identity; a new code is a new node).
    Audited with before/after; a move is its own reason in the log."""
    _require_county_admin(actor)
    reject_unknown_fields(fields, EDITABLE)
    if organization.kind not in (*TOWNSHIP_KINDS, *VILLAGE_KINDS):
        raise NotPermitted(_("只能修改乡镇（街道）和村（社区）。"))
    errors: list[dict[str, Any]] = []
    if "parent" in fields:
        errors += _parent_errors(actor, organization.kind, fields["parent"])
    if "party_body" in fields and fields["party_body"] not in Organization.PartyBody.values:
        errors.append({"field": "party_body", "message": _("党组织类型必须是党委、党总支或党支部")})
    if "member_count" in fields and (fields["member_count"] is None or fields["member_count"] < 0):
        errors.append({"field": "member_count", "message": _("党员人数必须是非负整数")})
    errors += _text_errors(fields.get("name"), fields.get("secretary_name"))
    if errors:
        raise InvalidInput(_("组织未修改：请改正以下问题。"), errors)
    with transaction.atomic():
        org = Organization.objects.select_for_update().get(pk=organization.pk)
        before = _snapshot(org)
        for field, value in fields.items():
            setattr(org, field, value.strip() if isinstance(value, str) else value)
        org.save()
        after = _snapshot(org)
        changed = [f for f in after if after[f] != before[f]]
        audit_record(
            actor=actor,
            action=AuditLog.Action.UPDATE,
            obj=org,
            before={f: before[f] for f in changed},
            after={f: after[f] for f in changed},
            reason=_("调整隶属关系") if "parent_id" in changed else "",
            ip=ip,
        )
    return org


def organization_set_active(
    *,
    actor: User,
    organization: Organization,
    active: bool,
    reason: str = "",
    ip: str | None = None,
) -> Organization:
    """Deactivate (撤并) or reactivate a township or village, with a reason. Nothing is
    deleted: past rounds keep it; a new round creates no assessment for an inactive village.
    A township with active villages is not deactivated (move or deactivate them first); a
    village is not reactivated under an inactive township."""
    _require_county_admin(actor)
    if organization.kind not in (*TOWNSHIP_KINDS, *VILLAGE_KINDS):
        raise NotPermitted(_("只能停用或启用乡镇（街道）和村（社区）。"))
    errors: list[dict[str, Any]] = []
    if not (reason or "").strip():
        errors.append({"field": "reason", "message": _("请填写原因")})
    if not active and organization.kind in TOWNSHIP_KINDS:
        names = list(
            organization.children.filter(is_active=True).values_list("name", flat=True)[:20]
        )
        if names:
            errors.append(
                {
                    "field": "active",
                    "message": _("该乡镇（街道）下还有有效的村（社区）：%(names)s")
                    % {"names": "、".join(names)},
                }
            )
    if active and organization.kind in VILLAGE_KINDS and not organization.parent.is_active:
        errors.append({"field": "active", "message": _("上级乡镇（街道）已停用，请先启用")})
    if errors:
        raise InvalidInput(_("组织状态未改变：请改正以下问题。"), errors)
    with transaction.atomic():
        org = Organization.objects.select_for_update().get(pk=organization.pk)
        if org.is_active == active:
            return org
        org.is_active = active
        org.save(update_fields=["is_active", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditLog.Action.UPDATE if active else AuditLog.Action.DEACTIVATE,
            obj=org,
            before={"is_active": not active},
            after={"is_active": active},
            reason=reason.strip(),
            ip=ip,
        )
    return org
