"""The scoring engine: the star-rating rules of DOMAIN.md §4, as stated in docs/scoring.md.

A pure function of plain data. No Django, no ORM, no I/O: the API, the web pages, the exports and
the recalculation task all call this one engine, so it must stay importable and testable on its
own. All arithmetic is in ``Decimal``; floats are refused at the boundary.

Use :func:`score_round` for a whole round (rules 0-13). :func:`assess` scores one assessment
(rules 0-11 and 13) and :func:`apply_quotas` applies rule 12 across a round's results. Every
result carries a trail of :class:`Step` explaining how its level came about.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, ROUND_HALF_EVEN, ROUND_HALF_UP, Context, Decimal, localcontext
from types import MappingProxyType

STAGES = ("self", "township", "county")
LEVEL_MODES = ("total", "stars", "both")
LEVELS = (5, 4, 3, 2, 1)
MAX_LEVEL = 5
QUOTA_LEVELS = (5, 4)
TWO_PLACES = Decimal("0.01")
DEFAULT_BAND_MIN: Mapping[int, Decimal] = MappingProxyType(
    {5: Decimal("90"), 4: Decimal("80"), 3: Decimal("70"), 2: Decimal("60"), 1: Decimal("0")}
)

_ZERO = Decimal("0")
_ONE = Decimal("1")
_HUNDRED = Decimal("100")
# A fixed context, so that a caller's changed precision can never alter a result. 28 digits keep
# every sum and product of 2-place points exact; the only inexact step is the survey division.
_CONTEXT = Context(prec=28, rounding=ROUND_HALF_EVEN)


def quantize(value: Decimal) -> Decimal:
    """Round half up to 2 decimal places ("round" throughout docs/scoring.md)."""
    return value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def _decimal(value: object, what: str) -> Decimal:
    # Floats would bring binary rounding into money-like points: refuse them outright.
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"{what} must be a Decimal, got {value!r}")
    result = Decimal(value)
    if not result.is_finite():
        raise ValueError(f"{what} must be a finite number, got {value!r}")
    return result


def _integer(value: object, what: str, low: int, high: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{what} must be an int, got {value!r}")
    if value < low or (high is not None and value > high):
        bound = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise ValueError(f"{what} must be {bound}, got {value}")
    return value


def _fraction(value: object, what: str) -> Decimal:
    result = _decimal(value, what)
    if not _ZERO <= result <= _ONE:
        raise ValueError(f"{what} must be between 0 and 1, got {result}")
    return result


def _stars(level: int) -> str:
    return f"{level}★"


# --- configuration -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CategoryRule:
    """One catalogue category (a star): its items and its pass line (rules 2 and 6)."""

    code: str
    name: str
    max_points: Decimal
    pass_points: Decimal
    scored_items: tuple[str, ...]
    deduction_items: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.code:
            raise ValueError("category code must not be empty")
        max_points = _decimal(self.max_points, f"category {self.code} max_points")
        pass_points = _decimal(self.pass_points, f"category {self.code} pass_points")
        if max_points < 0:
            raise ValueError(f"category {self.code} max_points must not be negative")
        if not _ZERO <= pass_points <= max_points:
            raise ValueError(
                f"category {self.code} pass_points must be between 0 and max_points "
                f"({max_points}), got {pass_points}"
            )
        scored, deductions = tuple(self.scored_items), tuple(self.deduction_items)
        codes = scored + deductions
        duplicates = sorted({code for code in codes if codes.count(code) > 1})
        if duplicates:
            raise ValueError(f"category {self.code} lists items more than once: {duplicates}")
        object.__setattr__(self, "max_points", max_points)
        object.__setattr__(self, "pass_points", pass_points)
        object.__setattr__(self, "scored_items", scored)
        object.__setattr__(self, "deduction_items", deductions)


@dataclass(frozen=True)
class RoundRules:
    """The star rules of one round (DOMAIN.md §4, docs/scoring.md "Configuration").

    Validated on construction: a bad configuration raises ``ValueError`` (``TypeError`` for a
    float or other non-Decimal number) with a message naming the setting.
    """

    categories: tuple[CategoryRule, ...]
    authoritative_stage: str = "county"
    stage_weights: Mapping[str, Decimal] | None = None
    satisfaction_weight: Decimal = Decimal("0")
    band_min: Mapping[int, Decimal] = field(default_factory=lambda: dict(DEFAULT_BAND_MIN))
    level_mode: str = "both"
    satisfaction_floor: Decimal = Decimal("0.6")
    satisfaction_cap_level: int = 2
    max_promotion: int = 1
    first_year_max: int = 5
    quotas: Mapping[int, Decimal] = field(default_factory=dict)

    def __post_init__(self) -> None:
        categories = tuple(self.categories)
        if not 1 <= len(categories) <= MAX_LEVEL:
            # With more than five categories "stars earned" could exceed five stars.
            raise ValueError(f"a round needs 1 to {MAX_LEVEL} categories, got {len(categories)}")
        codes = [category.code for category in categories]
        if len(set(codes)) != len(codes):
            raise ValueError(f"category codes must be unique, got {codes}")
        items = [
            item
            for category in categories
            for item in category.scored_items + category.deduction_items
        ]
        repeated = sorted({item for item in items if items.count(item) > 1})
        if repeated:
            raise ValueError(f"item codes must be unique across categories, repeated: {repeated}")
        object.__setattr__(self, "categories", categories)

        if self.authoritative_stage not in STAGES:
            raise ValueError(
                f"authoritative_stage must be one of {STAGES}, got {self.authoritative_stage!r}"
            )
        if self.stage_weights is not None:
            weights = {}
            for stage, weight in self.stage_weights.items():
                if stage not in STAGES:
                    raise ValueError(f"stage_weights: unknown stage {stage!r}, not in {STAGES}")
                weights[stage] = _fraction(weight, f"stage weight of {stage}")
            if sum(weights.values(), _ZERO) != _ONE:
                raise ValueError(
                    f"stage_weights must sum to 1, got {sum(weights.values(), _ZERO)} "
                    f"({', '.join(f'{s} {w}' for s, w in weights.items())})"
                )
            object.__setattr__(self, "stage_weights", weights)

        object.__setattr__(
            self,
            "satisfaction_weight",
            _fraction(self.satisfaction_weight, "satisfaction_weight"),
        )
        if set(self.band_min) != set(LEVELS):
            raise ValueError(
                "band_min must give a minimum for each level 1-5, "
                f"got levels {sorted(self.band_min)}"
            )
        band_min = {}
        for level in LEVELS:
            minimum = _decimal(self.band_min[level], f"band_min[{level}]")
            if not _ZERO <= minimum <= _HUNDRED:
                raise ValueError(f"band_min[{level}] must be between 0 and 100, got {minimum}")
            band_min[level] = minimum
        object.__setattr__(self, "band_min", band_min)

        if self.level_mode not in LEVEL_MODES:
            raise ValueError(f"level_mode must be one of {LEVEL_MODES}, got {self.level_mode!r}")
        object.__setattr__(
            self, "satisfaction_floor", _fraction(self.satisfaction_floor, "satisfaction_floor")
        )
        _integer(self.satisfaction_cap_level, "satisfaction_cap_level", 0, MAX_LEVEL)
        _integer(self.max_promotion, "max_promotion", 0)
        _integer(self.first_year_max, "first_year_max", 0, MAX_LEVEL)

        quotas = {}
        for level, share in self.quotas.items():
            if level not in QUOTA_LEVELS:
                raise ValueError(f"quotas apply to levels 5 and 4 only, got level {level!r}")
            quotas[level] = _fraction(share, f"quota for level {level}")
        object.__setattr__(self, "quotas", quotas)

    def counting_stages(self) -> tuple[str, ...]:
        """The stages whose sheets count (rule 1): weight > 0, or the authoritative stage."""
        if self.stage_weights is None:
            return (self.authoritative_stage,)
        return tuple(stage for stage in STAGES if self.stage_weights.get(stage, _ZERO) > 0)

    def stage_weight(self, stage: str) -> Decimal:
        """The weight of a stage's points in the item points (rule 1)."""
        if self.stage_weights is None:
            return _ONE if stage == self.authoritative_stage else _ZERO
        return self.stage_weights.get(stage, _ZERO)


