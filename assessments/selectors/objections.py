"""Reads of publicity objections and appeals: the county's staff see all of their county's,
anyone else those they lodged."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from assessments.models import Assessment, Objection, Round
from organizations.models import Role, User


def objections_for_user(user: User) -> QuerySet[Objection]:
    if not user.is_authenticated or not user.is_active or user.county_id is None:
        return Objection.objects.none()
    if user.has_role(Role.COUNTY_ADMIN, Role.AUDITOR):
        scope = Q(round__county_id=user.county_id)
    else:
        scope = Q(lodged_by=user, round__county_id=user.county_id)
    return Objection.objects.filter(scope).select_related(
        "round", "assessment__organization__parent", "lodged_by", "handled_by"
    )


def objection_get_for_user(*, user: User, pk) -> Objection:
    try:
        return objections_for_user(user).get(pk=pk)
    except (Objection.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def objection_counts(objections: QuerySet[Objection]) -> dict[str, dict[str, int]]:
    """kind → status → count, zeros included, with a ``total`` per kind (one query)."""
    counts = {
        kind: {status: 0 for status in Objection.Status.values} | {"total": 0}
        for kind in Objection.Kind.values
    }
    for row in objections.order_by().values("kind", "status").annotate(n=Count("pk")):
        counts[row["kind"]][row["status"]] = row["n"]
        counts[row["kind"]]["total"] += row["n"]
    return counts


def objections_pending(round_: Round) -> list[dict]:
    """Unhandled objections of the round (the publishing gate of docs/scoring.md)."""
    return [
        {
            "objection": o.pk,
            "organization": o.assessment.organization.code,
            "organization_name": o.assessment.organization.name,
            "message": o.issue[:60],
        }
        for o in Objection.objects.filter(
            round=round_, kind=Objection.Kind.OBJECTION, status=Objection.Status.PENDING
        ).select_related("assessment__organization")
    ]


def objection_targets(round_: Round) -> QuerySet[Assessment]:
    """Every village of the round, for naming one in an objection (the publicity list is
    public within the county, so this is not scoped further)."""
    return (
        Assessment.objects.filter(round=round_)
        .select_related("organization__parent")
        .order_by("code")
    )
