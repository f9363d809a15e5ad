"""Point entries: recorded, then approved or returned by a second person; each approval
recomputes the subject's standing by ``stars.rules`` (S1–S5)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from organizations.models import TOWNSHIP_KINDS, VILLAGE_KINDS, AuditLog, Organization, User
from organizations.services import audit_record
from starrating.errors import Conflict, InvalidInput, NotPermitted

from .. import policies, rules
from ..models import (
    Ladder,
    PartyMember,
    PointEntry,
    PointsItem,
    PointsTable,
    StarStanding,
)
from .common import EVIDENCE_MAX_BYTES, EVIDENCE_SUFFIXES


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