# --- inputs --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Survey:
    """A satisfaction survey (满意度测评): used by rules 4 and 8."""

    respondents: int
    satisfied: int

    def __post_init__(self) -> None:
        _integer(self.respondents, "survey respondents", 0)
        _integer(self.satisfied, "survey satisfied", 0, self.respondents)

    @property
    def rate(self) -> Decimal:
        """satisfied / respondents, exact up to 28 digits; rounded only in the composite."""
        if self.respondents == 0:
            raise ValueError("a survey with no respondents has no satisfaction rate")
        with localcontext(_CONTEXT):
            return Decimal(self.satisfied) / Decimal(self.respondents)


@dataclass(frozen=True)
class AssessmentInput:
    """Everything the engine needs about one assessment (one organization in one round).

    ``sheets`` holds only submitted sheets: stage -> item code -> points (≤ 2 decimals, already
    validated against the item maxima). ``veto_count`` and ``star_deduction_count`` count
    *confirmed* findings only (rule 0).
    """

    key: Hashable
    sheets: Mapping[str, Mapping[str, Decimal | None]]
    survey: Survey | None = None
    veto_count: int = 0
    star_deduction_count: int = 0
    previous_level: int | None = None
    exceptional: bool = False

    def __post_init__(self) -> None:
        _integer(self.veto_count, "veto_count", 0)
        _integer(self.star_deduction_count, "star_deduction_count", 0)
        if self.previous_level is not None:
            _integer(self.previous_level, "previous_level", 0, MAX_LEVEL)


