"""A city's or province's organization department: read-only roll-ups of its counties."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from dashboards import selectors
from organizations.models import Role
from starrating.pages import require_role

from .rounds import percent_text


@login_required
@require_GET
def region(request: HttpRequest) -> HttpResponse:
    require_role(request.user, (Role.REGION_VIEWER,))
    years = selectors.region_years(request.user)
    try:
        year = int(request.GET.get("year") or (years[0] if years else 0))
    except ValueError:
        year = years[0] if years else 0
    summary = selectors.region_summary(request.user, year=year) if years else None
    levels = list(range(5, -1, -1))
    if summary is not None:
        for row in [summary, *summary["counties"]]:
            row["share_3_text"] = percent_text(row["share_3_plus"])
            row["share_4_text"] = percent_text(row["share_4_plus"])
            row["level_list"] = [row["levels"][str(level)] for level in levels]
        for item in summary["weakest_items"]:
            item["share_text"] = percent_text(item["share"])
    return render(
        request,
        "dashboards/region.html",
        {"summary": summary, "years": years, "year": year, "levels": levels},
    )
