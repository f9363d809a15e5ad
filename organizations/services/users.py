"""Accounts managed by the system administrator (三员): create one or many, change role and
scope, disable, set expiry, reset the password; and the password and session writes every
account makes on itself. Every write: authorize by role and county, validate everything,
write in one transaction, audit with before/after and IP."""

from __future__ import annotations

import secrets
import string
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from organizations.models import (
    BUSINESS_ROLES,
    ROLE_SCOPE_KINDS,
    STAFF_ROLES,
    ApiToken,
    AuditLog,
    Department,
    Organization,
    PasswordHistory,
    Role,
    User,
)
from organizations.selectors import county_organizations, users_for_user
from starrating.errors import InvalidInput, NotPermitted, reject_unknown_fields

from .audit import AuditEntry, audit_record, audit_record_many

USERNAME_MAX = 150
AUDITED_FIELDS = (
    "username",
    "full_name",
    "role",
    "organization",
    "department",
    "phone",
    "is_active",
    "expires_on",
    "must_change_password",
)


def _snapshot(user: User) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name in AUDITED_FIELDS:
        value = getattr(user, "organization_id" if name == "organization" else name)
        data[name] = value.isoformat() if isinstance(value, date) else value
    return data


# --- who may do what ----------------------------------------------------------------------


def is_account_manager(actor: User) -> bool:
    """The system administrator (of a county, or the superuser created at install)."""
    return (
        actor.is_authenticated
        and actor.is_active
        and (actor.is_superuser or actor.role == Role.SYSTEM_ADMIN)
    )


def assignable_roles(actor: User) -> tuple[str, ...]:
    """Roles ``actor`` may give: the install superuser any; a county system administrator the
    business roles only, so no one raises an account to their own level or above (the 三员
    accounts are created by the superuser)."""
    if not is_account_manager(actor):
        return ()
    if actor.is_superuser:
        return tuple(Role.values)
    return BUSINESS_ROLES


def _require_manager(actor: User) -> None:
    if not is_account_manager(actor):
        raise NotPermitted(_("只有系统管理员可以管理用户账号。"))


def _require_target(actor: User, user: User) -> None:
    """The account is in the actor's county (never the superuser's), and not the actor's own:
    no one changes their own role, scope, state or expiry."""
    if not users_for_user(actor).filter(pk=user.pk).exists():
        raise NotPermitted(_("该账号不在您的管理范围内。"))
    if user.pk == actor.pk:
        raise NotPermitted(_("不能修改自己的账号，请联系其他系统管理员。"))
    if user.role and user.role not in assignable_roles(actor):
        raise NotPermitted(_("您不能管理该角色的账号。"))


def _validate_scope(
    actor: User, *, role: str, organization: Organization | None, department: str
) -> list[dict[str, Any]]:
    """Role assignable by the actor, organization in the actor's county at the role's level,
    a department for a department reviewer."""
    errors: list[dict[str, Any]] = []
    if role not in Role.values:
        errors.append({"field": "role", "message": _("角色无效")})
    elif role not in assignable_roles(actor):
        errors.append({"field": "role", "message": _("您不能授予该角色")})
    if organization is None:
        errors.append({"field": "organization", "message": _("请选择所属组织")})
    else:
        in_county = actor.is_superuser or (
            county_organizations(actor.county_id).filter(pk=organization.pk).exists()
        )
        if not in_county:
            errors.append({"field": "organization", "message": _("所属组织不在本区县")})
        elif role in ROLE_SCOPE_KINDS and organization.kind not in ROLE_SCOPE_KINDS[role]:
            errors.append({"field": "organization", "message": _("所属组织的层级与角色不符")})
    if role == Role.DEPARTMENT_REVIEWER and department not in Department.values:
        errors.append({"field": "department", "message": _("联审部门须选择所属部门")})
    if department and department not in Department.values:
        errors.append({"field": "department", "message": _("部门无效")})
    return errors


# --- passwords ----------------------------------------------------------------------------


def password_generate() -> str:
    """An initial password that meets every rule: 12 characters of four classes."""
    alphabet = string.ascii_letters + string.digits + "#%+=@"
    while True:
        password = "".join(secrets.choice(alphabet) for _i in range(12))
        if (
            any(c.islower() for c in password)
            and any(c.isupper() for c in password)
            and any(c.isdigit() for c in password)
            and any(not c.isalnum() for c in password)
        ):
            return password


def _revoke_tokens(user: User, now) -> int:
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=now)


def _password_set(user: User, raw: str, *, must_change: bool) -> None:
    """Set the password, keep its hash for the history rule, revoke the API tokens (a changed
    password ends every way in made with the old one; sessions end by Django's auth hash)."""
    now = timezone.now()
    user.set_password(raw)
    user.password_changed_at = now
    user.must_change_password = must_change
    user.save(update_fields=["password", "password_changed_at", "must_change_password"])
    PasswordHistory.objects.create(user=user, password=user.password)
    keep = getattr(settings, "PASSWORD_HISTORY_COUNT", 3)
    old = user.password_history.order_by("-created_at", "-id").values_list("pk", flat=True)[keep:]
    PasswordHistory.objects.filter(pk__in=list(old)).delete()
    _revoke_tokens(user, now)


