"""The web pages of the rating year (server-rendered, Chinese). Thin: parse → call a selector or
a service → render. Scope and role are checked exactly as the services and selectors do: a
village outside the user's scope is a 404, a role that may not use a page is a 403, and a
refused write shows the service's own message with its status code (400 / 403 / 409)."""

from __future__ import annotations

import math
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from indicators.models import Item
from organizations.models import Department, Organization, Role
from organizations.selectors import townships_for_user, villages_for_user
from starrating.client import client_ip
from starrating.errors import Conflict, DomainError, InvalidInput, NotPermitted

from . import advice, policies, scoring, selectors, services
from .forms import DashboardFilterForm, FindingForm, ReopenForm, RoundForm
from .models import Assessment, DepartmentClearance, Finding, Round, Score, Sheet, Stage

COUNTY_STAFF = (Role.COUNTY_ADMIN, Role.AUDITOR)
ROUND_ROLES = (
    Role.COUNTY_ADMIN,
    Role.AUDITOR,
    Role.EVALUATOR,
    Role.TOWNSHIP_ASSESSOR,
    Role.VILLAGE_SECRETARY,
    Role.DEPARTMENT_REVIEWER,
)
FINDINGS_ROLES = (Role.COUNTY_ADMIN, Role.AUDITOR, Role.DEPARTMENT_REVIEWER, Role.EVALUATOR)
SURVEY_ROLES = (Role.COUNTY_ADMIN, Role.AUDITOR, Role.EVALUATOR)
DASHBOARD_ROLES = (Role.COUNTY_ADMIN, Role.AUDITOR, Role.TOWNSHIP_ASSESSOR)
VILLAGE_ROLES = ROUND_ROLES
EXCEL_SCORE_ROLES = (Role.COUNTY_ADMIN, Role.TOWNSHIP_ASSESSOR, Role.EVALUATOR)
HISTOGRAM_BINS = [(Decimal(lo), Decimal(lo + 5)) for lo in range(50, 100, 5)]


# --- helpers ---------------------------------------------------------------------------------


def require_role(user, roles, message: str | None = None) -> None:
    if not user.has_role(*roles):
        raise PermissionDenied(message or _("您的角色不能使用此页面。"))


def forbid_if_not_permitted(error: DomainError) -> None:
    """A refused role gets the plain 403 page with the service's message, never the page
    the write came from (which the role may not be allowed to read)."""
    if isinstance(error, NotPermitted):
        raise PermissionDenied(error.message) from error


def error_context(error: DomainError) -> dict:
    return {"message": error.message, "errors": error.errors, "extra": error.extra}


def round_stages(round_: Round) -> list[str]:
    stages = [Stage.SELF] if round_.self_assessment_enabled else []
    return [*stages, Stage.TOWNSHIP, Stage.COUNTY]


def round_deadlines(round_: Round, *, now=None) -> list[dict]:
    """Each stage's deadline with the days left (negative once passed), for home and overview."""
    now = now or timezone.now()
    rows = []
    for stage in round_stages(round_):
        deadline = round_.deadline_for(stage)
        days = None
        if deadline is not None:
            days = math.ceil((deadline - now).total_seconds() / 86400)
        rows.append(
            {
                "stage": stage,
                "label": Stage(stage).label,
                "deadline": deadline,
                "days_left": days,
                "passed": deadline is not None and deadline < now,
                "current": round_.open_stage == stage,
                "open": round_.stage_open(stage, now=now),
            }
        )
    return rows


def round_nav(round_: Round, user) -> list[dict]:
    """The tabs of a round's pages that this user may open."""
    tabs = [("round_overview", _("进度总览"), ROUND_ROLES)]
    tabs += [
        ("dashboard", _("数据看板"), DASHBOARD_ROLES),
        ("findings", _("联查联审"), FINDINGS_ROLES),
        ("surveys", _("满意度测评"), SURVEY_ROLES),
        ("publicity", _("公示名单"), ROUND_ROLES),
        ("job_scores_upload", _("Excel评分导入"), EXCEL_SCORE_ROLES),
    ]
    return [
        {"name": name, "label": label, "url": reverse(name, args=[round_.pk])}
        for name, label, roles in tabs
        if user.has_role(*roles)
    ]


