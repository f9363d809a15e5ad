"""The review page (three stages side by side) and the 破格 flag."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from assessments import policies, scoring, selectors, services
from assessments.models import Assessment, Score, Sheet, Stage
from starrating.client import client_ip
from starrating.errors import DomainError
from starrating.pages import error_context, forbid_if_not_permitted

from .common import round_context, round_stages


@login_required
@require_GET
def review(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = selectors.assessment_get_for_user(user=request.user, pk=pk)
    if not policies.can_review(request.user, assessment):
        raise PermissionDenied(
            _("您无权查看该%(noun)s的评分对照。") % {"noun": assessment.round.rated_noun}
        )
    return render(request, "assessments/review.html", _review_context(request, assessment))


def _review_context(request: HttpRequest, assessment: Assessment) -> dict:
    round_ = assessment.round
    try:
        threshold = Decimal(request.GET.get("threshold") or "1")
        if threshold < 0:
            raise ValueError
    except (ArithmeticError, ValueError):
        threshold = Decimal("1")
    stages = round_stages(round_)
    points: dict[str, dict[str, Decimal]] = {s: {} for s in stages}
    notes: dict[str, dict[str, str]] = {s: {} for s in stages}
    for stage, code, value, note in Score.objects.filter(sheet__assessment=assessment).values_list(
        "sheet__stage", "item__code", "points", "note"
    ):
        if stage in points:
            points[stage][code] = value
            notes[stage][code] = note
    sheets = {s.stage: s for s in Sheet.objects.filter(assessment=assessment)}
    rules = selectors.round_rules(round_)
    categories = []
    for category, rule in zip(
        selectors.catalogue_categories(round_.catalogue_id), rules.categories, strict=True
    ):
        rows = []
        for item in category.catalogue_items:
            values = [points[s].get(item.code) for s in stages]
            entered = [v for v in values if v is not None]
            spread = (max(entered) - min(entered)) if len(entered) > 1 else Decimal("0")
            rows.append(
                {
                    "item": item,
                    "cells": [
                        {"value": points[s].get(item.code), "note": notes[s].get(item.code, "")}
                        for s in stages
                    ],
                    "spread": spread,
                    "flagged": spread > threshold,
                }
            )
        subtotals = []
        for s in stages:
            filled = {
                code: points[s].get(code, Decimal("0"))
                for code in rule.scored_items + rule.deduction_items
            }
            subtotals.append(scoring.category_score(rule, filled) if points[s] else None)
        categories.append({"category": category, "rows": rows, "subtotals": subtotals})
    return {
        **round_context(request, round_, "round_overview"),
        "assessment": assessment,
        "stages": [(s, Stage(s).label, sheets.get(s)) for s in stages],
        "categories": categories,
        "threshold": threshold,
        "flagged": sum(1 for c in categories for r in c["rows"] if r["flagged"]),
        "may_set_exceptional": policies.can_manage_round(request.user, round_.county_id)
        and not round_.is_published,
    }


@login_required
@require_POST
def exceptional_set(request: HttpRequest, pk: int) -> HttpResponse:
    """破格: the county admin lifts the promotion limit (rule 10) for one village, with reason."""
    assessment = selectors.assessment_get_for_user(user=request.user, pk=pk)
    exceptional = request.POST.get("exceptional") == "1"
    try:
        services.assessment_set_exceptional(
            actor=request.user,
            assessment=assessment,
            exceptional=exceptional,
            reason=request.POST.get("reason", ""),
            ip=client_ip(request),
        )
    except DomainError as error:
        forbid_if_not_permitted(error)
        context = _review_context(request, assessment)
        context["error"] = error_context(error)
        return render(request, "assessments/review.html", context, status=error.status_code)
    messages.success(request, _("已设置破格。") if exceptional else _("已取消破格。"))
    return redirect("review", pk=assessment.pk)
