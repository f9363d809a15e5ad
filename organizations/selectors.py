"""Reads of the tree, always scoped by the user asking (DOMAIN.md §1)."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import TOWNSHIP_KINDS, VILLAGE_KINDS, AuditLog, Organization, Role, User

COUNTY_WIDE_ROLES = (
    Role.COUNTY_ADMIN,
    Role.AUDITOR,
    Role.DEPARTMENT_REVIEWER,
    Role.INDICATOR_MAINTAINER,
)


def villages_in_county(county_id: int) -> QuerySet[Organization]:
    return Organization.objects.filter(kind__in=VILLAGE_KINDS, parent__parent_id=county_id)


def townships_in_county(county_id: int) -> QuerySet[Organization]:
    return Organization.objects.filter(kind__in=TOWNSHIP_KINDS, parent_id=county_id)


def village_scope_q(user: User, *, prefix: str = "") -> Q:
    """A filter selecting the villages ``user`` may see, on a model reached through ``prefix``.

    ``prefix`` is the path to an Organization (``"organization__"`` from an Assessment, ``""``
    on Organization itself). Evaluation-group members are scoped per round by the assessments
    app; here they see their county.
    """
    nothing = Q(pk__in=[])
    if not user.is_authenticated or not user.is_active or user.organization_id is None:
        return nothing
    if user.role in COUNTY_WIDE_ROLES or user.role == Role.EVALUATOR:
        return Q(**{f"{prefix}parent__parent_id": user.organization_id})
    if user.role == Role.TOWNSHIP_ASSESSOR:
        return Q(**{f"{prefix}parent_id": user.organization_id})
    if user.role == Role.VILLAGE_SECRETARY:
        return Q(**{f"{prefix}pk": user.organization_id})
    return nothing


def villages_for_user(user: User) -> QuerySet[Organization]:
    return Organization.objects.filter(kind__in=VILLAGE_KINDS).filter(village_scope_q(user))


def townships_for_user(user: User) -> QuerySet[Organization]:
    """Townships whose villages the user may see (their own only, for a township assessor)."""
    if not user.is_authenticated or user.organization_id is None:
        return Organization.objects.none()
    if user.role == Role.TOWNSHIP_ASSESSOR:
        return Organization.objects.filter(pk=user.organization_id)
    if user.role == Role.VILLAGE_SECRETARY:
        return Organization.objects.filter(children__pk=user.organization_id)
    return townships_in_county(user.county_id) if user.county_id else Organization.objects.none()


def organizations_for_user(user: User) -> QuerySet[Organization]:
    """The part of the tree ``user`` may see: their county node, the townships whose villages
    they see, and those villages (a township assessor sees only their own branch)."""
    if not user.is_authenticated or not user.is_active or user.county_id is None:
        return Organization.objects.none()
    township_ids = townships_for_user(user).values("pk")
    villages = Q(kind__in=VILLAGE_KINDS) & village_scope_q(user)
    return Organization.objects.filter(
        Q(pk=user.county_id) | Q(pk__in=township_ids) | villages
    ).select_related("parent")


# --- the audit log ---------------------------------------------------------------------------

# Who reads the audit log (三员: the security auditor reads it; the county admin may look, read
# only; the IT administrator, a superuser, sees every county). Nobody can write to it here.
AUDIT_READER_ROLES = (Role.AUDITOR, Role.COUNTY_ADMIN)

# Object types that are not models.
OBJECT_TYPE_LABELS = {"http.Request": gettext_lazy("请求")}


def can_read_audit(user: User) -> bool:
    return user.is_authenticated and (user.is_superuser or user.has_role(*AUDIT_READER_ROLES))


def audit_for_user(user: User) -> QuerySet[AuditLog]:
    """The audit rows ``user`` may read: their county's, or all for the IT administrator."""
    if not user.is_authenticated or not user.is_active:
        return AuditLog.objects.none()
    if user.is_superuser:
        return AuditLog.objects.all()
    if user.role not in AUDIT_READER_ROLES or user.county_id is None:
        return AuditLog.objects.none()
    return AuditLog.objects.filter(county_id=user.county_id)


