"""Security audit around every request: remember the request for audit rows written deep in
Django's own views (password and role changes), and record every refusal (HTTP 403) of a page
or an API call with who, what and from where (等保2.0 安全审计: 访问控制失败事件)."""

from __future__ import annotations

from starrating.client import current_request

from .services import permission_denied_record


class AuditMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_request.set(request)
        try:
            response = self.get_response(request)
        finally:
            current_request.reset(token)
        if response.status_code == 403:
            permission_denied_record(request=request, reason=_reason(response))
        return response


def _reason(response) -> str:
    """The refusal's message when it has one (the API's JSON ``message``)."""
    data = getattr(response, "data", None)
    if isinstance(data, dict):
        parts = [str(data.get("message", ""))]
        parts += [str(e.get("message", "")) for e in data.get("errors", []) if isinstance(e, dict)]
        return " ".join(p for p in parts if p)
    return ""
