"""What the 创星晋级 pages share: the role check, the scope filters, and a refused write shown
on the page it came from with the service's message (400 / 409), or the plain 403 page."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from organizations.selectors import townships_for_user
from starrating.errors import DomainError
from starrating.pages import error_context, forbid_if_not_permitted
from stars import policies, selectors
from stars.models import Ladder

READ_ROLES = policies.READ_ROLES


def int_or_none(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**63 else None


def scope_from(request: HttpRequest) -> dict:
    """year / ladder / township from the query string; another township is a 404, an unknown
    ladder falls back to 先锋星."""
    get = request.GET
    years = selectors.years_for_user(request.user)
    year = int_or_none(get.get("year")) or (years[0] if years else timezone.localdate().year)
    ladder = get.get("ladder") if get.get("ladder") in Ladder.values else Ladder.MEMBER
    townships = townships_for_user(request.user).order_by("code")
    township = None
    if get.get("township"):
        township = townships.filter(pk=int_or_none(get.get("township")) or 0).first()
        if township is None:
            raise Http404
    return {
        "year": year,
        "years": years or [year],
        "ladder": ladder,
        "ladders": Ladder.choices,
        "ladder_label": Ladder(ladder).label,
        "township": township,
        "townships": townships,
    }


def write_then_redirect(
    request: HttpRequest,
    write: Callable[[], tuple[str, str]],
    *,
    template: str,
    context: Callable[[], dict],
) -> HttpResponse:
    try:
        message, url = write()
    except DomainError as error:
        forbid_if_not_permitted(error)
        page = context()
        page["error"] = error_context(error)
        return render(request, template, page, status=error.status_code)
    messages.success(request, message)
    return redirect(url)
