"""The security administrator's page (三员): locked accounts and their unlocking, ending an
account's sessions, and the per-role second-factor policy."""

from __future__ import annotations

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from organizations import selectors, services
from organizations.models import Role
from starrating.client import client_ip
from starrating.errors import DomainError
from starrating.pages import forbid_if_not_permitted


def _require_security_admin(request: HttpRequest) -> None:
    if not services.is_security_admin(request.user):
        raise PermissionDenied(_("只有安全管理员可以使用此页面。"))


@login_required
@require_GET
def security(request: HttpRequest) -> HttpResponse:
    _require_security_admin(request)
    users = {u.username: u for u in selectors.users_for_user(request.user)}
    attempts = [
        (a, users[a.username])
        for a in AccessAttempt.objects.filter(username__in=list(users)).order_by("-attempt_time")
    ]
    policies = {p.role: p.require_otp for p in selectors.role_policies_for_user(request.user)}
    return render(
        request,
        "organizations/security.html",
        {
            "attempts": attempts,
            "limit": settings.AXES_FAILURE_LIMIT,
            "roles": [(code, label, policies.get(code, False)) for code, label in Role.choices],
            "users": sorted(users.values(), key=lambda u: u.username),
        },
    )


def _act(request, pk: int, work, done: str) -> HttpResponse:
    _require_security_admin(request)
    target = selectors.user_get_for_user(user=request.user, pk=pk)
    try:
        work(actor=request.user, user=target, ip=client_ip(request))
    except DomainError as exc:
        forbid_if_not_permitted(exc)
        raise
    messages.success(request, done % {"name": target.display_name})
    return redirect("security")


@login_required
@require_POST
def unlock(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, services.account_unlock, _("已解除“%(name)s”的锁定。"))


@login_required
@require_POST
def sessions_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, services.sessions_revoke, _("已注销“%(name)s”的全部会话和API令牌。"))


@login_required
@require_POST
def policy(request: HttpRequest) -> HttpResponse:
    _require_security_admin(request)
    required = set(request.POST.getlist("require_otp"))
    unknown = required - set(Role.values)
    if unknown:
        return HttpResponse(_("角色无效。"), status=400)
    for role in Role.values:
        current = selectors.role_policies_for_user(request.user).filter(role=role).first()
        want = role in required
        if (current.require_otp if current else False) != want:
            services.role_policy_set(
                actor=request.user, role=role, require_otp=want, ip=client_ip(request)
            )
    messages.success(request, _("安全策略已保存，下次登录时生效。"))
    return redirect("security")
