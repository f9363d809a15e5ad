"""Reads of the tree, always scoped by the user asking (DOMAIN.md §1)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from .models import TOWNSHIP_KINDS, VILLAGE_KINDS, Organization, Role, User

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
