"""The rules of docs/scoring.md, one function per step: missing inputs (rule 0), points (1-4),
the level (5-11), quotas across a round (12) and the change (13)."""

from __future__ import annotations

import dataclasses
from collections.abc import Hashable, Iterable, Mapping, Sequence
from decimal import ROUND_FLOOR, Decimal, localcontext

from .data import (
    CONTEXT,
    HUNDRED,
    LEVELS,
    ONE,
    QUOTA_LEVELS,
    ZERO,
    AssessmentInput,
    AssessmentResult,
    CategoryRule,
    QuotaCut,
    QuotaEntry,
    QuotaOutcome,
    RoundRules,
    Step,
    Survey,
    as_decimal,
    quantize,
    stars_label,
)


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


def item_points(
    rules: RoundRules, sheets: Mapping[str, Mapping[str, Decimal | None]]
) -> dict[str, Decimal]:
    """Rule 1: each item's points, from the authoritative stage or the weighted stages.

    With stage weights, item points = round(Σ w_s · p_s) over the counting stages, rounded per
    item. A deduction item absent from a sheet counts as 0 (rule 0). Assumes complete inputs
    (see :func:`missing_inputs`).
    """
    points = {}
    weighted_stages = [
        (sheets[stage], rules.stage_weight(stage)) for stage in rules.counting_stages()
    ]
    for category in rules.categories:
        for item in category.scored_items + category.deduction_items:
            weighted = ZERO
            for sheet, weight in weighted_stages:
                entered = sheet.get(item)
                if entered is None:
                    value = ZERO
                elif type(entered) is Decimal and entered.is_finite():
                    value = entered  # what as_decimal returns for it, without the copy
                else:
                    stage = next(s for s in rules.counting_stages() if sheets[s] is sheet)
                    value = as_decimal(entered, f"{stage} {item}")
                weighted += weight * value
            points[item] = quantize(weighted)
    return points


def category_score(category: CategoryRule, points: Mapping[str, Decimal]) -> Decimal:
    """Rule 2: S_c = Σ scored − Σ deductions, clamped to [0, max_c]."""
    scored = sum((points[item] for item in category.scored_items), ZERO)
    deducted = sum((points[item] for item in category.deduction_items), ZERO)
    return quantize(min(max(scored - deducted, ZERO), category.max_points))


def total_score(scores: Mapping[str, Decimal]) -> Decimal:
    """Rule 3: T = Σ S_c."""
    return quantize(sum(scores.values(), ZERO))


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
    with localcontext(CONTEXT):
        respondents = Decimal(survey.respondents)
        numerator = (ONE - weight) * total * respondents + weight * HUNDRED * survey.satisfied
        return quantize(numerator / respondents)


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
    with localcontext(CONTEXT):
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


def quota_outcome(
    rules: RoundRules, entries: Sequence[QuotaEntry], *, count: int | None = None
) -> QuotaOutcome:
    """Rule 12 over plain rows: cap the share of the round at 5 and then at 4 stars.

    ``entries`` are the round's results that are not vetoed, each with its level before rule
    12 (N = their number). For L = 5 then 4 with k = floor(q_L · N): when more than k are at
    L, those whose (C, T) is strictly greater than that of the (k+1)-th best keep L and all
    others move to L − 1, so a tie at the cut moves everyone tied (the result never depends on
    input order). Those moved from 5 take part in the 4-quota.

    Entries below 4 stars never move, so a caller may pass only those at 4 and 5 with
    ``count`` = N, the number of all results that are not vetoed. A moved result's step names
    its own (C, T) only; the cut itself, which moves with every score near it, is in ``cuts``.
    """
    if not rules.quotas:
        return QuotaOutcome(moved={}, cuts=())
    count = len(entries) if count is None else count
    levels = {entry.key: entry.level for entry in entries}
    added: dict[Hashable, list[Step]] = {}
    cuts = []

    def rank(entry: QuotaEntry) -> tuple[Decimal, Decimal]:
        return entry.composite, entry.total

    with localcontext(CONTEXT):
        for quota_level in QUOTA_LEVELS:
            share = rules.quotas.get(quota_level)
            if share is None:
                continue
            places = int((share * count).to_integral_value(rounding=ROUND_FLOOR))
            at_level = [entry for entry in entries if levels[entry.key] == quota_level]
            if len(at_level) <= places:
                cuts.append(QuotaCut(quota_level, share, count, places, None, None))
                continue
            cut = sorted((rank(entry) for entry in at_level), reverse=True)[places]
            cuts.append(QuotaCut(quota_level, share, count, places, cut[0], cut[1]))
            for entry in at_level:
                if rank(entry) > cut:
                    continue
                levels[entry.key] = quota_level - 1
                composite, total = rank(entry)
                note = (
                    f"quota {stars_label(quota_level)}: (C {composite}, T {total}) not above "
                    f"the cut of the {share} quota: {quota_level} → {quota_level - 1}"
                )
                added.setdefault(entry.key, []).append(
                    Step(rule=12, level=quota_level - 1, note=note)
                )
    return QuotaOutcome(moved={key: tuple(steps) for key, steps in added.items()}, cuts=tuple(cuts))


def apply_quotas(rules: RoundRules, results: Sequence[AssessmentResult]) -> list[AssessmentResult]:
    """Rule 12 (:func:`quota_steps`) applied to results: vetoed results take no part and are
    returned untouched; the others come back with their level, change and steps updated, in
    the same order. Idempotent on results before rule 12."""
    results = list(results)
    moved = quota_outcome(
        rules,
        [
            QuotaEntry(key=r.key, level=r.level, composite=r.composite, total=r.total)
            for r in results
            if not r.vetoed
        ],
    ).moved
    for index, result in enumerate(results):
        steps = moved.get(result.key)
        if steps:
            level = steps[-1].level
            results[index] = dataclasses.replace(
                result,
                level=level,
                change=level_change(level, result.previous_level),
                steps=result.steps + steps,
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
