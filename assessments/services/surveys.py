"""Satisfaction surveys (满意度测评)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from assessments import policies
from assessments.models import (
    Assessment,
    SatisfactionSurvey,
)
from organizations.models import AuditLog, User
from organizations.services import audit_record
from starrating.errors import InvalidInput, NotPermitted

from .common import current_round, display_value
from .findings import ensure_findings_open
from .results import results_refresh


def survey_save(
    *,
    actor: User,
    assessment: Assessment,
    respondents: Any,
    satisfied: Any,
    ip: str | None = None,
) -> SatisfactionSurvey:
    if not policies.can_enter_survey(actor, assessment):
        raise NotPermitted(_("您无权录入该村的满意度测评。"))
    current_round(assessment)
    ensure_findings_open(assessment.round)
    errors = []
    values = {}
    for field, raw, label in (
        ("respondents", respondents, _("测评人数")),
        ("satisfied", satisfied, _("满意人数")),
    ):
        try:
            if isinstance(raw, bool):
                raise ValueError
            values[field] = int(str(raw).strip())
        except (TypeError, ValueError):
            errors.append(
                {
                    "field": field,
                    "value": display_value(raw),
                    "message": _("%(f)s必须是整数") % {"f": label},
                }
            )
    # Range checks run on whichever field parsed, so every problem is listed at once.
    n_respondents, n_satisfied = values.get("respondents"), values.get("satisfied")
    if n_respondents is not None and n_respondents <= 0:
        errors.append({"field": "respondents", "message": _("测评人数必须大于0")})
    if n_satisfied is not None and n_satisfied < 0:
        errors.append({"field": "satisfied", "message": _("满意人数不能小于0")})
    elif n_satisfied is not None and n_respondents is not None and n_satisfied > n_respondents:
        errors.append({"field": "satisfied", "message": _("满意人数不能超过测评人数")})
    if errors:
        errors.sort(key=lambda e: e["field"] != "respondents")
        raise InvalidInput(_("满意度测评数据有误，未保存。"), errors)
    with transaction.atomic():
        survey = (
            SatisfactionSurvey.objects.select_for_update().filter(assessment=assessment).first()
        )
        before = (
            None
            if survey is None
            else {"respondents": survey.respondents, "satisfied": survey.satisfied}
        )
        if survey is None:
            survey = SatisfactionSurvey(assessment=assessment, recorded_by=actor, **values)
        else:
            survey.respondents, survey.satisfied = values["respondents"], values["satisfied"]
            survey.recorded_by = actor
        if before == values:
            return survey
        survey.save()
        audit_record(
            actor=actor,
            action=AuditLog.Action.SURVEY_SAVE,
            obj=survey,
            before=before,
            after=values,
            ip=ip,
        )
        results_refresh(round_=assessment.round, assessment_ids=[assessment.pk], actor=actor)
    return survey
