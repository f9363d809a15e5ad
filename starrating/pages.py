"""What every web page shares: the role check, and a refused write shown as the service's own
message (400 / 403 / 409)."""

from __future__ import annotations

import functools
from collections.abc import Mapping

from django.apps import apps
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


@functools.cache
def _model_field_labels() -> dict[str, str]:
    """Field name → Chinese label, from every model's verbose names (the first model to name a
    field wins; a page passes its own ``labels`` where a name means something else there)."""
    labels: dict[str, str] = {}
    for model in apps.get_models():
        for field in model._meta.get_fields():
            verbose = getattr(field, "verbose_name", None)
            if verbose:
                labels.setdefault(field.name, str(verbose))
    return labels


def error_context(error: DomainError, *, labels: Mapping[str, str] | None = None) -> dict:
    """The error for ``_errors.html``: each problem's field also under ``label``, in Chinese
    ("问题事实与依据：请填写…", never "evidence：请填写…")."""
    known = {**_model_field_labels(), **{k: str(v) for k, v in (labels or {}).items()}}
    errors = [
        {**e, "label": known.get(e["field"], e["field"])} if e.get("field") else e
        for e in error.errors
    ]
    return {"message": error.message, "errors": errors, "extra": error.extra}


def paginate(request, items, *, per_page: int = 50) -> Page:
    """One page of a long list (``?page=``; out of range gives the last page). The page
    partial ``_pagination.html`` keeps every other query parameter (filters stay in the URL)."""
    return Paginator(items, per_page).get_page(request.GET.get("page"))


class Counted:
    """A queryset with its length already known (from stored counts): ``paginate`` slices it
    and reads no COUNT."""

    ordered = True

    def __init__(self, queryset, count: int):
        self.queryset, self._count = queryset, count

    def count(self) -> int:
        return self._count

    def __getitem__(self, index):
        return self.queryset[index]
