"""包保 pairings: the year's list, and its import from an Excel sheet."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ledgers import policies, selectors, services
from starrating.client import client_ip
from starrating.errors import InvalidInput, NotPermitted
from starrating.pages import require_role

from .common import PAIRING_ROLES, int_or_none, write_then_redirect


def _context(request: HttpRequest) -> dict:
    year = int_or_none(request.GET.get("year")) or timezone.localdate().year
    return {
        "year": year,
        "pairings": selectors.pairings_for_user(request.user)
        .filter(year=year)
        .order_by("organization__code"),
        "may_import": policies.can_manage_pairings(request.user),
        "headers": services.pairings.HEADERS,
    }


@login_required
@require_GET
def pairing_list(request: HttpRequest) -> HttpResponse:
    require_role(request.user, PAIRING_ROLES)
    return render(request, "ledgers/pairing_list.html", _context(request))


@login_required
@require_POST
def pairing_import(request: HttpRequest) -> HttpResponse:
    require_role(request.user, PAIRING_ROLES)

    def write():
        year = int_or_none(request.POST.get("year"))
        upload = request.FILES.get("file")
        if not policies.can_manage_pairings(request.user):
            raise NotPermitted(_("只有县级管理员可以维护包保结对。"))
        if upload is None:
            raise InvalidInput(_("请选择文件。"), [{"field": "file", "message": _("请选择文件")}])
        counts = services.pairings_import(
            actor=request.user,
            year=year or 0,
            rows=services.read_pairing_rows(upload),
            ip=client_ip(request),
        )
        return (
            _("已导入包保结对：新增%(created)s，修改%(updated)s。") % counts,
            reverse("pairing_list") + f"?year={year}",
        )

    return write_then_redirect(
        request, write, template="ledgers/pairing_list.html", context=lambda: _context(request)
    )
