"""The 汇总 sheet's arithmetic: one township's counts (村数 = each level + 未评定) and its row."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from assessments import scoring

from .cells import put


@dataclasses.dataclass
class TownshipTotals:
    name: str
    villages: int = 0
    levels: dict[int, int] = dataclasses.field(default_factory=lambda: dict.fromkeys(range(6), 0))
    assessed: int = 0
    composite_sum: Decimal = Decimal("0")
    at_least_70: int = 0
    at_least_80: int = 0
    up: int = 0
    down: int = 0
    same: int = 0
    new: int = 0

    def add(self, record: dict) -> None:
        self.villages += 1
        if record["level"] is None:
            return
        self.assessed += 1
        self.levels[record["level"]] += 1
        composite = Decimal(record["composite"])
        self.composite_sum += composite
        self.at_least_70 += composite >= 70
        self.at_least_80 += composite >= 80
        change = record["change"]
        if change == "new":
            self.new += 1
        elif change > 0:
            self.up += 1
        elif change < 0:
            self.down += 1
        else:
            self.same += 1

    def merge(self, other: TownshipTotals) -> None:
        self.villages += other.villages
        self.assessed += other.assessed
        for level, n in other.levels.items():
            self.levels[level] += n
        self.composite_sum += other.composite_sum
        for name in ("at_least_70", "at_least_80", "up", "down", "same", "new"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def average(self) -> Decimal | None:
        if not self.assessed:
            return None
        return scoring.quantize(self.composite_sum / self.assessed)


def summary_row(ws, fmt, row, number, totals: TownshipTotals, int_fmt, points_fmt, text_fmt):
    put(ws, row, 0, number, int_fmt if number is not None else text_fmt)
    put(ws, row, 1, totals.name, text_fmt)
    put(ws, row, 2, totals.villages, int_fmt)
    for col, level in enumerate(range(5, -1, -1), start=3):
        put(ws, row, col, totals.levels[level], int_fmt)
    put(ws, row, 9, totals.villages - totals.assessed, int_fmt)  # 村数 = the stars + this
    put(ws, row, 10, totals.average(), points_fmt)
    values = (totals.at_least_70, totals.at_least_80, totals.up, totals.down, totals.same)
    for col, value in enumerate(values, start=11):
        put(ws, row, col, value, int_fmt)
    put(ws, row, 16, totals.new, int_fmt)