def round_context(request: HttpRequest, round_: Round, active: str) -> dict:
    return {"round": round_, "tabs": round_nav(round_, request.user), "active_tab": active}


# --- rounds ----------------------------------------------------------------------------------


@login_required
@require_GET
def round_list(request: HttpRequest) -> HttpResponse:
    require_role(request.user, ROUND_ROLES)
    rounds = selectors.rounds_for_user(request.user)
    return render(request, "assessments/round_list.html", {"rounds": rounds})


def _round_overview_context(request: HttpRequest, round_: Round) -> dict:
    user = request.user
    township_id = _int_or_none(request.GET.get("township"))
    assessments = selectors.assessments_for_user(user, round_=round_)
    show_villages = not user.has_role(*COUNTY_STAFF, Role.DEPARTMENT_REVIEWER) or township_id
    villages = []
    if show_villages:
        if township_id:
            assessments = assessments.filter(organization__parent_id=township_id)
        assessments = list(assessments.order_by("organization__code"))
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
        "township_id": township_id,
        "can_manage": policies.can_manage_round(user, round_.county_id),
        "can_review": user.has_role(
            Role.COUNTY_ADMIN, Role.AUDITOR, Role.TOWNSHIP_ASSESSOR, Role.EVALUATOR
        ),
        "reopen_form": ReopenForm(),
        "reopenings": round_.reopenings.select_related("by")[:10],
    }


def _int_or_none(value) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


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
        if action == "open":
            services.round_open(**kwargs)
        elif action == "advance":
            services.round_advance(**kwargs)
        elif action == "publish":
            services.round_publish(**kwargs)
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
    return redirect("round_settings", round_id=round_.pk)


# --- score sheet -----------------------------------------------------------------------------


def _load_sheet(assessment: Assessment, stage: str) -> tuple[Sheet | None, dict, dict]:
    sheet = (
        Sheet.objects.filter(assessment=assessment, stage=stage)
        .select_related("updated_by", "submitted_by")
        .first()
    )
    points, notes = {}, {}
    if sheet is not None:
        for code, value, note in Score.objects.filter(sheet=sheet).values_list(
            "item__code", "points", "note"
        ):
            points[code] = value
            notes[code] = note
    return sheet, points, notes


def _posted_sheet(request: HttpRequest) -> tuple[dict[str, str], dict[str, str]]:
    scores = {k[2:]: v for k, v in request.POST.items() if k.startswith("p_")}
    notes = {k[2:]: v.strip() for k, v in request.POST.items() if k.startswith("n_")}
    return scores, notes


def _typed_points(items: dict[str, Item], raw: dict[str, str]) -> tuple[dict, dict]:
    """Valid points and per-item messages of what was typed (for the live subtotals)."""
    valid, problems = {}, {}
    for code, value in raw.items():
        item = items.get(code)
        if item is None or value is None or str(value).strip() == "":
            continue
        points, message = services.validate_points(item, value)
        if message:
            problems[code] = message
        else:
            valid[code] = points
    return valid, problems


def _same_points(a, b) -> bool:
    """Whether two entered values are the same points ("1" and "1.00" are)."""
    a, b = (str(v).strip() if v is not None else "" for v in (a, b))
    if a == b:
        return True
    try:
        return Decimal(a) == Decimal(b)
    except ArithmeticError:
        return False


def _sheet_and_access(request: HttpRequest, pk: int, stage: str) -> Assessment:
    assessment = selectors.assessment_get_for_user(user=request.user, pk=pk)
    if stage not in Stage.values:
        raise Http404
    if not policies.can_view_sheet(request.user, assessment, stage):
        raise PermissionDenied(_("您无权查看该村的“%(stage)s”。") % {"stage": Stage(stage).label})
    return assessment


def _summary_context(assessment: Assessment, stage: str, points: dict) -> dict:
    projection = selectors.sheet_projection(assessment=assessment, stage=stage, points=points)
    result = projection["result"]
    rules = projection["rules"]
    categories = []
    for category in rules.categories:
        score = result.category_scores[category.code] if result else None
        categories.append(
            {
                "code": category.code,
                "name": category.name,
                "score": score,
                "max": category.max_points,
                "pass_points": category.pass_points,
                "passed": score is not None and score >= category.pass_points,
            }
        )
    hint = None
    if result is not None:
        hint = advice.next_level_advice(
            rules, result.category_scores, result.composite, vetoed=result.vetoed
        ).text
    return {
        "summary": {
            "categories": categories,
            "result": result,
            "unfilled": projection["unfilled"],
            "advice": hint,
        }
    }