def audit_filter(
    qs: QuerySet[AuditLog],
    *,
    actor: str = "",
    action: str = "",
    object_type: str = "",
    village: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[AuditLog]:
    """Narrow the rows; dates are local (Asia/Shanghai) calendar days, both ends included."""
    if actor:
        qs = qs.filter(Q(actor_name__icontains=actor) | Q(actor__username=actor))
    if action:
        qs = qs.filter(action=action)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if village:
        qs = qs.filter(village_id=village)
    zone = timezone.get_current_timezone()
    if date_from:
        qs = qs.filter(at__gte=datetime.combine(date_from, time.min, tzinfo=zone))
    if date_to:
        qs = qs.filter(at__lt=datetime.combine(date_to + timedelta(days=1), time.min, tzinfo=zone))
    return qs.select_related("village")


def object_type_label(label: str) -> str:
    """``assessments.Sheet`` → 评分表: the model's Chinese name."""
    if label in OBJECT_TYPE_LABELS:
        return str(OBJECT_TYPE_LABELS[label])
    try:
        return str(apps.get_model(label)._meta.verbose_name)
    except (LookupError, ValueError):
        return label


def audit_object_types(qs: QuerySet[AuditLog]) -> list[tuple[str, str]]:
    """(label, Chinese name) of the object types present, for the filter's choices."""
    labels = qs.order_by().values_list("object_type", flat=True).distinct()
    return sorted(((t, object_type_label(t)) for t in labels), key=lambda pair: pair[1])


def _field_label(model, key: str) -> str:
    if model is not None:
        try:
            return str(model._meta.get_field(key).verbose_name)
        except FieldDoesNotExist:
            pass
    return str(FIELD_LABELS.get(key, key))


FIELD_LABELS = {
    "version": gettext_lazy("版本"),
    "scores": gettext_lazy("评分"),
    "kind": gettext_lazy("类型"),
    "parameters": gettext_lazy("参数"),
    "deleted": gettext_lazy("删除条数"),
    "days": gettext_lazy("天数"),
    "organization": gettext_lazy("所属组织"),
    "stage": gettext_lazy("阶段"),
}


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def audit_diff(entry: AuditLog) -> list[dict[str, str]]:
    """Before/after as readable lines: field label, old → new (changed fields only when both
    sides are known). Scores expand to one line per item code."""
    before, after = entry.before or {}, entry.after or {}
    if not isinstance(before, dict) or not isinstance(after, dict):
        return [{"field": "", "old": _shown(before or None), "new": _shown(after or None)}]
    try:
        model = apps.get_model(entry.object_type)
    except (LookupError, ValueError):
        model = None
    lines = []
    for key in list(dict.fromkeys([*before, *after])):
        old, new = before.get(key), after.get(key)
        if key == "scores" and isinstance(old or {}, dict) and isinstance(new or {}, dict):
            old, new = old or {}, new or {}
            for code in sorted(set(old) | set(new)):
                if old.get(code) != new.get(code):
                    lines.append(
                        {
                            "field": f"{_('评分')} {code}",
                            "old": _shown(old.get(code)),
                            "new": _shown(new.get(code)),
                        }
                    )
            continue
        if before and after and old == new:
            continue
        lines.append({"field": _field_label(model, key), "old": _shown(old), "new": _shown(new)})
    return lines


def counties_for_user(user: User) -> QuerySet[Organization]:
    """The counties whose roll-ups a city's or province's organization department reads: those
    under its city, or under the cities of its province (codes nest: a county's code starts
    with its city's four digits and its province's two)."""
    if not user.has_role(Role.REGION_VIEWER) or user.organization is None:
        return Organization.objects.none()
    region = user.organization
    under = Q(parent=region) | Q(parent__parent=region)
    return Organization.objects.filter(under, kind=Organization.Kind.COUNTY, is_active=True)
