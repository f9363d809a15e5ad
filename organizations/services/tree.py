"""The organization tree imported from a file (an Excel workbook read by ``workbooks``):
validated as a whole, previewed, then written in one transaction and audited."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils.translation import gettext as _

from organizations.initials import name_initials
from organizations.models import TOWNSHIP_KINDS, VILLAGE_KINDS, AuditLog, Organization, Role, User
from starrating.errors import InvalidInput, NotPermitted

from .audit import AuditEntry, audit_record_many

# The columns as people know them: errors name these, never the field names.
FIELD_LABELS = {
    "code": "区划代码",
    "name": "名称",
    "kind": "类型",
    "parent_code": "上级代码",
    "party_body": "党组织类型",
    "secretary_name": "书记姓名",
    "member_count": "党员人数",
}
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")
# Deactivating more than this share of the county's active villages needs ``confirm``.
MAX_DEACTIVATE_SHARE = 0.2
PREVIEW_NAMES = 50  # names listed per kind of change in a preview


@dataclass
class OrganizationRow:
    """One row of an organization import, as read from the file (``columns``: field →
    column letter, so each error names its cell)."""

    sheet: str
    row: int
    code: str
    name: str
    kind: str
    parent_code: str
    party_body: str = ""
    secretary_name: str = ""
    member_count: Any = None
    columns: dict[str, str] | None = None


def _choice(value: str, choices: type[models.TextChoices], aliases: dict[str, str]) -> str | None:
    value = (value or "").strip()
    if value in choices.values:
        return value
    for choice in choices:
        if value == str(choice.label):
            return choice.value
    return aliases.get(value)


KIND_ALIASES = {"区": "county", "县": "county", "乡": "township", "镇": "township"}
PARTY_BODY_ALIASES = {"支部": "branch", "总支": "general_branch"}
ORGANIZATION_FIELDS = ("name", "kind", "parent_id", "party_body", "secretary_name", "is_active")


def organizations_import(
    *,
    actor: User | None,
    rows: Iterable[OrganizationRow],
    errors: Iterable[dict[str, Any]] = (),
    source: str = "",
    ip: str | None = None,
    confirm: bool = False,
    preview: bool = False,
) -> dict[str, Any]:
    """Import a county's tree (townships and villages) from a file, all or nothing.

    Each row: 12-digit code, name, kind, parent code, Party body type, secretary (and
    optionally member count). New organizations are created, changed ones updated, and the
    county's villages absent from the file are deactivated — never deleted, since past rounds
    refer to them. Every problem of the file is reported at once. ``actor`` None is the
    command line, which may also create the county itself; otherwise only a county admin
    imports, within their own county. Audited per organization changed, plus the import.

    ``preview`` validates and returns what would change (counts and names of the new,
    changed and deactivated) without writing. A file without any village is refused, and
    deactivating more than ``ORG_IMPORT_MAX_DEACTIVATE_SHARE`` of the county's active
    villages is refused unless ``confirm`` — the web and the command line alike.
    """
    rows = list(rows)
    errors = list(errors)
    if actor is not None and not actor.has_role(Role.COUNTY_ADMIN):
        raise NotPermitted(_("只有县级管理员可以导入组织机构。"))

    def error(row: OrganizationRow, field: str, value: Any, message: str) -> None:
        errors.append(
            {
                "sheet": row.sheet,
                "row": row.row,
                "column": (row.columns or {}).get(field, ""),
                "organization": row.code,
                "organization_name": row.name,
                "field": FIELD_LABELS.get(field, field),
                "value": "" if value is None else str(value),
                "message": message,
            }
        )

    codes = {r.code for r in rows} | {r.parent_code for r in rows}
    county_id = actor.county_id if actor is not None else None
    existing_q = models.Q(code__in=codes)
    if county_id is not None:
        existing_q |= models.Q(pk=county_id) | models.Q(parent_id=county_id)
        existing_q |= models.Q(parent__parent_id=county_id)
    existing = {o.code: o for o in Organization.objects.filter(existing_q)}
    county = None
    existing_by_pk = {o.pk: o for o in existing.values()}
    if county_id is not None:
        county = existing_by_pk.get(county_id)

    parsed: dict[str, dict[str, Any]] = {}
    seen: dict[str, int] = {}
    for row in rows:
        ok = True
        if not row.code or not row.code.isdigit() or len(row.code) != 12:
            error(row, "code", row.code, _("区划代码必须是12位数字"))
            ok = False
        elif row.code in seen:
            error(row, "code", row.code, _("区划代码重复（第%(n)d行已有）") % {"n": seen[row.code]})
            continue
        else:
            seen[row.code] = row.row
        if not row.name:
            error(row, "name", row.name, _("名称必填"))
            ok = False
        elif len(row.name) > 100:
            error(row, "name", row.name, _("名称最多100个字"))
            ok = False
        elif row.name.startswith(FORMULA_PREFIXES) or any(ord(c) < 32 for c in row.name):
            error(row, "name", row.name, _("名称不能以 = + - @ 开头或包含控制字符（疑似公式）"))
            ok = False
        if row.secretary_name.startswith(FORMULA_PREFIXES):
            error(row, "secretary_name", row.secretary_name, _("书记姓名不能以 = + - @ 开头"))
            ok = False
        kind = _choice(row.kind, Organization.Kind, KIND_ALIASES)
        if kind is None:
            error(row, "kind", row.kind, _("类型必须是区/县、乡/镇、街道、村或社区"))
            ok = False
        party_body = (
            _choice(row.party_body, Organization.PartyBody, PARTY_BODY_ALIASES)
            if row.party_body
            else Organization.PartyBody.BRANCH
        )
        if party_body is None:
            error(row, "party_body", row.party_body, _("党组织类型必须是党委、党总支或党支部"))
            ok = False
        if len(row.secretary_name) > 50:
            error(row, "secretary_name", row.secretary_name, _("书记姓名最多50个字"))
            ok = False
        member_count = None
        if row.member_count not in (None, ""):
            try:
                member_count = int(str(row.member_count).strip().removesuffix(".0"))
                if member_count < 0:
                    raise ValueError
            except ValueError:
                error(row, "member_count", row.member_count, _("党员人数必须是非负整数"))
                ok = False
        if not ok:
            continue
        if kind == Organization.Kind.COUNTY:
            if county is not None and row.code != county.code:
                error(row, "code", row.code, _("只能导入本区县的组织"))
                continue
            if actor is None and county is None:
                county = existing.get(row.code)
        old = existing.get(row.code)
        if old is not None and _level(old.kind) != _level(kind):
            error(
                row,
                "kind",
                row.kind,
                _("不能改变已有组织的层级（原为%(k)s）") % {"k": old.get_kind_display()},
            )
            continue
        parsed[row.code] = {
            "row": row,
            "name": row.name,
            "kind": kind,
            "parent_code": row.parent_code,
            "party_body": party_body,
            "secretary_name": row.secretary_name,
            "member_count": member_count,
        }

    county_rows = [c for c, p in parsed.items() if p["kind"] == Organization.Kind.COUNTY]
    if county is None and county_rows:
        county_code = county_rows[0]
    else:
        county_code = county.code if county is not None else None
    if county_code is None:
        townships = {p["parent_code"] for p in parsed.values() if _level(p["kind"]) == 1}
        if len(townships) == 1 and next(iter(townships)) in existing:
            county = existing[next(iter(townships))]
            county_code = county.code
        elif not errors:
            errors.append(
                {
                    "sheet": "",
                    "row": None,
                    "column": "",
                    "message": _("无法确定所属区县：请在文件中包含区县一行"),
                }
            )
    for code, p in parsed.items():
        row, level = p["row"], _level(p["kind"])
        if level == 0:
            if code != county_code:
                error(row, "code", code, _("文件只能包含一个区县"))
            continue
        parent = parsed.get(p["parent_code"]) or (
            {"kind": existing[p["parent_code"]].kind} if p["parent_code"] in existing else None
        )
        if not p["parent_code"]:
            error(row, "parent_code", "", _("上级代码必填"))
        elif parent is None:
            error(row, "parent_code", p["parent_code"], _("上级代码不存在"))
        elif _level(parent["kind"]) != level - 1:
            error(
                row,
                "parent_code",
                p["parent_code"],
                _("上级组织的层级不对（村的上级应为乡镇/街道，乡镇的上级应为区县）"),
            )
        elif level == 1 and p["parent_code"] != county_code:
            error(row, "parent_code", p["parent_code"], _("只能导入本区县的组织"))
        elif level == 2:
            township = parsed.get(p["parent_code"])
            grand = township["parent_code"] if township else None
            if township is None:
                old_parent = existing[p["parent_code"]]
                grand_org = existing_by_pk.get(old_parent.parent_id)
                grand = grand_org.code if grand_org else None
            if grand != county_code:
                error(row, "parent_code", p["parent_code"], _("只能导入本区县的组织"))
        old = existing.get(code)
        if (
            old is not None
            and level
            and county_code
            and old.pk not in _county_members(existing_by_pk, county_code)
            and old.parent_id is not None
        ):
            error(row, "code", code, _("该区划代码已属于其他区县"))
    if not errors and not any(_level(p["kind"]) == 2 for p in parsed.values()):
        errors.append(
            {
                "sheet": rows[0].sheet if rows else "",
                "row": None,
                "column": "",
                "message": _("文件中没有任何村（社区）：导入将停用全县的村，已拒绝"),
            }
        )
    if errors:
        errors.sort(
            key=lambda e: (e.get("row") or 0, len(e.get("column") or ""), e.get("column") or "")
        )
        raise InvalidInput(
            _("导入文件有%(n)d处错误，未导入任何数据。请修改后重新上传。") % {"n": len(errors)},
            errors,
        )

    plan = _plan(parsed, existing, county_code)
    if preview:
        return plan
    if plan["needs_confirmation"] and not confirm:
        raise InvalidInput(_confirmation_message(plan), [])

    counts = {"created": 0, "updated": 0, "unchanged": 0, "deactivated": 0}
    entries: list[AuditEntry] = []
    with transaction.atomic():
        by_code = dict(existing)
        for level in (0, 1, 2):
            create, update = [], []
            for code, p in parsed.items():
                if _level(p["kind"]) != level:
                    continue
                parent = by_code.get(p["parent_code"]) if level else None
                values = {
                    "name": p["name"],
                    "kind": p["kind"],
                    "parent_id": parent.pk if parent else None,
                    "party_body": p["party_body"],
                    "secretary_name": p["secretary_name"],
                    "is_active": True,
                }
                if p["member_count"] is not None:
                    values["member_count"] = p["member_count"]
                old = by_code.get(code)
                if old is None:
                    org = Organization(code=code, name_initials=name_initials(p["name"]), **values)
                    create.append(org)
                    continue
                before = {f: getattr(old, f) for f in values if getattr(old, f) != values[f]}
                if not before:
                    counts["unchanged"] += 1
                    continue
                for f, v in values.items():
                    setattr(old, f, v)
                old.name_initials = name_initials(old.name)  # a renamed village is found anew
                update.append(old)
                entries.append(
                    AuditEntry(AuditLog.Action.UPDATE, old, before, {f: values[f] for f in before})
                )
            Organization.objects.bulk_create(create, batch_size=1000)
            for org in create:
                by_code[org.code] = org
                entries.append(
                    AuditEntry(
                        AuditLog.Action.CREATE,
                        org,
                        None,
                        {"code": org.code, "name": org.name, "kind": org.kind},
                    )
                )
            if update:
                Organization.objects.bulk_update(
                    update,
                    [*ORGANIZATION_FIELDS, "name_initials", "member_count", "updated_at"],
                    batch_size=500,
                )
            counts["created"] += len(create)
            counts["updated"] += len(update)
        county = by_code[county_code]
        gone = list(
            Organization.objects.filter(
                kind__in=VILLAGE_KINDS, parent__parent_id=county.pk, is_active=True
            ).exclude(code__in=list(parsed))
        )
        for org in gone:
            org.is_active = False
            entries.append(
                AuditEntry(
                    AuditLog.Action.DEACTIVATE,
                    org,
                    {"is_active": True},
                    {"is_active": False},
                    reason=_("组织导入中不再出现"),
                )
            )
        if gone:
            Organization.objects.filter(pk__in=[o.pk for o in gone]).update(is_active=False)
        counts["deactivated"] = len(gone)
        entries.append(
            AuditEntry(
                AuditLog.Action.IMPORT,
                county,
                None,
                {"source": source, **counts},
                reason=_("Excel导入组织机构"),
            )
        )
        audit_record_many(actor=actor, entries=entries, ip=ip)
    return counts


def _active_villages(county_code: str | None):
    return Organization.objects.filter(
        kind__in=VILLAGE_KINDS, parent__parent__code=county_code or "", is_active=True
    )


def _plan(
    parsed: dict[str, dict[str, Any]], existing: dict[str, Organization], county_code: str | None
) -> dict[str, Any]:
    """What an import would change, by kind: counts, the first names, and whether the
    deactivations exceed the share that needs an explicit confirmation."""
    created, updated, unchanged = [], [], 0
    for code, p in parsed.items():
        old = existing.get(code)
        if old is None:
            created.append(f"{code} {p['name']}")
            continue
        parent = existing.get(p["parent_code"])
        changed = [
            FIELD_LABELS[f]
            for f, new in (
                ("name", p["name"]),
                ("kind", p["kind"]),
                ("party_body", p["party_body"]),
                ("secretary_name", p["secretary_name"]),
            )
            if getattr(old, f) != new
        ]
        if _level(p["kind"]) and (parent is None or parent.pk != old.parent_id):
            changed.append(FIELD_LABELS["parent_code"])
        if p["member_count"] is not None and p["member_count"] != old.member_count:
            changed.append(FIELD_LABELS["member_count"])
        if changed or not old.is_active:
            updated.append(f"{code} {p['name']}（{'、'.join(changed) or _('恢复有效')}）")
        else:
            unchanged += 1
    active = _active_villages(county_code)
    total = active.count()
    gone = list(
        active.exclude(code__in=list(parsed))
        .order_by("code")
        .values_list("code", "name", "parent__name")
    )
    share = len(gone) / total if total else 0.0
    limit = float(getattr(settings, "ORG_IMPORT_MAX_DEACTIVATE_SHARE", MAX_DEACTIVATE_SHARE))
    return {
        "created": len(created),
        "updated": len(updated),
        "unchanged": unchanged,
        "deactivated": len(gone),
        "active_villages": total,
        "deactivate_share": round(share, 4),
        "deactivate_limit": limit,
        "needs_confirmation": bool(gone) and share > limit,
        "created_names": created[:PREVIEW_NAMES],
        "updated_names": updated[:PREVIEW_NAMES],
        "deactivated_names": [f"{c} {n}（{t}）" for c, n, t in gone[:PREVIEW_NAMES]],
    }


def _confirmation_message(plan: dict[str, Any]) -> str:
    return _(
        "本次导入将停用%(n)d个村（占全县有效村%(total)d个的%(share).0f%%），超过%(limit).0f%%，"
        "需要明确确认。请核对文件是否为全县完整名单；确认无误后在网页上勾选“确认停用”，"
        "或在命令行加 --confirm-deactivation。"
    ) % {
        "n": plan["deactivated"],
        "total": plan["active_villages"],
        "share": plan["deactivate_share"] * 100,
        "limit": plan["deactivate_limit"] * 100,
    }


def _level(kind: str) -> int:
    if kind in TOWNSHIP_KINDS:
        return 1
    if kind in VILLAGE_KINDS:
        return 2
    return 0


def _county_members(by_pk: dict[int, Organization], county_code: str) -> set[int]:
    """Ids of loaded organizations under the county ``county_code`` (townships and villages)."""
    county = next((o for o in by_pk.values() if o.code == county_code), None)
    if county is None:
        return set()
    townships = {o.pk for o in by_pk.values() if o.parent_id == county.pk}
    return townships | {o.pk for o in by_pk.values() if o.parent_id in townships}