# --- results -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One line of the audit trail explaining the level: which rule, the level after it, why."""

    rule: int
    level: int
    note: str


@dataclass(frozen=True)
class AssessmentResult:
    """The computed result of one assessment; see docs/scoring.md for each field's rule."""

    key: Hashable
    item_points: Mapping[str, Decimal]
    category_scores: Mapping[str, Decimal]
    total: Decimal
    composite: Decimal
    band_level: int
    stars_earned: tuple[str, ...]
    base_level: int
    level: int
    previous_level: int | None
    change: int | None
    vetoed: bool
    steps: tuple[Step, ...]

    @property
    def is_new(self) -> bool:
        """No previous level: the change is "new" (rule 13)."""
        return self.previous_level is None

    @property
    def stars_count(self) -> int:
        """E of rule 6."""
        return len(self.stars_earned)


# --- rule 0 --------------------------------------------------------------------------------------


def missing_inputs(rules: RoundRules, inp: AssessmentInput) -> list[str]:
    """Why the assessment has no result yet (rule 0); empty when it can be scored.

    Every counting stage (rule 1) needs a submitted sheet with a value for every scored item;
    deduction items may be absent (they count as 0). When the satisfaction weight is above 0
    (rule 4) a survey with at least one respondent is needed too.
    """
    reasons = []
    for stage in rules.counting_stages():
        sheet = inp.sheets.get(stage)
        if sheet is None:
            reasons.append(f"{stage} sheet missing")
            continue
        for category in rules.categories:
            for item in category.scored_items:
                if sheet.get(item) is None:
                    reasons.append(f"{stage} sheet: scored item {item} missing")
    if rules.satisfaction_weight > 0:
        if inp.survey is None:
            reasons.append(
                f"satisfaction survey missing (satisfaction weight {rules.satisfaction_weight})"
            )
        elif inp.survey.respondents == 0:
            reasons.append("satisfaction survey has no respondents")
    return reasons


