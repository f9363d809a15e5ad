"""Domain errors raised by services; the API and the pages turn them into responses.

Every error carries a human message (Chinese by default, translated via gettext) and a list of
per-field / per-item problems, so a caller can show every problem at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _


class DomainError(Exception):
    status_code = 400

    def __init__(
        self, message: str, errors: list[dict[str, Any]] | None = None, **extra: Any
    ) -> None:
        super().__init__(message)
        self.message = str(message)
        self.errors = errors or []
        self.extra = extra

    def as_dict(self) -> dict[str, Any]:
        return {"message": self.message, "errors": self.errors, **self.extra}


class InvalidInput(DomainError):
    """Bad input: nothing was written."""

    status_code = 400


class NotPermitted(DomainError):
    """The user's role does not allow this action (scope misses are 404s, not this)."""

    status_code = 403


class Conflict(DomainError):
    """The object's state forbids the action: a locked stage, a stale version, a wrong status."""

    status_code = 409


def reject_unknown_fields(fields: Iterable[str], allowed: Iterable[str]) -> None:
    """A service taking ``**fields`` refuses names it does not know, listing each one."""
    unknown = sorted(set(fields) - set(allowed))
    if unknown:
        raise InvalidInput(
            _("未知字段。"), [{"field": f, "message": _("未知字段")} for f in unknown]
        )
