"""What a village needs for the next level ("产业星差1.5分达标；总分差3分达四星").

A pure function over the engine's own rules (:class:`scoring.RoundRules`) and a result's scores:
no Django, no ORM. It reads the base level the way rules 5–7 define it and says, for the next
level, which categories must still reach their pass line and how many points the total (or the
composite, with a satisfaction weight) lacks. Caps of rules 8–12 (satisfaction, star deductions,
promotion limit, veto, quotas) are not gaps in points and are reported apart.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from .scoring import MAX_LEVEL, RoundRules, band_level, base_level, stars_earned

LEVEL_NAMES = {0: "无星", 1: "一星", 2: "二星", 3: "三星", 4: "四星", 5: "五星"}


def points_text(value: Decimal) -> str:
    """1.50 → "1.5", 3.00 → "3": how people say points."""
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


@dataclass(frozen=True)
class Gap:
    """Points missing: for a category's pass line (kind "category") or the band (kind "total")."""

    kind: str
    code: str
    name: str
    points: Decimal


@dataclass(frozen=True)
class Advice:
    level: int  # the base level of rules 5-7 from these scores
    target: int | None  # the next level, None at the top
    gaps: tuple[Gap, ...]
    text: str


def next_level_advice(
    rules: RoundRules,
    category_scores: Mapping[str, Decimal],
    composite: Decimal,
    *,
    vetoed: bool = False,
) -> Advice:
    """The gaps to the next level by rules 5–7 and a one-line summary in Chinese.

    With mode ``both`` the next level needs the band (rule 5) and that many stars (rule 6):
    the categories closest to their pass line are the ones named, as many as are missing.
    """
    scores = {c.code: Decimal(category_scores[c.code]) for c in rules.categories}
    composite = Decimal(composite)
    band = band_level(rules, composite)
    earned = stars_earned(rules, scores)
    level = base_level(rules, band, len(earned))
    if vetoed:
        return Advice(level, None, (), "触及否决项，本年度取消评星资格")
    if level >= MAX_LEVEL:
        return Advice(level, None, (), "已达五星，保持即可")
    target = level + 1
    gaps: list[Gap] = []
    if rules.level_mode in ("stars", "both") and len(earned) < target:
        missing = [
            (c.pass_points - scores[c.code], position, c)
            for position, c in enumerate(rules.categories)
            if c.code not in earned
        ]
        missing.sort(key=lambda entry: entry[:2])  # ties: catalogue order
        for gap, _position, category in missing[: target - len(earned)]:
            gaps.append(Gap("category", category.code, category.name, gap))
    if rules.level_mode in ("total", "both") and band < target:
        label = "综合得分" if rules.satisfaction_weight > 0 else "总分"
        gaps.append(Gap("total", "total", label, rules.band_min[target] - composite))

    target_name = LEVEL_NAMES[target]
    parts = [
        f"{g.name}差{points_text(g.points)}分达标"
        if g.kind == "category"
        else f"{g.name}差{points_text(g.points)}分达{target_name}"
        for g in gaps
    ]
    text = "；".join(parts)
    if not gaps or gaps[-1].kind != "total":
        text = f"{text}，即可达{target_name}" if text else f"已满足{target_name}条件"
    return Advice(level, target, tuple(gaps), text)


LEVEL_DIGITS = {0: "零", 1: "一", 2: "二", 3: "三", 4: "四", 5: "五"}


def _percent(value: Decimal) -> str:
    return points_text(Decimal(value) * 100)


def limit_notes(
    rules: RoundRules,
    steps: Sequence[tuple[int, int]],
    *,
    base: int,
    previous_level: int | None,
    after_quota: int | None = None,
) -> list[str]:
    """Why the level is below the base level the scores reach: one Chinese line per rule of
    8–10 (and 12, the quotas) that lowered it, read from the engine's own trail of
    ``(rule, level after it)`` (``AssessmentResult.steps`` or the stored ``result_steps``)."""
    notes = []
    level = base
    for rule, after in steps:
        if rule < 8 or rule == 11:
            continue
        if after < level:
            if rule == 8:
                notes.append(
                    f"按规则8，满意率低于{_percent(rules.satisfaction_floor)}%，"
                    f"最高{rules.satisfaction_cap_level}星"
                )
            elif rule == 9:
                notes.append(f"按规则9，减星项减{level - after}星")
            elif rule == 10 and previous_level is not None:
                notes.append(
                    f"按规则10，较上年（{previous_level}星）最多晋升"
                    f"{LEVEL_DIGITS.get(rules.max_promotion, rules.max_promotion)}级"
                )
            elif rule == 10:
                notes.append(f"按规则10，首次评定最高{rules.first_year_max}星")
        level = after
    if after_quota is not None and after_quota < level:
        notes.append(f"按规则12，受星级名额控制降为{after_quota}星")
    return notes


def level_advice(
    rules: RoundRules,
    category_scores: Mapping[str, Decimal],
    composite: Decimal,
    *,
    level: int,
    steps: Sequence[tuple[int, int]],
    previous_level: int | None,
    vetoed: bool = False,
    after_quota: int | None = None,
    verb: str = "预计",
) -> Advice:
    """The advice shown beside a level: the gaps of :func:`next_level_advice` when nothing
    but points holds the level down; otherwise why it is lower than the scores reach (rules
    8–10 and 12), so that "预计3星" never stands beside "已达五星" unexplained
    (e.g. "按规则10，较上年（2星）最多晋升一级：预计3星（分数已达五星线）")."""
    points = next_level_advice(rules, category_scores, composite, vetoed=vetoed)
    if vetoed:
        return points
    final = after_quota if after_quota is not None else level
    notes = limit_notes(
        rules, steps, base=points.level, previous_level=previous_level, after_quota=after_quota
    )
    if not notes or final >= points.level:
        return points
    reached = LEVEL_NAMES[points.level]
    text = f"{'；'.join(notes)}：{verb}{final}星（分数已达{reached}线）"
    return Advice(points.level, None, (), text)
