"""Per-request security (等保2.0): the audit of every refusal, and the session controls.

``AuditMiddleware`` remembers the request for audit rows written deep in Django's own views
(password and role changes) and records every refusal (HTTP 403) of a page or an API call with
who, what and from where (安全审计: 访问控制失败事件).

``AccountSecurityMiddleware`` — session controls (会话): idle timeout, absolute lifetime,
"log out everywhere", account expiry, and the forced password change — checked on every
request of a signed-in session. Token-authenticated API requests are checked by
``organizations.api.permissions`` and the token authentication, since DRF authenticates them
after this middleware."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from starrating.client import current_request

from .passwords import password_expired
from .selectors import otp_required
from .services import permission_denied_record

SIGNED_IN_AT = "_auth_signed_in_at"  # set at sign-in (organizations.apps)
LAST_SEEN = "_auth_last_seen"
LAST_SEEN_RESOLUTION = 30  # seconds
# The county's policy for the role, read once at sign-in (a change applies at the next one).
OTP_REQUIRED = "_auth_otp_required"


def password_change_required(user) -> bool:
    return bool(user.must_change_password) or password_expired(user)


def password_change_message() -> str:
    return _("请先修改密码后再继续使用系统（首次登录、密码被重置或已超过有效期）。")


def _ended(request, message: str):
    logout(request)
    if request.path_info.startswith("/api/"):
        return JsonResponse({"message": message, "errors": []}, status=401)
    messages.warning(request, message)
    return redirect_to_login(request.get_full_path(), reverse(settings.LOGIN_URL))


class AccountSecurityMiddleware:
    """Put after AuthenticationMiddleware and MessageMiddleware."""

    # Paths a user who must change their password may still reach.
    PASSWORD_PATHS = ("password_change", "password_change_done", "logout", "login")
    OTP_PATHS = ("otp_verify", "otp_enrol", "otp_qr", "logout", "login")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.check(request)
        return response if response is not None else self.get_response(request)

    def check(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        session = request.session
        now = time.time()
        signed_in = session.get(SIGNED_IN_AT)
        if signed_in is None:
            signed_in = session[SIGNED_IN_AT] = now
        last_seen = session.get(LAST_SEEN, now)
        if user.is_expired():
            return _ended(request, _("账号已过有效期，请联系系统管理员。"))
        revoked = user.sessions_revoked_at
        if revoked is not None and revoked.timestamp() >= signed_in:
            return _ended(request, _("您的会话已被注销，请重新登录。"))
        if now - signed_in > settings.SESSION_ABSOLUTE_SECONDS:
            return _ended(request, _("登录已超过最长时限，请重新登录。"))
        if now - last_seen > settings.SESSION_IDLE_TIMEOUT:
            return _ended(request, _("长时间未操作，已自动退出，请重新登录。"))
        # Background polls (job progress) must not keep an idle session alive; and a
        # half-minute resolution spares a session write on every request.
        if not request.headers.get("X-Idle-Poll") and now - last_seen >= LAST_SEEN_RESOLUTION:
            session[LAST_SEEN] = now
        if session.get(OTP_REQUIRED) is None:
            session[OTP_REQUIRED] = otp_required(user)
        if session[OTP_REQUIRED] and not user.is_verified():
            return self.require_second_factor(request)
        if password_change_required(user):
            return self.require_password_change(request)
        return None

    def require_password_change(self, request):
        path = request.path_info
        if path.startswith("/" + settings.STATIC_URL.lstrip("/")):
            return None
        if path in {reverse(name) for name in self.PASSWORD_PATHS}:
            return None
        if path.startswith("/api/"):
            return JsonResponse(
                {"message": password_change_message(), "errors": [{"code": "password_change"}]},
                status=403,
            )
        return redirect("password_change")

    def require_second_factor(self, request):
        path = request.path_info
        if path.startswith("/" + settings.STATIC_URL.lstrip("/")):
            return None
        if path in {reverse(name) for name in self.OTP_PATHS}:
            return None
        if path.startswith("/api/"):
            return JsonResponse(
                {"message": _("您的角色要求动态口令，请先在网页上完成验证。"), "errors": []},
                status=403,
            )
        return redirect("otp_verify")


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
