"""What the engine reads (rules, inputs, previous levels) and what the stored results read as: one
record per assessment in the contract of docs/scoring.md, a sheet's projection, changes since
last year."""

from __future__ import annotations

import dataclasses
import decimal
from collections import defaultdict
from collections.abc import Iterable, Iterator
from decimal import Decimal

from django.db import connection
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from assessments import scoring
from assessments.models import Assessment, Finding, Round, Score, Sheet
from indicators.models import Catalogue, Category, Item
from organizations.models import User

from .assessments import assessments_for_user
from .previous import round_previous_level


def catalogue_categories(catalogue_id: int) -> list[Category]:
    """The catalogue's categories in order, each with its items in order
    (``category.catalogue_items``), read in one query."""
    categories: dict[int, Category] = {}
    for item in (
        Item.objects.filter(catalogue_id=catalogue_id).select_related("category").order_by()
    ):
        if item.category_id is None:
            continue  # veto and star-deduction items belong to no category
        category = categories.setdefault(item.category_id, item.category)
        if not hasattr(category, "catalogue_items"):
            category.catalogue_items = []
        category.catalogue_items.append(item)
    for category in categories.values():
        category.catalogue_items.sort(key=lambda i: (i.position, i.code))
    return sorted(categories.values(), key=lambda c: (c.position, c.code))


_FROZEN_CATEGORIES: dict[tuple, list[Category]] = {}
_FROZEN_KEEP = 16


def frozen_catalogue_categories(catalogue: Catalogue) -> list[Category]:
    """``catalogue_categories`` of a catalogue that no longer changes — one used by a round
    that has left draft (DOMAIN.md §2: frozen; every service refuses to edit it) — kept in
    memory between requests, keyed by the catalogue and its last change. A sheet save then
    reads no catalogue at all. Callers must not modify what they get."""
    key = (catalogue.pk, catalogue.updated_at)
    categories = _FROZEN_CATEGORIES.get(key)
    if categories is None:
        categories = catalogue_categories(catalogue.pk)
        if len(_FROZEN_CATEGORIES) >= _FROZEN_KEEP:
            _FROZEN_CATEGORIES.pop(next(iter(_FROZEN_CATEGORIES)))
        _FROZEN_CATEGORIES[key] = categories
    return categories


def round_categories(round_: Round) -> list[Category]:
    """The categories (with their items) of the round's catalogue: from memory when the round
    has left draft and came with its catalogue (``frozen_catalogue_categories``), else read."""
    if round_.status != Round.Status.DRAFT and Round.catalogue.is_cached(round_):
        return frozen_catalogue_categories(round_.catalogue)
    return catalogue_categories(round_.catalogue_id)


def round_rules(round_: Round, categories: Iterable[Category] | None = None) -> scoring.RoundRules:
    """The round's parameters and catalogue as the pure engine's rules (rules 1–12)."""
    if categories is None:
        categories = round_categories(round_)
    category_rules = []
    for category in categories:
        items = category.catalogue_items
        category_rules.append(
            scoring.CategoryRule(
                code=category.code,
                name=category.name,
                max_points=category.max_points,
                pass_points=category.resolved_pass_points(round_.pass_ratio),
                scored_items=tuple(i.code for i in items if i.kind == Item.Kind.SCORED),
                deduction_items=tuple(i.code for i in items if i.kind == Item.Kind.DEDUCTION),
            )
        )
    quotas = {5: round_.quota_5, 4: round_.quota_4}
    return scoring.RoundRules(
        categories=tuple(category_rules),
        authoritative_stage=round_.authoritative_stage,
        stage_weights=dict(round_.stage_weights) if round_.uses_stage_weights else None,
        satisfaction_weight=round_.satisfaction_weight,
        band_min={
            5: round_.band_min_5,
            4: round_.band_min_4,
            3: round_.band_min_3,
            2: round_.band_min_2,
            1: round_.band_min_1,
        },
        level_mode=round_.level_mode,
        satisfaction_floor=round_.satisfaction_floor,
        satisfaction_cap_level=round_.satisfaction_cap_level,
        max_promotion=round_.max_promotion,
        first_year_max=round_.first_year_max,
        quotas={level: q for level, q in quotas.items() if q is not None},
    )


def _confirmed(kind: str) -> Subquery:
    return Coalesce(
        Subquery(
            Finding.objects.filter(
                assessment_id=OuterRef("pk"), status=Finding.Status.CONFIRMED, item__kind=kind
            )
            .order_by()
            .values("assessment_id")
            .annotate(n=Count("pk"))
            .values("n")[:1]
        ),
        0,
    )


