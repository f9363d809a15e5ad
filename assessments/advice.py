"""What a village needs for the next level ("产业星差1.5分达标；总分差3分达四星").

A pure function over the engine's own rules (:class:`scoring.RoundRules`) and a result's scores:
no Django, no ORM. It reads the base level the way rules 5–7 define it and says, for the next
level, which categories must still reach their pass line and how many points the total (or the
composite, with a satisfaction weight) lacks. Caps of rules 8–12 (satisfaction, star deductions,
promotion limit, veto, quotas) are not gaps in points and are reported apart.
"""

from __future__ import annotations

from collections.abc import Mapping
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