def _validation_errors(raw: str, user: User | None, field: str) -> list[dict[str, Any]]:
    try:
        password_validation.validate_password(raw, user)
    except ValidationError as exc:
        return [{"field": field, "message": m} for m in exc.messages]
    return []


@transaction.atomic
def password_change(
    *, actor: User, old_password: str, new_password: str, ip: str | None = None
) -> None:
    """The account changes its own password (the page and forced change at first login)."""
    errors = []
    if not actor.check_password(old_password or ""):
        errors.append({"field": "old_password", "message": _("原密码不正确")})
    errors += _validation_errors(new_password or "", actor, "new_password")
    if errors:
        raise InvalidInput(_("密码未修改。"), errors)
    _password_set(actor, new_password, must_change=False)
    # Never the password nor its hash in the log: the event alone.
    audit_record(actor=actor, action=AuditLog.Action.PASSWORD_CHANGE, obj=actor, ip=ip)


@transaction.atomic
def user_reset_password(*, actor: User, user: User, ip: str | None = None) -> str:
    """A new initial password, shown once to the administrator; the account must change it at
    its next sign-in. Its tokens are revoked."""
    _require_manager(actor)
    _require_target(actor, user)
    password = password_generate()
    before = _snapshot(user)
    _password_set(user, password, must_change=True)
    audit_record(
        actor=actor,
        action=AuditLog.Action.PASSWORD_RESET,
        obj=user,
        before=before,
        after=_snapshot(user),
        ip=ip,
    )
    return password


# --- create ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class UserRow:
    """One account to create (one row of the bulk-creation workbook)."""

    username: str
    full_name: str = ""
    role: str = ""
    organization: Organization | None = None
    department: str = ""
    phone: str = ""
    expires_on: date | None = None
    row: int | None = None  # row number in the workbook, for messages


COLUMN_NAMES = {
    "username": "用户名",
    "full_name": "姓名",
    "role": "角色",
    "organization": "所属组织代码",
    "department": "所属部门",
    "phone": "联系电话",
    "expires_on": "有效期至",
}


def _row_errors(actor: User, row: UserRow, taken: set[str]) -> list[dict[str, Any]]:
    errors = _row_problems(actor, row, taken)
    if row.row:
        for e in errors:
            column = COLUMN_NAMES.get(e["field"], e["field"])
            e["message"] = _("第%(row)d行“%(column)s”列：%(message)s") % {
                "row": row.row,
                "column": column,
                "message": e["message"],
            }
            e["row"] = row.row
    return errors


def _row_problems(actor: User, row: UserRow, taken: set[str]) -> list[dict[str, Any]]:
    errors: list[dict[str, Any]] = []
    username = row.username.strip()
    if not username:
        errors.append({"field": "username", "message": _("用户名必填")})
    elif len(username) > USERNAME_MAX or not all(c.isalnum() or c in "@.+-_" for c in username):
        errors.append({"field": "username", "message": _("用户名只能包含字母、数字和@.+-_")})
    elif username.lower() in taken:
        errors.append({"field": "username", "message": _("用户名已存在")})
    errors += _validate_scope(
        actor,
        role=row.role,
        organization=row.organization,
        department=row.department,
    )
    if row.expires_on is not None and row.expires_on < timezone.localdate():
        errors.append({"field": "expires_on", "message": _("有效期不能早于今天")})
    return errors


def users_create(
    *, actor: User, rows: list[UserRow], ip: str | None = None
) -> list[tuple[User, str]]:
    """Create accounts all-or-nothing: every row is checked first (each problem named by row
    and column), then all are written in one transaction. Each account gets a generated initial
    password, returned once and never stored in clear, and must change it at first sign-in."""
    _require_manager(actor)
    if not rows:
        raise InvalidInput(_("没有要创建的账号。"))
    usernames = [r.username.strip() for r in rows]
    taken = {
        u.lower()
        for u in User.objects.filter(username__in=usernames).values_list("username", flat=True)
    }
    errors: list[dict[str, Any]] = []
    seen: set[str] = set()
    for row in rows:
        errors += _row_errors(actor, row, taken | seen)
        seen.add(row.username.strip().lower())
    if errors:
        raise InvalidInput(_("账号未创建：请改正以下问题后重新提交。"), errors)
    created: list[tuple[User, str]] = []
    with transaction.atomic():
        for row in rows:
            password = password_generate()
            user = User(
                username=row.username.strip(),
                full_name=row.full_name.strip(),
                role=row.role,
                organization=row.organization,
                department=row.department,
                phone=row.phone.strip(),
                expires_on=row.expires_on,
                must_change_password=True,
                is_staff=row.role in STAFF_ROLES,
            )
            user.set_password(password)
            user.password_changed_at = timezone.now()
            user.save()
            PasswordHistory.objects.create(user=user, password=user.password)
            created.append((user, password))
        audit_record_many(
            actor=actor,
            entries=[
                AuditEntry(AuditLog.Action.CREATE, user, None, _snapshot(user))
                for user, _pw in created
            ],
            ip=ip,
        )
    return created


