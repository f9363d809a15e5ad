"""Results: the engine run on stored inputs and written back (rules 0-13 of docs/scoring.md), and
the 破格 flag that rule 10 reads."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments import policies, scoring, selectors
from assessments.models import (
    Assessment,
    Round,
)
from assessments.models.tallies import contribution
from organizations.models import AuditLog, User
from organizations.services import AuditEntry, audit_record, audit_record_many
from starrating.bulk import bulk_update_rows
from starrating.errors import Conflict, InvalidInput, NotPermitted

from .common import current_round
from .tallies import Deltas, add_counts, tallies_increment, tallies_rebuild


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
    *,
    round_: Round,
    assessment_ids: Iterable[int] | None = None,
    actor: User | None = None,
    assessments: Iterable[Assessment] | None = None,
    categories: Iterable | None = None,
    audit: list[AuditEntry] | None = None,
    known_sheets: dict | None = None,
) -> int:
    """Recompute and store results (rules 0–13) of the given assessments (all of the round by
    default; ``assessments`` may pass instances already read, with their organization). With
    quotas, rule 12 is then re-applied across the round from the stored rows — levels before
    the quotas, composites and totals — so one village's save rescores one village whatever
    the size of the round. ``categories`` may pass the catalogue already read
    (``selectors.catalogue_categories``); with ``audit`` the result changes are appended to
    that list for the caller to record with its own, instead of written here; ``known_sheets``
    passes the sheet a save has just written (``selectors.scoring_inputs``). Returns how many
    results changed.

    Queries do not grow with the number of assessments: two reads of inputs, one set-based
    write, one audit insert (and, with quotas, one read of the round's 4- and 5-star rows).
    """
    # One transaction: the results and their tallies change together (and SQLite writes
    # the round's rows in one commit rather than one per row); inside a caller's, no
    # savepoint of its own.
    with transaction.atomic(savepoint=False):
        if round_.is_published:
            return 0  # published results are frozen
        rules = selectors.round_rules(round_, categories)
        if assessments is not None:
            assessments = list(assessments)
            assessment_ids = [a.pk for a in assessments]
        inputs = selectors.scoring_inputs(
            round_, assessment_ids=assessment_ids, known_sheets=known_sheets
        )
        if assessments is None:
            # The audit rows name each assessment (organization and year). Item points and
            # steps are not compared (the snapshot is) and every one is set again below.
            assessments = list(
                Assessment.objects.filter(pk__in=[inp.key for inp in inputs])
                .select_related("organization", "round")
                .defer("item_points", "result_steps")
                .order_by()
            )
        by_pk = {a.pk: a for a in assessments}
        now = timezone.now()
        before = {
            pk: (a.result_snapshot(), a.result_missing, a.quota_steps) for pk, a in by_pk.items()
        }
        whole_round = assessment_ids is None
        deltas: Deltas = {}
        if not whole_round:
            for a in by_pk.values():
                add_counts(deltas, a.organization.parent_id, contribution(a), -1)
        for inp in inputs:
            assessment = by_pk[inp.key]
            apply_result(assessment, scoring.assess(rules, inp), scoring.missing_inputs(rules, inp))
        requota = _quotas_apply(round_, rules, by_pk, deltas) if rules.quotas else []

        changed, entries = [], []
        for pk, assessment in by_pk.items():
            snapshot, missing, quota_steps = before[pk]
            after = assessment.result_snapshot()
            if (
                snapshot != after
                or assessment.result_missing != missing
                or assessment.quota_steps != quota_steps
            ):
                assessment.computed_at = now
                changed.append(assessment)
                if snapshot != after:
                    entries.append(
                        AuditEntry(AuditLog.Action.RESULT_CHANGE, assessment, snapshot, after)
                    )
        for assessment, snapshot in requota:
            assessment.computed_at = now
            entries.append(
                AuditEntry(
                    AuditLog.Action.RESULT_CHANGE,
                    assessment,
                    snapshot,
                    assessment.result_snapshot(),
                )
            )
        # One write: the rescored results and those rule 12 moved (read whole, so their
        # other result fields are written back unchanged).
        bulk_update_rows(
            Assessment, Assessment.RESULT_FIELDS, [*changed, *(a for a, _s in requota)]
        )
        if whole_round:
            tallies_rebuild(round_, by_pk.values())
        else:
            for a in by_pk.values():
                add_counts(deltas, a.organization.parent_id, contribution(a), +1)
            tallies_increment(round_.pk, deltas, round_.county_id)
        if audit is None:
            audit_record_many(actor=actor, entries=entries)
        else:
            audit.extend(entries)
        return len(entries)


def _quotas_apply(
    round_: Round,
    rules: scoring.RoundRules,
    rescored: dict[int, Assessment],
    deltas: Deltas,
) -> list[tuple[Assessment, dict]]:
    """Rule 12 across the round: the rescored assessments (in memory) with every other stored
    result of the round. Sets level, change and quota steps on the rescored ones; returns the
    others whose level or quota steps change, with their result before, and adds the change of
    their counts to ``deltas``.

    Only results at the quota levels can move: of the others, those are read (without their
    steps) in one query that also counts all the others (N) with a window function."""
    lowest = min(scoring.QUOTA_LEVELS)
    mine = [a for a in rescored.values() if a.level_before_quota is not None and not a.vetoed]
    others = (
        Assessment.objects.filter(round=round_, level_before_quota__isnull=False, vetoed=False)
        .exclude(pk__in=list(rescored))
        .order_by()
    )
    # The candidates as plain rows (thousands at province scale: no model instances), with
    # the count of all the others from an uncorrelated subquery (evaluated once).
    count_all = others.values("round_id").annotate(c=Count("pk")).values("c")
    candidates = list(
        others.filter(level_before_quota__gte=lowest)
        .annotate(others_count=Subquery(count_all))
        .values_list(
            "pk",
            "level_before_quota",
            "composite",
            "total",
            "level",
            "previous_level",
            "change",
            "quota_steps",
            "others_count",
        )
    )
    entries = [
        scoring.QuotaEntry(key=pk, level=level, composite=composite, total=total)
        for pk, level, composite, total, *_rest in candidates
    ] + [
        scoring.QuotaEntry(
            key=a.pk, level=a.level_before_quota, composite=a.composite, total=a.total
        )
        for a in mine
        if a.level_before_quota >= lowest
    ]
    count = candidates[0][-1] if candidates else others.count() if entries else 0
    outcome = scoring.quota_outcome(rules, entries, count=count + len(mine))
    for assessment in mine:
        _quota_set(assessment, outcome.moved.get(assessment.pk, ()))
    moving = []
    for pk, before_quota, _c, _t, level, previous, change, steps, _n in candidates:
        new_level, new_change, new_steps = _quota_fields(
            outcome.moved.get(pk, ()), before_quota, previous
        )
        if (new_level, new_change, new_steps) != (level, change, steps):
            moving.append(pk)
    if not moving:
        return []
    # The few that move, whole (their result before, for the audit row naming the village).
    changed = []
    for assessment in (
        Assessment.objects.filter(pk__in=moving).select_related("organization").order_by("pk")
    ):
        assessment.round = round_
        snapshot = assessment.result_snapshot()
        township_id = assessment.organization.parent_id
        add_counts(deltas, township_id, contribution(assessment, items=False), -1)
        _quota_set(assessment, outcome.moved.get(assessment.pk, ()))
        add_counts(deltas, township_id, contribution(assessment, items=False), +1)
        changed.append((assessment, snapshot))
    return changed


def _quota_fields(
    steps: tuple[scoring.Step, ...], level_before_quota: int, previous_level: int | None
) -> tuple[int, int | None, list | None]:
    """Level, change and quota steps of a result after rule 12's ``steps`` (none: not moved)."""
    level = steps[-1].level if steps else level_before_quota
    return (
        level,
        scoring.level_change(level, previous_level),
        [{"rule": s.rule, "level": s.level, "note": s.note} for s in steps] or None,
    )


def _quota_set(assessment: Assessment, steps: tuple[scoring.Step, ...]) -> None:
    assessment.level, assessment.change, assessment.quota_steps = _quota_fields(
        steps, assessment.level_before_quota, assessment.previous_level
    )


def apply_result(
    assessment: Assessment, result: scoring.AssessmentResult | None, missing: list[str]
) -> None:
    """Store one result of rules 0–11 and 13 (``scoring.assess``) on the assessment; rule 12
    is applied afterwards across the round."""
    if result is None:
        assessment.category_scores = assessment.item_points = None
        assessment.total = assessment.composite = None
        assessment.band_level = assessment.level = assessment.change = None
        assessment.level_before_quota = None
        assessment.stars_earned = assessment.result_steps = assessment.quota_steps = None
        assessment.vetoed = False
        assessment.previous_level = None
        assessment.result_missing = missing
        return
    assessment.category_scores = {c: f"{v:.2f}" for c, v in result.category_scores.items()}
    assessment.item_points = {c: f"{v:.2f}" for c, v in result.item_points.items()}
    assessment.total = result.total
    assessment.composite = result.composite
    assessment.band_level = result.band_level
    assessment.stars_earned = list(result.stars_earned)
    assessment.level = assessment.level_before_quota = result.level
    assessment.previous_level = result.previous_level
    assessment.change = result.change
    assessment.vetoed = result.vetoed
    assessment.result_steps = [_step(s) for s in result.steps]
    assessment.quota_steps = None
    assessment.result_missing = []


def _step(step: scoring.Step) -> dict:
    return {"rule": step.rule, "level": step.level, "note": step.note}
