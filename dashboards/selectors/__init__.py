"""Reads of the dashboards: the round at a glance over the user's scope, the ranking, the weakest
items, the home page. The counts they are built of are in ``counts``; a city's or province's
roll-up of its counties is in ``regions``. Callers import from here:
``from dashboards import selectors``."""

from __future__ import annotations

from decimal import Decimal

from django.db import connection
from django.db.models import Count, Q, QuerySet, Subquery, Sum

from assessments import selectors as assessment_selectors
from assessments.models import (
    Assessment,
    Finding,
    ResultTally,
    Round,
    Sheet,
    Stage,
)
from assessments.models.tallies import (
    COUNT_COLUMNS,
    COUNTS,
    contribution,
)
from assessments.selectors import (
    CHANGE_KINDS,
    assessments_for_user,
    corrections_for_user,
    round_progress,
    rounds_for_user,
    sheets_by_assessment,
)
from indicators.models import Category
from ledgers import selectors as ledger_selectors
from organizations.models import Organization, Role, User
from organizations.selectors import (
    COUNTY_WIDE_ROLES,
    name_match_q,
    townships_in_county,
    villages_for_user,
)

from .counts import (
    HISTOGRAM_BINS,
    add_counts,
    count_key,
    empty_counts,
    share,
    weakest_items_of,
)
from .regions import region_summary as region_summary
from .regions import region_years as region_years


def ranking_for_user(
    round_: Round,
    user: User,
    *,
    township_id: int | None = None,
    level: int | None = None,
    order: tuple[str, ...] = ("-composite", "-total"),
) -> QuerySet[Assessment]:
    """The rated assessments ``user`` may see, filtered and ordered for the ranking table,
    with only what the table shows: no round, no JSON of the result (joining the round made
    SQLite sort the whole round instead of reading the ranking index in order)."""
    qs = (
        assessments_for_user(user, round_=round_)
        .filter(level__isnull=False)
        .select_related(None)
        .select_related("organization__parent")
        .only(*RANKING_FIELDS)
    )
    if township_id is not None:
        qs = qs.filter(organization__parent_id=township_id)
    if level is not None:
        qs = qs.filter(level=level)
    return qs.order_by(*order, "code")


RANKING_FIELDS = (
    "organization__code",
    "organization__name",
    "organization__parent__name",
    "composite",
    "total",
    "level",
    "vetoed",
    "previous_level",
    "change",
)


def ranking_count(summary: dict, *, township_id: int | None, level: int | None) -> int:
    """How many rows ``ranking_for_user`` gives, from the dashboard's stored counts (its
    rated results, of a township, of a level): the ranking's pages need no COUNT."""
    counts = summary
    if township_id is not None:
        counts = next((t for t in summary["townships"] if t["id"] == township_id), None)
        if counts is None:
            return 0
    return counts["rated"] if level is None else counts["levels"][str(level)]


# Who may look villages up: whoever may open a village's page (county staff, evaluators,
# townships, departments, secretaries — the last only find their own village).
VILLAGE_SEARCH_ROLES = (
    Role.COUNTY_ADMIN,
    Role.AUDITOR,
    Role.EVALUATOR,
    Role.TOWNSHIP_ASSESSOR,
    Role.VILLAGE_SECRETARY,
    Role.DEPARTMENT_REVIEWER,
)


def villages_search(
    user: User, *, q: str = "", township_id: int | None = None
) -> QuerySet[Organization]:
    """The villages ``user`` may open whose name contains ``q``, whose code starts with it, or
    whose pinyin initials start with it ("hqc" → 红旗村); a township sees its own villages, the
    county its county, an evaluation-group member the villages of their groups (as the village
    page does), a village secretary their own village. Every match is a village page that opens.
    """
    qs = villages_for_user(user)
    if user.is_authenticated and user.role == Role.EVALUATOR:
        qs = qs.filter(pk__in=assessments_for_user(user).values("organization_id"))
    qs = qs.filter(name_match_q(q))
    if township_id is not None:
        qs = qs.filter(parent_id=township_id)
    return qs.select_related("parent").order_by("code", "pk")


