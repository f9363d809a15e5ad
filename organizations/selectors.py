"""Reads of the tree, always scoped by the user asking (DOMAIN.md §1)."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import (
    TARGET_KINDS,
    TOWNSHIP_KINDS,
    VILLAGE_KINDS,
    ApiToken,
    AuditLog,
    Organization,
    RatingTarget,
    Role,
    RoleSecurityPolicy,
    User,
)

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


def rated_in_county_q(
    county_id: int | None, target: str = RatingTarget.VILLAGE, *, prefix: str = ""
) -> Q:
    """Organizations (reached through ``prefix``) a round of ``target`` rates in one county:
    its villages and communities (their grandparent is the county), or its townships and
    streets (their parent is). The one place that knows where an assessed organization's
    county lies in the tree."""
    if county_id is None:
        return Q(pk__in=[])
    up = "parent_id" if target == RatingTarget.TOWNSHIP else "parent__parent_id"
    return Q(**{f"{prefix}kind__in": TARGET_KINDS[target], f"{prefix}{up}": county_id})


def rated_in_county(
    county_id: int | None, target: str = RatingTarget.VILLAGE
) -> QuerySet[Organization]:
    """The organizations a round of ``target`` rates in the county (active or not)."""
    return Organization.objects.filter(rated_in_county_q(county_id, target))


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


def name_match_q(q: str, *, prefix: str = "") -> Q:
    """Organizations (reached through ``prefix``) whose name contains ``q``, whose code starts
    with it, or whose pinyin initials start with it ("hqc" → 红旗村)."""
    # NUL can be typed into a URL but cannot be compared in PostgreSQL text.
    q = (q or "").replace("\x00", "").strip()[:50]
    if not q:
        return Q()
    match = Q(**{f"{prefix}name__icontains": q}) | Q(**{f"{prefix}code__startswith": q})
    if q.isascii() and q.isalnum():
        match |= Q(**{f"{prefix}name_initials__startswith": q.lower()})
    return match


def villages_for_user(user: User) -> QuerySet[Organization]:
    return Organization.objects.filter(kind__in=VILLAGE_KINDS).filter(village_scope_q(user))


def rated_organizations_for_user(user: User) -> QuerySet[Organization]:
    """Organizations whose rating page ``user`` may open: the villages they see, and the
    townships rated in township rounds (镇街) — the county's, for county-wide roles and
    evaluation groups (their rounds' assessments narrow it further), a township's own for its
    assessor. Which rounds' results show is the assessments' scope."""
    townships = Q(pk__in=[])
    if user.is_authenticated and user.is_active and user.organization_id is not None:
        if user.role in COUNTY_WIDE_ROLES or user.role == Role.EVALUATOR:
            townships = rated_in_county_q(user.organization_id, RatingTarget.TOWNSHIP)
        elif user.role == Role.TOWNSHIP_ASSESSOR:
            townships = Q(pk=user.organization_id)
    return Organization.objects.filter(
        (Q(kind__in=VILLAGE_KINDS) & village_scope_q(user)) | townships
    )


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

# Who reads the audit log (三员: the security auditor and the read-only auditor; the IT
# administrator, a superuser, sees every county; who changes scores does not). Nobody can
# write to it here.
AUDIT_READER_ROLES = (Role.AUDITOR, Role.AUDIT_ADMIN)

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
            field = model._meta.get_field(key)
        except FieldDoesNotExist:
            pass
        else:  # a reverse relation (a snapshot's list of children) is named by their model
            label = getattr(field, "verbose_name", None)
            return str(label or field.related_model._meta.verbose_name_plural)
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


# Snapshot keys that are not fields of the audited model but name another model's choices
# (a finding's "kind" is its item's kind): where to find their Chinese labels.
VALUE_CHOICES_FROM = {
    "kind": "indicators.Item",
    "stage": "assessments.Sheet",
    "department": "organizations.User",
    "role": "organizations.User",
}


def _choice_labels(model, key: str) -> dict:
    """The Chinese label of each stored value of ``key``: the audited model's own field's
    choices, else those of the model ``VALUE_CHOICES_FROM`` names; empty when none."""
    for candidate in (model, VALUE_CHOICES_FROM.get(key)):
        if isinstance(candidate, str):
            try:
                candidate = apps.get_model(candidate)
            except LookupError:
                continue
        if candidate is None:
            continue
        try:
            field = candidate._meta.get_field(key)
        except FieldDoesNotExist:
            continue
        if getattr(field, "choices", None):
            return {str(value): str(label) for value, label in field.flatchoices}
    return {}


def _labelled(labels: dict, value: Any) -> Any:
    if labels and isinstance(value, str | int) and not isinstance(value, bool):
        return labels.get(str(value), value)
    if labels and isinstance(value, list):
        return "、".join(str(labels.get(str(v), v)) for v in value)
    return value


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
        labels = _choice_labels(model, key)
        lines.append(
            {
                "field": _field_label(model, key),
                "old": _shown(_labelled(labels, old)),
                "new": _shown(_labelled(labels, new)),
            }
        )
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


# --- accounts (三员: the system and security administrators see their county's accounts) ---

ACCOUNT_MANAGERS = (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN)


def county_tree_q(county_id: int | None, *, prefix: str = "") -> Q:
    """Organizations of one county's tree: the county, its townships, their villages."""
    if county_id is None:
        return Q(pk__in=[])
    return (
        Q(**{f"{prefix}pk": county_id})
        | Q(**{f"{prefix}parent_id": county_id})
        | Q(**{f"{prefix}parent__parent_id": county_id})
    )


def county_organizations(county_id: int | None) -> QuerySet[Organization]:
    """The whole tree of one county (an account's organization must be chosen from it)."""
    return Organization.objects.filter(county_tree_q(county_id)).select_related("parent")


def organizations_for_accounts(user: User) -> QuerySet[Organization]:
    """Where ``user`` may place accounts: their county's tree (anywhere, for the superuser)."""
    if user.is_authenticated and user.is_superuser:
        return Organization.objects.select_related("parent")
    return county_organizations(user.county_id)


def users_for_user(user: User) -> QuerySet[User]:
    """The accounts ``user`` may see and manage: those of their own county, for the system and
    security administrators; every account for the superuser created at install; their own
    account for everyone else."""
    if not user.is_authenticated or not user.is_active:
        return User.objects.none()
    qs = User.objects.select_related("organization", "organization__parent")
    if user.is_superuser:
        return qs
    if user.role in ACCOUNT_MANAGERS and user.county_id is not None:
        # The install superuser is nobody's to manage but its own.
        return qs.filter(county_tree_q(user.county_id, prefix="organization__")).filter(
            is_superuser=False
        )
    return qs.filter(pk=user.pk)


def user_get_for_user(*, user: User, pk: int) -> User:
    try:
        return users_for_user(user).get(pk=pk)
    except (User.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def users_search(
    user: User,
    *,
    search: str = "",
    role: str = "",
    township: int | None = None,
    active: bool | None = None,
) -> QuerySet[User]:
    """The user-management list: search by username, name or organization; filter by role,
    township (the township and its villages) and state."""
    qs = users_for_user(user)
    # NUL can be typed into a URL but cannot be stored or compared in PostgreSQL text.
    search = (search or "").replace("\x00", "").strip()
    role = (role or "").replace("\x00", "")
    if search:
        qs = qs.filter(
            Q(username__icontains=search)
            | Q(full_name__icontains=search)
            | Q(organization__name__icontains=search)
            | Q(organization__code__startswith=search)
        )
    if role:
        qs = qs.filter(role=role)
    if township:
        qs = qs.filter(Q(organization_id=township) | Q(organization__parent_id=township))
    if active is not None:
        qs = qs.filter(is_active=active)
    return qs.order_by("username", "pk")


def audit_log_for_user(user: User) -> QuerySet[AuditLog]:
    """The audit rows the admin panel shows ``user``: the audit page's (``audit_for_user``)."""
    return audit_for_user(user)


def api_tokens_for_user(user: User) -> QuerySet[ApiToken]:
    """Tokens of the accounts ``user`` may manage (their own only, for everyone else)."""
    return ApiToken.objects.filter(user__in=users_for_user(user).values("pk")).select_related(
        "user"
    )


def role_policies_for_user(user: User) -> QuerySet[RoleSecurityPolicy]:
    if not user.is_authenticated or user.county_id is None:
        return RoleSecurityPolicy.objects.none()
    if user.is_superuser:
        return RoleSecurityPolicy.objects.all()
    return RoleSecurityPolicy.objects.filter(county_id=user.county_id)


def otp_required(user: User) -> bool:
    """Whether the county's security policy requires a second factor for ``user``'s role."""
    if not user.role or user.county_id is None:
        return False
    return RoleSecurityPolicy.objects.filter(
        county_id=user.county_id, role=user.role, require_otp=True
    ).exists()
