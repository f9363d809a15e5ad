"""Sign-in (throttled per address; lockout per username is django-axes'), the password change
(forced at first sign-in and after a reset), "log out everywhere", and the TOTP second factor."""

from __future__ import annotations

import io
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from organizations import services
from starrating.client import client_ip
from starrating.errors import DomainError

from ..middleware import password_change_required


def _rate(rate: str) -> tuple[int, int]:
    count, _slash, period = rate.partition("/")
    seconds = {"s": 1, "m": 60, "h": 3600, "d": 86400}[period[:1]]
    return int(count), seconds


class LoginView(auth_views.LoginView):
    """Django's sign-in, with sign-in attempts per client address limited
    (``LOGIN_THROTTLE_RATE``): a generous number, since a township shares one address; the
    lockout itself is per username (django-axes)."""

    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        limit, period = _rate(settings.LOGIN_THROTTLE_RATE)
        key = f"login-throttle:{client_ip(request)}:{int(time.time() // period)}"
        cache.add(key, 0, period)
        if cache.incr(key) > limit:
            return render(
                request,
                "registration/login.html",
                {"form": self.get_form_class()(request), "throttled": True},
                status=429,
            )
        return super().post(request, *args, **kwargs)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.user, request.POST or None)
    error = None
    if request.method == "POST" and request.POST.get("new_password1") != request.POST.get(
        "new_password2"
    ):
        error = DomainError(
            _("密码未修改。"),
            [{"field": "new_password2", "message": _("两次输入的新密码不一致")}],
        )
    elif request.method == "POST":
        try:
            services.password_change(
                actor=request.user,
                old_password=request.POST.get("old_password", ""),
                new_password=request.POST.get("new_password1", ""),
                ip=client_ip(request),
            )
        except DomainError as exc:
            error = exc
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, _("密码已修改。您的API令牌已全部撤销，如需请重新创建。"))
            return redirect("password_change_done")
    return render(
        request,
        "registration/password_change.html",
        {"form": form, "error": error, "forced": password_change_required(request.user)},
        status=400 if error else 200,
    )


@login_required
@require_POST
def logout_everywhere(request: HttpRequest) -> HttpResponse:
    """End every session of the account (this one too) and revoke its API tokens."""
    services.sessions_revoke(actor=request.user, user=request.user, ip=client_ip(request))
    logout(request)
    messages.success(request, _("已退出所有设备，API令牌已全部撤销。"))
    return redirect(settings.LOGIN_URL)


# --- second factor (TOTP) -----------------------------------------------------------------


def _device(user, *, confirmed: bool) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).order_by("pk").first()


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def otp_verify(request: HttpRequest) -> HttpResponse:
    device = _device(request.user, confirmed=True)
    if device is None:
        return redirect("otp_enrol")
    error = ""
    if request.method == "POST":
        if device.verify_token((request.POST.get("token") or "").strip()):
            otp_login(request, device)
            return redirect(settings.LOGIN_REDIRECT_URL)
        error = _("动态口令不正确或已过期。")
    return render(
        request, "registration/otp_verify.html", {"error": error}, status=400 if error else 200
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def otp_enrol(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app: scan the QR code (drawn here, no outside service), then
    confirm with one code."""
    if _device(request.user, confirmed=True) is not None:
        return redirect("otp_verify")
    device = _device(request.user, confirmed=False) or TOTPDevice.objects.create(
        user=request.user, name=_("身份验证器"), confirmed=False
    )
    error = ""
    if request.method == "POST":
        if device.verify_token((request.POST.get("token") or "").strip()):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            messages.success(request, _("动态口令已绑定。"))
            return redirect(settings.LOGIN_REDIRECT_URL)
        error = _("动态口令不正确，请确认手机时间准确后重试。")
    return render(
        request,
        "registration/otp_enrol.html",
        {"error": error, "secret": device.bin_key.hex()},
        status=400 if error else 200,
    )


@never_cache
@login_required
@require_GET
def otp_qr(request: HttpRequest) -> HttpResponse:
    """The enrolment QR code as SVG, rendered locally by ``qrcode``."""
    import qrcode
    import qrcode.image.svg

    device = _device(request.user, confirmed=False)
    if device is None:
        return HttpResponse(status=404)
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    buffer = io.BytesIO()
    image.save(buffer)
    return HttpResponse(buffer.getvalue(), content_type="image/svg+xml")
