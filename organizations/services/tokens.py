"""Personal API tokens: created (the key shown once, only its hash stored) and revoked."""

from __future__ import annotations

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from organizations.models import (
    ApiToken,
    AuditLog,
    User,
)
from starrating.errors import Conflict, InvalidInput, NotPermitted

from .audit import audit_record

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
