"""The home page (for each role, what waits for the user in the current round) and the
user's own API tokens."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from assessments import selectors
from assessments.models import DepartmentClearance, Finding, Round, Sheet, Stage
from assessments.views import (
    client_ip,
    error_context,
    forbid_if_not_permitted,
    round_deadlines,
    round_nav,
)
from starrating.errors import DomainError

from . import services
from .models import ApiToken, Role

# The stage each role scores, when it scores one.
ROLE_STAGE = {
    Role.VILLAGE_SECRETARY: Stage.SELF,
    Role.TOWNSHIP_ASSESSOR: Stage.TOWNSHIP,
    Role.EVALUATOR: Stage.COUNTY,
}


def _current_round(user) -> Round | None:
    """The latest round still under way, else the latest one."""
    rounds = selectors.rounds_for_user(user).exclude(status=Round.Status.ARCHIVED)
    active = rounds.exclude(status=Round.Status.PUBLISHED).order_by("-year").first()
    return active or rounds.order_by("-year").first()


def _sheet_todo(user, round_: Round, stage: str) -> list[dict]:
    assessments = list(
        selectors.assessments_for_user(user, round_=round_).order_by("organization__code")
    )
    sheets = selectors.sheets_by_assessment(a.pk for a in assessments)
    rows = []
    for a in assessments:
        sheet = sheets.get(a.pk, {}).get(stage)
        rows.append(
            {
                "assessment": a,
                "sheet": sheet,
                "status": sheet.get_status_display() if sheet else "未开始",
                "done": bool(sheet and sheet.is_submitted),
                "url": reverse("sheet", args=[a.pk, stage]),
            }
        )
    rows.sort(key=lambda r: r["done"])  # what still waits comes first
    return rows


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    round_ = _current_round(user)
    context: dict = {"round": round_, "role": user.role}
    if round_ is not None:
        context["deadlines"] = round_deadlines(round_)
        context["tabs"] = round_nav(round_, user)
        stage = ROLE_STAGE.get(user.role)
        if stage is not None:
            context["stage"] = stage
            context["stage_label"] = Stage(stage).label
            context["stage_open"] = round_.stage_open(stage)
            context["todo"] = _sheet_todo(user, round_, stage)
            context["todo_left"] = sum(1 for r in context["todo"] if not r["done"])
        if user.role == Role.COUNTY_ADMIN:
            context["pending_findings"] = Finding.objects.filter(
                assessment__round=round_, status=Finding.Status.PENDING
            ).count()
            context["progress"] = selectors.round_progress(round_, user)
            open_stage = round_.open_stage
            if open_stage:
                submitted = Sheet.objects.filter(
                    assessment__round=round_, stage=open_stage, status=Sheet.Status.SUBMITTED
                ).count()
                context["open_stage"] = {
                    "label": Stage(open_stage).label,
                    "submitted": submitted,
                    "total": round_.assessments.count(),
                }
        if user.role == Role.DEPARTMENT_REVIEWER:
            total = round_.assessments.count()
            done = (
                DepartmentClearance.objects.filter(
                    assessment__round=round_, department=user.department
                ).count()
                + Finding.objects.filter(assessment__round=round_, department=user.department)
                .exclude(status=Finding.Status.WITHDRAWN)
                .values("assessment_id")
                .distinct()
                .count()
            )
            context["review_left"] = max(total - done, 0)
            context["review_total"] = total
        if user.role == Role.VILLAGE_SECRETARY:
            context["village_id"] = user.organization_id
    return render(request, "home.html", context)


# --- API tokens ------------------------------------------------------------------------------


def _tokens_render(
    request: HttpRequest,
    *,
    new_key: str | None = None,
    name: str = "",
    error: DomainError | None = None,
) -> HttpResponse:
    context = {
        "tokens": ApiToken.objects.filter(user=request.user).order_by("-created_at", "-id"),
        "new_key": new_key,
        "name": name,
    }
    if error is not None:
        context["error"] = error_context(error)
        context["name_errors"] = [e["message"] for e in error.errors if e.get("field") == "name"]
    status = error.status_code if error is not None else 200
    return render(request, "registration/tokens.html", context, status=status)


@login_required
@require_GET
def tokens(request: HttpRequest) -> HttpResponse:
    return _tokens_render(request)


# The key is on this response only: never cached, never kept in the session.
@never_cache
@login_required
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    name = request.POST.get("name", "")
    try:
        token, key = services.api_token_create(actor=request.user, name=name, ip=client_ip(request))
    except DomainError as error:
        forbid_if_not_permitted(error)
        return _tokens_render(request, name=name, error=error)
    messages.success(request, _("已创建API令牌“%(name)s”。") % {"name": token.name})
    return _tokens_render(request, new_key=key)


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    # Only the user's own tokens exist for them: another user's token is a 404.
    token = ApiToken.objects.filter(user=request.user, pk=pk).first()
    if token is None:
        raise Http404
    try:
        services.api_token_revoke(actor=request.user, token=token, ip=client_ip(request))
    except DomainError as error:
        forbid_if_not_permitted(error)
        return _tokens_render(request, error=error)
    messages.success(request, _("API令牌“%(name)s”已撤销，立即失效。") % {"name": token.name})
    return redirect("tokens")
