"""Supervision visits (督导): recorded with their problems; each problem put on the ledger in
one step."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from organizations.models import VILLAGE_KINDS, AuditLog, Organization, User
from organizations.services import audit_record
from starrating.errors import Conflict, InvalidInput, NotPermitted

from .. import policies
from ..models import Rectification, SupervisionVisit, VisitProblem
from .rectifications import DEFAULT_DAYS, parse_date, rectification_create


def visit_create(
    *,
    actor: User,
    visited_on: datetime.date | str,
    visitors: str,
    organizations: list[Organization],
    method: str,
    summary: str = "",
    problems: list[tuple[Organization, str]] | None = None,
    ip: str | None = None,
) -> SupervisionVisit:
    """Record a visit and the problems it found (village, description)."""
    problems = [(org, (text or "").strip()) for org, text in (problems or [])]
    villages = list({o.pk: o for o in [*organizations, *(o for o, _t in problems)]}.values())
    if not policies.can_record_visit(actor, villages):
        raise NotPermitted(_("您无权登记该督导记录。"))
    errors: list[dict] = []
    day = parse_date(visited_on, "visited_on", errors)
    if day is not None and day > timezone.localdate():
        errors.append({"field": "visited_on", "message": _("督导日期不能晚于今天")})
    visitors = (visitors or "").strip()
    if not visitors:
        errors.append({"field": "visitors", "message": _("请填写督导人员")})
    elif len(visitors) > 200:
        errors.append({"field": "visitors", "message": _("督导人员不超过200个字")})
    if not organizations:
        errors.append({"field": "organizations", "message": _("请选择督导的村（社区）")})
    if any(o.kind not in VILLAGE_KINDS for o in villages):
        errors.append({"field": "organizations", "message": _("只能选择村（社区）")})
    if method not in SupervisionVisit.Method.values:
        errors.append({"field": "method", "value": method, "message": _("督导方式不存在")})
    visited_ids = {o.pk for o in organizations}
    for n, (org, text) in enumerate(problems, start=1):
        if not text:
            errors.append({"field": "problems", "row": n, "message": _("请填写发现问题")})
        if org.pk not in visited_ids:
            errors.append(
                {"field": "problems", "row": n, "message": _("问题所在村不在本次督导范围内")}
            )
    if errors:
        raise InvalidInput(_("督导记录填写有误。"), errors)
    with transaction.atomic():
        visit = SupervisionVisit.objects.create(
            county_id=actor.county_id,
            visited_on=day,
            visitors=visitors,
            method=method,
            summary=(summary or "").strip(),
            recorded_by=actor,
        )
        visit.organizations.set(organizations)
        VisitProblem.objects.bulk_create(
            VisitProblem(visit=visit, organization=org, description=text) for org, text in problems
        )
        audit_record(
            actor=actor,
            action=AuditLog.Action.CREATE,
            obj=visit,
            after={
                "visited_on": day.isoformat(),
                "visitors": visitors,
                "organizations": sorted(visited_ids),
                "method": method,
                "problems": [text for _o, text in problems],
            },
            ip=ip,
        )
    return visit


def visit_problem_to_ledger(
    *, actor: User, problem: VisitProblem, ip: str | None = None, **fields
) -> Rectification:
    """Put a visit's problem on the ledger in one step (defaults for what is not given)."""
    if not policies.can_record_ledger(actor, problem.organization):
        raise NotPermitted(_("您无权为该村建立整改台账。"))  # before saying what state it is in
    if problem.rectification_id is not None:
        raise Conflict(_("该问题已建立整改台账。"))
    village = problem.organization
    defaults = {
        "problem": problem.description,
        "measures": _("待村党组织制定整改措施"),
        "deadline": timezone.localdate() + datetime.timedelta(days=DEFAULT_DAYS),
        "responsible_person": village.secretary_name or _("村党组织书记"),
    }
    with transaction.atomic():
        locked = VisitProblem.objects.select_for_update().get(pk=problem.pk)
        if locked.rectification_id is not None:
            raise Conflict(_("该问题已建立整改台账。"))
        entry = rectification_create(
            actor=actor,
            organization=village,
            source=Rectification.Source.VISIT,
            ip=ip,
            **(defaults | {k: v for k, v in fields.items() if v}),
        )
        locked.rectification = entry
        locked.save(update_fields=["rectification"])
    problem.rectification = entry
    return entry
