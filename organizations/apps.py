from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Changes to these fields of an account are role changes (DOMAIN.md §1, 三员分立).
ROLE_FIELDS = ("role", "organization_id", "department", "is_staff", "is_superuser", "is_active")


class OrganizationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "organizations"
    verbose_name = _("组织与用户")

    def ready(self) -> None:
        from django.contrib.auth import signals
        from django.db.models.signals import post_save, pre_save

        from .models import User

        signals.user_logged_in.connect(_logged_in, dispatch_uid="audit_login")
        signals.user_login_failed.connect(_login_failed, dispatch_uid="audit_login_failed")
        signals.user_logged_out.connect(_logged_out, dispatch_uid="audit_logout")
        # Account changes are audited wherever they are made (Django's password views, the
        # admin, user-management pages, the shell): a signal is the one place all of them pass.
        pre_save.connect(_account_before, sender=User, dispatch_uid="audit_account_before")
        post_save.connect(_account_after, sender=User, dispatch_uid="audit_account_after")


def _logged_in(sender, request, user, **kwargs) -> None:
    from .services import login_record

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


def _account_before(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    """Note what is about to change: a new password (``set_password`` keeps the raw one until
    saved; a hash upgrade at sign-in clears it, and is not a change) and the role fields."""
    instance._audit_password = instance._password is not None and not raw
    instance._audit_roles = None
    if raw or instance.pk is None:
        return
    fields = ROLE_FIELDS
    if update_fields is not None:
        named = set(update_fields)
        fields = tuple(f for f in ROLE_FIELDS if {f, f.removesuffix("_id")} & named)
    if fields:
        instance._audit_roles = sender.objects.filter(pk=instance.pk).values(*fields).first()


def _account_after(sender, instance, created, raw=False, **kwargs) -> None:
    from starrating.client import current_request

    from .models import AuditLog
    from .services import account_event_record

    if raw:
        return
    request = current_request.get()
    user = getattr(request, "user", None)
    actor = user if user is not None and user.is_authenticated else None
    if getattr(instance, "_audit_password", False) and not created:
        self_change = actor is not None and actor.pk == instance.pk
        account_event_record(
            request=request,
            actor=actor,
            action=(
                AuditLog.Action.PASSWORD_CHANGE if self_change else AuditLog.Action.PASSWORD_RESET
            ),
            account=instance,
        )
    old = getattr(instance, "_audit_roles", None)
    if old:
        changed = [k for k, v in old.items() if getattr(instance, k) != v]
        if changed:
            account_event_record(
                request=request,
                actor=actor,
                action=AuditLog.Action.ROLE_CHANGE,
                account=instance,
                before={k.removesuffix("_id"): old[k] for k in changed},
                after={k.removesuffix("_id"): getattr(instance, k) for k in changed},
            )
    instance._audit_password = False
    instance._audit_roles = None