def scoring_inputs(
    round_: Round,
    *,
    assessment_ids: Iterable[int] | None = None,
    known_sheets: dict[str, dict[str, Decimal] | None] | None = None,
) -> list[scoring.AssessmentInput]:
    """Plain inputs for the engine in two queries whatever the size: the assessments with their
    survey, confirmed findings and previous level; then the points of their submitted sheets
    of the counting stages. ``known_sheets`` (for one assessment: the sheet a save has just
    written) gives stages already known — stage → its points if submitted, else None — which
    are not read; when it covers every counting stage the second query is skipped."""
    assessments = Assessment.objects.filter(round=round_).order_by()
    if assessment_ids is not None:
        assessments = assessments.filter(pk__in=list(assessment_ids))
    rows = list(
        assessments.annotate(
            vetoes=_confirmed(Item.Kind.VETO),
            star_deductions=_confirmed(Item.Kind.STAR_DEDUCTION),
            previous=round_previous_level(round_),
        ).values_list(
            "pk",
            "exceptional",
            "survey__respondents",
            "survey__satisfied",
            "vetoes",
            "star_deductions",
            "previous",
        )
    )

    # A submitted sheet without score rows still counts as submitted (rule 0 then reports its
    # scored items missing): the sheets are joined to their points, not the other way round.
    known_sheets = known_sheets or {}
    stages = [stage for stage in round_.counting_stages if stage not in known_sheets]
    sheets: dict[int, dict[str, dict[str, Decimal]]] = defaultdict(dict)
    for pk, *_rest in rows:
        for stage, known in known_sheets.items():
            if known is not None and stage in round_.counting_stages:
                sheets[pk][stage] = {code: quantize(v) for code, v in known.items()}
    submitted = Sheet.objects.filter(
        status=Sheet.Status.SUBMITTED,
        stage__in=stages,
        assessment__round=round_,
    ).order_by()
    if assessment_ids is not None:
        submitted = submitted.filter(assessment_id__in=[row[0] for row in rows])
    points = submitted.values_list("assessment_id", "stage", "scores__item__code", "scores__points")
    for assessment_id, stage, code, value in _rows(points) if stages else ():
        stage_points = sheets[assessment_id].setdefault(stage, {})
        if code is not None:
            stage_points[code] = value

    return [
        scoring.AssessmentInput(
            key=pk,
            sheets=sheets.get(pk, {}),
            survey=None if respondents is None else scoring.Survey(respondents, satisfied),
            veto_count=vetoes,
            star_deduction_count=star_deductions,
            previous_level=previous,
            exceptional=exceptional,
        )
        for pk, exceptional, respondents, satisfied, vetoes, star_deductions, previous in rows
    ]


def _rows(points: QuerySet) -> Iterator[tuple]:
    """The rows of a values_list ending in a points column, read through the driver's cursor
    with the points converted as Django converts them — once per distinct value (a round's
    hundreds of thousands of points take a few hundred values), not once per row."""
    sql, params = points.query.sql_with_params()
    convert = _points_converter()
    with connection.chunked_cursor() as cursor:  # server-side on PostgreSQL
        cursor.execute(sql, params)
        while chunk := cursor.fetchmany(5000):
            for *head, value in chunk:
                yield (*head, convert(value))


def _points_converter():
    """Django's conversion of a stored points value (SQLite keeps decimals as numbers:
    converted from float at 15 digits, then quantized to the field's places), memoized."""
    field = Score._meta.get_field("points")
    quantum = Decimal(1).scaleb(-field.decimal_places)
    create = decimal.Context(prec=15).create_decimal_from_float
    memo: dict = {}

    def convert(value):
        if value is None or isinstance(value, Decimal):
            return value
        result = memo.get(value)
        if result is None:
            result = memo[value] = create(value).quantize(quantum, context=field.context)
        return result

    return convert


def quantize(value: Decimal) -> Decimal:
    """Points as the database stores them (2 places)."""
    return value.quantize(Decimal("0.01"))


