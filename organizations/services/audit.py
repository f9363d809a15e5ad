"""The audit trail: one row per change (who, when, what, before, after, why, from where), and
sign-ins."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models

from organizations.models import (
    AuditLog,
    User,
)
from starrating.client import client_ip


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