def publicity_entries(round_: Round) -> QuerySet[Assessment]:
    """The publicity list: every assessment with a result, by township and village code."""
    return (
        round_.assessments.filter(level__isnull=False)
        .select_related("organization", "organization__parent")
        .order_by("organization__parent__code", "organization__code")
    )


def publicity_missing(round_: Round) -> list[Organization]:
    """The villages of the round left off the publicity list because they have no result yet
    (rule 0: a stage that counts is not submitted, or the survey is missing)."""
    return [
        a.organization
        for a in round_.assessments.filter(level__isnull=True)
        .select_related("organization", "organization__parent")
        .order_by("organization__parent__code", "organization__code")
    ]


def _rows(queryset: QuerySet) -> list[tuple]:
    """A ``values_list`` queryset's rows straight from the driver: the SQL Django compiles,
    without its per-row work (thousands of rows of plain integers and text here)."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _whole_townships(user: User, round_: Round) -> QuerySet[Organization] | None:
    """The townships the user sees whole (county-wide roles, a township's assessor), or None
    when the user sees only some villages (an evaluation group, a village). A township round's
    organizations hang off the county: its one group is the county, seen whole by county-wide
    roles; a township's own reader counts its own result only."""
    if round_.rates_townships:
        if user.role in COUNTY_WIDE_ROLES and user.organization_id == round_.county_id:
            return Organization.objects.filter(pk=round_.county_id)
        return None
    if user.role in COUNTY_WIDE_ROLES and user.organization_id == round_.county_id:
        return townships_in_county(round_.county_id)
    if user.role == Role.TOWNSHIP_ASSESSOR:
        return Organization.objects.filter(pk=user.organization_id)
    return None


def dashboard_summary(round_: Round, user: User, *, weakest_limit: int = 10) -> dict:
    """The round at a glance, over the assessments ``user`` may see (DOMAIN.md §3 step 6):

    - ``levels``: how many at each level 0–5 (only assessments with a result);
    - ``level_3_plus`` / ``level_4_plus`` and their shares against the round's "保三争四"
      targets; ``composite_at_least_70`` / ``composite_at_least_80``;
    - ``changes`` vs last year: promoted / demoted / same / new / stripped (see ``change_kind``);
    - ``histogram``: composites in bins of 5 points from 50 (``<50`` below);
    - ``townships``: the same counts per township, ordered by code;
    - ``weakest_items``: scored items with the lowest average share of their maximum over the
      results (the item points of rule 1), i.e. where villages lose most points.

    Read from the stored tallies (``ResultTally``, kept by the service that writes results)
    and one count of assessments per township: a few queries whatever the number of villages,
    and no score row read. Users who see only some villages (an evaluation group) get the same
    numbers computed from their villages' stored results. Decimals stay ``Decimal``.
    """
    whole = _whole_townships(user, round_)
    if whole is None:
        townships, items = _counts_of_villages(round_, user)
    else:
        county_wide = user.role != Role.TOWNSHIP_ASSESSOR
        townships, items = _counts_of_townships(round_, whole, county_wide=county_wide)
    overall = empty_counts()
    for counts in townships.values():
        add_counts(overall, counts)
    for counts in [overall, *townships.values()]:
        if "assessments" in counts:
            counts["pending"] = counts["assessments"] - counts["rated"]
        counts["share_3_plus"] = share(counts["level_3_plus"], counts["rated"])
        counts["share_4_plus"] = share(counts["level_4_plus"], counts["rated"])
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
        "weakest_items": weakest_items_of(
            {round_.catalogue_id}, items, limit=weakest_limit, categories=_frozen(round_)
        ),
        "corrections": round_corrections(round_, user),
    }


