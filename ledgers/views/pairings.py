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
from starrating.pages import paginate, require_role

from .common import PAIRING_ROLES, int_or_none, write_then_redirect


def _context(request: HttpRequest) -> dict:
    year = int_or_none(request.GET.get("year")) or timezone.localdate().year
    return {
        "year": year,
        "pairings": paginate(
            request,
            selectors.pairings_for_user(request.user)
            .filter(year=year)
            .order_by("organization__code"),
        ),
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
    """Start the import job and follow it on the job's status page (as the organizations)."""
    require_role(request.user, PAIRING_ROLES)

    def write():
        job = services.pairings_import_start(
            actor=request.user,
            year=request.POST.get("year"),
            upload=request.FILES.get("file"),
            ip=client_ip(request),
        )
        return _("已开始导入包保结对。"), reverse("job_status", args=[job.pk])

    return write_then_redirect(
        request, write, template="ledgers/pairing_list.html", context=lambda: _context(request)
    )
