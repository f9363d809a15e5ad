"""The random spot-check page (三随机): draws (with their seeds, a redraw with its reason),
checkers assigned and each village's outcome."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from assessments import policies, selectors, services
from assessments.models import Round, SpotCheck, SpotCheckDraw
from indicators.models import Item
from starrating.client import client_ip
from starrating.errors import DomainError, InvalidInput
from starrating.pages import error_context, forbid_if_not_permitted, require_role

from .common import SPOTCHECK_PAGE_ROLES, int_or_none, round_context


def _context(request: HttpRequest, round_: Round) -> dict:
    user = request.user
    draws = list(selectors.spot_draws_for_user(user).filter(round=round_).order_by("-number"))
    current = next((d for d in draws if d.is_current), None)
    is_admin = policies.can_manage_round(user, round_.county_id)
    rows = []
    if current is not None:
        for check in current.checks.all():
            rows.append(
                {
                    "check": check,
                    "may_record": is_admin or check.checker_id == user.pk,
                }
            )
    counts = {o: 0 for o in SpotCheck.Outcome.values}
    for row in rows:
        counts[row["check"].outcome] += 1
    return {
        **round_context(request, round_, "spotchecks"),
        "draws": draws,
        "current": current,
        "rows": rows,
        "counts": counts,
        "is_admin": is_admin,
        "may_draw": is_admin and round_.status not in (Round.Status.DRAFT, Round.Status.ARCHIVED),
        "checkers": list(selectors.spot_checker_candidates(round_.county_id)) if is_admin else [],
        "items": Item.objects.filter(
            catalogue_id=round_.catalogue_id, kind__in=[Item.Kind.SCORED, Item.Kind.DEDUCTION]
        ).order_by("position", "code"),
        "size_kinds": SpotCheckDraw.SizeKind.choices,
        "outcomes": [
            (SpotCheck.Outcome.CONFIRMED, SpotCheck.Outcome.CONFIRMED.label),
            (SpotCheck.Outcome.DIFFERENCES, SpotCheck.Outcome.DIFFERENCES.label),
        ],
        "form": request.POST if request.method == "POST" else {},
    }


@login_required
@require_GET
def spotchecks(request: HttpRequest, round_id: int) -> HttpResponse:
    require_role(request.user, SPOTCHECK_PAGE_ROLES)
    round_ = selectors.round_get_for_user(user=request.user, pk=round_id)
    return render(request, "assessments/spotchecks.html", _context(request, round_))


def _write(request: HttpRequest, round_: Round, write) -> HttpResponse:
    try:
        message = write()
    except DomainError as error:
        forbid_if_not_permitted(error)
        round_.refresh_from_db()
        context = _context(request, round_)
        context["error"] = error_context(error)
        return render(request, "assessments/spotchecks.html", context, status=error.status_code)
    messages.success(request, message)
    return redirect("spotchecks", round_id=round_.pk)


@login_required
@require_POST
def spot_draw(request: HttpRequest, round_id: int) -> HttpResponse:
    require_role(request.user, SPOTCHECK_PAGE_ROLES)
    round_ = selectors.round_get_for_user(user=request.user, pk=round_id)
    post = request.POST

    def write():
        seed_text = post.get("seed", "").strip()
        count_text = post.get("interviewee_count", "").strip() or "0"
        errors = []
        seed = int_or_none(seed_text)
        if seed_text and seed is None:
            errors.append({"field": "seed", "value": seed_text, "message": _("须为非负整数")})
        count = int_or_none(count_text)
        if count is None:
            errors.append(
                {"field": "interviewee_count", "value": count_text, "message": _("须为整数")}
            )
        if errors:
            raise InvalidInput(_("抽取失败。"), errors)
        draw = services.spot_draw(
            actor=request.user,
            round_=round_,
            size_kind=post.get("size_kind", ""),
            size_value=post.get("size_value", ""),
            seed=seed,
            interviewee_pool=post.get("interviewee_pool", "").splitlines(),
            interviewee_count=count,
            reason=post.get("reason", ""),
            ip=client_ip(request),
        )
        return _("第%(n)d次抽取完成：抽中%(k)d个村（随机种子%(seed)d）。") % {
            "n": draw.number,
            "k": draw.checks.count(),
            "seed": draw.seed,
        }

    return _write(request, round_, write)


@login_required
@require_POST
def spot_assign(request: HttpRequest, pk: int) -> HttpResponse:
    require_role(request.user, SPOTCHECK_PAGE_ROLES)
    check = selectors.spot_check_get_for_user(user=request.user, pk=pk)
    round_ = check.draw.round

    def write():
        checker_id = int_or_none(request.POST.get("checker"))
        checker = None
        if checker_id is not None:
            checker = (
                selectors.spot_checker_candidates(round_.county_id).filter(pk=checker_id).first()
            )
            if checker is None:
                raise InvalidInput(
                    _("核查人不存在。"), [{"field": "checker", "message": _("用户不存在")}]
                )
        services.spot_check_assign(
            actor=request.user, check=check, checker=checker, ip=client_ip(request)
        )
        return _("已为%(v)s指派核查人。") % {"v": check.assessment.organization.name}

    return _write(request, round_, write)


@login_required
@require_POST
def spot_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    require_role(request.user, SPOTCHECK_PAGE_ROLES)
    check = selectors.spot_check_get_for_user(user=request.user, pk=pk)
    round_ = check.draw.round

    def write():
        services.spot_check_record(
            actor=request.user,
            check=check,
            outcome=request.POST.get("outcome", ""),
            item_code=request.POST.get("item", ""),
            points=request.POST.get("points", ""),
            note=request.POST.get("note", ""),
            ip=client_ip(request),
        )
        return _("已登记%(v)s的核查结果。") % {"v": check.assessment.organization.name}

    return _write(request, round_, write)
