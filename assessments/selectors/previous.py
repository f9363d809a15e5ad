"""Rule 10's previous level P, as the engine reads it (docs/scoring.md, "The previous level"):

1. the previous year is the latest year before the round's with a published round of the county
   and the same target (villages, or townships) in this system, or with imported published
   history (a round here wins over history of the same year);
2. from a round, an organization's level there is its *current* level — the published level
   unless an approved correction (摘星 / 更正) changed it; from history, the imported level;
3. an organization without a level of its own that year inherits one from the organizations it
   came from (``Succession``): a split village its predecessor's level; a merged village the
   level of its largest predecessor by Party members when merged (ties: the higher level, then
   the lower code).

Each is one SQL expression over an assessment row, so ``scoring_inputs`` stays two queries."""

from __future__ import annotations

from django.db.models import Case, F, IntegerField, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.db.models.lookups import GreaterThanOrEqual

from assessments.models import Assessment, PublishedLevel, ResultCorrection, Round
from organizations.models import RatingTarget, Succession

PUBLISHED = (Round.Status.PUBLISHED, Round.Status.ARCHIVED)


def current_level() -> Coalesce:
    """An assessment row's current level: the latest approved correction's, else the stored
    (published) level."""
    return Coalesce(
        Subquery(
            ResultCorrection.objects.filter(
                assessment_id=OuterRef("pk"), status=ResultCorrection.Status.APPROVED
            )
            .order_by("-decided_at", "-pk")
            .values("new_level")[:1]
        ),
        F("level"),
    )


def _level_of(county_id: int, year: int, organization, target: str) -> Case:
    """The organization's level in the previous year (rules 1–2 of the module doc) as one
    expression: where the previous year lies is itself a subquery, so a save's statements do
    not grow (the database evaluates the uncorrelated parts once)."""
    earlier_rounds = Round.objects.filter(
        county_id=county_id, year__lt=year, status__in=PUBLISHED, target=target
    ).order_by("-year")
    round_year = Subquery(earlier_rounds.values("year")[:1])
    history_year = Subquery(
        PublishedLevel.objects.filter(county_id=county_id, year__lt=year)
        .order_by("-year")
        .values("year")[:1]
    )
    from_round = Subquery(
        Assessment.objects.filter(
            round_id=Subquery(earlier_rounds.values("pk")[:1]), organization_id=organization
        )
        .order_by()
        .annotate(current=current_level())
        .values("current")[:1]
    )
    from_history = Subquery(
        PublishedLevel.objects.filter(
            county_id=county_id, year=history_year, organization_id=organization
        )
        .order_by()
        .values("level")[:1]
    )
    return Case(
        When(GreaterThanOrEqual(round_year, Coalesce(history_year, Value(0))), then=from_round),
        default=from_history,
        output_field=IntegerField(),
    )


def previous_level(
    *, county_id: int, year: int, organization=None, target: str = RatingTarget.VILLAGE
) -> Coalesce:
    """P of the organization (by default the outer row's ``organization_id``) in a round of
    ``year`` as an expression: its own level in the previous year, else the inherited level
    (rule 3 of the module doc)."""
    organization = organization if organization is not None else OuterRef("organization_id")
    own = _level_of(county_id, year, organization, target)
    inherited = Subquery(
        Succession.objects.filter(successor_id=organization)
        .annotate(p=_level_of(county_id, year, OuterRef("predecessor_id"), target))
        .filter(p__isnull=False)
        .order_by("-predecessor_members", "-p", "predecessor__code")
        .values("p")[:1]
    )
    return Coalesce(own, inherited, output_field=IntegerField())


def round_previous_level(round_: Round) -> Coalesce:
    """Rule 10's P for the assessments of ``round_`` (an expression over an assessment row)."""
    return previous_level(county_id=round_.county_id, year=round_.year, target=round_.target)