# --- rules 1-4: points ---------------------------------------------------------------------------


def item_points(
    rules: RoundRules, sheets: Mapping[str, Mapping[str, Decimal | None]]
) -> dict[str, Decimal]:
    """Rule 1: each item's points, from the authoritative stage or the weighted stages.

    With stage weights, item points = round(Σ w_s · p_s) over the counting stages, rounded per
    item. A deduction item absent from a sheet counts as 0 (rule 0). Assumes complete inputs
    (see :func:`missing_inputs`).
    """
    points = {}
    stages = rules.counting_stages()
    for category in rules.categories:
        for item in category.scored_items + category.deduction_items:
            weighted = _ZERO
            for stage in stages:
                entered = sheets[stage].get(item)
                value = _ZERO if entered is None else _decimal(entered, f"{stage} {item}")
                weighted += rules.stage_weight(stage) * value
            points[item] = quantize(weighted)
    return points


def category_score(category: CategoryRule, points: Mapping[str, Decimal]) -> Decimal:
    """Rule 2: S_c = Σ scored − Σ deductions, clamped to [0, max_c]."""
    scored = sum((points[item] for item in category.scored_items), _ZERO)
    deducted = sum((points[item] for item in category.deduction_items), _ZERO)
    return quantize(min(max(scored - deducted, _ZERO), category.max_points))


def total_score(scores: Mapping[str, Decimal]) -> Decimal:
    """Rule 3: T = Σ S_c."""
    return quantize(sum(scores.values(), _ZERO))


def composite_score(rules: RoundRules, total: Decimal, survey: Survey | None) -> Decimal:
    """Rule 4: C = round((1 − w)·T + w·100·rate); C = T when w = 0.

    Computed as one exact fraction ((1 − w)·T·n + w·100·s) / n, so the only rounding is the
    final half-up to 2 places.
    """
    weight = rules.satisfaction_weight
    if weight == 0:
        return total
    if survey is None or survey.respondents == 0:
        raise ValueError("rule 4: a survey with respondents is required when w > 0")
    with localcontext(_CONTEXT):
        respondents = Decimal(survey.respondents)
        numerator = (_ONE - weight) * total * respondents + weight * _HUNDRED * survey.satisfied
        return quantize(numerator / respondents)


# --- rules 5-11: the level -----------------------------------------------------------------------


def band_level(rules: RoundRules, composite: Decimal) -> int:
    """Rule 5: B = the highest L in 5..1 with C ≥ band_min[L]; 0 if none."""
    for level in LEVELS:
        if composite >= rules.band_min[level]:
            return level
    return 0


def stars_earned(rules: RoundRules, scores: Mapping[str, Decimal]) -> tuple[str, ...]:
    """Rule 6: the categories with S_c ≥ pass_c, by code in catalogue order; E = their number."""
    return tuple(c.code for c in rules.categories if scores[c.code] >= c.pass_points)


def base_level(rules: RoundRules, band: int, earned: int) -> int:
    """Rule 7: by mode, ``total`` → B, ``stars`` → E, ``both`` → min(B, E)."""
    if rules.level_mode == "total":
        return band
    if rules.level_mode == "stars":
        return earned
    return min(band, earned)


def _base_steps(
    rules: RoundRules, composite: Decimal, band: int, earned: tuple[str, ...], base: int
) -> list[Step]:
    """Rules 5-7 in the trail: only the inputs the mode uses, then the base level."""
    steps = []
    if rules.level_mode in ("total", "both"):
        if band:
            note = f"band: composite {composite} ≥ {rules.band_min[band]} → {band}"
        else:
            note = f"band: composite {composite} below every band minimum → 0"
        steps.append(Step(rule=5, level=band, note=note))
    if rules.level_mode in ("stars", "both"):
        names = ", ".join(earned) if earned else "none"
        note = f"stars earned {len(earned)} of {len(rules.categories)}: {names}"
        steps.append(Step(rule=6, level=len(earned), note=note))
    if rules.level_mode == "both":
        note = f"base level (mode both): min(band {band}, stars {len(earned)}) → {base}"
    elif rules.level_mode == "total":
        note = f"base level (mode total): band {band} → {base}"
    else:
        note = f"base level (mode stars): stars {len(earned)} → {base}"
    steps.append(Step(rule=7, level=base, note=note))
    return steps


