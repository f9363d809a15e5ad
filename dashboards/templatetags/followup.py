"""The follow-up counts (整改台账, 督导) on the home page and the dashboard, as one include so
that neither view grows a query of its own."""

from django import template

from dashboards.selectors import followup_counts as counts_for
from ledgers.policies import LEDGER_ROLES

register = template.Library()


@register.inclusion_tag("dashboards/_followup_counts.html", takes_context=True)
def followup_counts(context, full: bool = False):
    user = context["request"].user
    if not user.is_authenticated or not user.has_role(*LEDGER_ROLES):
        return {"show": False}
    return {"show": True, "full": full, **counts_for(user)}