def _sheet_context(
    request: HttpRequest,
    assessment: Assessment,
    stage: str,
    *,
    posted: tuple[dict, dict] | None = None,
    error: DomainError | None = None,
) -> dict:
    user = request.user
    round_ = assessment.round
    sheet, saved_points, saved_notes = _load_sheet(assessment, stage)
    may_edit = policies.can_edit_sheet(user, assessment, stage)
    lock_reason = None
    try:
        services.ensure_stage_open(round_, stage)
    except Conflict as locked:
        lock_reason = locked.message
    if posted is not None:
        shown_points, shown_notes = posted
    else:
        shown_points = {c: f"{v:.2f}" for c, v in saved_points.items()}
        shown_notes = saved_notes
    item_errors = {}
    conflict = None
    if error is not None:
        item_errors = {e["item"]: e["message"] for e in error.errors if e.get("item")}
        if "current_scores" in error.extra:
            theirs = error.extra["current_scores"]
            codes = sorted(set(theirs) | {c for c, v in shown_points.items() if v})
            conflict = {
                "updated_by": error.extra.get("updated_by"),
                "version": error.extra.get("current_version"),
                "rows": [
                    {"code": c, "mine": shown_points.get(c) or "", "theirs": theirs.get(c) or ""}
                    for c in codes
                    if _same_points(shown_points.get(c), theirs.get(c)) is False
                ],
            }
    categories = []
    items_by_code = {}
    for category in selectors.catalogue_categories(round_.catalogue_id):
        items = sorted(category.items.all(), key=lambda i: (i.position, i.code))
        rows = []
        for item in items:
            items_by_code[item.code] = item
            rows.append(
                {
                    "item": item,
                    "value": shown_points.get(item.code, ""),
                    "note": shown_notes.get(item.code, ""),
                    "error": item_errors.get(item.code),
                    "deduction": item.kind == Item.Kind.DEDUCTION,
                }
            )
        categories.append({"category": category, "rows": rows})
    valid, _problems = _typed_points(items_by_code, shown_points)
    version = sheet.version if sheet else 0
    if conflict is not None and conflict["version"] is not None:
        version = conflict["version"]  # saving again deliberately overwrites the other's values
    return {
        **round_context(request, round_, "round_overview"),
        "assessment": assessment,
        "stage": stage,
        "stage_label": Stage(stage).label,
        "sheet": sheet,
        "version": version,
        "categories": categories,
        "editable": may_edit and lock_reason is None,
        "may_return": sheet is not None
        and sheet.is_submitted
        and lock_reason is None
        and policies.can_manage_round(user, round_.county_id),
        "may_edit": may_edit,
        "may_review": policies.can_review(user, assessment),
        "lock_reason": lock_reason,
        "error": error_context(error) if error else None,
        "conflict": conflict,
        "deadline": round_.deadline_for(stage),
        **_summary_context(assessment, stage, valid),
    }


@login_required
@require_http_methods(["GET", "POST"])
def sheet(request: HttpRequest, pk: int, stage: str) -> HttpResponse:
    assessment = _sheet_and_access(request, pk, stage)
    if request.method == "GET":
        return render(request, "assessments/sheet.html", _sheet_context(request, assessment, stage))
    scores, notes = _posted_sheet(request)
    submit = request.POST.get("action") == "submit"
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = None
    try:
        saved = services.scores_save(
            actor=request.user,
            assessment=assessment,
            stage=stage,
            scores=scores,
            notes=notes,
            version=version,
            submit=submit,
            ip=client_ip(request),
        )
    except DomainError as error:
        forbid_if_not_permitted(error)
        context = _sheet_context(request, assessment, stage, posted=(scores, notes), error=error)
        return render(request, "assessments/sheet.html", context, status=error.status_code)
    if submit:
        assessment.refresh_from_db()
        messages.success(request, _("评分表已提交（版本%(v)d）。") % {"v": saved.version})
    else:
        messages.success(request, _("草稿已保存（版本%(v)d）。") % {"v": saved.version})
    return redirect("sheet", pk=assessment.pk, stage=stage)


