"""S11 pages: the county's ladder inputs of a round (which item takes which ladder figure), and
the sheet's "按创星晋级数据填入" button, which writes through the core's sheet save."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from assessments.models import Stage
from assessments.selectors import assessment_get_for_user
from indicators.models import Item
from starrating.client import client_ip
from starrating.errors import DomainError
from starrating.pages import error_context, forbid_if_not_permitted, require_role
from stars import policies, selectors, services
from stars.models import LadderInput

from .common import READ_ROLES, int_or_none, write_then_redirect


def _context(request: HttpRequest) -> dict:
    rounds = list(selectors.rounds_for_user(request.user).order_by("-year", "-pk"))
    pk = int_or_none(request.GET.get("round") or request.POST.get("round"))
    round_ = selectors.round_get_for_user(user=request.user, pk=pk) if pk else None
    round_ = round_ or (rounds[0] if rounds else None)
    items = []
    if round_ is not None:
        items = list(
            Item.objects.filter(
                catalogue_id=round_.catalogue_id, kind=Item.Kind.SCORED, max_points__gt=0
            ).order_by("position", "code")
        )
    return {
        "rounds": rounds,
        "round": round_,
        "inputs": selectors.ladder_inputs(round_, active_only=False) if round_ else [],
        "items": items,
        "figures": LadderInput.Figure.choices,
        "may_edit": policies.can_manage_tables(request.user),
        "form": request.POST,
    }


@login_required
@require_GET
def ladder_input_list(request: HttpRequest) -> HttpResponse:
    require_role(request.user, READ_ROLES)
    return render(request, "stars/ladder_inputs.html", _context(request))


@login_required
@require_POST
def ladder_input_set(request: HttpRequest) -> HttpResponse:
    require_role(request.user, READ_ROLES)
    post = request.POST
    round_ = selectors.round_get_for_user(user=request.user, pk=int_or_none(post.get("round")))

    def write():
        row = services.ladder_input_set(
            actor=request.user,
            round_=round_,
            item_code=post.get("item", ""),
            figure=post.get("figure", ""),
            min_stars=post.get("min_stars", ""),
            full_share=post.get("full_share", ""),
            is_active=post.get("is_active", "1") == "1",
            ip=client_ip(request),
        )
        return (
            _("已保存%(code)s的创星数据设置。") % {"code": row.item.code},
            f"{reverse('star_ladder_inputs')}?round={round_.pk}",
        )

    return write_then_redirect(
        request, write, template="stars/ladder_inputs.html", context=lambda: _context(request)
    )


@login_required
@require_POST
def ladder_input_fill(request: HttpRequest, pk: int, stage: str) -> HttpResponse:
    """From the sheet page: fill the item (or every ladder item) and go back to the sheet. A
    refusal (stage locked, bad item) is shown with the service's message and status."""
    assessment = assessment_get_for_user(user=request.user, pk=pk)
    try:
        sheet = services.ladder_input_fill(
            actor=request.user,
            assessment=assessment,
            stage=stage,
            item_code=request.POST.get("item") or None,
            ip=client_ip(request),
        )
    except DomainError as error:
        forbid_if_not_permitted(error)
        return render(
            request,
            "stars/refused.html",
            {
                "error": error_context(error),
                "back": reverse("sheet", args=[pk, stage]) if stage in Stage.values else None,
            },
            status=error.status_code,
        )
    messages.success(request, _("已按创星晋级数据填入（版本%(v)d）。") % {"v": sheet.version})
    return redirect(f"{reverse('sheet', args=[pk, stage])}?saved={sheet.version}")
