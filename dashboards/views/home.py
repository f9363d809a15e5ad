"""The home page: for each role, what waits for the user in the current round."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from assessments.models import Stage
from assessments.views.common import round_deadlines, round_nav
from dashboards import selectors
from organizations.models import Role

# The stage each role scores, when it scores one.
ROLE_STAGE = {
    Role.VILLAGE_SECRETARY: Stage.SELF,
    Role.TOWNSHIP_ASSESSOR: Stage.TOWNSHIP,
    Role.EVALUATOR: Stage.COUNTY,
}


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.has_role(Role.REGION_VIEWER):
        return redirect("region")  # a city or province reads its counties' roll-ups
    round_ = selectors.current_round_for_user(user)
    context: dict = {"round": round_, "role": user.role}
    if round_ is not None:
        context["deadlines"] = round_deadlines(round_)
        context["tabs"] = round_nav(round_, user)
        stage = ROLE_STAGE.get(user.role)
        if stage is not None:
            todo = selectors.sheet_todo(user, round_, stage)
            for row in todo:
                row["url"] = reverse("sheet", args=[row["assessment"].pk, stage])
            context.update(
                stage=stage,
                stage_label=Stage(stage).label,
                stage_open=round_.stage_open(stage),
                todo=todo,
                todo_left=sum(1 for r in todo if not r["done"]),
            )
        if user.role == Role.COUNTY_ADMIN:
            context.update(selectors.admin_waiting(round_, user))
        if user.role == Role.DEPARTMENT_REVIEWER:
            context["review_left"], context["review_total"] = selectors.review_left(
                round_, user.department
            )
        if user.role == Role.VILLAGE_SECRETARY:
            context["village_id"] = user.organization_id
    return render(request, "dashboards/home.html", context)