def satisfaction_cap(
    rules: RoundRules, level: int, survey: Survey | None
) -> tuple[int, Step | None]:
    """Rule 8: with a survey and satisfied < floor · respondents, level ≤ the cap level.

    Applies whenever a survey exists, whatever the satisfaction weight. Compared exactly, without
    dividing: 60 satisfied of 100 is not below a floor of 0.6.
    """
    if survey is None or not survey.satisfied < rules.satisfaction_floor * survey.respondents:
        return level, None
    capped = min(level, rules.satisfaction_cap_level)
    reason = (
        f"satisfaction cap: {survey.satisfied} of {survey.respondents} satisfied "
        f"< {rules.satisfaction_floor} → level ≤ {rules.satisfaction_cap_level}"
    )
    if capped < level:
        note = f"{reason}: {level} → {capped}"
    else:
        note = f"{reason}: level {level} already within"
    return capped, Step(rule=8, level=capped, note=note)


def star_deductions(level: int, count: int) -> tuple[int, Step | None]:
    """Rule 9: level − 1 per confirmed star-deduction finding (减星项), not below 0."""
    if count == 0:
        return level, None
    lowered = max(level - count, 0)
    floor_note = " (not below 0)" if level - count < 0 else ""
    note = f"star deductions (减星): {count} confirmed: {level} − {count} → {lowered}{floor_note}"
    return lowered, Step(rule=9, level=lowered, note=note)


def promotion_limit(
    rules: RoundRules, level: int, previous: int | None, exceptional: bool
) -> tuple[int, Step | None]:
    """Rule 10: level ≤ P + max_promotion unless exceptional (破格); first year ≤ first_year_max.

    The exceptional flag waives only the promotion limit, which is what it is for; the
    first-year cap has no P to promote from and still holds.
    """
    if previous is None:
        if level <= rules.first_year_max:
            return level, None
        note = f"first-year cap (no previous level): {level} → {rules.first_year_max}"
        return rules.first_year_max, Step(rule=10, level=rules.first_year_max, note=note)
    limit = previous + rules.max_promotion
    if level <= limit:
        return level, None
    if exceptional:
        note = (
            f"exceptional promotion (破格): limit {limit} "
            f"(previous {previous} + {rules.max_promotion}) waived, level stays {level}"
        )
        return level, Step(rule=10, level=level, note=note)
    note = f"promotion limit: previous {previous} + {rules.max_promotion} → {limit}"
    return limit, Step(rule=10, level=limit, note=note)


def veto(level: int, count: int) -> tuple[int, Step | None]:
    """Rule 11: any confirmed veto finding (否决项) → level 0, whatever else holds."""
    if count == 0:
        return level, None
    note = f"veto (取消评星资格): {count} confirmed finding(s) → 0"
    return 0, Step(rule=11, level=0, note=note)


def level_change(level: int, previous: int | None) -> int | None:
    """Rule 13: change = level − P; None ("new") without a previous level."""
    return None if previous is None else level - previous


