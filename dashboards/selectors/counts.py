"""The counts a dashboard shows (levels, 保三争四 shares, changes, histogram) as plain dicts
built from stored tally keys, and the weakest items from summed item points: shared by a
county's dashboard and a region's roll-up."""

from __future__ import annotations

from decimal import Decimal

from assessments.models.tallies import HISTOGRAM_LOW, HISTOGRAM_TOP, HISTOGRAM_WIDTH
from assessments.selectors import CHANGE_KINDS
from indicators.models import Category, Item


def share(part: int, whole: int) -> Decimal | None:
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.001")) if whole else None


HISTOGRAM_BINS = [f"<{HISTOGRAM_LOW}"] + [
    str(low) for low in range(HISTOGRAM_LOW, HISTOGRAM_TOP + 1, HISTOGRAM_WIDTH)
]


def empty_counts() -> dict:
    return {
        "assessments": 0,
        "rated": 0,
        "pending": 0,
        "vetoed": 0,
        "levels": {str(level): 0 for level in range(6)},
        "level_3_plus": 0,
        "level_4_plus": 0,
        "composite_at_least_70": 0,
        "composite_at_least_80": 0,
        "changes": dict.fromkeys(CHANGE_KINDS, 0),
        "histogram": dict.fromkeys(HISTOGRAM_BINS, 0),
    }


# How each tally key adds to the counts of a township (``item:`` keys go to the items).
def count_key(counts: dict, key: str, n: int) -> None:
    if key in ("rated", "vetoed"):
        counts[key] += n
    elif key == "c70":
        counts["composite_at_least_70"] += n
    elif key == "c80":
        counts["composite_at_least_80"] += n
    else:
        kind, _, value = key.partition(":")
        if kind == "level":
            counts["levels"][value] += n
            counts["level_3_plus"] += n if int(value) >= 3 else 0
            counts["level_4_plus"] += n if int(value) >= 4 else 0
        elif kind == "change":
            counts["changes"][value] += n
        elif kind == "hist":
            counts["histogram"][value] += n


def add_counts(total: dict, counts: dict) -> None:
    """Add one township's (or county's) counts to ``total``."""
    for key in ("assessments", "rated", "vetoed", "level_3_plus", "level_4_plus"):
        total[key] += counts[key]
    for key in ("composite_at_least_70", "composite_at_least_80"):
        total[key] += counts[key]
    for group in ("levels", "changes", "histogram"):
        for key, n in counts[group].items():
            total[group][key] += n


def weakest_items_of(
    catalogue_ids: set[int],
    sums: dict[str, list],
    *,
    limit: int,
    categories: list[Category] | None = None,
) -> list[dict]:
    """Scored items by average share of their maximum over the results, lowest first. Over
    several counties (a region) an item is its code in their catalogues (a year's catalogues
    are copies of one another); the first catalogue's title and maximum name it. With the
    ``categories`` of one frozen catalogue (kept in memory) no item is read."""
    weakest, seen = [], set()
    if categories is not None:
        items = [
            item
            for category in categories
            for item in category.catalogue_items
            if item.kind == Item.Kind.SCORED
        ]
    else:
        scored = Item.objects.filter(catalogue_id__in=catalogue_ids, kind=Item.Kind.SCORED)
        items = scored.select_related("category").order_by("catalogue_id", "position")
    for item in items:
        if item.code in seen:
            continue
        seen.add(item.code)
        n, total = sums.get(item.code, (0, Decimal("0")))
        if not n or not item.max_points:
            continue
        weakest.append(
            {
                "code": item.code,
                "title": item.title,
                "category_code": item.category.code,
                "category_name": item.category.name,
                "max_points": item.max_points,
                "sheets": n,
                "average": (total / n).quantize(Decimal("0.01")),
                "share": (total / (item.max_points * n)).quantize(Decimal("0.001")),
                "_position": item.position,
            }
        )
    weakest.sort(key=lambda w: (w["share"], w["_position"], w["code"]))
    for w in weakest:
        del w["_position"]
    return weakest[:limit]
