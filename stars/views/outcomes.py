"""奖惩凭星: each village's outcome of the year (pay ratio, awards, 软弱涣散 flag), the members
first for awards or up for review, the county's table, and the finance office's Excel list."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from starrating.client import client_ip
from starrating.pages import require_role
from stars import policies, selectors, services
from stars.report import pay_list_xlsx

from .common import READ_ROLES, int_or_none, scope_from, write_then_redirect

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _context(request: HttpRequest) -> dict:
    scope = scope_from(request)
    data = selectors.outcomes(user=request.user, year=scope["year"], township=scope["township"])
    return {
        **scope,
        **data,
        "may_edit": policies.can_manage_tables(request.user),
        "form": request.POST,
    }


@login_required
@require_GET
def outcome_list(request: HttpRequest) -> HttpResponse:
    require_role(request.user, READ_ROLES)
    return render(request, "stars/outcomes.html", _context(request))


@login_required
@require_GET
def pay_list(request: HttpRequest) -> HttpResponse:
    require_role(request.user, READ_ROLES)
    scope = scope_from(request)
    data = selectors.outcomes(user=request.user, year=scope["year"], township=scope["township"])
    response = HttpResponse(pay_list_xlsx(year=scope["year"], data=data), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="pay-{scope["year"]}.xlsx"'
    return response


@login_required
@require_POST
def consequences_set(request: HttpRequest) -> HttpResponse:
    require_role(request.user, READ_ROLES)
    post = request.POST

    def write():
        year = int_or_none(post.get("year")) or 0
        services.consequences_set(
            actor=request.user,
            year=year,
            pay=[post.get(f"pay_{n}", "") for n in range(6)],
            award_min_stars=post.get("award_min_stars", ""),
            unqualified_max_stars=post.get("unqualified_max_stars", ""),
            weak_max_stars=post.get("weak_max_stars", ""),
            ip=client_ip(request),
        )
        return _("奖惩凭星表已保存。"), f"{reverse('star_outcomes')}?year={year}"

    return write_then_redirect(
        request, write, template="stars/outcomes.html", context=lambda: _context(request)
    )
