"""What every web page shares: the role check, and a refused write shown as the service's own
message (400 / 403 / 409)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.utils.translation import gettext as _

from starrating.errors import DomainError, NotPermitted


def require_role(user, roles, message: str | None = None) -> None:
    if not user.has_role(*roles):
        raise PermissionDenied(message or _("您的角色不能使用此页面。"))


def forbid_if_not_permitted(error: DomainError) -> None:
    """A refused role gets the plain 403 page with the service's message, never the page
    the write came from (which the role may not be allowed to read)."""
    if isinstance(error, NotPermitted):
        raise PermissionDenied(error.message) from error


def error_context(error: DomainError) -> dict:
    return {"message": error.message, "errors": error.errors, "extra": error.extra}


def paginate(request, items, *, per_page: int = 50) -> Page:
    """One page of a long list (``?page=``; out of range gives the last page). The page
    partial ``_pagination.html`` keeps every other query parameter (filters stay in the URL)."""
    return Paginator(items, per_page).get_page(request.GET.get("page"))
