"""Writes owned by the organizations app: the audit log."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from starrating.client import client_ip
from starrating.errors import Conflict, InvalidInput, NotPermitted

from ..models import ApiToken, AuditLog, User


@dataclass(frozen=True)
class AuditEntry:
    """One audit record to write; ``before``/``after`` are JSON-ready dicts."""

    action: str
    obj: models.Model
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    reason: str = ""


def _actor_fields(actor: User | None) -> dict[str, Any]:
    if actor is None or not actor.is_authenticated:
        return {"actor": None, "actor_name": "系统"}
    return {"actor": actor, "actor_name": f"{actor.display_name}（{actor.username}）"}


def _entry_to_row(entry: AuditEntry, *, actor_fields: dict[str, Any], ip: str | None) -> AuditLog:
    obj = entry.obj
    return AuditLog(
        **actor_fields,
        action=entry.action,
        object_type=obj._meta.label,
        object_id=str(obj.pk),
        object_repr=str(obj)[:255],
        before=entry.before,
        after=entry.after,
        reason=entry.reason,
        ip_address=ip,
    )


def audit_record(
    *,
    actor: User | None,
    action: str,
    obj: models.Model,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
    ip: str | None = None,
) -> AuditLog:
    """Write one audit record. Call inside the same transaction as the change it records."""
    return audit_record_many(
        actor=actor, entries=[AuditEntry(action, obj, before, after, reason)], ip=ip
    )[0]


def audit_record_many(
    *, actor: User | None, entries: Iterable[AuditEntry], ip: str | None = None
) -> list[AuditLog]:
    """Write many audit records with one query (a round recalculation touches hundreds)."""
    fields = _actor_fields(actor)
    rows = [_entry_to_row(e, actor_fields=fields, ip=ip) for e in entries]
    return AuditLog.objects.bulk_create(rows)


# --- API tokens ----------------------------------------------------------------------------

TOKEN_PREFIX = "sr_"


def api_token_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def api_token_create(*, actor: User, name: str, ip: str | None = None) -> tuple[ApiToken, str]:
    """Create a personal token for ``actor``; returns the row and the key, which is shown once
    and never stored (only its SHA-256 hash is)."""
    name = (name or "").strip()
    if not name:
        raise InvalidInput(_("请填写令牌名称。"), [{"field": "name", "message": _("必填")}])
    if len(name) > 100:
        raise InvalidInput(_("令牌名称过长。"), [{"field": "name", "message": _("最多100个字符")}])
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=actor, name=name, prefix=key[:11], key_hash=api_token_hash(key)
        )
        audit_record(
            actor=actor,
            action=AuditLog.Action.CREATE,
            obj=token,
            after={"name": token.name, "prefix": token.prefix},
            ip=ip,
        )
    return token, key


def api_token_revoke(*, actor: User, token: ApiToken, ip: str | None = None) -> ApiToken:
    """Revoke one of the actor's own tokens; it stops working at once. Kept for the audit."""
    if token.user_id != actor.pk:
        raise NotPermitted(_("只能撤销自己的令牌。"))
    if token.revoked_at is not None:
        raise Conflict(_("该令牌已撤销。"))
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor,
            action=AuditLog.Action.DEACTIVATE,
            obj=token,
            before={"revoked_at": None},
            after={"revoked_at": token.revoked_at.isoformat()},
            ip=ip,
        )
    return token


def login_record(*, request: Any, user: User | None, username: str, success: bool) -> AuditLog:
    """Audit a sign-in attempt (connected to Django's auth signals in ``apps.py``)."""
    ip = client_ip(request)
    return AuditLog.objects.create(
        **_actor_fields(user if success else None),
        action=AuditLog.Action.LOGIN if success else AuditLog.Action.LOGIN_FAILED,
        object_type=User._meta.label,
        object_id=str(user.pk) if user is not None else "",
        object_repr=(username or "")[:255],
        ip_address=ip,
    )


from .tree_import import OrganizationRow, organizations_import  # noqa: E402

__all__ = [
    "AuditEntry",
    "OrganizationRow",
    "api_token_create",
    "api_token_hash",
    "api_token_revoke",
    "audit_record",
    "audit_record_many",
    "login_record",
    "organizations_import",
]
