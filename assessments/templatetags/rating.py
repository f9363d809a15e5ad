"""Template filters of the web pages: stars, points, dictionary look-ups."""

from decimal import Decimal

from django import template
from django.utils.html import format_html

register = template.Library()


@register.filter
def stars(level) -> str:
    """3 → "★★★☆☆"; empty when there is no level."""
    if level is None or level == "":
        return ""
    level = int(level)
    return "★" * level + "☆" * (5 - level)


@register.filter
def points(value) -> str:
    """Points with two decimals; a dash when empty."""
    if value is None or value == "":
        return "—"
    return f"{Decimal(str(value)):.2f}"


@register.filter
def get(mapping, key):
    if mapping is None:
        return None
    return mapping.get(key)


@register.filter
def change(value, is_new=False) -> str:
    """Level change as people read it: ↑1, ↓2, 持平, 新评."""
    if value is None:
        return "新评" if is_new else "—"
    value = int(value)
    if value > 0:
        return f"↑{value}"
    if value < 0:
        return f"↓{-value}"
    return "持平"


@register.simple_tag
def level_mark(assessment) -> str:
    """The level as stars, or a red 否决 mark for a vetoed result (rule 11: 0 stars because of
    a veto is not the same as 0 stars on points)."""
    if getattr(assessment, "vetoed", False):
        return format_html(
            '<span class="badge badge-red" title="{}">否决</span>',
            "触及否决项，取消评星资格（0星）",
        )
    if assessment.level is None:
        return ""
    return format_html('<span class="stars">{}</span>', stars(assessment.level))


def _rates_townships(obj) -> bool:
    """A township round, or a township-level organization (镇街)."""
    if hasattr(obj, "rates_townships"):
        return obj.rates_townships
    return bool(getattr(obj, "is_township_level", False))


@register.filter
def rated_noun(obj) -> str:
    """What a page calls one rated organization of a round (or an organization): 村 / 镇街."""
    return "镇街" if _rates_townships(obj) else "村"


@register.filter
def rated_body(obj) -> str:
    """Its Party organization: 村党组织 / 镇街党（工）委."""
    return "镇街党（工）委" if _rates_townships(obj) else "村党组织"
