"""What the pages of a round share: who may open which, the stages and their deadlines, the
round's tabs."""

from __future__ import annotations

import math

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import Round, Stage
from organizations.models import Role

COUNTY_STAFF = (Role.COUNTY_ADMIN, Role.AUDITOR)


ROUND_ROLES = (
    Role.COUNTY_ADMIN,
    Role.AUDITOR,
    Role.EVALUATOR,
    Role.TOWNSHIP_ASSESSOR,
    Role.VILLAGE_SECRETARY,
    Role.DEPARTMENT_REVIEWER,
)


FINDINGS_ROLES = (Role.COUNTY_ADMIN, Role.AUDITOR, Role.DEPARTMENT_REVIEWER, Role.EVALUATOR)


SURVEY_ROLES = (Role.COUNTY_ADMIN, Role.AUDITOR, Role.EVALUATOR)


# Everyone the county registers may lodge objections; county staff handle them.
OBJECTION_PAGE_ROLES = ROUND_ROLES


SPOTCHECK_PAGE_ROLES = (Role.COUNTY_ADMIN, Role.AUDITOR, Role.EVALUATOR, Role.DEPARTMENT_REVIEWER)


DASHBOARD_ROLES = (Role.COUNTY_ADMIN, Role.AUDITOR, Role.TOWNSHIP_ASSESSOR)


VILLAGE_ROLES = ROUND_ROLES


EXCEL_SCORE_ROLES = (Role.COUNTY_ADMIN, Role.TOWNSHIP_ASSESSOR, Role.EVALUATOR)


GROUP_ROLES = (Role.COUNTY_ADMIN, Role.AUDITOR, Role.EVALUATOR)


def round_stages(round_: Round) -> list[str]:
    return list(round_.stages)


def round_deadlines(round_: Round, *, now=None) -> list[dict]:
    """Each stage's deadline with the days left (negative once passed), for home and overview."""
    now = now or timezone.now()
    rows = []
    for stage in round_stages(round_):
        deadline = round_.deadline_for(stage)
        days = None
        if deadline is not None:
            days = math.ceil((deadline - now).total_seconds() / 86400)
        rows.append(
            {
                "stage": stage,
                "label": Stage(stage).label,
                "deadline": deadline,
                "days_left": days,
                "passed": deadline is not None and deadline < now,
                "current": round_.open_stage == stage,
                "open": round_.stage_open(stage, now=now),
            }
        )
    return rows


def round_nav(round_: Round, user) -> list[dict]:
    """The tabs of a round's pages that this user may open."""
    tabs = [("round_overview", _("进度总览"), ROUND_ROLES)]
    tabs += [
        ("dashboard", _("数据看板"), DASHBOARD_ROLES),
        ("findings", _("联查联审"), FINDINGS_ROLES),
        ("surveys", _("满意度测评"), SURVEY_ROLES),
        ("publicity", _("公示名单"), ROUND_ROLES),
        ("objections", _("异议与复核"), OBJECTION_PAGE_ROLES),
        ("spotchecks", _("三随机抽查"), SPOTCHECK_PAGE_ROLES),
        ("job_scores_upload", _("Excel评分导入"), EXCEL_SCORE_ROLES),
        ("groups", _("考评组"), GROUP_ROLES),
    ]
    if not round_.is_public and not user.has_role(*COUNTY_STAFF):
        # Before publicity the list is a draft for county staff: no link others cannot open.
        tabs = [tab for tab in tabs if tab[0] != "publicity"]
    return [
        {"name": name, "label": label, "url": reverse(name, args=[round_.pk])}
        for name, label, roles in tabs
        if user.has_role(*roles)
    ]


def round_context(request: HttpRequest, round_: Round, active: str) -> dict:
    return {"round": round_, "tabs": round_nav(round_, request.user), "active_tab": active}


def int_or_none(value) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None
