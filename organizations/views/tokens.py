"""The user's own API tokens (sign-in, sign-out and password change are Django's views)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from organizations import services
from organizations.models import ApiToken
from starrating.client import client_ip
from starrating.errors import DomainError
from starrating.pages import error_context, forbid_if_not_permitted


def _tokens_render(
    request: HttpRequest,
    *,
    new_key: str | None = None,
    name: str = "",
    error: DomainError | None = None,
) -> HttpResponse:
    context = {
        "tokens": ApiToken.objects.filter(user=request.user).order_by("-created_at", "-id"),
        "new_key": new_key,
        "name": name,
    }
    if error is not None:
        context["error"] = error_context(error)
        context["name_errors"] = [e["message"] for e in error.errors if e.get("field") == "name"]
    status = error.status_code if error is not None else 200
    return render(request, "registration/tokens.html", context, status=status)


@login_required
@require_GET
def tokens(request: HttpRequest) -> HttpResponse:
    return _tokens_render(request)


# The key is on this response only: never cached, never kept in the session.
@never_cache
@login_required
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    name = request.POST.get("name", "")
    try:
        token, key = services.api_token_create(actor=request.user, name=name, ip=client_ip(request))
    except DomainError as error:
        forbid_if_not_permitted(error)
        return _tokens_render(request, name=name, error=error)
    messages.success(request, _("已创建API令牌“%(name)s”。") % {"name": token.name})
    return _tokens_render(request, new_key=key)


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    # Only the user's own tokens exist for them: another user's token is a 404.
    token = ApiToken.objects.filter(user=request.user, pk=pk).first()
    if token is None:
        raise Http404
    try:
        services.api_token_revoke(actor=request.user, token=token, ip=client_ip(request))
    except DomainError as error:
        forbid_if_not_permitted(error)
        return _tokens_render(request, error=error)
    messages.success(request, _("API令牌“%(name)s”已撤销，立即失效。") % {"name": token.name})
    return redirect("tokens")