@login_required
@require_POST
def sheet_return(request: HttpRequest, pk: int, stage: str) -> HttpResponse:
    """The county admin returns a submitted sheet to draft (退回), with the reason."""
    assessment = _sheet_and_access(request, pk, stage)
    sheet = Sheet.objects.filter(assessment=assessment, stage=stage).first()
    try:
        if sheet is None:
            raise Conflict(_("该评分表尚未提交，无需退回。"))
        services.sheet_return(
            actor=request.user,
            sheet=sheet,
            reason=request.POST.get("reason", ""),
            ip=client_ip(request),
        )
    except DomainError as error:
        forbid_if_not_permitted(error)
        context = _sheet_context(request, assessment, stage, error=error)
        return render(request, "assessments/sheet.html", context, status=error.status_code)
    messages.success(request, _("评分表已退回为草稿。"))
    return redirect("sheet", pk=assessment.pk, stage=stage)


@login_required
@require_POST
def sheet_preview(request: HttpRequest, pk: int, stage: str) -> HttpResponse:
    """The live subtotals: what the one engine makes of the points typed so far (htmx)."""
    assessment = _sheet_and_access(request, pk, stage)
    items = {
        i.code: i
        for i in Item.objects.filter(
            catalogue_id=assessment.round.catalogue_id,
            kind__in=[Item.Kind.SCORED, Item.Kind.DEDUCTION],
        )
    }
    scores, _notes = _posted_sheet(request)
    valid, problems = _typed_points(items, scores)
    context = {
        "assessment": assessment,
        "problems": problems,
        "oob": True,
        **_summary_context(assessment, stage, valid),
    }
    return render(request, "assessments/_sheet_summary.html", context)


# --- review ----------------------------------------------------------------------------------


@login_required
@require_GET
def review(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = selectors.assessment_get_for_user(user=request.user, pk=pk)
    if not policies.can_review(request.user, assessment):
        raise PermissionDenied(_("您无权查看该村的评分对照。"))
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
        for item in sorted(category.items.all(), key=lambda i: (i.position, i.code)):
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


# --- findings (联查联审) and surveys -----------------------------------------------------------


def _findings_context(request: HttpRequest, round_: Round) -> dict:
    user = request.user
    township_id = _int_or_none(request.GET.get("township") or request.POST.get("township"))
    assessments = selectors.assessments_for_user(user, round_=round_)
    total = assessments.count()
    if township_id:
        assessments = assessments.filter(organization__parent_id=township_id)
    assessments = list(assessments.order_by("organization__code"))
    ids = [a.pk for a in assessments]
    findings = list(
        Finding.objects.filter(assessment__round=round_, assessment_id__in=ids)
        .select_related("item", "assessment__organization", "recorded_by")
        .order_by("assessment__organization__code", "-recorded_at")
    )
    clearances = list(
        DepartmentClearance.objects.filter(assessment__round=round_).values_list(
            "assessment_id", "department"
        )
    )
    my_department = user.department if user.role == Role.DEPARTMENT_REVIEWER else ""
    by_assessment: dict[int, list[Finding]] = {}
    for f in findings:
        by_assessment.setdefault(f.assessment_id, []).append(f)
    cleared_mine = {a for a, d in clearances if d == my_department}
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
                "cleared": a.pk in cleared_mine,
                "mine": mine,
                "may_record": policies.can_record_finding(user, a),
            }
        )
    # Per-department progress over the whole round (not only the filtered township).
    progress = []
    dept_findings: dict[str, set] = {}
    for assessment_id, department in (
        Finding.objects.filter(assessment__round=round_)
        .exclude(status=Finding.Status.WITHDRAWN)
        .values_list("assessment_id", "department")
    ):
        dept_findings.setdefault(department, set()).add(assessment_id)
    dept_cleared: dict[str, set] = {}
    for assessment_id, department in clearances:
        dept_cleared.setdefault(department, set()).add(assessment_id)
    for value, label in Department.choices:
        cleared = len(dept_cleared.get(value, set()))
        found = len(dept_findings.get(value, set()))
        if not (cleared or found or value == my_department):
            continue
        done = len(dept_cleared.get(value, set()) | dept_findings.get(value, set()))
        progress.append(
            {
                "label": label,
                "cleared": cleared,
                "found": found,
                "done": done,
                "total": total,
                "percent": round(100 * done / total) if total else 0,
            }
        )
    items = Item.objects.filter(
        catalogue_id=round_.catalogue_id, kind__in=[Item.Kind.VETO, Item.Kind.STAR_DEDUCTION]
    ).order_by("position", "code")
    return {
        **round_context(request, round_, "findings"),
        "rows": rows,
        "progress": progress,
        "pending": sum(1 for f in findings if f.status == Finding.Status.PENDING),
        "finding_form": FindingForm(items=items),
        "is_admin": policies.can_manage_round(user, round_.county_id),
        "my_department": Department(my_department).label if my_department else "",
        "townships": townships_for_user(user).order_by("code"),
        "township_id": township_id,
        "findings_open": round_.findings_open,
    }


