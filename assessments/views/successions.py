"""Village merges and splits (撤并): the list of what was recorded and the form to record one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from assessments import selectors, services
from organizations.models import Role, Succession
from organizations.selectors import villages_in_county
from starrating.client import client_ip
from starrating.errors import DomainError
from starrating.pages import error_context, forbid_if_not_permitted, paginate, require_role

SUCCESSION_ROLES = (Role.COUNTY_ADMIN, Role.AUDITOR)


def _page(request: HttpRequest, error=None, status=200) -> HttpResponse:
    links = selectors.successions_for_user(request.user).order_by("-effective_date", "-pk")
    villages = villages_in_county(request.user.county_id).select_related("parent")
    return render(
        request,
        "assessments/successions.html",
        {
            "links": paginate(request, links, per_page=100),
            "villages": villages.filter(is_active=True).order_by("code"),
            "kinds": Succession.Kind.choices,
            "posted": request.POST if request.method == "POST" else {},
            "error": error,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def successions(request: HttpRequest) -> HttpResponse:
    require_role(request.user, SUCCESSION_ROLES)
    if request.method == "GET":
        return _page(request)
    try:
        services.succession_record(
            actor=request.user,
            kind=request.POST.get("kind", ""),
            predecessor_codes=request.POST.getlist("predecessors"),
            successor_codes=request.POST.getlist("successors"),
            effective_date=request.POST.get("effective_date", ""),
            note=request.POST.get("note", ""),
            ip=client_ip(request),
        )
    except DomainError as error:
        forbid_if_not_permitted(error)
        return _page(request, error_context(error), error.status_code)
    messages.success(request, _("撤并已登记：原村已停用，现村按撤并规则继承上年星级。"))
    return redirect("successions")
