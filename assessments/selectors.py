"""Reads shared by the API, the pages, the exports and the recalculation.

Every lookup by id goes through a ``*_for_user`` selector that scopes by the user: another
township's village is simply not found (404), never "forbidden".
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet, Sum
from django.http import Http404

from indicators.models import Category, Item
from organizations.models import AuditLog, Role, User
from organizations.selectors import COUNTY_WIDE_ROLES

from . import scoring
from .models import Assessment, Finding, Round, SatisfactionSurvey, Score, Sheet

# --- rounds -------------------------------------------------------------------------------


def rounds_for_user(user: User) -> QuerySet[Round]:
    if not user.is_authenticated or user.county_id is None:
        return Round.objects.none()
    return Round.objects.filter(county_id=user.county_id).select_related("catalogue", "county")


def round_get_for_user(*, user: User, pk: int) -> Round:
    try:
        return rounds_for_user(user).get(pk=pk)
    except (Round.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def round_get_by_year(*, county_id: int | None = None, year: int) -> Round:
    rounds = Round.objects.filter(year=year).select_related("catalogue", "county")
    if county_id is not None:
        rounds = rounds.filter(county_id=county_id)
    found = list(rounds[:2])
    if len(found) != 1:
        raise Round.DoesNotExist(f"{year}年度评定轮次不存在或不唯一")
    return found[0]


def previous_published_round(round_: Round) -> Round | None:
    """The latest earlier published round of the same county (rule 10)."""
    return (
        Round.objects.filter(
            county_id=round_.county_id,
            year__lt=round_.year,
            status__in=[Round.Status.PUBLISHED, Round.Status.ARCHIVED],
        )
        .order_by("-year")
        .first()
    )


# --- assessments --------------------------------------------------------------------------


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
        return Q(**{f"{prefix}organization__parent_id": user.organization_id})
    if user.role == Role.VILLAGE_SECRETARY:
        return Q(**{f"{prefix}organization_id": user.organization_id})
    return nothing


def assessments_for_user(user: User, *, round_: Round | None = None) -> QuerySet[Assessment]:
    qs = Assessment.objects.filter(assessment_scope_q(user)).distinct()
    if round_ is not None:
        qs = qs.filter(round=round_)
    return qs.select_related("organization", "organization__parent", "round")


def assessment_get_for_user(*, user: User, pk: int) -> Assessment:
    try:
        return assessments_for_user(user).get(pk=pk)
    except (Assessment.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def sheet_scores(sheet: Sheet | None) -> dict[str, Decimal]:
    if sheet is None or sheet.pk is None:
        return {}
    return dict(sheet.scores.values_list("item__code", "points"))


# --- scoring inputs -----------------------------------------------------------------------


def catalogue_categories(catalogue_id: int) -> list[Category]:
    return list(Category.objects.filter(catalogue_id=catalogue_id).prefetch_related("items"))


def round_rules(round_: Round, categories: Iterable[Category] | None = None) -> scoring.RoundRules:
    """The round's parameters and catalogue as the pure engine's rules (rules 1–12)."""
    if categories is None:
        categories = catalogue_categories(round_.catalogue_id)
    category_rules = []
    for category in categories:
        items = sorted(category.items.all(), key=lambda i: (i.position, i.code))
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


def previous_levels(round_: Round) -> dict[int, int]:
    """organization id → level in the latest earlier published round (rule 10)."""
    previous = previous_published_round(round_)
    if previous is None:
        return {}
    return dict(
        previous.assessments.filter(level__isnull=False).values_list("organization_id", "level")
    )


def scoring_inputs(
    round_: Round, *, assessment_ids: Iterable[int] | None = None
) -> list[scoring.AssessmentInput]:
    """Plain inputs for the engine, read with a fixed number of queries whatever the size."""
    in_scope = Q(assessment__round=round_)
    assessments = round_.assessments.all()
    if assessment_ids is not None:
        assessment_ids = list(assessment_ids)
        assessments = assessments.filter(pk__in=assessment_ids)
        in_scope &= Q(assessment_id__in=assessment_ids)
    rows = list(assessments.values_list("pk", "organization_id", "exceptional"))

    # A submitted sheet without score rows still counts as submitted (rule 0 then reports its
    # scored items missing), so the sheets are read apart from their scores.
    submitted = Sheet.objects.filter(
        in_scope, status=Sheet.Status.SUBMITTED, stage__in=round_.counting_stages
    )
    sheets: dict[int, dict[str, dict[str, Decimal]]] = defaultdict(dict)
    for assessment_id, stage in submitted.values_list("assessment_id", "stage"):
        sheets[assessment_id][stage] = {}
    scores = Score.objects.filter(sheet__in=submitted).values_list(
        "sheet__assessment_id", "sheet__stage", "item__code", "points"
    )
    for assessment_id, stage, code, points in scores.iterator(chunk_size=5000):
        sheets[assessment_id][stage][code] = points

    confirmed = Finding.objects.filter(in_scope, status=Finding.Status.CONFIRMED)
    findings = {
        (assessment_id, kind): n
        for assessment_id, kind, n in confirmed.values("assessment_id", "item__kind")
        .annotate(n=Count("pk"))
        .values_list("assessment_id", "item__kind", "n")
    }
    surveys = {
        assessment_id: scoring.Survey(respondents=r, satisfied=s)
        for assessment_id, r, s in SatisfactionSurvey.objects.filter(in_scope).values_list(
            "assessment_id", "respondents", "satisfied"
        )
    }
    prev = previous_levels(round_)
    return [
        scoring.AssessmentInput(
            key=pk,
            sheets=sheets.get(pk, {}),
            survey=surveys.get(pk),
            veto_count=findings.get((pk, Item.Kind.VETO), 0),
            star_deduction_count=findings.get((pk, Item.Kind.STAR_DEDUCTION), 0),
            previous_level=prev.get(org_id),
            exceptional=exceptional,
        )
        for pk, org_id, exceptional in rows
    ]


# --- results ------------------------------------------------------------------------------


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
    return [result_record(a, order=order) for a in assessments.order_by("organization__code")]


def category_codes(round_: Round) -> list[str]:
    """The round's category codes in catalogue order."""
    return list(
        Category.objects.filter(catalogue_id=round_.catalogue_id).values_list("code", flat=True)
    )


