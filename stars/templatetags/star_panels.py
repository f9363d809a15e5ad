"""创星晋级 beside other apps' pages, as inclusion tags (the page's app names the library in its
template and imports nothing of this one): the ladder figures of a sheet's items (S11), and a
village's 奖惩凭星 outcome on its page (S8/S9)."""

from __future__ import annotations

from django import template

from stars import policies, selectors

register = template.Library()


@register.inclusion_tag("stars/_ladder_inputs_panel.html", takes_context=True)
def ladder_inputs_panel(context, assessment, stage: str, editable: bool = False) -> dict:
    """On a sheet: each item the round takes from a ladder figure, the figure for this village,
    the points it gives and one button to fill it in (through the core's sheet save). Nothing
    when the round has no such item."""
    rows = selectors.ladder_values(assessment)
    return {
        "shown": bool(rows),
        "rows": rows,
        "assessment": assessment,
        "stage": stage,
        "editable": editable,
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("stars/_village_outcome_panel.html", takes_context=True)
def village_outcome_panel(context, village) -> dict:
    """On the village page: the newest year's 堡垒星 and what it leads to (pay ratio, 评先评优,
    软弱涣散 candidate). Nothing for a role without 创星晋级 or a village out of reach."""
    user = context["request"].user
    if not (user.has_role(*policies.READ_ROLES) and policies.in_reach(user, village)):
        return {"shown": False}
    year = selectors.outcome_year(user)
    data = selectors.village_outcome(user=user, village=village, year=year) if year else None
    return {"shown": data is not None, "data": data, "village": village}
