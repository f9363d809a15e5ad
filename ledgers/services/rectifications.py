"""The rectification ledger's workflow: record (by hand, from a confirmed finding, from a weak
category or item of a result), follow up with dated notes, close (销号) by a second person,
reopen with a reason. "Overdue" is computed from the deadline, never written."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import Assessment, Finding
from indicators.models import Category, Item
from organizations.models import TOWNSHIP_KINDS, VILLAGE_KINDS, AuditLog, Organization, User
from organizations.services import audit_record
from starrating.errors import Conflict, InvalidInput, NotPermitted

from .. import policies
from ..models import Rectification, RectificationNote

TEXT_FIELDS = ("problem", "measures", "standard", "responsible_person")
EDITABLE = (*TEXT_FIELDS, "deadline")
# One click from a weak category or item: the village then writes its own measures.
DEFAULT_DAYS = 90


def snapshot(entry: Rectification) -> dict:
    return {
        "organization": entry.organization_id,
        "source": entry.source,
        "problem": entry.problem,
        "measures": entry.measures,
        "standard": entry.standard,
        "deadline": entry.deadline.isoformat() if entry.deadline else None,
        "responsible_person": entry.responsible_person,
        "status": entry.status,
        "closure_evidence": entry.closure_evidence,
        "closed_by": entry.closed_by_id,
    }


def parse_date(value, field: str, errors: list) -> datetime.date | None:
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value or "").strip())
    except ValueError:
        errors.append(
            {"field": field, "value": str(value or ""), "message": _("日期格式应为 YYYY-MM-DD")}
        )
        return None


def _clean(fields: dict, *, partial: bool = False) -> dict:
    errors: list[dict] = []
    cleaned: dict = {}
    unknown = sorted(set(fields) - set(EDITABLE))
    for name in unknown:
        errors.append({"field": name, "message": _("未知字段")})
    for name in TEXT_FIELDS:
        if name not in fields and partial:
            continue
        value = str(fields.get(name) or "").strip()
        if not value and name != "standard":
            label = {
                "problem": _("请填写存在问题"),
                "measures": _("请填写整改措施"),
                "responsible_person": _("请填写责任人"),
            }[name]
            errors.append({"field": name, "message": label})
        if name == "responsible_person" and len(value) > 50:
            errors.append({"field": name, "message": _("责任人不超过50个字")})
        cleaned[name] = value
    if "deadline" in fields or not partial:
        if not fields.get("deadline"):
            errors.append({"field": "deadline", "message": _("请填写整改时限")})
        else:
            cleaned["deadline"] = parse_date(fields["deadline"], "deadline", errors)
    if errors:
        raise InvalidInput(_("整改台账填写有误。"), errors)
    return cleaned


TOWNSHIP_ROUND_SOURCES = (
    Rectification.Source.FINDING,
    Rectification.Source.WEAK_CATEGORY,
    Rectification.Source.WEAK_ITEM,
)


def _org_noun(organization: Organization) -> str:
    return _("镇街") if organization.kind in TOWNSHIP_KINDS else _("村")


def _township_entry(organization: Organization, source: str, assessment) -> bool:
    """A township may be on the ledger for its secretary's 述职评议, or for what its own result
    in a township round showed (a finding, a weak category or item)."""
    if organization.kind not in TOWNSHIP_KINDS:
        return False
    if source == Rectification.Source.REVIEW:
        return True
    return (
        source in TOWNSHIP_ROUND_SOURCES
        and assessment is not None
        and assessment.organization_id == organization.pk
        and assessment.round.rates_townships
    )


def _owner_defaults(assessment: Assessment) -> dict:
    """Who rectifies: the rated organization's Party body (村党组织 / 镇街党（工）委)."""
    body = assessment.round.rated_body
    return {
        "measures": _("待%(body)s制定整改措施") % {"body": body},
        "responsible_person": assessment.organization.secretary_name
        or _("%(body)s书记") % {"body": body},
    }