def result_record(a: Assessment, *, order: list[str] | None = None) -> dict:
    """One assessment's record of the ``export_results`` contract (also streamed, one at a
    time, by the annual report export). ``order`` puts ``category_scores`` in catalogue order:
    PostgreSQL's jsonb keeps its own key order."""
    has_result = a.level is not None
    if not has_result:
        change = None
    elif a.previous_level is None:
        change = "new"
    else:
        change = a.change
    township = a.organization.parent
    return {
        "organization_code": a.organization.code,
        "organization_name": a.organization.name,
        "township_code": township.code if township else None,
        "township_name": township.name if township else None,
        "category_scores": (
            (
                {c: a.category_scores[c] for c in order if c in a.category_scores}
                if order
                else a.category_scores
            )
            if has_result
            else None
        ),
        "total": _points_text(a.total),
        "composite": _points_text(a.composite),
        "stars_earned": a.stars_earned if has_result else None,
        "level": a.level,
        "previous_level": a.previous_level if has_result else None,
        "change": change,
    }


# --- web pages ----------------------------------------------------------------------------


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


def sheets_by_assessment(assessment_ids: Iterable[int]) -> dict[int, dict[str, Sheet]]:
    """assessment id → stage → sheet, in one query (lists of villages with their progress)."""
    found: dict[int, dict[str, Sheet]] = defaultdict(dict)
    for sheet in Sheet.objects.filter(assessment_id__in=list(assessment_ids)):
        found[sheet.assessment_id][sheet.stage] = sheet
    return found


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


# --- API reads ----------------------------------------------------------------------------


def findings_for_user(user: User, *, round_: Round | None = None) -> QuerySet[Finding]:
    """Findings of the assessments ``user`` may see (another township's: not found)."""
    qs = Finding.objects.filter(assessment_scope_q(user, prefix="assessment__")).distinct()
    if round_ is not None:
        qs = qs.filter(assessment__round=round_)
    return qs.select_related(
        "assessment__round", "assessment__organization", "item", "recorded_by", "confirmed_by"
    )


CHANGE_KINDS = ("promoted", "demoted", "same", "new", "stripped")


def change_kind(level: int | None, previous_level: int | None) -> str | None:
    """How a result moved since last year: ``new`` without a previous level; ``stripped``
    (摘星) when a starred organization falls to 0 stars; else promoted / demoted / same.
    None while there is no result."""
    if level is None:
        return None
    if previous_level is None:
        return "new"
    if level == 0 and previous_level > 0:
        return "stripped"
    if level > previous_level:
        return "promoted"
    if level < previous_level:
        return "demoted"
    return "same"


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
