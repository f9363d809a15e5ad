from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganizationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "organizations"
    verbose_name = _("组织与用户")

    def ready(self) -> None:
        from django.contrib.auth import signals

        signals.user_logged_in.connect(_logged_in, dispatch_uid="audit_login")
        signals.user_login_failed.connect(_login_failed, dispatch_uid="audit_login_failed")
        signals.user_logged_out.connect(_logged_out, dispatch_uid="audit_logout")
        # Account changes (password, role, state) are audited by the services that make them
        # (organizations.services.users): the admin and the pages have no other way to write.


def _logged_in(sender, request, user, **kwargs) -> None:
    import time

    from .middleware import LAST_SEEN, OTP_REQUIRED, SIGNED_IN_AT
    from .selectors import otp_required
    from .services import login_record

    if request is not None and hasattr(request, "session"):
        request.session[SIGNED_IN_AT] = request.session[LAST_SEEN] = time.time()
        request.session[OTP_REQUIRED] = otp_required(user)

    login_record(request=request, user=user, username=user.get_username(), success=True)


def _login_failed(sender, credentials, request=None, **kwargs) -> None:
    from .services import login_record

    login_record(
        request=request, user=None, username=credentials.get("username", ""), success=False
    )


def _logged_out(sender, request, user, **kwargs) -> None:
    from .models import AuditLog
    from .services import account_event_record

    if user is not None and user.is_authenticated:
        account_event_record(
            request=request, actor=user, action=AuditLog.Action.LOGOUT, account=user
        )