def assess(rules: RoundRules, inp: AssessmentInput) -> AssessmentResult | None:
    """Rules 0-11 and 13 for one assessment; None while its inputs are incomplete (rule 0).

    The level here is before quotas: rule 12 needs the whole round, see :func:`apply_quotas`.
    """
    if missing_inputs(rules, inp):
        return None
    with localcontext(_CONTEXT):
        points = item_points(rules, inp.sheets)
        scores = {c.code: category_score(c, points) for c in rules.categories}
        total = total_score(scores)
        composite = composite_score(rules, total, inp.survey)
        band = band_level(rules, composite)
        earned = stars_earned(rules, scores)
        base = base_level(rules, band, len(earned))
        steps = _base_steps(rules, composite, band, earned, base)

        # Rules 8-11 in their fixed order; each sees the level left by the one before.
        level = base
        for apply_rule in (
            lambda lvl: satisfaction_cap(rules, lvl, inp.survey),
            lambda lvl: star_deductions(lvl, inp.star_deduction_count),
            lambda lvl: promotion_limit(rules, lvl, inp.previous_level, inp.exceptional),
            lambda lvl: veto(lvl, inp.veto_count),
        ):
            level, step = apply_rule(level)
            if step is not None:
                steps.append(step)

    return AssessmentResult(
        key=inp.key,
        item_points=points,
        category_scores=scores,
        total=total,
        composite=composite,
        band_level=band,
        stars_earned=earned,
        base_level=base,
        level=level,
        previous_level=inp.previous_level,
        change=level_change(level, inp.previous_level),
        vetoed=inp.veto_count > 0,
        steps=tuple(steps),
    )


# --- rule 12: quotas -----------------------------------------------------------------------------


def apply_quotas(rules: RoundRules, results: Sequence[AssessmentResult]) -> list[AssessmentResult]:
    """Rule 12: cap the share of the round at 5 and then at 4 stars.

    N counts the results that are not vetoed; vetoed results are returned untouched. For L = 5
    then 4 with k = floor(q_L · N): when more than k are at L, those whose (C, T) is strictly
    greater than that of the (k+1)-th best keep L and all others move to L − 1, so a tie at the
    cut moves everyone tied (the result never depends on input order). Those moved from 5 take
    part in the 4-quota. Returns new results in the same order; idempotent.
    """
    results = list(results)
    if not rules.quotas:
        return results
    eligible = [index for index, result in enumerate(results) if not result.vetoed]
    count = len(eligible)
    levels = {index: results[index].level for index in eligible}
    added: dict[int, list[Step]] = {index: [] for index in eligible}

    def rank(index: int) -> tuple[Decimal, Decimal]:
        return results[index].composite, results[index].total

    with localcontext(_CONTEXT):
        for quota_level in QUOTA_LEVELS:
            share = rules.quotas.get(quota_level)
            if share is None:
                continue
            places = int((share * count).to_integral_value(rounding=ROUND_FLOOR))
            at_level = [index for index in eligible if levels[index] == quota_level]
            if len(at_level) <= places:
                continue
            cut = sorted((rank(index) for index in at_level), reverse=True)[places]
            for index in at_level:
                if rank(index) > cut:
                    continue
                levels[index] = quota_level - 1
                composite, total = rank(index)
                note = (
                    f"quota {_stars(quota_level)}: {share} of N={count} → {places} place(s); "
                    f"(C {composite}, T {total}) not above the cut ({cut[0]}, {cut[1]}): "
                    f"{quota_level} → {quota_level - 1}"
                )
                added[index].append(Step(rule=12, level=quota_level - 1, note=note))

    for index in eligible:
        if added[index]:
            result = results[index]
            results[index] = dataclasses.replace(
                result,
                level=levels[index],
                change=level_change(levels[index], result.previous_level),
                steps=result.steps + tuple(added[index]),
            )
    return results


def score_round(
    rules: RoundRules, inputs: Iterable[AssessmentInput]
) -> dict[Hashable, AssessmentResult | None]:
    """Rules 0-13 for a whole round: assess each input, then apply the quotas (rule 12).

    Keys keep the input order; an assessment with incomplete inputs maps to None and takes no
    part in the quotas.
    """
    assessed: dict[Hashable, AssessmentResult | None] = {}
    for inp in inputs:
        if inp.key in assessed:
            raise ValueError(f"duplicate assessment key {inp.key!r}")
        assessed[inp.key] = assess(rules, inp)
    scored = [result for result in assessed.values() if result is not None]
    for result in apply_quotas(rules, scored):
        assessed[result.key] = result
    return assessed
