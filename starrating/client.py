"""Who is on the other end of a request, for the audit log."""

from contextvars import ContextVar
from typing import Any


def client_ip(request) -> str | None:
    """The client's address as the server saw it (behind a proxy, configure it to set
    REMOTE_ADDR from the trusted forwarded header)."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


# The request being served, for audit rows written where no request is passed (a password or
# role changed through Django's own views or the admin). Set by organizations' AuditMiddleware.
current_request: ContextVar[Any] = ContextVar("current_request", default=None)
