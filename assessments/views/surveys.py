"""The satisfaction survey page (满意度测评)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from assessments import policies, selectors, services
from assessments.models import Round
from organizations.selectors import townships_for_user
from starrating.client import client_ip
from starrating.errors import DomainError
from starrating.pages import error_context, forbid_if_not_permitted, paginate, require_role

from .common import SURVEY_ROLES, int_or_none, round_context


def _surveys_context(request: HttpRequest, round_: Round) -> dict:
    user = request.user
    township_id = int_or_none(request.GET.get("township") or request.POST.get("township"))
    assessments = selectors.assessments_for_user(user, round_=round_).select_related("survey")
    if township_id:
        # On a township round the filter picks the township itself (it is the rated one).
        field = "organization_id" if round_.rates_townships else "organization__parent_id"
        assessments = assessments.filter(**{field: township_id})
    page = paginate(request, assessments.order_by("code"))
    rows = [
        {
            "assessment": a,
            "survey": getattr(a, "survey", None),
            "may_enter": policies.can_enter_survey(user, a) and round_.findings_open,
        }
        for a in page
    ]
    return {
        **round_context(request, round_, "surveys"),
        "rows": rows,
        "page": page,
        "townships": townships_for_user(user).order_by("code"),
        "township_id": township_id,
    }


@login_required
@require_GET
def surveys(request: HttpRequest, round_id: int) -> HttpResponse:
    require_role(request.user, SURVEY_ROLES)
    round_ = selectors.round_get_for_user(user=request.user, pk=round_id)
    return render(request, "assessments/surveys.html", _surveys_context(request, round_))


@login_required
@require_POST
def survey_save(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = selectors.assessment_get_for_user(user=request.user, pk=pk)
    round_ = assessment.round
    try:
        services.survey_save(
            actor=request.user,
            assessment=assessment,
            respondents=request.POST.get("respondents", ""),
            satisfied=request.POST.get("satisfied", ""),
            ip=client_ip(request),
        )
    except DomainError as error:
        forbid_if_not_permitted(error)
        context = _surveys_context(request, round_)
        context["error"] = error_context(error)
        context["error_assessment"] = assessment.pk
        return render(request, "assessments/surveys.html", context, status=error.status_code)
    messages.success(
        request, _("已保存%(org)s的满意度测评。") % {"org": assessment.organization.name}
    )
    url = reverse("surveys", args=[round_.pk])
    township = request.POST.get("township")
    return redirect(f"{url}?township={township}" if township else url)