def user_create(*, actor: User, row: UserRow, ip: str | None = None) -> tuple[User, str]:
    return users_create(actor=actor, rows=[row], ip=ip)[0]


# --- change ---------------------------------------------------------------------------------

EDITABLE = ("full_name", "phone", "role", "organization", "department", "expires_on")


@transaction.atomic
def user_update(*, actor: User, user: User, ip: str | None = None, **fields: Any) -> User:
    """Change an account's name, phone, role, organization, department or expiry date. The
    new role and organization are checked as on creation (own county, assignable role)."""
    _require_manager(actor)
    reject_unknown_fields(fields, EDITABLE)
    user = User.objects.select_for_update().get(pk=user.pk)
    _require_target(actor, user)
    before = _snapshot(user)
    role = fields.get("role", user.role)
    organization = fields.get("organization", user.organization)
    department = fields.get("department", user.department)
    errors = _validate_scope(actor, role=role, organization=organization, department=department)
    expires_on = fields.get("expires_on", user.expires_on)
    if "expires_on" in fields and expires_on is not None and expires_on < timezone.localdate():
        errors.append({"field": "expires_on", "message": _("有效期不能早于今天")})
    if errors:
        raise InvalidInput(_("账号未修改。"), errors)
    for name, value in fields.items():
        setattr(user, name, value.strip() if isinstance(value, str) else value)
    user.is_staff = user.role in STAFF_ROLES
    user.save()
    after = _snapshot(user)
    scope = ("role", "organization", "department", "is_staff")
    changed_scope = any(before.get(k) != after.get(k) for k in scope)
    audit_record(
        actor=actor,
        # 角色或权限变更 is its own event for the auditor (等保: 重要安全事件)
        action=AuditLog.Action.ROLE_CHANGE if changed_scope else AuditLog.Action.UPDATE,
        obj=user,
        before=before,
        after=after,
        ip=ip,
    )
    return user


def user_set_expiry(
    *, actor: User, user: User, expires_on: date | None, ip: str | None = None
) -> User:
    return user_update(actor=actor, user=user, expires_on=expires_on, ip=ip)


@transaction.atomic
def user_set_active(*, actor: User, user: User, active: bool, ip: str | None = None) -> User:
    """Disable (or enable again) an account. Disabling ends its sessions and revokes its API
    tokens at once; nothing is deleted."""
    _require_manager(actor)
    user = User.objects.select_for_update().get(pk=user.pk)
    _require_target(actor, user)
    before = _snapshot(user)
    now = timezone.now()
    user.is_active = active
    fields = ["is_active"]
    if not active:
        user.sessions_revoked_at = now
        fields.append("sessions_revoked_at")
        _revoke_tokens(user, now)
    user.save(update_fields=fields)
    audit_record(
        actor=actor,
        action=AuditLog.Action.UPDATE if active else AuditLog.Action.DEACTIVATE,
        obj=user,
        before=before,
        after=_snapshot(user),
        ip=ip,
    )
    return user


def _may_end_sessions(actor: User, user: User) -> bool:
    if actor.pk == user.pk:
        return True
    if actor.is_superuser:
        return True
    return actor.role == Role.SECURITY_ADMIN and users_for_user(actor).filter(pk=user.pk).exists()


@transaction.atomic
def sessions_revoke(*, actor: User, user: User, ip: str | None = None) -> int:
    """Log out everywhere: every session of ``user`` signed in before now ends at its next
    request, and every API token is revoked. The account itself, or the county's security
    administrator. Returns the number of tokens revoked."""
    if not _may_end_sessions(actor, user):
        raise NotPermitted(_("只有本人或安全管理员可以注销会话。"))
    now = timezone.now()
    User.objects.filter(pk=user.pk).update(sessions_revoked_at=now)
    user.sessions_revoked_at = now
    revoked = _revoke_tokens(user, now)
    audit_record(
        actor=actor,
        action=AuditLog.Action.SESSIONS_REVOKE,
        obj=user,
        after={"tokens_revoked": revoked},
        ip=ip,
    )
    return revoked


__all__ = [
    "UserRow",
    "assignable_roles",
    "is_account_manager",
    "password_change",
    "password_generate",
    "sessions_revoke",
    "user_create",
    "user_reset_password",
    "user_set_active",
    "user_set_expiry",
    "user_update",
    "users_create",
]
