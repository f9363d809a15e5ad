"""The engine's plain data: a round's rules (configuration), one assessment's inputs, and results
with the trail of steps that explain each level. Checked at the boundary: Decimal only, floats
refused."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Context, Decimal, localcontext
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


ZERO = Decimal("0")


ONE = Decimal("1")


HUNDRED = Decimal("100")


# A fixed context, so that a caller's changed precision can never alter a result. 28 digits keep
# every sum and product of 2-place points exact; the only inexact step is the survey division.
CONTEXT = Context(prec=28, rounding=ROUND_HALF_EVEN)


def quantize(value: Decimal) -> Decimal:
    """Round half up to 2 decimal places ("round" throughout docs/scoring.md)."""
    return value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def as_decimal(value: object, what: str) -> Decimal:
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
    result = as_decimal(value, what)
    if not ZERO <= result <= ONE:
        raise ValueError(f"{what} must be between 0 and 1, got {result}")
    return result


def stars_label(level: int) -> str:
    return f"{level}★"


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
        max_points = as_decimal(self.max_points, f"category {self.code} max_points")
        pass_points = as_decimal(self.pass_points, f"category {self.code} pass_points")
        if max_points < 0:
            raise ValueError(f"category {self.code} max_points must not be negative")
        if not ZERO <= pass_points <= max_points:
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
            if sum(weights.values(), ZERO) != ONE:
                raise ValueError(
                    f"stage_weights must sum to 1, got {sum(weights.values(), ZERO)} "
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
            minimum = as_decimal(self.band_min[level], f"band_min[{level}]")
            if not ZERO <= minimum <= HUNDRED:
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
        return tuple(stage for stage in STAGES if self.stage_weights.get(stage, ZERO) > 0)

    def stage_weight(self, stage: str) -> Decimal:
        """The weight of a stage's points in the item points (rule 1)."""
        if self.stage_weights is None:
            return ONE if stage == self.authoritative_stage else ZERO
        return self.stage_weights.get(stage, ZERO)


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
        with localcontext(CONTEXT):
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


@dataclass(frozen=True)
class QuotaEntry:
    """What rule 12 reads of one result that is not vetoed: its level before the quotas and
    its rank (composite, then total)."""

    key: Hashable
    level: int
    composite: Decimal
    total: Decimal


@dataclass(frozen=True)
class QuotaCut:
    """Where rule 12 cut one quota level: N results not vetoed, k = floor(q · N) places, and
    the (C, T) of the (k+1)-th best at that level, which the others had to be strictly above.
    ``composite``/``total`` are None when no more than k were at the level (no cut)."""

    level: int
    share: Decimal
    count: int
    places: int
    composite: Decimal | None
    total: Decimal | None


@dataclass(frozen=True)
class QuotaOutcome:
    """Rule 12's outcome: the steps of each moved result (absent: not moved) and the cuts."""

    moved: Mapping[Hashable, tuple[Step, ...]]
    cuts: tuple[QuotaCut, ...]
