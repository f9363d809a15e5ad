"""Reads of rounds: scoped lookups, the previous published round, when a stage closed, and each
township's progress."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count, QuerySet
from django.http import Http404

from assessments.models import Round, Sheet
from organizations.models import AuditLog, RatingTarget, Role, User

from .assessments import assessments_for_user


def rounds_for_user(user: User) -> QuerySet[Round]:
    if not user.is_authenticated or user.county_id is None:
        return Round.objects.none()
    rounds = Round.objects.filter(county_id=user.county_id)
    if user.role == Role.VILLAGE_SECRETARY:
        # A township round (镇街) rates the townships: nothing of it is a village's to read.
        rounds = rounds.filter(target=RatingTarget.VILLAGE)
    return rounds.select_related("catalogue", "county")


def round_get_for_user(*, user: User, pk: int) -> Round:
    try:
        return rounds_for_user(user).get(pk=pk)
    except (Round.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def round_get_by_year(
    *, county_id: int | None = None, year: int, target: str = RatingTarget.VILLAGE
) -> Round:
    rounds = Round.objects.filter(year=year, target=target).select_related("catalogue", "county")
    if county_id is not None:
        rounds = rounds.filter(county_id=county_id)
    found = list(rounds[:2])
    if len(found) != 1:
        raise Round.DoesNotExist(f"{year}年度评定轮次不存在或不唯一")
    return found[0]


def previous_published_round(round_: Round) -> Round | None:
    """The latest earlier published round of the same county and target (rule 10)."""
    return (
        Round.objects.filter(
            county_id=round_.county_id,
            target=round_.target,
            year__lt=round_.year,
            status__in=[Round.Status.PUBLISHED, Round.Status.ARCHIVED],
        )
        .order_by("-year")
        .first()
    )


def round_progress(round_: Round, user: User) -> list[dict]:
    """Per township in the user's scope: villages, and per stage how many sheets are not
    started / draft / submitted. Two queries whatever the number of villages."""
    scope = assessments_for_user(user, round_=round_)
    villages = (
        scope.order_by()
        .values("organization__parent_id", "organization__parent__name")
        .annotate(n=Count("pk", distinct=True))
    )
    rows = {
        v["organization__parent_id"]: {
            "township_id": v["organization__parent_id"],
            "township_name": v["organization__parent__name"],
            "villages": v["n"],
            "stages": {},
        }
        for v in villages
    }
    sheets = (
        Sheet.objects.filter(assessment__in=scope.values("pk"))
        .values("assessment__organization__parent_id", "stage", "status")
        .annotate(n=Count("pk"))
    )
    for s in sheets:
        row = rows.get(s["assessment__organization__parent_id"])
        if row is not None:
            row["stages"].setdefault(s["stage"], {})[s["status"]] = s["n"]
    for row in rows.values():
        for stage in ("self", "township", "county"):
            counts = row["stages"].setdefault(stage, {})
            draft = counts.get(Sheet.Status.DRAFT, 0)
            submitted = counts.get(Sheet.Status.SUBMITTED, 0)
            row["stages"][stage] = {
                "not_started": row["villages"] - draft - submitted,
                "draft": draft,
                "submitted": submitted,
            }
    return sorted(rows.values(), key=lambda r: r["township_name"] or "")


def stage_closed_at(round_: Round, stage: str) -> datetime | None:
    """When the round last left ``stage`` (advanced past it, or reopened an earlier stage),
    read from the audit trail; None if it never has (the stage is still to come)."""
    status = next(st for st, sg in Round.STAGE_OF_STATUS.items() if sg == stage)
    return (
        AuditLog.objects.filter(
            object_type=Round._meta.label,
            object_id=str(round_.pk),
            action__in=[AuditLog.Action.ROUND_TRANSITION, AuditLog.Action.ROUND_REOPEN],
            before__status=status,
        )
        .order_by("-at", "-id")
        .values_list("at", flat=True)
        .first()
    )
