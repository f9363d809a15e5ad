"""Template filters of the web pages: stars, points, dictionary look-ups."""

from decimal import Decimal

from django import template

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