def _points_text(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def result_records(
    round_: Round, *, user: User | None = None, assessments: QuerySet[Assessment] | None = None
) -> list[dict]:
    """One record per assessed organization in the ``export_results`` contract format:
    decimals as 2-place strings, ``change`` an integer, or ``"new"`` without a previous level,
    and ``level``/``change`` null while there is no result yet. Scoped by ``user`` if given."""
    if assessments is None:
        assessments = (
            assessments_for_user(user, round_=round_)
            if user is not None
            else round_.assessments.select_related("organization", "organization__parent")
        )
    order = category_codes(round_)
    return [result_record(a, order=order) for a in assessments.order_by("code")]


def category_codes(round_: Round) -> list[str]:
    """The round's category codes in catalogue order. Past draft the catalogue is frozen:
    the codes come from ``frozen_catalogue_categories`` (kept in memory, no query) when the
    round's catalogue is at hand."""
    if round_.status != Round.Status.DRAFT and Round.catalogue.is_cached(round_):
        return [c.code for c in frozen_catalogue_categories(round_.catalogue)]
    return list(
        Category.objects.filter(catalogue_id=round_.catalogue_id).values_list("code", flat=True)
    )


def result_record(a: Assessment, *, order: list[str] | None = None) -> dict:
    """One assessment's record of the ``export_results`` contract (also streamed, one at a
    time, by the annual report export). ``order`` puts ``category_scores`` in catalogue order:
    PostgreSQL's jsonb keeps its own key order."""
    township = a.organization.parent
    return _record(
        a.organization.code,
        a.organization.name,
        township.code if township else None,
        township.name if township else None,
        a.category_scores,
        a.total,
        a.composite,
        a.stars_earned,
        a.level,
        a.previous_level,
        a.change,
        order=order,
    )


# What a record reads, as ``values_list`` columns (``result_record_of_row`` takes the row):
# the results API reads a page of plain rows, no model instances (three per village).
RESULT_RECORD_COLUMNS = (
    "pk",
    "organization__code",
    "organization__name",
    "organization__parent__code",
    "organization__parent__name",
    "category_scores",
    "total",
    "composite",
    "stars_earned",
    "level",
    "previous_level",
    "change",
)


def result_record_of_row(row: tuple, *, order: list[str] | None = None) -> dict:
    """``result_record`` of one ``values_list(*RESULT_RECORD_COLUMNS)`` row, with the
    assessment's id under ``assessment`` (the results API's record)."""
    return {**_record(*row[1:], order=order), "assessment": row[0]}


def _record(
    code,
    name,
    township_code,
    township_name,
    scores,
    total,
    composite,
    stars,
    level,
    previous_level,
    change,
    *,
    order: list[str] | None,
) -> dict:
    has_result = level is not None
    if not has_result:
        change = None
    elif previous_level is None:
        change = "new"
    return {
        "organization_code": code,
        "organization_name": name,
        "township_code": township_code,
        "township_name": township_name,
        "category_scores": (
            ({c: scores[c] for c in order if c in scores} if order else scores)
            if has_result
            else None
        ),
        "total": _points_text(total),
        "composite": _points_text(composite),
        "stars_earned": stars if has_result else None,
        "level": level,
        "previous_level": previous_level if has_result else None,
        "change": change,
    }


def sheet_projection(*, assessment: Assessment, stage: str, points: dict[str, Decimal]) -> dict:
    """What the one engine makes of one stage's sheet as typed so far: category subtotals,
    total and the projected level, with this stage's points taken as the item points (rule 1)
    and unfilled scored items counted as 0. Findings, the survey, the previous level and 破格
    are the assessment's own (rules 8–11); quotas (rule 12) need the round and are left out."""
    round_ = assessment.round
    rules = round_rules(round_)
    rules = dataclasses.replace(rules, authoritative_stage=stage, stage_weights=None)
    known = scoring_inputs(round_, assessment_ids=[assessment.pk])[0]
    if rules.satisfaction_weight > 0 and (known.survey is None or not known.survey.respondents):
        rules = dataclasses.replace(rules, satisfaction_weight=Decimal("0"))
    filled = {
        code: points.get(code, Decimal("0"))
        for category in rules.categories
        for code in category.scored_items
    }
    filled.update(
        {
            code: points[code]
            for category in rules.categories
            for code in category.deduction_items
            if code in points
        }
    )
    unfilled = sum(
        1 for c in rules.categories for code in c.scored_items if points.get(code) is None
    )
    inp = dataclasses.replace(known, key=assessment.pk, sheets={stage: filled})
    result = scoring.assess(rules, inp)
    return {"rules": rules, "result": result, "unfilled": unfilled}


def change_q(kind: str) -> Q:
    """A filter on Assessment selecting one ``change_kind`` (same definitions, in SQL)."""
    rated = Q(level__isnull=False)
    had = Q(previous_level__isnull=False)
    stripped = Q(level=0, previous_level__gt=0)
    return {
        "new": rated & Q(previous_level__isnull=True),
        "stripped": stripped,
        "promoted": rated & had & Q(level__gt=F("previous_level")),
        "demoted": rated & had & Q(level__lt=F("previous_level")) & ~stripped,
        "same": rated & had & Q(level=F("previous_level")),
    }[kind]
