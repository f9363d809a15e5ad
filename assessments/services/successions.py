"""Village merges and splits (撤并 / 拆分): the successor records its predecessors, so that its
previous level survives (docs/scoring.md, "The previous level"). Recorded here, beside the
results, because a merge recorded during an open round moves the successor's rule 10."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from assessments import policies
from organizations.models import VILLAGE_KINDS, AuditLog, Organization, Succession, User
from organizations.services import AuditEntry, audit_record_many
from starrating.errors import InvalidInput, NotPermitted

from .corrections import refresh_later_rounds


def _codes(value) -> list[str]:
    if isinstance(value, str):
        value = value.replace("，", ",").replace("、", ",").replace("\n", ",").split(",")
    return [str(v).strip() for v in (value or []) if str(v).strip()]


def succession_record(
    *,
    actor: User,
    kind: str,
    predecessor_codes,
    successor_codes,
    effective_date,
    note: str = "",
    ip: str | None = None,
) -> list[Succession]:
    """Record a merge (one or more villages into one successor; the predecessors are
    deactivated) or a split (one village into two or more; it is deactivated). Every village
    by its 12-digit code, of the actor's county; each problem named by its field; audited
    (the links and each deactivation). The successors' results of the county's open rounds
    are refreshed: their previous level may now be inherited."""
    county_id = actor.county_id
    if county_id is None or not policies.can_manage_round(actor, county_id):
        raise NotPermitted(_("只有县级管理员可以登记村（社区）撤并。"))
    errors = []
    if kind not in Succession.Kind.values:
        errors.append({"field": "kind", "value": kind, "message": _("类型须为合并或拆分")})
    before_codes, after_codes = _codes(predecessor_codes), _codes(successor_codes)
    known = {
        o.code: o
        for o in Organization.objects.filter(
            kind__in=VILLAGE_KINDS,
            parent__parent_id=county_id,
            code__in=before_codes + after_codes,
        )
    }
    for field, codes in (("predecessors", before_codes), ("successors", after_codes)):
        for code in codes:
            org = known.get(code)
            if org is None:
                errors.append(
                    {"field": field, "value": code, "message": _("不是本区县的村（社区）")}
                )
            elif not org.is_active:
                errors.append({"field": field, "value": code, "message": _("该村已停用")})
        if len(set(codes)) != len(codes):
            errors.append({"field": field, "message": _("同一个村填写了两次")})
    if kind == Succession.Kind.MERGE:
        if not before_codes:
            errors.append({"field": "predecessors", "message": _("合并须填写被合并的村")})
        if len(after_codes) != 1:
            errors.append({"field": "successors", "message": _("合并后须是一个村")})
    elif kind == Succession.Kind.SPLIT:
        if len(before_codes) != 1:
            errors.append({"field": "predecessors", "message": _("拆分须填写一个原村")})
        if len(after_codes) < 2:
            errors.append({"field": "successors", "message": _("拆分后须至少两个村")})
    if set(before_codes) & set(after_codes):
        errors.append({"field": "successors", "message": _("原村和现村不能是同一个村")})
    when = effective_date if isinstance(effective_date, date) else None
    if when is None and effective_date:
        try:
            when = parse_date(str(effective_date))
        except ValueError:
            when = None
    if when is None:
        errors.append(
            {"field": "effective_date", "value": effective_date, "message": _("日期不正确")}
        )
    elif when > timezone.localdate():
        errors.append({"field": "effective_date", "message": _("生效日期不能晚于今天")})
    if errors:
        raise InvalidInput(_("撤并信息有误，未保存。"), errors)

    predecessors = [known[c] for c in before_codes]
    successors = [known[c] for c in after_codes]
    with transaction.atomic():
        links = Succession.objects.bulk_create(
            [
                Succession(
                    predecessor=p,
                    successor=s,
                    kind=kind,
                    effective_date=when,
                    predecessor_members=p.member_count,
                    note=(note or "").strip(),
                    recorded_by=actor,
                )
                for p in predecessors
                for s in successors
            ]
        )
        Organization.objects.filter(pk__in=[p.pk for p in predecessors]).update(
            is_active=False, updated_at=timezone.now()
        )
        entries = [
            AuditEntry(
                AuditLog.Action.CREATE,
                link,
                None,
                {
                    "kind": kind,
                    "predecessor": link.predecessor.code,
                    "successor": link.successor.code,
                    "effective_date": when.isoformat(),
                    "predecessor_members": link.predecessor_members,
                },
                note,
            )
            for link in links
        ]
        entries += [
            AuditEntry(
                AuditLog.Action.DEACTIVATE, p, {"is_active": True}, {"is_active": False}, note
            )
            for p in predecessors
        ]
        audit_record_many(actor=actor, entries=entries, ip=ip)
        refresh_later_rounds(
            county_id=county_id, year=0, organization_ids=[s.pk for s in successors], actor=actor
        )
    return links
