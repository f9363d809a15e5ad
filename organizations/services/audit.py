"""The audit trail: one row per change (who, when, what, before, after, why, from where), and
sign-ins."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from organizations.models import (
    AUDIT_RETENTION_DAYS,
    TOWNSHIP_KINDS,
    VILLAGE_KINDS,
    AppendOnlyError,
    AuditLog,
    Organization,
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


def _organization_id_of(obj: models.Model) -> int | None:
    """The organization an audited object belongs to, without a query where the path is cached:
    an Organization itself, an Assessment's (or anything hanging off one), a User's, a Round's
    county."""
    if isinstance(obj, Organization):
        return obj.pk
    if getattr(obj, "assessment_id", None) is not None:
        return obj.assessment.organization_id
    if getattr(obj, "sheet_id", None) is not None:
        return obj.sheet.assessment.organization_id
    for attr in ("organization_id", "county_id"):
        value = obj.__dict__.get(attr)  # fields only: User.county_id is a property
        if value is not None:
            return value
    return None


def _cached(obj: models.Model, name: str) -> models.Model | None:
    """A related object already loaded on ``obj`` (never a query)."""
    return obj._state.fields_cache.get(name) if obj is not None else None


def _cached_scope(obj: models.Model) -> tuple[int, int] | None:
    """(county, village) of an assessment's record when its village and round are already
    loaded — the hot path of a sheet save costs no lookup. In a township round (镇街) the
    assessed township stands where the village does (its page reads its score history)."""
    assessment = obj if obj._meta.model_name == "assessment" else _cached(obj, "assessment")
    if assessment is None and _cached(obj, "sheet") is not None:
        assessment = _cached(_cached(obj, "sheet"), "assessment")
    if assessment is None:
        return None
    village, round_ = _cached(assessment, "organization"), _cached(assessment, "round")
    if village is None or round_ is None or village.kind not in (*VILLAGE_KINDS, *TOWNSHIP_KINDS):
        return None
    return round_.county_id, village.pk


def _scopes(entries: list[AuditEntry], actor: User | None) -> list[tuple[int | None, int | None]]:
    """(county id, village id) of each entry, with at most one query for the whole batch: the
    auditor page is scoped by county, a village's score history by village."""
    cached = [_cached_scope(e.obj) for e in entries]
    org_ids = [
        None if scope is not None else _organization_id_of(e.obj)
        for e, scope in zip(entries, cached, strict=True)
    ]
    known = {pk for pk in org_ids if pk is not None}
    tree = {}
    if known:
        tree = {
            pk: (kind, parent, grandparent)
            for pk, kind, parent, grandparent in Organization.objects.filter(
                pk__in=known
            ).values_list("pk", "kind", "parent_id", "parent__parent_id")
        }
    fallback: list[int | None] = []

    def actor_county() -> int | None:
        if not fallback:
            fallback.append(
                actor.county_id if actor is not None and actor.is_authenticated else None
            )
        return fallback[0]

    scopes = []
    for pk, scope in zip(org_ids, cached, strict=True):
        if scope is not None:
            scopes.append(scope)
            continue
        if pk not in tree:
            scopes.append((actor_county(), None))
            continue
        kind, parent, grandparent = tree[pk]
        if kind == Organization.Kind.COUNTY:
            scopes.append((pk, None))
        elif kind in VILLAGE_KINDS:
            scopes.append((grandparent, pk))
        else:
            scopes.append((parent, None))
    return scopes


def _entry_to_row(
    entry: AuditEntry,
    *,
    actor_fields: dict[str, Any],
    ip: str | None,
    scope: tuple[int | None, int | None] = (None, None),
) -> AuditLog:
    obj = entry.obj
    return AuditLog(
        county_id=scope[0],
        village_id=scope[1],
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
    entries = list(entries)
    fields = _actor_fields(actor)
    scopes = _scopes(entries, actor)
    rows = [
        _entry_to_row(e, actor_fields=fields, ip=ip, scope=scope)
        for e, scope in zip(entries, scopes, strict=True)
    ]
    return AuditLog.objects.bulk_create(rows)


def login_record(*, request: Any, user: User | None, username: str, success: bool) -> AuditLog:
    """Audit a sign-in attempt (connected to Django's auth signals in ``apps.py``). A failed
    attempt on an existing account is filed under that account's county, so its auditor sees
    it; an unknown name is visible to the IT administrator only."""
    return account_event_record(
        request=request,
        actor=user if success else None,
        action=AuditLog.Action.LOGIN if success else AuditLog.Action.LOGIN_FAILED,
        account=user or User.objects.filter(username=username).first(),
        username=username,
    )


def account_event_record(
    *,
    request: Any,
    actor: User | None,
    action: str,
    account: User | None,
    username: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    ip: str | None = None,
) -> AuditLog:
    """Audit a security event about one account: sign-in, sign-out, failed sign-in, password
    change or reset, role change. The row is filed under the account's county."""
    county_id = account.county_id if account is not None else None
    return AuditLog.objects.create(
        **_actor_fields(actor),
        action=action,
        object_type=User._meta.label,
        object_id=str(account.pk) if account is not None else "",
        object_repr=(username or (account.get_username() if account else ""))[:255],
        before=before,
        after=after,
        ip_address=ip or client_ip(request),
        county_id=county_id,
    )


def permission_denied_record(*, request: Any, reason: str = "") -> AuditLog:
    """Audit a refused request (HTTP 403 on a page or the API): who, what path, from where."""
    user = getattr(request, "user", None)
    actor = user if user is not None and user.is_authenticated else None
    return AuditLog.objects.create(
        **_actor_fields(actor),
        action=AuditLog.Action.PERMISSION_DENIED,
        object_type="http.Request",
        object_id=request.method[:64],
        object_repr=request.get_full_path()[:255],
        reason=reason[:1000],
        ip_address=client_ip(request),
        county_id=actor.county_id if actor is not None else None,
    )


def audit_purge(*, days: int, actor: User | None = None) -> int:
    """Delete audit rows older than ``days`` (at least ``AUDIT_RETENTION_DAYS``) and record the
    purge itself, in one transaction. The only deletion path of the audit log (``purge_audit``).
    """
    if days < AUDIT_RETENTION_DAYS:
        raise AppendOnlyError(
            f"Audit rows are kept at least {AUDIT_RETENTION_DAYS} days (asked: {days})."
        )
    cutoff = timezone.now() - timedelta(days=days)
    with transaction.atomic():
        deleted = AuditLog.objects.purge_older_than(cutoff)
        AuditLog.objects.create(
            **_actor_fields(actor),
            action=AuditLog.Action.AUDIT_PURGE,
            object_type=AuditLog._meta.label,
            object_id="",
            object_repr=f"< {timezone.localtime(cutoff):%Y-%m-%d %H:%M:%S}",
            after={"deleted": deleted, "days": days},
        )
    return deleted


def audit_export_record(*, actor: User, filters: dict[str, Any], rows: int, ip: str | None) -> None:
    """Reading the audit log out of the system is itself audited (who took which rows)."""
    AuditLog.objects.create(
        **_actor_fields(actor),
        action=AuditLog.Action.EXPORT,
        object_type=AuditLog._meta.label,
        object_id="",
        object_repr=str(AuditLog._meta.verbose_name),
        after={"rows": rows, **{k: str(v) for k, v in filters.items() if v}},
        ip_address=ip,
        county_id=actor.county_id,
    )
