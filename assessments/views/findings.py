"""The joint review page (联查联审): findings recorded, confirmed, withdrawn; clearances."""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from assessments import policies, selectors, services
from assessments.forms import FindingForm
from assessments.models import (
    STANDARD_REVIEW_DEPARTMENTS,
    DepartmentClearance,
    Finding,
    Round,
)
from indicators.models import Item
from organizations.models import Department, Role
from organizations.selectors import name_match_q, townships_for_user
from starrating.client import client_ip
from starrating.errors import DomainError
from starrating.pages import error_context, forbid_if_not_permitted, paginate, require_role

from .common import FINDINGS_ROLES, int_or_none, round_context


def _findings_context(request: HttpRequest, round_: Round) -> dict:
    user = request.user
    township_id = int_or_none(request.GET.get("township") or request.POST.get("township"))
    q = (request.GET.get("q") or request.POST.get("q") or "").strip()[:50]
    pending_only = (request.GET.get("pending") or request.POST.get("pending")) == "1"
    assessments = selectors.assessments_for_user(user, round_=round_)
    if township_id:
        # On a township round the filter picks the township itself (it is the rated one).
        field = "organization_id" if round_.rates_townships else "organization__parent_id"
        assessments = assessments.filter(**{field: township_id})
    if q:
        assessments = assessments.filter(name_match_q(q, prefix="organization__"))
    if pending_only:
        # "去确认": only the villages with a finding waiting for the county admin.
        pending_ids = Finding.objects.filter(
            assessment__round=round_, status=Finding.Status.PENDING
        ).values("assessment_id")
        assessments = assessments.filter(pk__in=pending_ids)
    page = paginate(request, assessments.order_by("code"))
    assessments = list(page)
    ids = [a.pk for a in assessments]
    findings = list(
        Finding.objects.filter(assessment__round=round_, assessment_id__in=ids)
        .select_related("item", "assessment__organization", "recorded_by")
        .order_by("assessment__organization__code", "-recorded_at")
    )
    clearances = list(
        DepartmentClearance.objects.filter(
            assessment__round=round_, assessment_id__in=ids, withdrawn_at__isnull=True
        )
        .select_related("by")
        .order_by("department")
    )
    my_department = user.department if user.role == Role.DEPARTMENT_REVIEWER else ""
    by_assessment: dict[int, list[Finding]] = {}
    for f in findings:
        by_assessment.setdefault(f.assessment_id, []).append(f)
    cleared_by: dict[int, list[DepartmentClearance]] = {}
    for c in clearances:
        cleared_by.setdefault(c.assessment_id, []).append(c)
    is_admin = policies.can_manage_round(user, round_.county_id)
    rows = []
    for a in assessments:
        mine = [
            f
            for f in by_assessment.get(a.pk, [])
            if f.department == my_department and f.status != Finding.Status.WITHDRAWN
        ]
        rows.append(
            {
                "assessment": a,
                "findings": by_assessment.get(a.pk, []),
                "clearances": [
                    {
                        "clearance": c,
                        "may_withdraw": is_admin or c.department == my_department,
                    }
                    for c in cleared_by.get(a.pk, [])
                ],
                "cleared": any(c.department == my_department for c in cleared_by.get(a.pk, [])),
                "mine": mine,
                "may_record": policies.can_record_finding(user, a),
            }
        )
    listed = selectors.review_departments(round_)
    items = Item.objects.filter(
        catalogue_id=round_.catalogue_id, kind__in=[Item.Kind.VETO, Item.Kind.STAR_DEDUCTION]
    ).order_by("position", "code")
    return {
        **round_context(request, round_, "findings"),
        "rows": rows,
        "page": page,
        "progress": selectors.review_progress(round_, also=(my_department,), listed=listed),
        "listed": listed,
        "department_choices": [
            (value, label, value in listed if listed else value in STANDARD_REVIEW_DEPARTMENTS)
            for value, label in Department.choices
        ],
        "departments_editable": round_.status
        not in (Round.Status.PUBLICITY, Round.Status.PUBLISHED, Round.Status.ARCHIVED),
        "pending": sum(1 for f in findings if f.status == Finding.Status.PENDING),
        "item_choices": FindingForm(items=items).fields["item_code"].choices,
        "finding_department_choices": FindingForm.base_fields["department"].choices,
        "is_admin": is_admin,
        "my_department": Department(my_department).label if my_department else "",
        "townships": townships_for_user(user).order_by("code"),
        "township_id": township_id,
        "q": q,
        "pending_only": pending_only,
        "findings_open": round_.findings_open,
    }


@login_required
@require_GET
def findings(request: HttpRequest, round_id: int) -> HttpResponse:
    require_role(request.user, FINDINGS_ROLES)
    round_ = selectors.round_get_for_user(user=request.user, pk=round_id)
    return render(request, "assessments/findings.html", _findings_context(request, round_))


