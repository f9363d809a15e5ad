"""The rules a round actually applies, shown where they are set: each category's effective pass
line and where it comes from, and the settings that have no effect (issue 14, item 9)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from assessments.models import LevelMode, Round
from indicators.models import Category

SOURCE_CATALOGUE = "catalogue"
SOURCE_ROUND = "round_ratio"


def effective_rules(round_: Round, categories: list[Category] | None = None) -> dict:
    """Each category's effective pass line (rule 6) — the catalogue's explicit line, which
    overrides the round's ``pass_ratio``, or ``max · pass_ratio`` — and warnings naming every
    round setting that currently changes nothing. One query (the categories)."""
    if categories is None:
        categories = list(
            Category.objects.filter(catalogue_id=round_.catalogue_id).order_by("position", "code")
        )
    lines = []
    for category in categories:
        explicit = category.pass_points is not None
        lines.append(
            {
                "code": category.code,
                "name": category.name,
                "max_points": category.max_points,
                "pass_points": category.resolved_pass_points(round_.pass_ratio),
                "source": SOURCE_CATALOGUE if explicit else SOURCE_ROUND,
                "source_label": (
                    _("指标体系设定的达标线") if explicit else _("按本轮类别达标比例计算")
                ),
            }
        )
    warnings = []
    if lines and all(line["source"] == SOURCE_CATALOGUE for line in lines):
        warnings.append(
            {
                "field": "pass_ratio",
                "message": _(
                    "类别达标比例（%(ratio)s）不起作用：指标体系“%(catalogue)s”已为全部类别设定了"
                    "达标线，修改比例不会改变任何评定结果。"
                )
                % {"ratio": _ratio(round_.pass_ratio), "catalogue": round_.catalogue.name},
            }
        )
    elif any(line["source"] == SOURCE_CATALOGUE for line in lines):
        named = "、".join(line["name"] for line in lines if line["source"] == SOURCE_CATALOGUE)
        warnings.append(
            {
                "field": "pass_ratio",
                "message": _("类别达标比例对%(names)s不起作用：这些类别的达标线由指标体系设定。")
                % {"names": named},
            }
        )
    if round_.uses_stage_weights and round_.authoritative_stage:
        warnings.append(
            {
                "field": "authoritative_stage",
                "message": _("已设置各阶段权重，权威评分阶段不起作用（规则1按权重加权）。"),
            }
        )
    if round_.level_mode == LevelMode.STARS:
        warnings.append(
            {
                "field": "band_min_5",
                "message": _("定级方式为“按星数定级”，各星级分数线不影响星级（规则7）。"),
            }
        )
    if round_.level_mode == LevelMode.TOTAL and not any(
        line["source"] == SOURCE_CATALOGUE for line in lines
    ):
        warnings.append(
            {
                "field": "pass_ratio",
                "message": _(
                    "定级方式为“按总分定级”，类别达标比例只决定达标星，不影响星级（规则7）。"
                ),
            }
        )
    if round_.satisfaction_cap_level >= 5:
        warnings.append(
            {
                "field": "satisfaction_cap_level",
                "message": _("满意度不达标最高星级为5，满意度限星（规则8）不起作用。"),
            }
        )
    if round_.max_promotion >= 5:
        warnings.append(
            {
                "field": "max_promotion",
                "message": _("每年最多晋升5星，晋升限制（规则10）不起作用。"),
            }
        )
    return {"pass_lines": lines, "warnings": warnings}


def _ratio(value: Decimal) -> str:
    return f"{(value * 100).normalize():f}%"
