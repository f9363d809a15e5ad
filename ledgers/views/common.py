"""What the ledgers' pages share: who may open them, and a refused write shown on the page it
came from with the service's message (400 / 409), or the plain 403 page."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from ledgers import policies
from starrating.errors import DomainError
from starrating.pages import error_context, forbid_if_not_permitted

LEDGER_ROLES = policies.LEDGER_ROLES
PAIRING_ROLES = policies.PAIRING_ROLES


def int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def write_then_redirect(
    request: HttpRequest,
    write: Callable[[], tuple[str, str]],
    *,
    template: str,
    context: Callable[[], dict],
) -> HttpResponse:
    """Run a write; on success flash its message and go to its URL, else show the page again
    with the problems and the error's status."""
    try:
        message, url = write()
    except DomainError as error:
        forbid_if_not_permitted(error)
        page = context()
        page["error"] = error_context(error)
        return render(request, template, page, status=error.status_code)
    messages.success(request, message)
    return redirect(url)
