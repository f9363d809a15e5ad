"""A village's 一村一档 for one round (issue 14, item 7): how its star level came about, the
entries behind each category, the findings, clearances and survey — one printable page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from assessments import selectors
from assessments.views.common import VILLAGE_ROLES
from starrating.pages import require_role


@login_required
@require_GET
def village_record(request: HttpRequest, org_id: int, round_id: int) -> HttpResponse:
    require_role(request.user, VILLAGE_ROLES)
    assessment = selectors.record_assessment_get_for_user(
        user=request.user, org_id=org_id, round_id=round_id
    )
    record = selectors.assessment_record(assessment=assessment, user=request.user)
    return render(
        request,
        "dashboards/village_record.html",
        {"village": assessment.organization, "round": assessment.round, **record},
    )


def village_explain_context(user, assessments: list) -> dict:
    """The village page's "星级由来" panel: the newest result's rule steps and a link to each
    round's 一村一档 (kept apart from the page's own view so the two merge cleanly)."""
    return {
        "explain": selectors.latest_explanation(assessments),
        "record_rounds": [a for a in assessments if a.level is not None or a.round.is_published],
    }