def round_corrections(round_: Round, user: User) -> list[dict]:
    """The round's corrections after publishing (动态管理) in the user's scope, oldest first:
    per correction the village, the published level, the levels before and after, who
    proposed and who approved. The counts above stay those of the published results; these
    rows show what changed since. One query, none before publishing (only a published
    result is corrected)."""
    if not round_.is_published:
        return []
    rows = []
    for c in corrections_for_user(user, round_=round_).order_by("proposed_at", "pk"):
        org = c.assessment.organization
        rows.append(
            {
                "id": c.pk,
                "assessment": c.assessment_id,
                "organization": {"id": org.pk, "code": org.code, "name": org.name},
                "township": org.parent.name if org.parent else "",
                "kind": c.kind,
                "kind_label": c.get_kind_display(),
                "published_level": c.assessment.level,
                "level_before": c.level_before,
                "new_level": c.new_level,
                "status": c.status,
                "status_label": c.get_status_display(),
                "reason": c.reason,
                "proposed_by": c.proposed_by.display_name,
                "proposed_at": c.proposed_at,
                "decided_by": c.decided_by.display_name if c.decided_by else None,
                "decided_at": c.decided_at,
            }
        )
    return rows


def _counts_of_townships(
    round_: Round, townships: QuerySet[Organization], *, county_wide: bool = False
) -> tuple[dict[int, dict], dict[str, list]]:
    """Counts per township from the tallies, and the item sums ({code: [n, total]}): over the
    whole county (``county_wide``) the round's totals kept under the county, else the sums of
    the townships' own. The counts come from each township's ``counts`` row (one short row
    each); the assessments are counted per township only where those rows do not account
    for every assessment of the round (assessments added without a recomputation)."""
    result = _stored_counts(round_, townships, county_wide=county_wide)
    tallies = ResultTally.objects.filter(round=round_, township__in=townships).order_by()
    is_item = Q(key__startswith="item:")
    if county_wide:
        sums = ResultTally.objects.filter(
            is_item, round=round_, township_id=round_.county_id
        ).values_list("key", "n", "total")
    else:
        sums = (
            tallies.filter(is_item)
            .values("key")
            .annotate(sum_n=Sum("n"), sum_total=Sum("total"))
            .values_list("key", "sum_n", "sum_total")
        )
    items = {
        key[5:]: [n, Decimal(str(total or 0)).quantize(Decimal("0.01"))]
        for key, n, total in sums.order_by()
    }
    return result, items


def _stored_counts(
    round_: Round, townships: QuerySet[Organization], *, county_wide: bool
) -> dict[int, dict]:
    """The townships' counts from their ``counts`` rows, in one read that also counts the
    round's assessments (of those townships); the rows' numbers of assessments (set by the
    last whole-round recomputation) are used when they add up to that, else the assessments
    are counted per township (one GROUP BY more)."""
    present = Assessment.objects.filter(round=round_)
    rows = ResultTally.objects.filter(round=round_, key=COUNTS)
    if county_wide:  # every assessment of the round, every township's row but the county's
        if not round_.rates_townships:  # (a township round's one group is the county)
            rows = rows.exclude(township_id=round_.county_id)
    else:
        present = present.filter(organization__parent__in=townships)
        rows = rows.filter(township__in=townships)
    rows = _rows(
        rows.order_by()
        .annotate(
            present=Subquery(present.order_by().values("round").annotate(n=Count("pk")).values("n"))
        )
        .values_list(
            "present",
            "township_id",
            "township__code",
            "township__name",
            "assessments",
            *COUNT_COLUMNS.values(),
        )
    )
    if not rows or sum(row[4] for row in rows) != (rows[0][0] or 0):
        stored = {row[1]: row for row in rows}
        zeros = [0] * len(COUNT_COLUMNS)
        rows = [
            (None, t_id, t_code, t_name, n, *stored.get(t_id, (0,) * 5 + tuple(zeros))[5:])
            for t_id, t_code, t_name, n in _rows(
                present.order_by()
                .values_list(
                    "organization__parent_id",
                    "organization__parent__code",
                    "organization__parent__name",
                )
                .annotate(n=Count("pk"))
            )
        ]
    result: dict[int, dict] = {}
    for _present, t_id, t_code, t_name, assessments, *columns in rows:
        if not assessments:
            continue  # a township without villages in the round is not listed
        levels = columns[4:10]
        # The same shape as ``_empty_counts``, filled (COUNT_COLUMNS order).
        result[t_id] = {
            "id": t_id,
            "code": t_code,
            "name": t_name,
            "assessments": assessments,
            "rated": columns[0],
            "pending": 0,
            "vetoed": columns[1],
            "levels": dict(zip(_LEVELS, levels, strict=True)),
            "level_3_plus": sum(levels[3:]),
            "level_4_plus": sum(levels[4:]),
            "composite_at_least_70": columns[2],
            "composite_at_least_80": columns[3],
            "changes": dict(zip(CHANGE_KINDS, columns[10:15], strict=True)),
            "histogram": dict(zip(HISTOGRAM_BINS, columns[15:], strict=True)),
        }
    return result


