"""The score sheet page: fill, save, submit, the live projection (htmx) and returning a sheet."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from assessments import advice, policies, selectors, services
from assessments.models import Assessment, Score, Sheet, Stage
from indicators.models import Item
from starrating.client import client_ip
from starrating.errors import Conflict, DomainError
from starrating.pages import error_context, forbid_if_not_permitted

from .common import round_context


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
        raise PermissionDenied(
            _("您无权查看该%(noun)s的“%(stage)s”。")
            % {"stage": Stage(stage).label, "noun": assessment.round.rated_noun}
        )
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
        hint = advice.level_advice(
            rules,
            result.category_scores,
            result.composite,
            level=result.level,
            steps=[(step.rule, step.level) for step in result.steps],
            previous_level=result.previous_level,
            vetoed=result.vetoed,
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
        items = category.catalogue_items
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
    # ?saved= tells the page's script (sheet-draft.js) that this version is stored, so the
    # browser's copy of what was typed before it may go.
    url = reverse("sheet", args=[assessment.pk, stage])
    return redirect(f"{url}?saved={saved.version}")


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
