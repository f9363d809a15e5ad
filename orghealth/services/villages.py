"""Per-village records: 双承诺, 驻村力量 (第一书记 · 驻村工作队 · 包村干部), the 两委 roster and
软弱涣散 designations, whose 整顿 runs through the rectification ledger."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ledgers import services as ledger_services
from ledgers.models import Rectification
from organizations.models import VILLAGE_KINDS, AuditLog, Organization, User
from organizations.services import audit_record
from starrating.errors import Conflict, InvalidInput, NotPermitted

from .. import policies, selectors
from ..models import (
    Commitment,
    CommitteeMember,
    Posting,
    PostingExtension,
    WeakDesignation,
    WeakDismissal,
)
from .common import Problems, snapshot


def _village_only(organization: Organization) -> None:
    if organization.kind not in VILLAGE_KINDS:
        raise InvalidInput(
            _("只能为村（社区）登记。"),
            [{"field": "organization", "message": _("只能为村（社区）登记")}],
        )


# --- 双承诺 ---------------------------------------------------------------------------------

COMMITMENT_FIELDS = ("year", "kind", "member_name", "content")


def commitment_create(
    *, actor: User, organization: Organization, ip: str | None = None, **fields
) -> Commitment:
    """A commitment of the village's Party organization, or of one named member."""
    if not policies.can_edit_village(actor, organization):
        raise NotPermitted(_("您无权为该村登记承诺。"))
    _village_only(organization)
    p = Problems()
    p.unknown(fields, COMMITMENT_FIELDS)
    year = p.integer(fields, "year", _("年度"), low=2000, high=2100)
    kind = p.choice(fields, "kind", _("承诺类型"), Commitment.Kind)
    member = p.text(fields, "member_name", _("承诺党员"), max_length=50, required=False)
    content = p.text(fields, "content", _("承诺事项"), max_length=300)
    if kind == Commitment.Kind.MEMBER and not member:
        p.add("member_name", _("党员承诺请填写承诺党员"))
    if kind == Commitment.Kind.ORGANIZATION and member:
        p.add("member_name", _("党组织承诺不填写承诺党员"), member)
    p.raise_if_any(_("承诺填写有误。"))
    with transaction.atomic():
        row = Commitment.objects.create(
            organization=organization,
            year=year,
            kind=kind,
            member_name=member,
            content=content,
            recorded_by=actor,
        )
        audit_record(
            actor=actor,
            action=AuditLog.Action.CREATE,
            obj=row,
            after=snapshot(row, ("organization", "year", "kind", "member_name", "content")),
            ip=ip,
        )
    return row


