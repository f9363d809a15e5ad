"""Corrections after publishing (动态管理): one village's published result, its current level and
correction trail; the county admin proposes a correction (摘星 / 更正) and another county admin
approves or rejects it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from assessments import policies, selectors, services
from assessments.models import Assessment, ResultCorrection
from starrating.client import client_ip
from starrating.errors import DomainError
from starrating.pages import error_context, forbid_if_not_permitted, require_role

from .common import VILLAGE_ROLES


def _context(request: HttpRequest, assessment: Assessment) -> dict:
    trail = list(
        selectors.corrections_for_user(request.user)
        .filter(assessment=assessment)
        .order_by("proposed_at", "pk")
    )
    may_manage = policies.can_manage_round(request.user, assessment.round.county_id)
    return {
        "assessment": assessment,
        "round": assessment.round,
        "trail": trail,
        "current_level": selectors.current_of(assessment, trail),
        "may_propose": may_manage and assessment.round.is_published and assessment.has_result,
        "may_decide": may_manage,
        "kinds": ResultCorrection.Kind.choices,
        "levels": range(6),
        "posted": request.POST if request.method == "POST" else {},
    }


@login_required
@require_http_methods(["GET", "POST"])
def corrections(request: HttpRequest, pk: int) -> HttpResponse:
    require_role(request.user, VILLAGE_ROLES)
    assessment = selectors.assessment_get_for_user(user=request.user, pk=pk)
    if request.method == "POST":
        try:
            services.correction_propose(
                actor=request.user,
                assessment=assessment,
                kind=request.POST.get("kind", ""),
                new_level=request.POST.get("new_level"),
                reason=request.POST.get("reason", ""),
                evidence=request.POST.get("evidence", ""),
                ip=client_ip(request),
            )
        except DomainError as error:
            forbid_if_not_permitted(error)
            context = _context(request, assessment)
            context["error"] = error_context(error)
            return render(
                request, "assessments/corrections.html", context, status=error.status_code
            )
        messages.success(request, _("更正已提出，须由另一名县级管理员审批后生效。"))
        return redirect("corrections", pk=assessment.pk)
    return render(request, "assessments/corrections.html", _context(request, assessment))


@login_required
@require_POST
def correction_decide(request: HttpRequest, pk: int) -> HttpResponse:
    require_role(request.user, VILLAGE_ROLES)
    correction = selectors.correction_get_for_user(user=request.user, pk=pk)
    approve = request.POST.get("decision") == "approve"
    decide = services.correction_approve if approve else services.correction_reject
    try:
        decide(
            actor=request.user,
            correction=correction,
            note=request.POST.get("note", ""),
            ip=client_ip(request),
        )
    except DomainError as error:
        forbid_if_not_permitted(error)
        context = _context(request, correction.assessment)
        context["error"] = error_context(error)
        return render(request, "assessments/corrections.html", context, status=error.status_code)
    messages.success(request, _("更正已批准并生效。") if approve else _("更正已驳回。"))
    return redirect("corrections", pk=correction.assessment_id)
