"""Reads of corrections after publishing: a village's current level and correction trail, the
corrections of a round, scoped by the user."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import OuterRef, Q, QuerySet
from django.http import Http404

from assessments.models import (
    Assessment,
    HistoryImport,
    PublishedLevel,
    ResultCorrection,
    Round,
)
from organizations.models import Role, Succession, User
from organizations.selectors import COUNTY_WIDE_ROLES

from .assessments import assessment_scope_q
from .previous import previous_level


def assessment_current_level(assessment: Assessment) -> int | None:
    """The level in force now: the latest approved correction's, else the published level."""
    latest = (
        assessment.corrections.filter(status=ResultCorrection.Status.APPROVED)
        .order_by("-decided_at", "-pk")
        .values_list("new_level", flat=True)
        .first()
    )
    return assessment.level if latest is None else latest


def corrections_for_user(user: User, *, round_: Round | None = None) -> QuerySet[ResultCorrection]:
    """Corrections of the assessments ``user`` may see (another county's: not found)."""
    qs = ResultCorrection.objects.filter(assessment_scope_q(user, prefix="assessment__")).distinct()
    if user.role not in COUNTY_WIDE_ROLES:
        # A proposal is the county's internal business until a second person approves it.
        qs = qs.filter(status=ResultCorrection.Status.APPROVED)
    if round_ is not None:
        qs = qs.filter(assessment__round=round_)
    return qs.select_related(
        "assessment__round",
        "assessment__organization",
        "assessment__organization__parent",
        "proposed_by",
        "decided_by",
    )


def correction_get_for_user(*, user: User, pk: int) -> ResultCorrection:
    try:
        return corrections_for_user(user).get(pk=pk)
    except (ResultCorrection.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def corrections_by_assessment(
    assessment_ids: Iterable[int],
) -> dict[int, list[ResultCorrection]]:
    """assessment id → its corrections, oldest first (the trail), in one query."""
    found: dict[int, list[ResultCorrection]] = defaultdict(list)
    for correction in (
        ResultCorrection.objects.filter(assessment_id__in=list(assessment_ids))
        .select_related("proposed_by", "decided_by")
        .order_by("proposed_at", "pk")
    ):
        found[correction.assessment_id].append(correction)
    return found


def current_of(assessment: Assessment, trail: list[ResultCorrection]) -> int | None:
    """The current level from an already-read trail (no query)."""
    approved = [c for c in trail if c.status == ResultCorrection.Status.APPROVED]
    if not approved:
        return assessment.level
    return max(approved, key=lambda c: (c.decided_at, c.pk)).new_level


def history_imports_for_user(user: User) -> QuerySet[HistoryImport]:
    """The imports of previous years' levels of the user's county (county-wide roles)."""
    if user.role not in COUNTY_WIDE_ROLES or user.county_id is None:
        return HistoryImport.objects.none()
    return HistoryImport.objects.filter(county_id=user.county_id).select_related("imported_by")


def published_levels_for_user(user: User, *, year: int | None = None) -> QuerySet[PublishedLevel]:
    """Imported published levels of the villages ``user`` may see: a county-wide role its
    county's, a township its villages', a village its own."""
    if not user.is_authenticated or user.county_id is None:
        return PublishedLevel.objects.none()
    qs = PublishedLevel.objects.filter(county_id=user.county_id)
    if user.role in COUNTY_WIDE_ROLES:
        pass
    elif user.role == Role.TOWNSHIP_ASSESSOR:
        qs = qs.filter(organization__parent_id=user.organization_id)
    elif user.role == Role.VILLAGE_SECRETARY:
        qs = qs.filter(organization_id=user.organization_id)
    else:
        return PublishedLevel.objects.none()
    if year is not None:
        qs = qs.filter(year=year)
    return qs.select_related("organization", "organization__parent", "source")


def successions_for_user(user: User) -> QuerySet[Succession]:
    """Merges and splits of the villages of the user's county (county-wide roles)."""
    if user.role not in COUNTY_WIDE_ROLES or user.county_id is None:
        return Succession.objects.none()
    return Succession.objects.filter(successor__parent__parent_id=user.county_id).select_related(
        "predecessor", "predecessor__parent", "successor", "successor__parent", "recorded_by"
    )


def successions_of(village) -> list[Succession]:
    """The merges and splits a village took part in, as predecessor or successor."""
    return list(
        Succession.objects.filter(Q(predecessor=village) | Q(successor=village))
        .select_related("predecessor", "successor")
        .order_by("-effective_date", "-pk")
    )


def next_previous_level(village, *, county_id: int, year: int) -> int | None:
    """What rule 10 will read as the village's P in a round of ``year`` (own, corrected,
    imported or inherited): the one expression the engine uses."""
    return (
        type(village)
        .objects.filter(pk=village.pk)
        .annotate(p=previous_level(county_id=county_id, year=year, organization=OuterRef("pk")))
        .values_list("p", flat=True)
        .first()
    )
