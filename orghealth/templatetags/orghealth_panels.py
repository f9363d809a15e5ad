"""The 两委 facts beside the 队伍星 items on other apps' pages (the village page): an inclusion
tag, so the page's app needs no import of this one (templates name it by its library)."""

from __future__ import annotations

from django import template
from django.utils import timezone

from orghealth import policies, selectors

register = template.Library()


@register.inclusion_tag("orghealth/_team_panel.html", takes_context=True)
def team_facts_panel(context, village) -> dict:
    """Nothing for a role that does not read organization health or a village out of reach."""
    user = context["request"].user
    if not (user.has_role(*policies.READ_ROLES) and policies.in_reach(user, village)):
        return {"shown": False}
    return {
        "shown": True,
        "village": village,
        "team": selectors.team_facts(village, today=timezone.localdate()),
    }