@login_required
@require_GET
def findings(request: HttpRequest, round_id: int) -> HttpResponse:
    require_role(request.user, FINDINGS_ROLES)
    round_ = selectors.round_get_for_user(user=request.user, pk=round_id)
    return render(request, "assessments/findings.html", _findings_context(request, round_))


def _findings_write(request: HttpRequest, round_: Round, write) -> HttpResponse:
    try:
        message = write()
    except DomainError as error:
        forbid_if_not_permitted(error)
        context = _findings_context(request, round_)
        context["error"] = error_context(error)
        return render(request, "assessments/findings.html", context, status=error.status_code)
    messages.success(request, message)
    url = reverse("findings", args=[round_.pk])
    township = request.POST.get("township")
    return redirect(f"{url}?township={township}" if township else url)


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
        return _("已登记%(org)s“无重大问题”。") % {"org": assessment.organization.name}

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

    return _findings_write(request, assessment.round, write)


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


def _surveys_context(request: HttpRequest, round_: Round) -> dict:
    user = request.user
    township_id = _int_or_none(request.GET.get("township") or request.POST.get("township"))
    assessments = selectors.assessments_for_user(user, round_=round_).select_related("survey")
    if township_id:
        assessments = assessments.filter(organization__parent_id=township_id)
    rows = [
        {
            "assessment": a,
            "survey": getattr(a, "survey", None),
            "may_enter": policies.can_enter_survey(user, a) and round_.findings_open,
        }
        for a in assessments.order_by("organization__code")
    ]
    return {
        **round_context(request, round_, "surveys"),
        "rows": rows,
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


# --- dashboard -------------------------------------------------------------------------------


def _percent(value: Decimal | None) -> str | None:
    return None if value is None else f"{(value * 100).quantize(Decimal('0.1'))}"


SORT_ORDERS = {
    "-composite": ("-composite", "-total"),
    "composite": ("composite", "total"),
    "-level": ("-level", "-composite"),
    "township": ("organization__parent__code", "-composite"),
    "name": ("organization__name",),
}


@login_required
@require_GET
def dashboard(request: HttpRequest, round_id: int) -> HttpResponse:
    require_role(request.user, DASHBOARD_ROLES)
    round_ = selectors.round_get_for_user(user=request.user, pk=round_id)
    townships = list(townships_for_user(request.user).order_by("code"))
    form = DashboardFilterForm(request.GET or None, townships=townships)
    filters = form.cleaned_data if form.is_valid() else {}
    summary = selectors.dashboard_summary(round_, request.user)

    # With the primary key, so that equal scores of two villages are two values (DISTINCT).
    composites = [
        c
        for _pk, c in selectors.ranking_for_user(round_, request.user)
        .order_by()
        .values_list("pk", "composite")
        if c is not None
    ]
    histogram = [
        {
            "label": f"<{HISTOGRAM_BINS[0][0]}",
            "count": sum(1 for c in composites if c < HISTOGRAM_BINS[0][0]),
        }
    ]
    for lo, hi in HISTOGRAM_BINS:
        last = hi == 100
        count = sum(1 for c in composites if lo <= c < hi or (last and c == hi))
        histogram.append({"label": f"{lo}–{hi}", "count": count})
    level = filters.get("level")
    ranking = selectors.ranking_for_user(
        round_,
        request.user,
        township_id=filters.get("township"),
        level=int(level) if level not in (None, "") else None,
        order=SORT_ORDERS[filters.get("sort") or "-composite"],
    )
    levels = list(range(5, -1, -1))
    targets = [
        {
            "label": _("三星及以上（保三）"),
            "target": _percent(round_.target_share_3),
            "share": summary["share_3_plus"],
            "count": summary["level_3_plus"],
            "goal": round_.target_share_3,
        },
        {
            "label": _("四星及以上（争四）"),
            "target": _percent(round_.target_share_4),
            "share": summary["share_4_plus"],
            "count": summary["level_4_plus"],
            "goal": round_.target_share_4,
        },
    ]
    for t in targets:
        t["actual"] = _percent(t["share"])
        t["met"] = t["share"] is not None and t["share"] >= t["goal"]
    for t in summary["townships"]:
        t["level_list"] = [t["levels"][str(lv)] for lv in levels]
    charts = {
        "distribution": {
            "townships": [t["name"] for t in summary["townships"]],
            "series": [
                {"name": f"{lv}星", "data": [t["levels"][str(lv)] for t in summary["townships"]]}
                for lv in levels
            ],
        },
        "histogram": {
            "labels": [h["label"] for h in histogram],
            "counts": [h["count"] for h in histogram],
        },
        "targets": {
            "labels": [t["label"] for t in targets],
            "target": [t["target"] for t in targets],
            "actual": [t["actual"] or "0" for t in targets],
        },
    }
    return render(
        request,
        "assessments/dashboard.html",
        {
            **round_context(request, round_, "dashboard"),
            "data": summary,
            "levels": levels,
            "histogram": histogram,
            "charts": charts,
            "ranking": ranking,
            "form": form,
            "targets": targets,
        },
    )


# --- village ---------------------------------------------------------------------------------


@login_required
@require_GET
def village(request: HttpRequest, org_id: int) -> HttpResponse:
    require_role(request.user, VILLAGE_ROLES)
    try:
        org = villages_for_user(request.user).select_related("parent").get(pk=org_id)
    except Exception as exc:  # DoesNotExist, or a malformed id
        raise Http404 from exc
    assessments = Assessment.objects.filter(
        organization=org, round__county_id=request.user.county_id
    ).select_related("round", "round__catalogue")
    if not request.user.has_role(*COUNTY_STAFF):
        assessments = assessments.filter(
            round__status__in=[Round.Status.PUBLISHED, Round.Status.ARCHIVED]
        )
    assessments = list(assessments.order_by("-round__year"))
    rows, category_names = [], []
    latest_advice = None
    for a in assessments:
        rules = selectors.round_rules(a.round)
        names = [(c.code, c.name) for c in rules.categories]
        for name in names:
            if name not in category_names:
                category_names.append(name)
        scores = a.category_scores or {}
        rows.append({"assessment": a, "scores": scores})
        if latest_advice is None and a.has_result and scores and a.composite is not None:
            latest_advice = {
                "round": a.round,
                "advice": advice.next_level_advice(
                    rules,
                    {c: Decimal(v) for c, v in scores.items()},
                    a.composite,
                    vetoed=a.vetoed,
                ),
            }
    for row in rows:
        row["cells"] = [row["scores"].get(code) for code, _name in category_names]
    return render(
        request,
        "assessments/village.html",
        {
            "village": org,
            "rows": rows,
            "category_names": category_names,
            "latest": latest_advice,
        },
    )


# --- publicity -------------------------------------------------------------------------------


@login_required
@require_GET
def publicity(request: HttpRequest, round_id: int) -> HttpResponse:
    require_role(request.user, ROUND_ROLES)
    round_ = selectors.round_get_for_user(user=request.user, pk=round_id)
    public = round_.status in (
        Round.Status.PUBLICITY,
        Round.Status.PUBLISHED,
        Round.Status.ARCHIVED,
    )
    if not public and not request.user.has_role(*COUNTY_STAFF):
        raise PermissionDenied(_("公示名单尚未发布。"))
    entries = (
        round_.assessments.filter(level__isnull=False)
        .select_related("organization", "organization__parent")
        .order_by("organization__parent__code", "organization__code")
    )
    return render(
        request,
        "assessments/publicity.html",
        {
            **round_context(request, round_, "publicity"),
            "entries": entries,
            "draft": not public,
        },
    )
