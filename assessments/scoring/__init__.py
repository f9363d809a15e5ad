"""The scoring engine: the star-rating rules of DOMAIN.md §4, as stated in docs/scoring.md.

A pure function of plain data. No Django, no ORM, no I/O: the API, the web pages, the exports and
the recalculation task all call this one engine, so it must stay importable and testable on its
own. All arithmetic is in ``Decimal``; floats are refused at the boundary.

Use :func:`score_round` for a whole round (rules 0-13). :func:`assess` scores one assessment
(rules 0-11 and 13) and :func:`apply_quotas` applies rule 12 across a round's results. Every
result carries a trail of :class:`Step` explaining how its level came about. ``data`` holds the
rules, inputs and results; ``rules`` the steps. Callers import from here.
"""

from .data import (
    DEFAULT_BAND_MIN,
    LEVEL_MODES,
    LEVELS,
    MAX_LEVEL,
    QUOTA_LEVELS,
    STAGES,
    TWO_PLACES,
    AssessmentInput,
    AssessmentResult,
    CategoryRule,
    QuotaCut,
    QuotaEntry,
    QuotaOutcome,
    RoundRules,
    Step,
    Survey,
    quantize,
)
from .rules import (
    apply_quotas,
    assess,
    band_level,
    base_level,
    category_score,
    composite_score,
    item_points,
    level_change,
    missing_inputs,
    promotion_limit,
    quota_outcome,
    satisfaction_cap,
    score_round,
    star_deductions,
    stars_earned,
    total_score,
    veto,
)

__all__ = [
    "DEFAULT_BAND_MIN",
    "LEVELS",
    "LEVEL_MODES",
    "MAX_LEVEL",
    "QUOTA_LEVELS",
    "STAGES",
    "TWO_PLACES",
    "AssessmentInput",
    "AssessmentResult",
    "CategoryRule",
    "QuotaCut",
    "QuotaEntry",
    "QuotaOutcome",
    "RoundRules",
    "Step",
    "Survey",
    "apply_quotas",
    "assess",
    "band_level",
    "base_level",
    "category_score",
    "composite_score",
    "item_points",
    "level_change",
    "missing_inputs",
    "promotion_limit",
    "quantize",
    "quota_outcome",
    "satisfaction_cap",
    "score_round",
    "star_deductions",
    "stars_earned",
    "total_score",
    "veto",
]
