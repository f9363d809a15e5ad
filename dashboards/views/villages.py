"""The village search: name, code or pinyin initials, over the villages the user may open."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from dashboards.forms import VillageSearchForm
from dashboards.selectors import VILLAGE_SEARCH_ROLES, villages_search
from organizations.selectors import townships_for_user
from starrating.pages import paginate, require_role


@login_required
@require_GET
def village_search(request: HttpRequest) -> HttpResponse:
    require_role(request.user, VILLAGE_SEARCH_ROLES)
    townships = list(townships_for_user(request.user).order_by("code"))
    form = VillageSearchForm(request.GET or None, townships=townships)
    filters = form.cleaned_data if form.is_valid() else {}
    q = filters.get("q", "")
    villages = villages_search(request.user, q=q, township_id=filters.get("township"))
    page = paginate(request, villages)
    # One match typed on the top bar goes straight to its page.
    if q and page.paginator.count == 1 and "page" not in request.GET:
        return redirect("village", org_id=page.object_list[0].pk)
    return render(
        request,
        "dashboards/village_search.html",
        {"form": form, "page": page, "q": q, "townships": townships},
    )
