"""Who is on the other end of a request, for the audit log."""


def client_ip(request) -> str | None:
    """The client's address as the server saw it (behind a proxy, configure it to set
    REMOTE_ADDR from the trusted forwarded header)."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None
