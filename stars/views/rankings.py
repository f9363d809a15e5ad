"""Public rankings per ladder (a page the county shows on a screen and prints), monthly and
quarterly summaries, and the 记分手册 download."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from starrating.errors import InvalidInput
from starrating.pages import require_role
from stars import selectors
from stars.report import handbook_xlsx

from .common import READ_ROLES, int_or_none, scope_from

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
@require_GET
def ranking(request: HttpRequest) -> HttpResponse:
    require_role(request.user, READ_ROLES)
    scope = scope_from(request)
    rows = selectors.ranking(
        user=request.user, year=scope["year"], ladder=scope["ladder"], township=scope["township"]
    )
    return render(request, "stars/ranking.html", {**scope, "rows": rows})


@login_required
@require_GET
def summary(request: HttpRequest) -> HttpResponse:
    require_role(request.user, READ_ROLES)
    scope = scope_from(request)
    data = selectors.summary(
        user=request.user, year=scope["year"], ladder=scope["ladder"], township=scope["township"]
    )
    return render(request, "stars/summary.html", {**scope, **data})


@login_required
@require_GET
def handbook(request: HttpRequest) -> HttpResponse:
    """记分手册 of one member (``?member=``) or organization (``?organization=``), as Excel."""
    require_role(request.user, READ_ROLES)
    user, get = request.user, request.GET
    member_id, org_id = int_or_none(get.get("member")), int_or_none(get.get("organization"))
    year = int_or_none(get.get("year")) or scope_from(request)["year"]
    if (member_id is None) == (org_id is None):
        error = InvalidInput("请选择党员或党组织之一。")
        return render(
            request,
            "stars/refused.html",
            {"error": {"message": error.message, "errors": []}},
            status=400,
        )
    member = selectors.member_get_for_user(user=user, pk=member_id) if member_id else None
    org = selectors.subject_org_for_user(user=user, pk=org_id) if org_id else None
    book = selectors.handbook(user=user, year=year, member=member, organization=org)
    title = member.name if member else org.name
    response = HttpResponse(handbook_xlsx(title=title, book=book), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="handbook-{year}.xlsx"'
    return response