def rectification_create(
    *,
    actor: User,
    organization: Organization,
    source: str = Rectification.Source.MANUAL,
    assessment: Assessment | None = None,
    finding: Finding | None = None,
    category: Category | None = None,
    item: Item | None = None,
    ip: str | None = None,
    **fields,
) -> Rectification:
    """Put a weakness of one village on the ledger — or of one township: a problem of its
    secretary's 述职评议 (source "review"), or a confirmed finding or weak category/item of a
    township round (镇街评定) of which ``assessment`` is the township's result."""
    if not policies.can_record_ledger(actor, organization):
        raise NotPermitted(
            _("您无权为该%(noun)s建立整改台账。") % {"noun": _org_noun(organization)}
        )
    if organization.kind not in VILLAGE_KINDS and not _township_entry(
        organization, source, assessment
    ):
        raise InvalidInput(
            _("只能为村（社区）建立整改台账；镇街只能由述职评议或镇街评定的问题、短板弱项建立。"),
            [{"field": "organization", "message": _("只能为村（社区）建立整改台账")}],
        )
    cleaned = _clean(fields)
    with transaction.atomic():
        entry = Rectification.objects.create(
            organization=organization,
            assessment=assessment,
            source=source,
            finding=finding,
            category=category,
            item=item,
            recorded_by=actor,
            **cleaned,
        )
        audit_record(
            actor=actor, action=AuditLog.Action.CREATE, obj=entry, after=snapshot(entry), ip=ip
        )
    return entry


def rectification_from_finding(
    *, actor: User, finding: Finding, ip: str | None = None, **fields
) -> Rectification:
    """A confirmed finding put on the ledger; its facts become the problem unless given."""
    if not policies.can_record_ledger(actor, finding.assessment.organization):
        # before saying what state it is in
        raise NotPermitted(
            _("您无权为该%(noun)s建立整改台账。") % {"noun": finding.assessment.round.rated_noun}
        )
    if finding.status != Finding.Status.CONFIRMED:
        raise Conflict(_("只有已确认的联审问题可以建立整改台账。"))
    if Rectification.objects.filter(finding=finding).exists():
        raise Conflict(_("该问题已建立整改台账。"))
    assessment = finding.assessment
    village = assessment.organization
    defaults = {
        "problem": f"{finding.item.code} {finding.item.title}：{finding.evidence}",
        "deadline": timezone.localdate() + datetime.timedelta(days=DEFAULT_DAYS),
        **_owner_defaults(assessment),
    }
    return rectification_create(
        actor=actor,
        organization=village,
        source=Rectification.Source.FINDING,
        assessment=assessment,
        finding=finding,
        item=finding.item,
        ip=ip,
        **(defaults | {k: v for k, v in fields.items() if v}),
    )


def _points(value) -> Decimal | None:
    try:
        return Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        return None


def rectification_from_weakness(
    *, actor: User, assessment: Assessment, code: str, ip: str | None = None, **fields
) -> Rectification:
    """One click on a weak category (below its pass line) or item of a round's result."""
    if not policies.can_record_ledger(actor, assessment.organization):
        # before saying what state it is in
        raise NotPermitted(
            _("您无权为该%(noun)s建立整改台账。") % {"noun": assessment.round.rated_noun}
        )
    catalogue_id = assessment.round.catalogue_id
    category = Category.objects.filter(catalogue_id=catalogue_id, code=code).first()
    item = None
    if category is None:
        item = (
            Item.objects.filter(catalogue_id=catalogue_id, code=code)
            .select_related("category")
            .first()
        )
        if item is None:
            raise InvalidInput(
                _("不是本轮的类别或指标代码。"),
                [{"field": "code", "value": code, "message": _("不是本轮的类别或指标代码")}],
            )
    if category is not None:
        got = _points((assessment.category_scores or {}).get(code))
        problem = _("%(name)s得分%(got)s分（满分%(max)s，达标线%(pass)s）") % {
            "name": category.name,
            "got": got if got is not None else "—",
            "max": category.max_points,
            "pass": category.pass_points,
        }
        source = Rectification.Source.WEAK_CATEGORY
    else:
        got = _points((assessment.item_points or {}).get(code))
        problem = _("%(code)s %(title)s 得分%(got)s分（满分%(max)s）") % {
            "code": item.code,
            "title": item.title,
            "got": got if got is not None else "—",
            "max": item.max_points,
        }
        source = Rectification.Source.WEAK_ITEM
    if (
        Rectification.objects.filter(
            assessment=assessment, category=category, item=item, source=source
        )
        .exclude(status=Rectification.Status.CLOSED)
        .exists()
    ):
        raise Conflict(_("该短板弱项已在整改台账中。"))
    village = assessment.organization
    defaults = {
        "problem": problem,
        "deadline": timezone.localdate() + datetime.timedelta(days=DEFAULT_DAYS),
        **_owner_defaults(assessment),
    }
    return rectification_create(
        actor=actor,
        organization=village,
        source=source,
        assessment=assessment,
        category=category,
        item=item,
        ip=ip,
        **(defaults | {k: v for k, v in fields.items() if v}),
    )


def _lock(entry: Rectification) -> Rectification:
    return Rectification.objects.select_for_update().get(pk=entry.pk)


