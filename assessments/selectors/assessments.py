"""Reads of assessments, their sheets and findings, scoped by the user: another township's village
is not found (404), never "forbidden"."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import F, Q, QuerySet
from django.http import Http404

from assessments.models import Assessment, Finding, Round, Sheet
from organizations.models import Role, User
from organizations.selectors import COUNTY_WIDE_ROLES

PUBLISHED_STATUSES = (Round.Status.PUBLISHED, Round.Status.ARCHIVED)


def assessment_scope_q(user: User, *, prefix: str = "") -> Q:
    """Filter on Assessment (reached through ``prefix``) for what ``user`` may see."""
    nothing = Q(pk__in=[])
    if not user.is_authenticated or not user.is_active or user.organization_id is None:
        return nothing
    if user.role in COUNTY_WIDE_ROLES:
        return Q(**{f"{prefix}round__county_id": user.organization_id})
    if user.role == Role.EVALUATOR:
        # Groups are per round: the assessment's organization must be in one of the user's
        # groups of that same round.
        return Q(
            **{
                f"{prefix}organization__evaluation_groups__members": user,
                f"{prefix}organization__evaluation_groups__round": F(f"{prefix}round"),
            }
        )
    if user.role == Role.TOWNSHIP_ASSESSOR:
        # Its villages in village rounds; in a township round (镇街) its own published result.
        return Q(**{f"{prefix}organization__parent_id": user.organization_id}) | Q(
            **{
                f"{prefix}organization_id": user.organization_id,
                f"{prefix}round__status__in": PUBLISHED_STATUSES,
            }
        )
    if user.role == Role.VILLAGE_SECRETARY:
        return Q(**{f"{prefix}organization_id": user.organization_id})
    return nothing


def assessments_for_user(user: User, *, round_: Round | None = None) -> QuerySet[Assessment]:
    qs = Assessment.objects.filter(assessment_scope_q(user))
    if getattr(user, "role", None) == Role.EVALUATOR:
        # Only an evaluator's scope joins (through the groups) and may repeat a row; the
        # others' is a plain filter, and a DISTINCT would make every page's COUNT a subquery.
        qs = qs.distinct()
    if round_ is not None:
        qs = qs.filter(round=round_)
    return qs.select_related("organization", "organization__parent", "round")


def assessment_get_for_user(*, user: User, pk: int) -> Assessment:
    try:
        # With the round's catalogue: a sheet save needs it (and then reads no assessment).
        return assessments_for_user(user).select_related("round__catalogue").get(pk=pk)
    except (Assessment.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def sheet_scores(sheet: Sheet | None) -> dict[str, Decimal]:
    if sheet is None or sheet.pk is None:
        return {}
    return dict(sheet.scores.values_list("item__code", "points"))


def finding_get_for_user(*, user: User, pk: int) -> Finding:
    """A finding of an assessment the user may see; anything else is a 404."""
    try:
        return (
            Finding.objects.filter(assessment_scope_q(user, prefix="assessment__"))
            .select_related("assessment__round", "assessment__organization", "item")
            .distinct()
            .get(pk=pk)
        )
    except (Finding.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def sheets_by_assessment(assessment_ids: Iterable[int]) -> dict[int, dict[str, Sheet]]:
    """assessment id → stage → sheet, in one query (lists of villages with their progress)."""
    found: dict[int, dict[str, Sheet]] = defaultdict(dict)
    for sheet in Sheet.objects.filter(assessment_id__in=list(assessment_ids)):
        found[sheet.assessment_id][sheet.stage] = sheet
    return found


def findings_for_user(user: User, *, round_: Round | None = None) -> QuerySet[Finding]:
    """Findings of the assessments ``user`` may see (another township's: not found)."""
    qs = Finding.objects.filter(assessment_scope_q(user, prefix="assessment__")).distinct()
    if round_ is not None:
        qs = qs.filter(assessment__round=round_)
    return qs.select_related(
        "assessment__round", "assessment__organization", "item", "recorded_by", "confirmed_by"
    )


def confirmed_vetoes(assessment_ids: Iterable[int]) -> dict[int, list[Finding]]:
    """The confirmed veto findings (rule 11) of these assessments, with their items: the page
    names the veto item beside the 否决 mark."""
    vetoes: dict[int, list[Finding]] = defaultdict(list)
    for finding in (
        Finding.objects.filter(
            assessment_id__in=list(assessment_ids),
            status=Finding.Status.CONFIRMED,
            item__kind="veto",
        )
        .select_related("item")
        .order_by("assessment_id", "item__code", "pk")
    ):
        vetoes[finding.assessment_id].append(finding)
    return dict(vetoes)
