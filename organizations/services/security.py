"""The security administrator's work (三员): unlock an account locked after failed sign-ins,
and the per-role second-factor policy of their county."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from organizations.models import AuditLog, Role, RoleSecurityPolicy, User
from organizations.selectors import users_for_user
from starrating.errors import InvalidInput, NotPermitted

from .audit import audit_record


def is_security_admin(actor: User) -> bool:
    return (
        actor.is_authenticated
        and actor.is_active
        and (actor.is_superuser or actor.role == Role.SECURITY_ADMIN)
    )


def _require_security_admin(actor: User) -> None:
    if not is_security_admin(actor):
        raise NotPermitted(_("只有安全管理员可以执行此操作。"))


@transaction.atomic
def account_unlock(*, actor: User, user: User, ip: str | None = None) -> int:
    """Clear the failed sign-ins that locked ``user`` (django-axes, keyed by username).
    Returns the number of lock records removed."""
    from axes.utils import reset  # django-axes: imported here, it needs the app registry

    _require_security_admin(actor)
    if not users_for_user(actor).filter(pk=user.pk).exists():
        raise NotPermitted(_("该账号不在您的管理范围内。"))
    removed = reset(username=user.get_username())
    audit_record(
        actor=actor,
        action=AuditLog.Action.ACCOUNT_UNLOCK,
        obj=user,
        after={"attempts_cleared": removed},
        ip=ip,
    )
    return removed


@transaction.atomic
def role_policy_set(
    *, actor: User, role: str, require_otp: bool, ip: str | None = None
) -> RoleSecurityPolicy:
    """Require (or stop requiring) a TOTP second factor for one role of the actor's county."""
    _require_security_admin(actor)
    if role not in Role.values:
        raise InvalidInput(_("角色无效。"), [{"field": "role", "message": _("角色无效")}])
    if actor.county_id is None:
        raise NotPermitted(_("您的账号没有所属区县。"))
    policy, _created = RoleSecurityPolicy.objects.select_for_update().get_or_create(
        county_id=actor.county_id, role=role
    )
    before = {"require_otp": policy.require_otp}
    policy.require_otp = require_otp
    policy.save()
    audit_record(
        actor=actor,
        action=AuditLog.Action.POLICY_CHANGE,
        obj=policy,
        before=before,
        after={"require_otp": require_otp},
        ip=ip,
    )
    return policy