def rectification_update(
    *, actor: User, entry: Rectification, ip: str | None = None, **fields
) -> Rectification:
    if not policies.can_record_ledger(actor, entry.organization):
        raise NotPermitted(_("您无权修改该整改台账。"))
    cleaned = _clean(fields, partial=True)
    with transaction.atomic():
        locked = _lock(entry)
        if locked.is_closed:
            raise Conflict(_("已销号的整改台账不能修改，请先重新打开。"))
        before = snapshot(locked)
        for name, value in cleaned.items():
            setattr(locked, name, value)
        locked.save()
        audit_record(
            actor=actor,
            action=AuditLog.Action.UPDATE,
            obj=locked,
            before=before,
            after=snapshot(locked),
            ip=ip,
        )
    return locked


def rectification_note_add(
    *,
    actor: User,
    entry: Rectification,
    text: str,
    on: datetime.date | str | None = None,
    ip: str | None = None,
) -> RectificationNote:
    """A dated progress note; the first one moves an open entry to "in progress"."""
    if not policies.can_follow_up(actor, entry):
        raise NotPermitted(_("您无权填写该整改台账的进展。"))
    errors: list[dict] = []
    text = (text or "").strip()
    if not text:
        errors.append({"field": "text", "message": _("请填写整改进展")})
    day = parse_date(on, "on", errors) if on else timezone.localdate()
    if day is not None and day > timezone.localdate():
        errors.append({"field": "on", "message": _("进展日期不能晚于今天")})
    if errors:
        raise InvalidInput(_("整改进展填写有误。"), errors)
    with transaction.atomic():
        locked = _lock(entry)
        if locked.is_closed:
            raise Conflict(_("已销号的整改台账不能再填写进展。"))
        before = snapshot(locked)
        note = RectificationNote.objects.create(rectification=locked, on=day, text=text, by=actor)
        if locked.status == Rectification.Status.OPEN:
            locked.status = Rectification.Status.IN_PROGRESS
            locked.save()
        audit_record(
            actor=actor,
            action=AuditLog.Action.UPDATE,
            obj=locked,
            before=before,
            after=snapshot(locked) | {"note": {"on": day.isoformat(), "text": text}},
            ip=ip,
        )
    return note


def rectification_close(
    *, actor: User, entry: Rectification, closure_evidence: str, ip: str | None = None
) -> Rectification:
    """销号: approved by a township or county user who is not the one who recorded the entry;
    the database refuses it too (``closed_by_second_person``)."""
    if not policies.can_close(actor, entry):
        raise NotPermitted(_("只有镇街或县级管理员可以销号。"))
    if entry.recorded_by_id == actor.pk:
        raise NotPermitted(_("销号须由登记人以外的人员审核。"))
    evidence = (closure_evidence or "").strip()
    if not evidence:
        raise InvalidInput(
            _("请填写销号佐证。"), [{"field": "closure_evidence", "message": _("请填写销号佐证")}]
        )
    with transaction.atomic():
        locked = _lock(entry)
        if locked.is_closed:
            raise Conflict(_("该整改台账已销号。"))
        if locked.recorded_by_id == actor.pk:
            raise NotPermitted(_("销号须由登记人以外的人员审核。"))
        before = snapshot(locked)
        locked.status = Rectification.Status.CLOSED
        locked.closure_evidence = evidence
        locked.closed_by = actor
        locked.closed_at = timezone.now()
        locked.save()
        audit_record(
            actor=actor,
            action=AuditLog.Action.UPDATE,
            obj=locked,
            before=before,
            after=snapshot(locked),
            reason=_("销号"),
            ip=ip,
        )
    return locked


def rectification_reopen(
    *, actor: User, entry: Rectification, reason: str, ip: str | None = None
) -> Rectification:
    if not policies.can_reopen(actor, entry):
        raise NotPermitted(_("只有县级管理员可以重新打开已销号的整改台账。"))
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(
            _("请填写重新打开的原因。"), [{"field": "reason", "message": _("请填写重新打开的原因")}]
        )
    with transaction.atomic():
        locked = _lock(entry)
        if not locked.is_closed:
            raise Conflict(_("只有已销号的整改台账可以重新打开。"))
        before = snapshot(locked)
        locked.status = Rectification.Status.IN_PROGRESS
        locked.closed_by = None
        locked.closed_at = None
        locked.reopen_reason = reason
        locked.save()
        audit_record(
            actor=actor,
            action=AuditLog.Action.UPDATE,
            obj=locked,
            before=before,
            after=snapshot(locked),
            reason=reason,
            ip=ip,
        )
    return locked