_LEVELS = [str(level) for level in range(6)]


def _counts_of_villages(round_: Round, user: User) -> tuple[dict[int, dict], dict[str, list]]:
    """The same counts from the stored results of the villages ``user`` may see (a few)."""
    result: dict[int, dict] = {}
    items: dict[str, list] = {}
    for a in assessments_for_user(user, round_=round_).order_by():
        township = a.organization.parent
        counts = result.setdefault(
            township.pk,
            {"id": township.pk, "code": township.code, "name": township.name, **empty_counts()},
        )
        counts["assessments"] += 1
        for key, (n, total) in contribution(a).items():
            if key.startswith("item:"):
                entry = items.setdefault(key[5:], [0, Decimal("0")])
                entry[0] += n
                entry[1] += total
            else:
                count_key(counts, key, n)
    return result, items


def _frozen(round_: Round) -> list[Category] | None:
    """The round's catalogue as kept in memory once frozen (past draft), if it is at hand."""
    if round_.status == Round.Status.DRAFT or not Round.catalogue.is_cached(round_):
        return None
    return assessment_selectors.frozen_catalogue_categories(round_.catalogue)


# --- the home page ---------------------------------------------------------------------------


def current_round_for_user(user: User) -> Round | None:
    """The latest round still under way, else the latest one; of one year's two, the village
    round before the township one ("village" sorts after "township", hence ``-target``)."""
    rounds = rounds_for_user(user).exclude(status=Round.Status.ARCHIVED)
    order = ("-year", "-target")
    active = rounds.exclude(status=Round.Status.PUBLISHED).order_by(*order).first()
    return active or rounds.order_by(*order).first()


def sheet_todo(user: User, round_: Round, stage: str) -> list[dict]:
    """The user's villages with their sheet of ``stage``, what still waits first."""
    assessments = list(assessments_for_user(user, round_=round_).order_by("code"))
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
    """(villages the department has not yet cleared nor found against, all villages); a
    withdrawn clearance or finding does not count (assessments.selectors.review_progress)."""
    rows = {
        r["department"]: r for r in assessment_selectors.review_progress(round_, also=(department,))
    }
    row = rows.get(department)
    if row is None:  # an account without a department has concluded on nothing
        total = round_.assessments.count()
        return total, total
    return row["left"], row["total"]


def followup_counts(user) -> dict:
    """The year-round follow-up at a glance (issue 13): ledger entries by status, overdue and
    due within 7 days; visits per township and per visitor. A fixed number of queries."""
    return {
        "ledger": ledger_selectors.ledger_counts(user),
        "visits": ledger_selectors.visit_counts(user),
    }
