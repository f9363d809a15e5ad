"""Round pages: the list, the overview with the admin's stage actions, creating a round and its
settings."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assessments import policies, selectors, services
from assessments.forms import AdvanceForm, ReopenForm, RoundForm
from assessments.models import Round, Stage
from organizations.models import Organization, Role
from organizations.selectors import name_match_q
from starrating.client import client_ip
from starrating.errors import DomainError, InvalidInput, NotPermitted
from starrating.pages import error_context, forbid_if_not_permitted, paginate, require_role

from .common import (
    COUNTY_STAFF,
    ROUND_ROLES,
    int_or_none,
    round_context,
    round_deadlines,
    round_stages,
)


@login_required
@require_GET
def round_list(request: HttpRequest) -> HttpResponse:
    require_role(request.user, ROUND_ROLES)
    rounds = selectors.rounds_for_user(request.user)
    return render(request, "assessments/round_list.html", {"rounds": rounds})


def _round_overview_context(request: HttpRequest, round_: Round) -> dict:
    user = request.user
    township_id = int_or_none(request.GET.get("township"))
    q = request.GET.get("q", "").strip()[:50]
    assessments = selectors.assessments_for_user(user, round_=round_)
    show_villages = (
        round_.rates_townships  # a handful of townships: listed at once
        or not user.has_role(*COUNTY_STAFF, Role.DEPARTMENT_REVIEWER)
        or township_id
        or q
    )
    villages, page = [], None
    if show_villages:
        if township_id:
            assessments = assessments.filter(organization__parent_id=township_id)
        if q:
            assessments = assessments.filter(name_match_q(q, prefix="organization__"))
        page = paginate(request, assessments.order_by("code"))
        assessments = list(page)
        sheets = selectors.sheets_by_assessment(a.pk for a in assessments)
        for a in assessments:
            stages = []
            for stage in round_stages(round_):
                sheet = sheets.get(a.pk, {}).get(stage)
                stages.append(
                    {
                        "stage": stage,
                        "sheet": sheet,
                        "url": reverse("sheet", args=[a.pk, stage]),
                        "viewable": policies.can_view_sheet(user, a, stage),
                        "editable": policies.can_edit_sheet(user, a, stage)
                        and round_.stage_open(stage),
                    }
                )
            villages.append({"assessment": a, "stages": stages})
    return {
        **round_context(request, round_, "round_overview"),
        "progress": selectors.round_progress(round_, user),
        "stages": [(s, Stage(s).label) for s in round_stages(round_)],
        "deadlines": round_deadlines(round_),
        "villages": villages,
        "page": page,
        "township_id": township_id,
        "q": q,
        "can_manage": policies.can_manage_round(user, round_.county_id),
        # A township reviews its villages' stages; on a township round it is the rated one
        # and reads its own published result only (no 评分对照), as a village does.
        "can_review": user.has_role(Role.COUNTY_ADMIN, Role.AUDITOR, Role.EVALUATOR)
        or (user.role == Role.TOWNSHIP_ASSESSOR and not round_.rates_townships),
        "reopen_form": ReopenForm(),
        "next_stage": _next_stage_context(round_),
        "open_stage_passed": _open_stage_passed(round_),
        "reopenings": round_.reopenings.select_related("by")[:10],
        **({} if township_id else _groups_overview(user, round_)),
        "review_progress": selectors.review_progress(round_, required_only=True)
        if user.has_role(*COUNTY_STAFF, Role.DEPARTMENT_REVIEWER, Role.EVALUATOR)
        else [],
        "overrides": round_.overrides.select_related("by")[:10],
        "objections_pending": len(selectors.objections_pending(round_))
        if round_.status == Round.Status.PUBLICITY
        else 0,
    }


def _groups_overview(user, round_: Round) -> dict:
    """Each evaluation group's progress and the one-group-per-village check, for county staff
    (the groups' own page has the details)."""
    if not user.has_role(*COUNTY_STAFF) or round_.status == Round.Status.DRAFT:
        return {}
    return {
        "group_progress": selectors.group_progress(round_),
        "group_coverage": selectors.group_coverage(round_),
    }


def _next_stage_context(round_: Round) -> dict | None:
    """What 进入下一阶段 asks for: the next stage's deadline, required when it has passed."""
    stage = round_.next_stage
    if stage is None:
        return None
    deadline = round_.deadline_for(stage)
    passed = deadline is not None and deadline <= timezone.now()
    return {
        "label": Stage(stage).label,
        "deadline": deadline,
        "passed": passed,
        "required": passed,
        "initial": "" if deadline is None or passed else timezone.localtime(deadline),
    }


def _open_stage_passed(round_: Round) -> dict | None:
    """The stage being entered, when its deadline has passed: every sheet is read-only."""
    stage = round_.open_stage
    deadline = round_.deadline_for(stage) if stage else None
    if deadline is None or deadline > timezone.now():
        return None
    return {"label": Stage(stage).label, "deadline": deadline}


@login_required
@require_GET
def round_overview(request: HttpRequest, round_id: int) -> HttpResponse:
    require_role(request.user, ROUND_ROLES)
    round_ = selectors.round_get_for_user(user=request.user, pk=round_id)
    return render(
        request, "assessments/round_overview.html", _round_overview_context(request, round_)
    )


@login_required
@require_POST
def round_action(request: HttpRequest, round_id: int) -> HttpResponse:
    """Open, advance, reopen or publish: the services authorize and explain refusals."""
    round_ = selectors.round_get_for_user(user=request.user, pk=round_id)
    action = request.POST.get("action", "")
    kwargs = {"actor": request.user, "round_": round_, "ip": client_ip(request)}
    done = {
        "open": _("评定已开启。"),
        "advance": _("已进入下一阶段。"),
        "publish": _("评定结果已发布。"),
        "reopen": _("阶段已重新开放。"),
    }
    try:
        override_reason = request.POST.get("override_reason", "")
        if action == "open":
            services.round_open(**kwargs)
        elif action == "advance":
            form = AdvanceForm(request.POST)
            if not form.is_valid():
                raise InvalidInput(
                    _("è¿å¥ä¸ä¸é¶æ®µå¤±è´¥ã"),
                    [
                        {"field": "deadline", "message": "ï¼".join(str(m) for m in msgs)}
                        for msgs in form.errors.values()
                    ],
                )
            services.round_advance(
                deadline=form.cleaned_data["deadline"], override_reason=override_reason, **kwargs
            )
        elif action == "publish":
            services.round_publish(override_reason=override_reason, **kwargs)
        elif action == "reopen":
            if not policies.can_manage_round(request.user, round_.county_id):
                raise NotPermitted(_("只有本区县的县级管理员可以管理评定轮次。"))
            form = ReopenForm(request.POST)
            if not form.is_valid():
                raise InvalidInput(
                    _("重新开放阶段失败。"),
                    [
                        {"field": f, "message": "；".join(str(m) for m in msgs)}
                        for f, msgs in form.errors.items()
                    ],
                )
            services.round_reopen(
                stage=form.cleaned_data["stage"],
                reason=form.cleaned_data["reason"],
                deadline=form.cleaned_data["deadline"],
                **kwargs,
            )
        else:
            raise InvalidInput(
                _("未知的操作。"), [{"field": "action", "value": action, "message": _("未知操作")}]
            )
    except DomainError as error:
        forbid_if_not_permitted(error)
        round_.refresh_from_db()
        context = _round_overview_context(request, round_)
        context["error"] = error_context(error)
        return render(request, "assessments/round_overview.html", context, status=error.status_code)
    messages.success(request, done[action])
    return redirect("round_overview", round_id=round_.pk)


ROUND_SETTINGS_ROLES = (Role.COUNTY_ADMIN,)


def _round_form_render(
    request: HttpRequest,
    form: RoundForm,
    round_: Round | None = None,
    *,
    error: DomainError | None = None,
) -> HttpResponse:
    """The settings page; a refused write shows each message beside its field and on top."""
    context = {"form": form, "read_only": round_ is not None and round_.is_published}
    if round_ is not None:
        context |= round_context(request, round_, "round_settings")
        context["effective"] = selectors.effective_rules(round_)
    status = 200
    if error is not None:
        status = error.status_code
        for e in error.errors:
            field = e.get("field")
            if field in form.fields and e["message"] not in form.errors.get(field, []):
                form.add_error(field, e["message"])
        context["error"] = error_context(error)
        context["error"]["errors"] = [
            {**e, "field": form.fields[e["field"]].label if e.get("field") in form.fields else ""}
            for e in error.errors
        ]
    return render(request, "assessments/round_form.html", context, status=status)


def _form_invalid(form: RoundForm) -> InvalidInput:
    return InvalidInput(
        _("数据有误，未保存。"),
        [
            {"field": f, "message": "；".join(str(m) for m in msgs)}
            for f, msgs in form.errors.items()
        ],
    )


@login_required
@require_http_methods(["GET", "POST"])
def round_create(request: HttpRequest) -> HttpResponse:
    require_role(request.user, ROUND_SETTINGS_ROLES)
    form = RoundForm(request.POST or None)
    if request.method == "GET":
        return _round_form_render(request, form)
    if not form.is_valid():
        return _round_form_render(request, form, error=_form_invalid(form))
    fields = form.rule_fields()
    if not fields.get("name"):
        fields.pop("name", None)  # the service names it after the county and year
    try:
        county = Organization.objects.filter(pk=request.user.county_id).first()
        if county is None:
            raise NotPermitted(_("您的账号未关联区县，不能创建评定轮次。"))
        round_ = services.round_create(
            actor=request.user,
            county=county,
            year=form.cleaned_data["year"],
            catalogue=form.cleaned_data["catalogue"],
            ip=client_ip(request),
            **fields,
        )
    except DomainError as error:
        forbid_if_not_permitted(error)
        return _round_form_render(request, form, error=error)
    messages.success(request, _("评定轮次已创建（草稿）。确认规则后可开启评定。"))
    return redirect("round_overview", round_id=round_.pk)


@login_required
@require_http_methods(["GET", "POST"])
def round_settings(request: HttpRequest, round_id: int) -> HttpResponse:
    """The rules and deadlines of a round; read-only once published (the service refuses)."""
    require_role(request.user, ROUND_SETTINGS_ROLES)
    round_ = selectors.round_get_for_user(user=request.user, pk=round_id)
    form = RoundForm(request.POST or None, instance=round_, read_only=round_.is_published)
    if request.method == "GET":
        return _round_form_render(request, form, round_)
    if not form.is_valid():
        return _round_form_render(request, form, round_, error=_form_invalid(form))
    fields = form.rule_fields()
    if "catalogue" in form.cleaned_data:
        fields["catalogue"] = form.cleaned_data["catalogue"]
    try:
        services.round_update(actor=request.user, round_=round_, ip=client_ip(request), **fields)
    except DomainError as error:
        forbid_if_not_permitted(error)
        round_.refresh_from_db()
        return _round_form_render(request, form, round_, error=error)
    if round_.status == Round.Status.DRAFT:
        messages.success(request, _("评定规则已保存。"))
    else:
        messages.success(request, _("评定规则已保存，评定结果已按新规则重新计算。"))
    # A setting saved that changes nothing says so (issue 14: never silently ignored).
    for warning in selectors.effective_rules(round_)["warnings"]:
        if warning["field"] in form.changed_data:
            messages.warning(request, warning["message"])
    return redirect("round_settings", round_id=round_.pk)
