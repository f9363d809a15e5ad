"""Long tables of numbers made in Python: a county's dashboard lists every township (hundreds
at province scale), and a template loop renders each cell through the localizer."""

from html import escape

from django import template
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def number_rows(rows) -> str:
    """``<tr>`` rows of a name (escaped) and whole numbers (right-aligned ``num`` cells), as
    the template loops wrote them. Plain string work: ``format_html`` per cell cost more than
    the rest of the page."""
    return mark_safe(  # every text escaped, the numbers ints
        "".join(
            f"<tr><td>{escape(str(name))}</td>"
            + "".join(f'<td class="num">{int(n)}</td>' for n in numbers)
            + "</tr>"
            for name, *numbers in rows
        )
    )
