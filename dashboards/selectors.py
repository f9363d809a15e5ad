"""Reads of the dashboards: the round at a glance over the user's scope, the ranking, the weakest
items."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, QuerySet, Sum

from assessments.models import (
    Assessment,
    DepartmentClearance,
    Finding,
    Round,
    Score,
    Sheet,
    Stage,
)
from assessments.selectors import (
    CHANGE_KINDS,
    assessments_for_user,
    change_kind,
    round_progress,
    rounds_for_user,
    sheets_by_assessment,
)
from indicators.models import Item
from organizations.models import User


def ranking_for_user(
    round_: Round,
    user: User,
    *,
    township_id: int | None = None,
    level: int | None = None,
    order: tuple[str, ...] = ("-composite", "-total"),
) -> QuerySet[Assessment]:
    """The rated assessments ``user`` may see, filtered and ordered for the ranking table."""
    qs = assessments_for_user(user, round_=round_).filter(level__isnull=False)
    if township_id is not None:
        qs = qs.filter(organization__parent_id=township_id)
    if level is not None:
        qs = qs.filter(level=level)
    return qs.order_by(*order, "organization__code")


def _share(part: int, whole: int) -> Decimal | None:
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.001")) if whole else None


def dashboard_summary(round_: Round, user: User, *, weakest_limit: int = 10) -> dict:
    """The round at a glance, over the assessments ``user`` may see (DOMAIN.md §3 step 6):

    - ``levels``: how many at each level 0–5 (only assessments with a result);
    - ``level_3_plus`` / ``level_4_plus`` and their shares against the round's "保三争四"
      targets; ``composite_at_least_70`` / ``composite_at_least_80``;
    - ``changes`` vs last year: promoted / demoted / same / new / stripped (see ``change_kind``);
    - ``townships``: the same counts per township, ordered by code;
    - ``weakest_items``: scored items with the lowest average share of their maximum over the
      submitted sheets of the stages that count (rule 1), i.e. where villages lose most points.

    Two queries whatever the number of villages, townships, sheets or items: one over the
    assessments, one aggregate over the scores. Decimals stay ``Decimal``; callers format.
    """
    scope = assessments_for_user(user, round_=round_)
    rows = list(
        scope.order_by().values_list(
            "pk",
            "organization__parent_id",
            "organization__parent__code",
            "organization__parent__name",
            "level",
            "composite",
            "previous_level",
            "vetoed",
        )
    )

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
        }

    def add(counts: dict, level, composite, previous_level, vetoed) -> None:
        counts["assessments"] += 1
        if level is None:
            counts["pending"] += 1
            return
        counts["rated"] += 1
        counts["vetoed"] += bool(vetoed)
        counts["levels"][str(level)] += 1
        counts["level_3_plus"] += level >= 3
        counts["level_4_plus"] += level >= 4
        if composite is not None:
            counts["composite_at_least_70"] += composite >= 70
            counts["composite_at_least_80"] += composite >= 80
        counts["changes"][change_kind(level, previous_level)] += 1

    overall = empty_counts()
    townships: dict[int, dict] = {}
    for _pk, t_id, t_code, t_name, level, composite, previous_level, vetoed in rows:
        if t_id not in townships:
            townships[t_id] = {"id": t_id, "code": t_code, "name": t_name, **empty_counts()}
        add(overall, level, composite, previous_level, vetoed)
        add(townships[t_id], level, composite, previous_level, vetoed)
    for counts in [overall, *townships.values()]:
        counts["share_3_plus"] = _share(counts["level_3_plus"], counts["rated"])
        counts["share_4_plus"] = _share(counts["level_4_plus"], counts["rated"])

    return {
        "round": {
            "id": round_.pk,
            "year": round_.year,
            "name": round_.name,
            "status": round_.status,
        },
        **overall,
        "target_share_3": round_.target_share_3,
        "target_share_4": round_.target_share_4,
        "townships": sorted(townships.values(), key=lambda t: t["code"] or ""),
        "weakest_items": _weakest_items(round_, scope, limit=weakest_limit),
    }


def _weakest_items(round_: Round, scope: QuerySet[Assessment], *, limit: int) -> list[dict]:
    """Scored items by average share of their maximum, lowest first (one query). Sums are
    taken in the database and divided here in Decimal; on SQLite the sum comes back as a float
    of 2-place values, so it is rounded back to 2 places before dividing."""
    sums = (
        Score.objects.filter(
            sheet__assessment__in=scope.order_by().values("pk"),
            sheet__stage__in=round_.counting_stages,
            sheet__status=Sheet.Status.SUBMITTED,
            item__kind=Item.Kind.SCORED,
        )
        .values(
            "item__code",
            "item__title",
            "item__max_points",
            "item__position",
            "item__category__code",
            "item__category__name",
        )
        .annotate(n=Count("pk"), total=Sum("points"))
        .order_by()
    )
    weakest = []
    for row in sums:
        maximum, n = row["item__max_points"], row["n"]
        total = Decimal(str(row["total"] or 0)).quantize(Decimal("0.01"))
        weakest.append(
            {
                "code": row["item__code"],
                "title": row["item__title"],
                "category_code": row["item__category__code"],
                "category_name": row["item__category__name"],
                "max_points": maximum,
                "sheets": n,
                "average": (total / n).quantize(Decimal("0.01")),
                "share": (total / (maximum * n)).quantize(Decimal("0.001")),
                "_position": row["item__position"],
            }
        )
    weakest.sort(key=lambda w: (w["share"], w["_position"], w["code"]))
    for w in weakest:
        del w["_position"]
    return weakest[:limit]


# --- the home page ---------------------------------------------------------------------------


def current_round_for_user(user: User) -> Round | None:
    """The latest round still under way, else the latest one."""
    rounds = rounds_for_user(user).exclude(status=Round.Status.ARCHIVED)
    active = rounds.exclude(status=Round.Status.PUBLISHED).order_by("-year").first()
    return active or rounds.order_by("-year").first()


def sheet_todo(user: User, round_: Round, stage: str) -> list[dict]:
    """The user's villages with their sheet of ``stage``, what still waits first."""
    assessments = list(assessments_for_user(user, round_=round_).order_by("organization__code"))
    sheets = sheets_by_assessment(a.pk for a in assessments)
    rows = []
    for a in assessments:
        sheet = sheets.get(a.pk, {}).get(stage)
        rows.append(
            {
                "assessment": a,
                "sheet": sheet,
                "status": sheet.get_status_display() if sheet else "未开始",
                "done": bool(sheet and sheet.is_submitted),
            }
        )
    rows.sort(key=lambda r: r["done"])
    return rows


def admin_waiting(round_: Round, user: User) -> dict:
    """What waits for a county admin: pending findings, township progress, the open stage."""
    waiting: dict = {
        "pending_findings": Finding.objects.filter(
            assessment__round=round_, status=Finding.Status.PENDING
        ).count(),
        "progress": round_progress(round_, user),
    }
    open_stage = round_.open_stage
    if open_stage:
        submitted = Sheet.objects.filter(
            assessment__round=round_, stage=open_stage, status=Sheet.Status.SUBMITTED
        ).count()
        waiting["open_stage"] = {
            "label": Stage(open_stage).label,
            "submitted": submitted,
            "total": round_.assessments.count(),
        }
    return waiting


def review_left(round_: Round, department: str) -> tuple[int, int]:
    """(villages the department has not yet cleared nor found against, all villages)."""
    total = round_.assessments.count()
    done = (
        DepartmentClearance.objects.filter(assessment__round=round_, department=department).count()
        + Finding.objects.filter(assessment__round=round_, department=department)
        .exclude(status=Finding.Status.WITHDRAWN)
        .values("assessment_id")
        .distinct()
        .count()
    )
    return max(total - done, 0), total
