"""Ledger blocks shown on other apps' pages without those apps importing ledgers: the header's
reminder count, the home page's notification centre, a village's open entries and pairing,
and evidence files beside a sheet's items, a finding, an entry or a visit."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils import timezone

from assessments import selectors as core_selectors
from assessments.models import Assessment
from indicators.models import Item
from ledgers import policies, selectors
from organizations.models import Role

register = template.Library()


@register.inclusion_tag("ledgers/_reminder_badge.html")
def reminder_badge():
    """The header's link; its count is fetched after the page loads (``reminder_count``), so
    no page pays a query for it."""
    return {}


@register.inclusion_tag("ledgers/_notification_centre.html", takes_context=True)
def notification_centre(context, limit: int = 8):
    user = context["request"].user
    reminders = list(selectors.reminders_for_user(user).filter(read_at__isnull=True)[:limit])
    return {"reminders": reminders, "request": context["request"]}


@register.inclusion_tag("ledgers/_evidence.html", takes_context=True)
def evidence_block(context, user, target: str, obj, item: str = ""):
    """Files of one object; ``target`` is rectification / finding / visit / item (then ``obj``
    is the assessment and ``item`` the item code)."""
    files = selectors.evidence_for_user(user)
    if target == "item":
        files = files.filter(assessment=obj, item__code=item)
        village = obj.organization
    elif target == "finding":
        files = files.filter(finding=obj)
        village = obj.assessment.organization
    elif target == "rectification":
        files = files.filter(rectification=obj)
        village = obj.organization
    elif target == "objection":
        files = files.filter(objection=obj)
        village = obj.assessment.organization
    else:
        files = files.filter(visit=obj)
        village = None
    visit_villages = list(obj.organizations.all()) if target == "visit" else []
    if target == "visit":
        may = any(policies.can_upload_evidence(user, v) for v in visit_villages)
    elif target == "objection":
        may = obj.is_pending and (obj.lodged_by_id == user.pk or user.has_role(Role.COUNTY_ADMIN))
    else:
        may = policies.can_upload_evidence(user, village)
    return {
        "files": list(files),
        "target": "item" if target == "item" else target,
        "target_id": obj.pk,
        "item": item,
        "may_upload": may,
        "visit_villages": [v for v in visit_villages if policies.can_upload_evidence(user, v)],
        "request": context["request"],
        "csrf_token": context.get("csrf_token"),
    }


@register.simple_tag
def evidence_by_objection(user, objections) -> dict:
    """objection id → its files, in one query (the objections page lists many)."""
    found: dict[int, list] = {}
    ids = [o.pk for o in objections]
    for f in selectors.evidence_for_user(user).filter(objection_id__in=ids):
        found.setdefault(f.objection_id, []).append(f)
    return found


@register.inclusion_tag("ledgers/_evidence.html", takes_context=True)
def objection_evidence(context, user, objection, found: dict):
    """An objection's files (from ``evidence_by_objection``) and, while it is pending, the
    upload form for its lodger or the county admin; no query of its own."""
    return {
        "files": (found or {}).get(objection.pk, []),
        "target": "objection",
        "target_id": objection.pk,
        "item": "",
        "may_upload": objection.is_pending
        and (objection.lodged_by_id == user.pk or user.has_role(Role.COUNTY_ADMIN)),
        "visit_villages": [],
        "request": context["request"],
        "csrf_token": context.get("csrf_token"),
    }


@register.simple_tag
def evidence_by_item(user, assessment) -> dict:
    """item code → files of the assessment's sheets, in one query (the sheet and review pages
    look each item up with ``|evidence_of:item.code``)."""
    found: dict[str, list] = {}
    for f in selectors.evidence_for_user(user).filter(assessment=assessment, item__isnull=False):
        found.setdefault(f.item.code, []).append(f)
    return found


@register.filter
def evidence_of(found: dict, code: str) -> list:
    return (found or {}).get(code, [])


@register.inclusion_tag("ledgers/_village_panel.html", takes_context=True)
def village_ledger_panel(context, village):
    """On the village page: open entries (whatever the year found: they carry into the next
    round), the pairing, and one click to put a weak category or item of the latest result on
    the ledger."""
    user = context["request"].user
    weak = []
    latest = None
    if policies.can_record_ledger(user, village):  # (only those who may record see it)
        latest = (
            Assessment.objects.filter(
                organization=village, round__county_id=user.county_id, level__isnull=False
            )
            .select_related("round__catalogue")
            .order_by("-round__year")
            .first()
        )
    if latest is not None:
        # The catalogue of a round with results is frozen: from memory, not read.
        categories = core_selectors.round_categories(latest.round)
        scores = latest.category_scores or {}
        for c in categories:
            got = scores.get(c.code)
            if got is not None and Decimal(got) < c.resolved_pass_points(latest.round.pass_ratio):
                weak.append({"code": c.code, "label": f"{c.name} {got}/{c.max_points}"})
        points = latest.item_points or {}
        scored = (
            it
            for c in categories
            for it in c.catalogue_items
            if it.kind == Item.Kind.SCORED and it.max_points > 0
        )
        for it in sorted(scored, key=lambda it: (it.position, it.code)):
            got = points.get(it.code)
            if got is not None and Decimal(got) < selectors.WEAK_ITEM_SHARE * it.max_points:
                weak.append(
                    {"code": it.code, "label": f"{it.code} {it.title} {got}/{it.max_points}"}
                )
    return {
        "village": village,
        "entries": list(selectors.open_rectifications_of(village.pk)),
        "pairing": selectors.pairing_of(village.pk, timezone.localdate().year),
        "latest": latest,
        "weak": weak[:20],
        "request": context["request"],
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("ledgers/_sheet_evidence.html", takes_context=True)
def sheet_evidence_panel(context, user, assessment):
    """Below a sheet or the review page: every item's files, and one upload form (a phone's
    camera included) with the item to attach to."""
    files = list(
        selectors.evidence_for_user(user)
        .filter(assessment=assessment, item__isnull=False)
        .order_by("item__position", "item__code", "pk")
    )
    items = Item.objects.filter(catalogue_id=assessment.round.catalogue_id).order_by(
        "position", "code"
    )
    return {
        "assessment": assessment,
        "files": files,
        "items": items,
        "may_upload": policies.can_upload_evidence(user, assessment.organization),
        "request": context["request"],
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("ledgers/_finding_followup.html", takes_context=True)
def finding_followup(context, user, finding):
    """Beside a finding of the joint review: its ledger entry (or one click to create it once
    confirmed) and its evidence files."""
    from ledgers.models import Rectification

    entry = (
        selectors.rectifications_for_user(user).filter(finding=finding).first()
        if finding.status == "confirmed"
        else None
    )
    return {
        "finding": finding,
        "entry": entry,
        "may_create": finding.status == "confirmed"
        and entry is None
        and policies.can_record_ledger(user, finding.assessment.organization),
        "files": list(selectors.evidence_for_user(user).filter(finding=finding)),
        "may_upload": policies.can_upload_evidence(user, finding.assessment.organization),
        "request": context["request"],
        "csrf_token": context.get("csrf_token"),
        "closed": Rectification.Status.CLOSED,
    }
