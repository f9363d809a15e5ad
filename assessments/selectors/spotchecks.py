"""Reads of the random spot checks (三随机): every draw of a round (the superseded ones too) and
their villages, for the county's staff."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from assessments.models import SpotCheck, SpotCheckDraw
from organizations.models import Role, User

SPOTCHECK_ROLES = (Role.COUNTY_ADMIN, Role.AUDITOR, Role.EVALUATOR, Role.DEPARTMENT_REVIEWER)


def _county_of(user: User) -> int | None:
    if not user.is_authenticated or not user.is_active or not user.has_role(*SPOTCHECK_ROLES):
        return None
    return user.county_id


def spot_draws_for_user(user: User) -> QuerySet[SpotCheckDraw]:
    county = _county_of(user)
    if county is None:
        return SpotCheckDraw.objects.none()
    checks = SpotCheck.objects.select_related(
        "assessment__organization__parent", "checker", "item", "recorded_by"
    ).order_by("position")
    return (
        SpotCheckDraw.objects.filter(round__county_id=county)
        .select_related("round", "drawn_by")
        .prefetch_related(Prefetch("checks", queryset=checks))
    )


def spot_draw_get_for_user(*, user: User, pk) -> SpotCheckDraw:
    try:
        return spot_draws_for_user(user).get(pk=pk)
    except (SpotCheckDraw.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def spot_checks_for_user(user: User) -> QuerySet[SpotCheck]:
    county = _county_of(user)
    if county is None:
        return SpotCheck.objects.none()
    return SpotCheck.objects.filter(draw__round__county_id=county).select_related(
        "draw__round", "assessment__organization__parent", "checker", "item", "recorded_by"
    )


def spot_check_get_for_user(*, user: User, pk) -> SpotCheck:
    try:
        return spot_checks_for_user(user).get(pk=pk)
    except (SpotCheck.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def spot_checker_candidates(county_id: int) -> QuerySet[User]:
    """Who may be assigned as a checker: active county staff of the county."""
    return User.objects.filter(
        organization_id=county_id,
        is_active=True,
        role__in=(Role.COUNTY_ADMIN, Role.EVALUATOR, Role.DEPARTMENT_REVIEWER),
    ).order_by("role", "username")
