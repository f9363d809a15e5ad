"""A city's or province's read-only roll-up of its counties (issue 10 item 5)."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Q, Sum

from assessments.models import Assessment, ResultTally, Round
from organizations.models import RatingTarget, User
from organizations.selectors import counties_for_user

from .counts import add_counts, count_key, empty_counts, share, weakest_items_of


def region_years(user: User) -> list[int]:
    """The years of the rounds of the user's counties, latest first."""
    return sorted(
        set(
            Round.objects.filter(county__in=counties_for_user(user), target=RatingTarget.VILLAGE)
            .order_by()
            .values_list("year", flat=True)
        ),
        reverse=True,
    )


def region_summary(user: User, *, year: int, weakest_limit: int = 10) -> dict:
    """Read-only roll-ups of the counties of a city or province for one year: per county its
    round (if any), villages, the same counts as a county's dashboard, and the shares of the
    保三争四 targets; the region's totals; the weakest items over all its results. Four reads
    of stored rows (counties, rounds, assessments per round, tallies) whatever the number of
    counties or villages — no score row."""
    counties = list(counties_for_user(user).order_by("code").values_list("pk", "code", "name"))
    rounds = {
        r.county_id: r
        # The village ratings: a county's township round (镇街) is not a column of the roll-up.
        for r in Round.objects.filter(
            county_id__in=[c[0] for c in counties], year=year, target=RatingTarget.VILLAGE
        ).exclude(status=Round.Status.DRAFT)
    }
    rows: dict[int, dict] = {}
    for pk, code, name in counties:
        round_ = rounds.get(pk)
        rows[pk] = {
            "id": pk,
            "code": code,
            "name": name,
            "round": None
            if round_ is None
            else {"id": round_.pk, "status": round_.status, "name": round_.name},
            "status_label": "" if round_ is None else round_.get_status_display(),
            **empty_counts(),
        }
    by_round = {r.pk: r.county_id for r in rounds.values()}
    for round_id, n in (
        Assessment.objects.filter(round_id__in=list(by_round))
        .order_by()
        .values_list("round_id")
        .annotate(n=Count("pk"))
    ):
        rows[by_round[round_id]]["assessments"] = n
    # Each round's totals, kept under its county.
    tallies = ResultTally.objects.filter(
        round_id__in=list(by_round), township_id__in=list(by_round.values())
    ).order_by()
    is_item = Q(key__startswith="item:")
    for round_id, key, n in (
        tallies.exclude(is_item)
        .values("round_id", "key")
        .annotate(sum_n=Sum("n"))
        .values_list("round_id", "key", "sum_n")
    ):
        count_key(rows[by_round[round_id]], key, n)
    overall = empty_counts()
    for row in rows.values():
        add_counts(overall, row)
    for counts in [overall, *rows.values()]:
        counts["pending"] = counts["assessments"] - counts["rated"]
        counts["share_3_plus"] = share(counts["level_3_plus"], counts["rated"])
        counts["share_4_plus"] = share(counts["level_4_plus"], counts["rated"])
    sums = {
        key[5:]: [n, Decimal(str(total or 0)).quantize(Decimal("0.01"))]
        for key, n, total in tallies.filter(is_item)
        .values("key")
        .annotate(sum_n=Sum("n"), sum_total=Sum("total"))
        .values_list("key", "sum_n", "sum_total")
    }
    catalogue_ids = {r.catalogue_id for r in rounds.values()}
    return {
        "year": year,
        "region": {"id": user.organization_id, "name": user.organization.name},
        **overall,
        "counties": sorted(rows.values(), key=lambda r: (-(r["share_3_plus"] or -1), r["code"])),
        "weakest_items": weakest_items_of(catalogue_ids, sums, limit=weakest_limit),
    }