def commitment_complete(
    *, actor: User, commitment: Commitment, ip: str | None = None, **fields
) -> Commitment:
    """Mark a commitment done (践诺) on a day with what was done."""
    if not policies.can_edit_village(actor, commitment.organization):
        raise NotPermitted(_("您无权修改该村的承诺。"))
    if commitment.is_done:
        raise Conflict(_("该承诺已完成。"))
    p = Problems()
    p.unknown(fields, ("done_on", "evidence"))
    done_on = p.date(fields, "done_on", _("完成日期"))
    evidence = p.text(fields, "evidence", _("完成情况"), max_length=300)
    if done_on and done_on > timezone.localdate():
        p.add("done_on", _("完成日期不能晚于今天"), done_on)
    p.raise_if_any(_("承诺完成情况填写有误。"))
    with transaction.atomic():
        commitment.done_on, commitment.evidence = done_on, evidence
        commitment.save(update_fields=["done_on", "evidence", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditLog.Action.UPDATE,
            obj=commitment,
            before={"done_on": None},
            after=snapshot(commitment, ("done_on", "evidence")),
            ip=ip,
        )
    return commitment


# --- 驻村力量 -------------------------------------------------------------------------------

POSTING_FIELDS = ("kind", "person_name", "unit", "starts_on", "ends_on")


def posting_create(
    *, actor: User, organization: Organization, ip: str | None = None, **fields
) -> Posting:
    """Register a first secretary, a work-team member or a 包村干部 for a village."""
    if not policies.can_register(actor, organization):
        raise NotPermitted(_("您无权为该村登记驻村力量。"))
    _village_only(organization)
    p = Problems()
    p.unknown(fields, POSTING_FIELDS)
    kind = p.choice(fields, "kind", _("类型"), Posting.Kind)
    name = p.text(fields, "person_name", _("姓名"), max_length=50)
    unit = p.text(fields, "unit", _("派出单位"), max_length=100)
    starts = p.date(fields, "starts_on", _("起始日期"))
    ends = p.date(fields, "ends_on", _("截止日期"))
    if starts and ends and ends < starts:
        p.add("ends_on", _("截止日期不能早于起始日期"), ends)
    p.raise_if_any(_("驻村力量填写有误。"))
    with transaction.atomic():
        row = Posting.objects.create(
            organization=organization,
            kind=kind,
            person_name=name,
            unit=unit,
            starts_on=starts,
            ends_on=ends,
            recorded_by=actor,
        )
        audit_record(
            actor=actor,
            action=AuditLog.Action.CREATE,
            obj=row,
            after=snapshot(row, ("organization", *POSTING_FIELDS)),
            ip=ip,
        )
    return row


def posting_extend(
    *, actor: User, posting: Posting, ip: str | None = None, **fields
) -> PostingExtension:
    """延长派驻: a later end date with its reason; the earlier end stays on record."""
    if not policies.can_register(actor, posting.organization):
        raise NotPermitted(_("您无权修改该村的驻村力量。"))
    p = Problems()
    p.unknown(fields, ("new_end", "reason"))
    new_end = p.date(fields, "new_end", _("延长至"))
    reason = p.text(fields, "reason", _("延长原因"), max_length=200)
    if new_end and new_end <= posting.ends_on:
        p.add("new_end", _("延长至应晚于原截止日期%(d)s") % {"d": posting.ends_on}, new_end)
    p.raise_if_any(_("延长派驻填写有误。"))
    with transaction.atomic():
        locked = Posting.objects.select_for_update().get(pk=posting.pk)
        extension = PostingExtension.objects.create(
            posting=locked, previous_end=locked.ends_on, new_end=new_end, reason=reason, by=actor
        )
        locked.ends_on = new_end
        locked.save(update_fields=["ends_on"])
        audit_record(
            actor=actor,
            action=AuditLog.Action.UPDATE,
            obj=locked,
            before={"ends_on": extension.previous_end.isoformat()},
            after={"ends_on": new_end.isoformat()},
            reason=reason,
            ip=ip,
        )
    posting.ends_on = new_end
    return extension


# --- 两委 roster ----------------------------------------------------------------------------

MEMBER_FIELDS = (
    "name",
    "position",
    "body",
    "gender",
    "birth_date",
    "education",
    "is_reserve_cadre",
)


def _truthy(value) -> bool:
    return str(value).strip().lower() in ("1", "true", "on", "yes", "是")


def member_add(
    *, actor: User, organization: Organization, ip: str | None = None, **fields
) -> CommitteeMember:
    """Add a serving member to the village's 两委 roster."""
    if not policies.can_edit_village(actor, organization):
        raise NotPermitted(_("您无权修改该村的两委班子。"))
    _village_only(organization)
    p = Problems()
    p.unknown(fields, MEMBER_FIELDS)
    values = {
        "name": p.text(fields, "name", _("姓名"), max_length=50),
        "position": p.text(fields, "position", _("职务"), max_length=50),
        "body": p.choice(fields, "body", _("所在班子"), CommitteeMember.Body),
        "gender": p.choice(fields, "gender", _("性别"), CommitteeMember.Gender),
        "birth_date": p.date(fields, "birth_date", _("出生日期")),
        "education": p.choice(fields, "education", _("学历"), CommitteeMember.Education),
        "is_reserve_cadre": _truthy(fields.get("is_reserve_cadre", False)),
    }
    birth = values["birth_date"]
    if birth and not 18 <= (timezone.localdate() - birth).days // 365 <= 90:
        p.add("birth_date", _("出生日期不合理（年龄应在18到90岁之间）"), birth)
    p.raise_if_any(_("两委成员填写有误。"))
    with transaction.atomic():
        row = CommitteeMember.objects.create(organization=organization, recorded_by=actor, **values)
        audit_record(
            actor=actor,
            action=AuditLog.Action.CREATE,
            obj=row,
            after=snapshot(row, ("organization", *MEMBER_FIELDS)),
            ip=ip,
        )
    return row


def member_leave(
    *, actor: User, member: CommitteeMember, ip: str | None = None, **fields
) -> CommitteeMember:
    """离任: the member stays on record with the day they left; the facts count serving ones."""
    if not policies.can_edit_village(actor, member.organization):
        raise NotPermitted(_("您无权修改该村的两委班子。"))
    if member.left_on is not None:
        raise Conflict(_("该成员已离任。"))
    p = Problems()
    p.unknown(fields, ("left_on",))
    left_on = p.date(fields, "left_on", _("离任日期"))
    if left_on and left_on > timezone.localdate():
        p.add("left_on", _("离任日期不能晚于今天"), left_on)
    if left_on and left_on < member.birth_date:
        p.add("left_on", _("离任日期不能早于出生日期"), left_on)
    p.raise_if_any(_("离任登记有误。"))
    with transaction.atomic():
        member.left_on = left_on
        member.save(update_fields=["left_on", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditLog.Action.UPDATE,
            obj=member,
            before={"left_on": None},
            after={"left_on": left_on.isoformat()},
            ip=ip,
        )
    return member


# --- 软弱涣散 -------------------------------------------------------------------------------

WEAK_DEFAULT_DAYS = 90
WEAK_FIELDS = ("year", "reason", "designated_on", "measures", "deadline", "responsible_person")


def weak_designate(
    *, actor: User, organization: Organization, ip: str | None = None, **fields
) -> WeakDesignation:
    """Designate a village Party organization 软弱涣散 for a year and open its 整顿 as a ledger
    entry (source 软弱涣散整顿) in the same transaction; the 整顿 is done when that entry is
    closed (销号) through the ledger."""
    if not (policies.can_manage(actor) and policies.in_reach(actor, organization)):
        raise NotPermitted(_("只有县级管理员可以认定软弱涣散党组织。"))
    _village_only(organization)
    p = Problems()
    p.unknown(fields, WEAK_FIELDS)
    year = p.integer(fields, "year", _("年度"), low=2000, high=2100)
    reason = p.text(fields, "reason", _("认定原因"), max_length=300)
    designated_on = p.date(fields, "designated_on", _("认定日期"))
    p.raise_if_any(_("软弱涣散认定填写有误。"))
    if WeakDesignation.objects.filter(organization=organization, year=year).exists():
        raise Conflict(_("该村本年度已被认定为软弱涣散党组织。"))
    with transaction.atomic():
        entry = ledger_services.rectification_create(
            actor=actor,
            organization=organization,
            source=Rectification.Source.WEAK_LAX,
            ip=ip,
            problem=_("%(y)s年软弱涣散党组织：%(r)s") % {"y": year, "r": reason},
            measures=fields.get("measures") or "",
            deadline=fields.get("deadline") or "",
            responsible_person=fields.get("responsible_person") or "",
        )
        row = WeakDesignation.objects.create(
            organization=organization,
            year=year,
            reason=reason,
            designated_on=designated_on,
            rectification=entry,
            designated_by=actor,
        )
        audit_record(
            actor=actor,
            action=AuditLog.Action.CREATE,
            obj=row,
            after=snapshot(
                row, ("organization", "year", "reason", "designated_on", "rectification")
            ),
            ip=ip,
        )
    return row


def weak_designate_suggested(
    *, actor: User, organization: Organization, year: int, ip: str | None = None
) -> WeakDesignation:
    """One action on a 建议列为软弱涣散 row: designate the village with the suggestion's reason,
    today's date and the ledger's default 整顿 (measures to be set by the village, 90 days, the
    secretary responsible) — ``weak_designate`` opens the ledger entry as for any designation.
    The village must be on the year's suggestion list (not dismissed, not designated)."""
    if not (policies.can_manage(actor) and policies.in_reach(actor, organization)):
        raise NotPermitted(_("只有县级管理员可以认定软弱涣散党组织。"))
    suggestion = _suggestion(actor, organization, year)
    today = timezone.localdate()
    return weak_designate(
        actor=actor,
        organization=organization,
        ip=ip,
        year=year,
        reason=suggestion["reason"][:300],
        designated_on=today,
        measures=_("待村党组织制定整顿方案"),
        deadline=today + datetime.timedelta(days=WEAK_DEFAULT_DAYS),
        responsible_person=organization.secretary_name or _("村党组织书记"),
    )


def weak_suggestion_dismiss(
    *, actor: User, organization: Organization, year: Any, reason: Any, ip: str | None = None
) -> WeakDismissal:
    """The county decides not to designate a suggested village this year, and says why; the
    village leaves the year's suggestion list. Audited; the row is kept."""
    if not (policies.can_manage(actor) and policies.in_reach(actor, organization)):
        raise NotPermitted(_("只有县级管理员可以处理软弱涣散建议。"))
    _village_only(organization)
    p = Problems()
    fields = {"year": year, "reason": reason}
    year = p.integer(fields, "year", _("年度"), low=2000, high=2100)
    text = p.text(fields, "reason", _("不予认定的理由"), max_length=300)
    p.raise_if_any(_("不予认定的理由填写有误。"))
    _suggestion(actor, organization, year)
    with transaction.atomic():
        row = WeakDismissal.objects.create(
            organization=organization, year=year, reason=text, dismissed_by=actor
        )
        audit_record(
            actor=actor,
            action=AuditLog.Action.CREATE,
            obj=row,
            after=snapshot(row, ("organization", "year", "reason")),
            ip=ip,
        )
    return row


def _suggestion(actor: User, organization: Organization, year: int) -> dict:
    found = next(
        (
            s
            for s in selectors.weak_suggestions(actor, year=year)["suggestions"]
            if s["organization"].pk == organization.pk
        ),
        None,
    )
    if found is None:
        raise Conflict(_("该村不在本年度软弱涣散建议名单中（可能已认定或已不予认定）。"))
    return found
