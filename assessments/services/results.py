"""Results: the engine run on stored inputs and written back (rules 0-13 of docs/scoring.md), and
the 破格 flag that rule 10 reads."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments import policies, scoring, selectors
from assessments.models import (
    Assessment,
    Round,
)
from organizations.models import AuditLog, User
from organizations.services import AuditEntry, audit_record, audit_record_many
from starrating.errors import Conflict, InvalidInput, NotPermitted

from .common import current_round


def assessment_set_exceptional(
    *,
    actor: User,
    assessment: Assessment,
    exceptional: bool,
    reason: str = "",
    ip: str | None = None,
) -> Assessment:
    """Flag 破格 promotion (rule 10's exception); the reason is required and audited."""
    round_ = current_round(assessment)
    if not policies.can_manage_round(actor, round_.county_id):
        raise NotPermitted(_("只有县级管理员可以设置破格。"))
    if round_.is_published:
        raise Conflict(_("结果已发布，不能再修改。"))
    if exceptional and not (reason or "").strip():
        raise InvalidInput(_("破格须填写理由。"), [{"field": "reason", "message": _("必填")}])
    with transaction.atomic():
        before = {"exceptional": assessment.exceptional, "reason": assessment.exceptional_reason}
        assessment.exceptional = exceptional
        assessment.exceptional_reason = reason.strip() if exceptional else ""
        assessment.save(update_fields=["exceptional", "exceptional_reason", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditLog.Action.UPDATE,
            obj=assessment,
            before=before,
            after={"exceptional": assessment.exceptional, "reason": assessment.exceptional_reason},
            reason=reason,
            ip=ip,
        )
        results_refresh(round_=round_, assessment_ids=[assessment.pk], actor=actor)
    return assessment


def results_refresh(
    *, round_: Round, assessment_ids: Iterable[int] | None = None, actor: User | None = None
) -> int:
    """Recompute and store results (rules 0–13). With quotas the round is the unit, since one
    village's score can move another across the cut. Returns how many results changed.

    Queries do not grow with the number of assessments: batch reads in ``scoring_inputs``,
    one bulk update, one bulk audit insert.
    """
    if round_.is_published:
        return 0  # published results are frozen
    rules = selectors.round_rules(round_)
    if rules.quotas:
        assessment_ids = None
    inputs = selectors.scoring_inputs(round_, assessment_ids=assessment_ids)
    results = scoring.score_round(rules, inputs)
    missing = {inp.key: scoring.missing_inputs(rules, inp) for inp in inputs}
    # The audit rows name each assessment (organization and year): read them in the same query.
    assessments = round_.assessments.filter(pk__in=list(results)).select_related(
        "organization", "round"
    )
    now = timezone.now()
    changed, entries = [], []
    for assessment in assessments:
        before, missing_before = assessment.result_snapshot(), assessment.result_missing
        apply_result(assessment, results[assessment.pk], missing[assessment.pk])
        after = assessment.result_snapshot()
        if before != after or assessment.result_missing != missing_before:
            assessment.computed_at = now
            changed.append(assessment)
            if before != after:
                entries.append(AuditEntry(AuditLog.Action.RESULT_CHANGE, assessment, before, after))
    Assessment.objects.bulk_update(
        changed,
        Assessment.RESULT_FIELDS,
        batch_size=500,
    )
    audit_record_many(actor=actor, entries=entries)
    return len(entries)


def apply_result(
    assessment: Assessment, result: scoring.AssessmentResult | None, missing: list[str]
) -> None:
    if result is None:
        assessment.category_scores = None
        assessment.total = assessment.composite = None
        assessment.band_level = assessment.level = assessment.change = None
        assessment.stars_earned = assessment.result_steps = None
        assessment.vetoed = False
        assessment.previous_level = None
        assessment.result_missing = missing
        return
    assessment.category_scores = {c: f"{v:.2f}" for c, v in result.category_scores.items()}
    assessment.total = result.total
    assessment.composite = result.composite
    assessment.band_level = result.band_level
    assessment.stars_earned = list(result.stars_earned)
    assessment.level = result.level
    assessment.previous_level = result.previous_level
    assessment.change = result.change
    assessment.vetoed = result.vetoed
    assessment.result_steps = [
        {"rule": s.rule, "level": s.level, "note": s.note} for s in result.steps
    ]
    assessment.result_missing = []