def _findings_write(
    request: HttpRequest, round_: Round, write, *, assessment_id: int | None = None
) -> HttpResponse:
    try:
        message = write()
    except DomainError as error:
        forbid_if_not_permitted(error)
        context = _findings_context(request, round_)
        labels = {name: field.label for name, field in FindingForm.base_fields.items()}
        labels |= {"item": FindingForm.base_fields["item_code"].label, "reason": _("æ¤ååå ")}
        context["error"] = error_context(error, labels=labels)
        if assessment_id is not None:
            # The refused finding form reopens on its row with what was typed, its wrong
            # fields marked (app.js moves the focus to the first of them).
            context["failed"] = {
                "assessment_id": assessment_id,
                "item_code": request.POST.get("item_code", ""),
                "evidence": request.POST.get("evidence", ""),
                "department": request.POST.get("department", ""),
                "fields": {e.get("field") for e in error.errors},
            }
        return render(request, "assessments/findings.html", context, status=error.status_code)
    messages.success(request, message)
    url = reverse("findings", args=[round_.pk])
    # Back to the same filtered list (POST-redirect-GET: a refresh does not post again): the
    # filters of the page the form was on, when that page is this round's findings page.
    came_from = urlsplit(request.META.get("HTTP_REFERER", ""))
    if (
        came_from.path == url
        and came_from.query
        and url_has_allowed_host_and_scheme(
            request.META["HTTP_REFERER"], allowed_hosts={request.get_host()}
        )
    ):
        return redirect(f"{url}?{came_from.query}")
    township = request.POST.get("township")
    return redirect(f"{url}?{urlencode({'township': township})}" if township else url)


@login_required
@require_POST
def clearance_create(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = selectors.assessment_get_for_user(user=request.user, pk=pk)

    def write():
        services.clearance_record(
            actor=request.user,
            assessment=assessment,
            department=request.POST.get("department") or None,
            ip=client_ip(request),
        )
        return _("已登记%(org)s“无重大问题”。如有误，可在该%(noun)s一行点击“撤销”。") % {
            "org": assessment.organization.name,
            "noun": assessment.round.rated_noun,
        }

    return _findings_write(request, assessment.round, write)


@login_required
@require_POST
def clearance_undo(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = selectors.assessment_get_for_user(user=request.user, pk=pk)

    def write():
        services.clearance_undo(
            actor=request.user,
            assessment=assessment,
            department=request.POST.get("department") or None,
            ip=client_ip(request),
        )
        return _("已撤销%(org)s的“无重大问题”。") % {"org": assessment.organization.name}

    return _findings_write(request, assessment.round, write)


@login_required
@require_POST
def finding_create(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = selectors.assessment_get_for_user(user=request.user, pk=pk)

    def write():
        services.finding_create(
            actor=request.user,
            assessment=assessment,
            item_code=request.POST.get("item_code", ""),
            evidence=request.POST.get("evidence", ""),
            department=request.POST.get("department") or None,
            ip=client_ip(request),
        )
        return _("已为%(org)s登记问题，待县级管理员确认。") % {"org": assessment.organization.name}

    return _findings_write(request, assessment.round, write, assessment_id=assessment.pk)


@login_required
@require_POST
def finding_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    finding = selectors.finding_get_for_user(user=request.user, pk=pk)

    def write():
        services.finding_confirm(actor=request.user, finding=finding, ip=client_ip(request))
        return _("问题已确认，评定结果已重新计算。")

    return _findings_write(request, finding.assessment.round, write)


@login_required
@require_POST
def finding_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    finding = selectors.finding_get_for_user(user=request.user, pk=pk)

    def write():
        services.finding_withdraw(
            actor=request.user,
            finding=finding,
            reason=request.POST.get("reason", ""),
            ip=client_ip(request),
        )
        return _("问题已撤回。")

    return _findings_write(request, finding.assessment.round, write)


@login_required
@require_POST
def clearance_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    clearance = selectors.clearance_get_for_user(user=request.user, pk=pk)

    def write():
        services.clearance_withdraw(
            actor=request.user,
            clearance=clearance,
            reason=request.POST.get("reason", ""),
            ip=client_ip(request),
        )
        return _("已撤回%(dept)s对%(org)s的“无重大问题”结论。") % {
            "dept": clearance.get_department_display(),
            "org": clearance.assessment.organization.name,
        }

    return _findings_write(request, clearance.assessment.round, write)


@login_required
@require_POST
def review_departments(request: HttpRequest, round_id: int) -> HttpResponse:
    """The county admin sets which departments the round's joint review needs."""
    round_ = selectors.round_get_for_user(user=request.user, pk=round_id)

    def write():
        services.review_departments_set(
            actor=request.user,
            round_=round_,
            departments=request.POST.getlist("departments"),
            ip=client_ip(request),
        )
        return _("联查联审部门已保存。")

    return _findings_write(request, round_, write)
