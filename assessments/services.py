"""Writes of the rating year. Each service authorizes, validates everything, then writes inside
one transaction and records the audit trail; every change to scores, findings or surveys
refreshes the results it affects (with quotas set, the whole round is the unit)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from itertools import pairwise
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators.models import Catalogue, Item
from indicators.services import catalogue_as_data, catalogue_validate
from organizations.models import VILLAGE_KINDS, AuditLog, Department, Organization, Role, User
from organizations.services import AuditEntry, audit_record, audit_record_many
from starrating.errors import Conflict, InvalidInput, NotPermitted, reject_unknown_fields

from . import policies, scoring, selectors
from .models import (
    Assessment,
    DepartmentClearance,
    EvaluationGroup,
    Finding,
    Job,
    Round,
    SatisfactionSurvey,
    Score,
    Sheet,
    Stage,
    StageReopening,
)

TWO_PLACES = Decimal("0.01")
STATUS_ORDER = [
    Round.Status.DRAFT,
    Round.Status.SELF_ASSESSMENT,
    Round.Status.TOWNSHIP_REVIEW,
    Round.Status.COUNTY_REVIEW,
    Round.Status.PUBLICITY,
    Round.Status.PUBLISHED,
    Round.Status.ARCHIVED,
]
STATUS_OF_STAGE = {stage: status for status, stage in Round.STAGE_OF_STATUS.items()}


# --- points --------------------------------------------------------------------------------


def parse_points(value: Any) -> Decimal:
    """Parse entered points: a number with at most 2 decimal places. Raises ValueError(message)."""
    if isinstance(value, bool):
        raise ValueError(_("不是有效的数字"))
    if isinstance(value, float):
        value = repr(value)  # the shortest text that round-trips, so 2.5 stays 2.5
    try:
        points = Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise ValueError(_("不是有效的数字")) from exc
    if not points.is_finite():
        raise ValueError(_("不是有效的数字"))
    try:
        quantized = points.quantize(TWO_PLACES)
    except InvalidOperation as exc:  # beyond the decimal context's precision
        raise ValueError(_("数值超出范围")) from exc
    if points != quantized:
        raise ValueError(_("最多保留两位小数"))
    return quantized


def validate_points(item: Item, value: Any) -> tuple[Decimal | None, str | None]:
    """(points, None) or (None, message) for one item's entered value."""
    try:
        points = parse_points(value)
    except ValueError as exc:
        return None, str(exc)
    if points < 0:
        return None, _("不能小于0")
    if points > item.max_points:
        return None, _("超过该项最高分%(max)s") % {"max": item.max_points}
    return points, None


def validate_entry(
    items: Mapping[str, Item], code: str, raw: Any
) -> tuple[Decimal | None, str | None]:
    """One entered value of a sheet, shared by ``scores_save`` and ``scores_import``:
    (points, None); (None, None) for a blank, which clears the item; or (None, message)."""
    item = items.get(code)
    if item is None:
        return None, _("指标代码不在本轮指标体系中")
    if raw is None or (isinstance(raw, str) and raw.strip() == ""):
        return None, None
    return validate_points(item, raw)


def _display(value: Any) -> str:
    return "" if value is None else str(value)


# --- score sheets --------------------------------------------------------------------------


def _stage_lock_error(round_: Round, stage: str) -> Conflict:
    label = Stage(stage).label
    deadline = round_.deadline_for(stage)
    if round_.open_stage == stage and deadline is not None:
        local = timezone.localtime(deadline)
        return Conflict(
            _("“%(stage)s”阶段已于%(at)s截止，不能再修改。")
            % {"stage": label, "at": f"{local:%Y-%m-%d %H:%M}"},
            stage=stage,
            locked_since=deadline.isoformat(),
        )
    closed_at = selectors.stage_closed_at(round_, stage)
    if closed_at is not None:
        local = timezone.localtime(closed_at)
        return Conflict(
            _("“%(stage)s”阶段已于%(at)s结束（本轮状态：%(status)s），不能再修改。")
            % {
                "stage": label,
                "at": f"{local:%Y-%m-%d %H:%M}",
                "status": round_.get_status_display(),
            },
            stage=stage,
            locked_since=closed_at.isoformat(),
            round_status=round_.status,
        )
    return Conflict(
        _("“%(stage)s”阶段当前未开放（本轮状态：%(status)s）。")
        % {"stage": label, "status": round_.get_status_display()},
        stage=stage,
        round_status=round_.status,
    )


def current_round(assessment: Assessment) -> Round:
    """The assessment's round as it is now: callers may hold an instance read before an
    admin moved the round on, and stage locks must be judged on the current state."""
    assessment.round.refresh_from_db()
    return assessment.round


def ensure_stage_open(round_: Round, stage: str) -> None:
    if not round_.stage_open(stage):
        raise _stage_lock_error(round_, stage)


def _points_items(round_: Round) -> dict[str, Item]:
    return {
        item.code: item
        for item in Item.objects.filter(
            catalogue_id=round_.catalogue_id, kind__in=[Item.Kind.SCORED, Item.Kind.DEDUCTION]
        )
    }


def scores_save(
    *,
    actor: User,
    assessment: Assessment,
    stage: str,
    scores: Mapping[str, Any],
    notes: Mapping[str, str] | None = None,
    version: int | None = None,
    submit: bool = False,
    ip: str | None = None,
) -> Sheet:
    """Save (and optionally submit) one stage's sheet of one assessment.

    ``scores`` maps item codes to points; ``None`` or ``""`` clears an item. Every bad value is
    reported at once (organization, item, stage, value) and nothing is written. A ``version``
    that is not the sheet's current one is a conflict carrying the current values. Queries are
    bounded whatever the number of items: one read, one bulk upsert, one delete, one audit row.
    """
    round_ = current_round(assessment)
    if stage not in Stage.values:
        raise InvalidInput(_("阶段“%(stage)s”不存在。") % {"stage": stage})
    if not policies.can_edit_sheet(actor, assessment, stage):
        raise NotPermitted(_("您无权填写该村的“%(stage)s”。") % {"stage": Stage(stage).label})
    ensure_stage_open(round_, stage)

    items = _points_items(round_)
    org = assessment.organization
    errors: list[dict[str, Any]] = []
    parsed: dict[str, Decimal | None] = {}
    for code, raw in scores.items():
        points, message = validate_entry(items, code, raw)
        if message:
            errors.append(_item_error(org, stage, code, raw, message))
        else:
            parsed[code] = points
    notes = dict(notes or {})
    for code in notes:
        if code not in items:
            errors.append(_item_error(org, stage, code, "", _("指标代码不在本轮指标体系中")))
    if errors:
        raise InvalidInput(
            _("%(org)s“%(stage)s”有%(n)d处错误，未保存任何数据。")
            % {"org": org.name, "stage": Stage(stage).label, "n": len(errors)},
            errors,
        )

    with transaction.atomic():
        sheet, _created = Sheet.objects.select_for_update().get_or_create(
            assessment=assessment, stage=stage
        )
        ensure_stage_open(current_round(assessment), stage)  # an admin may have just advanced
        current = {s.item_id: s for s in Score.objects.filter(sheet=sheet).select_related("item")}
        current_by_code = {s.item.code: s for s in current.values()}
        if version is not None and version != sheet.version:
            raise Conflict(
                _("该评分表已被%(who)s修改（当前版本%(v)d），请核对后再保存。")
                % {
                    "who": sheet.updated_by.display_name if sheet.updated_by else _("他人"),
                    "v": sheet.version,
                },
                current_version=sheet.version,
                current_scores={c: f"{s.points:.2f}" for c, s in current_by_code.items()},
                updated_by=sheet.updated_by.display_name if sheet.updated_by else None,
            )

        merged = {c: s.points for c, s in current_by_code.items()}
        for code, points in parsed.items():
            if points is None:
                merged.pop(code, None)
            else:
                merged[code] = points
        will_submit = submit or sheet.is_submitted
        if will_submit:
            missing = [
                code
                for code, item in items.items()
                if item.kind == Item.Kind.SCORED and code not in merged
            ]
            if missing:
                raise InvalidInput(
                    _("%(org)s“%(stage)s”还有%(n)d个评分项未填写，不能提交。")
                    % {"org": org.name, "stage": Stage(stage).label, "n": len(missing)},
                    [
                        _item_error(org, stage, code, "", _("提交前必须填写该项"))
                        for code in sorted(missing, key=lambda c: items[c].position)
                    ],
                )

        before, after = {}, {}
        upserts, deletes = [], []
        for code, points in parsed.items():
            old = current_by_code.get(code)
            note = notes.pop(code, None)
            new_note = note if note is not None else (old.note if old else "")
            if points is None:
                if old is not None:
                    deletes.append(old.pk)
                    before[code], after[code] = f"{old.points:.2f}", None
                continue
            if old is not None and old.points == points and old.note == new_note:
                continue
            upserts.append(Score(sheet=sheet, item=items[code], points=points, note=new_note))
            before[code] = None if old is None else f"{old.points:.2f}"
            after[code] = f"{points:.2f}"
        for code, note in notes.items():  # notes on items whose points did not change
            old = current_by_code.get(code)
            if old is not None and old.note != note:
                upserts.append(Score(sheet=sheet, item=old.item, points=old.points, note=note))

        if upserts:
            Score.objects.bulk_create(
                upserts,
                update_conflicts=True,
                unique_fields=["sheet", "item"],
                update_fields=["points", "note", "updated_at"],
            )
        if deletes:
            Score.objects.filter(pk__in=deletes).delete()

        submitting = submit and not sheet.is_submitted
        if not (upserts or deletes or submitting):
            return sheet  # nothing changed: no new version, no audit noise

        sheet.version += 1
        sheet.updated_by = actor
        if submitting:
            sheet.status = Sheet.Status.SUBMITTED
            sheet.submitted_at = timezone.now()
            sheet.submitted_by = actor
        sheet.save()
        entries = []
        if before or after:
            entries.append(
                AuditEntry(
                    AuditLog.Action.SCORES_SAVE,
                    sheet,
                    {"version": sheet.version - 1, "scores": before},
                    {"version": sheet.version, "scores": after},
                )
            )
        if submitting:
            entries.append(
                AuditEntry(
                    AuditLog.Action.SHEET_SUBMIT,
                    sheet,
                    {"status": Sheet.Status.DRAFT},
                    {"status": Sheet.Status.SUBMITTED, "version": sheet.version},
                )
            )
        audit_record_many(actor=actor, entries=entries, ip=ip)
        results_refresh(round_=round_, assessment_ids=[assessment.pk], actor=actor)
    return sheet


def _item_error(org: Organization, stage: str, code: str, value: Any, message: str) -> dict:
    return {
        "organization": org.code,
        "organization_name": org.name,
        "stage": stage,
        "item": code,
        "value": _display(value),
        "message": message,
    }


def sheet_return(*, actor: User, sheet: Sheet, reason: str, ip: str | None = None) -> Sheet:
    """County admin returns a submitted sheet to draft (退回) so it can be corrected."""
    assessment = sheet.assessment
    if not policies.can_manage_round(actor, current_round(assessment).county_id):
        raise NotPermitted(_("只有县级管理员可以退回评分表。"))
    if not reason.strip():
        raise InvalidInput(_("请填写退回原因。"), [{"field": "reason", "message": _("必填")}])
    if not sheet.is_submitted:
        raise Conflict(_("该评分表尚未提交，无需退回。"))
    ensure_stage_open(assessment.round, sheet.stage)
    with transaction.atomic():
        sheet.status = Sheet.Status.DRAFT
        sheet.version += 1
        sheet.updated_by = actor
        sheet.save()
        audit_record(
            actor=actor,
            action=AuditLog.Action.SHEET_REOPEN,
            obj=sheet,
            before={"status": Sheet.Status.SUBMITTED},
            after={"status": Sheet.Status.DRAFT, "version": sheet.version},
            reason=reason,
            ip=ip,
        )
        results_refresh(round_=assessment.round, assessment_ids=[assessment.pk], actor=actor)
    return sheet


# --- findings and surveys ------------------------------------------------------------------


def _ensure_findings_open(round_: Round) -> None:
    if not round_.findings_open:
        raise Conflict(
            _("本轮当前状态（%(status)s）不能登记或修改联审问题和满意度测评。")
            % {"status": round_.get_status_display()}
        )


def finding_create(
    *,
    actor: User,
    assessment: Assessment,
    item_code: str,
    evidence: str,
    department: str | None = None,
    ip: str | None = None,
) -> Finding:
    """Record a veto or star-deduction finding (pending until the county admin confirms)."""
    if not policies.can_record_finding(actor, assessment):
        raise NotPermitted(_("您无权为该村登记联审问题。"))
    current_round(assessment)
    _ensure_findings_open(assessment.round)
    errors = []
    item = Item.objects.filter(
        catalogue_id=assessment.round.catalogue_id,
        code=item_code,
        kind__in=[Item.Kind.VETO, Item.Kind.STAR_DEDUCTION],
    ).first()
    if item is None:
        errors.append(
            {"field": "item", "value": item_code, "message": _("不是本轮的否决项或减星项代码")}
        )
    if not (evidence or "").strip():
        errors.append({"field": "evidence", "message": _("请填写问题事实与依据")})
    department = department or actor.department or "organization"
    if errors:
        raise InvalidInput(_("登记联审问题失败。"), errors)
    with transaction.atomic():
        finding = Finding.objects.create(
            assessment=assessment,
            item=item,
            department=department,
            evidence=evidence.strip(),
            recorded_by=actor,
        )
        audit_record(
            actor=actor,
            action=AuditLog.Action.FINDING_CREATE,
            obj=finding,
            after=_finding_snapshot(finding),
            ip=ip,
        )
    return finding


def _finding_snapshot(finding: Finding) -> dict:
    return {
        "assessment": finding.assessment_id,
        "item": finding.item.code,
        "kind": finding.item.kind,
        "department": finding.department,
        "status": finding.status,
        "evidence": finding.evidence,
    }


def finding_confirm(*, actor: User, finding: Finding, ip: str | None = None) -> Finding:
    assessment = finding.assessment
    if not policies.can_confirm_finding(actor, assessment):
        raise NotPermitted(_("只有县级管理员可以确认联审问题。"))
    current_round(assessment)
    _ensure_findings_open(assessment.round)
    with transaction.atomic():
        _locked(finding)
        if finding.status != Finding.Status.PENDING:
            raise Conflict(
                _("该问题当前状态为“%(s)s”，不能确认。") % {"s": finding.get_status_display()}
            )
        before = _finding_snapshot(finding)
        finding.status = Finding.Status.CONFIRMED
        finding.confirmed_by = actor
        finding.confirmed_at = timezone.now()
        finding.save()
        audit_record(
            actor=actor,
            action=AuditLog.Action.FINDING_CONFIRM,
            obj=finding,
            before=before,
            after=_finding_snapshot(finding),
            ip=ip,
        )
        results_refresh(round_=assessment.round, assessment_ids=[assessment.pk], actor=actor)
    return finding


def finding_withdraw(
    *, actor: User, finding: Finding, reason: str, ip: str | None = None
) -> Finding:
    """Withdraw a finding: its recorder while pending, the county admin at any time."""
    assessment = finding.assessment
    if not policies.can_withdraw_finding(actor, finding):
        raise NotPermitted(_("您无权撤回该问题。"))
    current_round(assessment)
    _ensure_findings_open(assessment.round)
    if not (reason or "").strip():
        raise InvalidInput(_("请填写撤回原因。"), [{"field": "reason", "message": _("必填")}])
    with transaction.atomic():
        _locked(finding)
        if finding.status == Finding.Status.WITHDRAWN:
            raise Conflict(_("该问题已撤回。"))
        if not policies.can_withdraw_finding(actor, finding):  # confirmed meanwhile
            raise NotPermitted(_("您无权撤回该问题。"))
        before = _finding_snapshot(finding)
        was_confirmed = finding.status == Finding.Status.CONFIRMED
        finding.status = Finding.Status.WITHDRAWN
        finding.withdrawn_reason = reason.strip()
        finding.save()
        audit_record(
            actor=actor,
            action=AuditLog.Action.FINDING_WITHDRAW,
            obj=finding,
            before=before,
            after=_finding_snapshot(finding),
            reason=reason,
            ip=ip,
        )
        if was_confirmed:
            results_refresh(round_=assessment.round, assessment_ids=[assessment.pk], actor=actor)
    return finding


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
    _ensure_findings_open(assessment.round)
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
                    "value": _display(raw),
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


# --- results -------------------------------------------------------------------------------


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
        _apply_result(assessment, results[assessment.pk], missing[assessment.pk])
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


def _apply_result(
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


# --- rounds --------------------------------------------------------------------------------


def _locked(instance: Model) -> Model:
    """Lock the instance's row for this transaction and bring it up to date, so two people
    cannot move the same round or finding at once (SQLite has no row locks but serializes
    writers anyway)."""
    type(instance).objects.select_for_update().filter(pk=instance.pk).first()
    instance.refresh_from_db()
    return instance


def _ensure_round_admin(actor: User, round_: Round) -> None:
    if not policies.can_manage_round(actor, round_.county_id):
        raise NotPermitted(_("只有本区县的县级管理员可以管理评定轮次。"))


def _transition(
    *, actor: User, round_: Round, to: str, reason: str = "", ip: str | None = None, **extra
) -> Round:
    before = {"status": round_.status}
    round_.status = to
    for field, value in extra.items():
        setattr(round_, field, value)
    round_.save()
    audit_record(
        actor=actor,
        action=AuditLog.Action.ROUND_TRANSITION,
        obj=round_,
        before=before,
        after={"status": to, **{k: _display(v) for k, v in extra.items()}},
        reason=reason,
        ip=ip,
    )
    return round_


def round_open(*, actor: User, round_: Round, ip: str | None = None) -> Round:
    """Open a draft round: freeze its catalogue and create an assessment for every active
    village of the county (DOMAIN.md §3 step 1)."""
    _ensure_round_admin(actor, round_)
    if round_.status != Round.Status.DRAFT:
        raise Conflict(_("只有草稿状态的评定轮次可以开启。"))
    # The catalogue freezes now: it must add up (edits since loading may have broken its sums).
    try:
        catalogue_validate(catalogue_as_data(round_.catalogue))
    except InvalidInput as exc:
        raise InvalidInput(
            _("指标体系“%(c)s”有误，不能开启：%(m)s") % {"c": round_.catalogue, "m": exc.message},
            exc.errors,
        ) from exc
    first = (
        Round.Status.SELF_ASSESSMENT
        if round_.self_assessment_enabled
        else Round.Status.TOWNSHIP_REVIEW
    )
    with transaction.atomic():
        _locked(round_)
        if round_.status != Round.Status.DRAFT:
            raise Conflict(_("只有草稿状态的评定轮次可以开启。"))
        villages = Organization.objects.filter(
            kind__in=VILLAGE_KINDS, parent__parent_id=round_.county_id, is_active=True
        ).values_list("pk", flat=True)
        Assessment.objects.bulk_create(
            [Assessment(round=round_, organization_id=pk) for pk in villages],
            ignore_conflicts=True,
        )
        _transition(actor=actor, round_=round_, to=first, ip=ip, opened_at=timezone.now())
        results_refresh(round_=round_, actor=actor)
    return round_


def _assessments_missing_stage(round_: Round, stage: str) -> list[Assessment]:
    return list(
        round_.assessments.exclude(
            sheets__stage=stage, sheets__status=Sheet.Status.SUBMITTED
        ).select_related("organization")
    )


def _missing_errors(missing: list[Assessment], stage: str) -> list[dict]:
    return [
        {
            "organization": a.organization.code,
            "organization_name": a.organization.name,
            "stage": stage,
            "message": _("“%(stage)s”评分表未提交") % {"stage": Stage(stage).label},
        }
        for a in missing
    ]


def _ensure_results_complete(round_: Round) -> None:
    without = list(round_.assessments.filter(level__isnull=True).select_related("organization"))
    if without:
        raise Conflict(
            _("还有%(n)d个村没有评定结果（评分表未提交或缺少满意度测评）。") % {"n": len(without)},
            [
                {
                    "organization": a.organization.code,
                    "organization_name": a.organization.name,
                    "message": "；".join(a.result_missing or []) or _("无评定结果"),
                }
                for a in without
            ],
        )
    pending = round_.assessments.filter(findings__status=Finding.Status.PENDING).count()
    if pending:
        raise Conflict(_("还有%(n)d个联审问题待确认或撤回。") % {"n": pending})


def round_advance(*, actor: User, round_: Round, ip: str | None = None) -> Round:
    """Move to the next stage. Leaving a stage that counts (rule 1) needs every sheet of it
    submitted; entering publicity needs every result and no pending finding."""
    _ensure_round_admin(actor, round_)
    order = {
        Round.Status.SELF_ASSESSMENT: Round.Status.TOWNSHIP_REVIEW,
        Round.Status.TOWNSHIP_REVIEW: Round.Status.COUNTY_REVIEW,
        Round.Status.COUNTY_REVIEW: Round.Status.PUBLICITY,
    }
    with transaction.atomic():
        _locked(round_)
        to = order.get(round_.status)
        if to is None:
            raise Conflict(
                _("当前状态（%(s)s）不能进入下一阶段。") % {"s": round_.get_status_display()}
            )
        stage = round_.open_stage
        if stage in round_.counting_stages:
            missing = _assessments_missing_stage(round_, stage)
            if missing:
                raise Conflict(
                    _("还有%(n)d个村的“%(stage)s”评分表未提交，不能进入下一阶段。")
                    % {"n": len(missing), "stage": Stage(stage).label},
                    _missing_errors(missing, stage),
                )
        if to == Round.Status.PUBLICITY:
            results_refresh(round_=round_, actor=actor)
            _ensure_results_complete(round_)
        return _transition(actor=actor, round_=round_, to=to, ip=ip)


def round_publish(*, actor: User, round_: Round, ip: str | None = None) -> Round:
    _ensure_round_admin(actor, round_)
    with transaction.atomic():
        _locked(round_)
        if round_.status != Round.Status.PUBLICITY:
            raise Conflict(_("只有公示中的评定轮次可以发布。"))
        results_refresh(round_=round_, actor=actor)
        _ensure_results_complete(round_)
        return _transition(
            actor=actor,
            round_=round_,
            to=Round.Status.PUBLISHED,
            ip=ip,
            published_at=timezone.now(),
        )


def round_archive(*, actor: User, round_: Round, ip: str | None = None) -> Round:
    _ensure_round_admin(actor, round_)
    with transaction.atomic():
        _locked(round_)
        if round_.status != Round.Status.PUBLISHED:
            raise Conflict(_("只有已发布的评定轮次可以归档。"))
        return _transition(actor=actor, round_=round_, to=Round.Status.ARCHIVED, ip=ip)


def round_reopen(
    *,
    actor: User,
    round_: Round,
    stage: str,
    reason: str,
    deadline: datetime | None = None,
    ip: str | None = None,
) -> Round:
    """Reopen a stage (with a required reason): the round returns to that stage and its
    deadline is set anew. Published rounds are final."""
    _ensure_round_admin(actor, round_)
    errors = []
    if stage not in Stage.values:
        errors.append({"field": "stage", "value": stage, "message": _("阶段不存在")})
    if not (reason or "").strip():
        errors.append({"field": "reason", "message": _("请填写重新开放的原因")})
    if deadline is not None and deadline <= timezone.now():
        errors.append({"field": "deadline", "message": _("新的截止时间必须晚于现在")})
    if errors:
        raise InvalidInput(_("重新开放阶段失败。"), errors)
    with transaction.atomic():
        _locked(round_)
        if stage == Stage.SELF and not round_.self_assessment_enabled:
            raise Conflict(_("本轮未开展村自评。"))
        if round_.status in (Round.Status.DRAFT, Round.Status.PUBLISHED, Round.Status.ARCHIVED):
            raise Conflict(
                _("当前状态（%(s)s）不能重新开放阶段。") % {"s": round_.get_status_display()}
            )
        deadline_field = {
            Stage.SELF: "self_deadline",
            Stage.TOWNSHIP: "township_deadline",
            Stage.COUNTY: "county_deadline",
        }[stage]
        before = {
            "status": round_.status,
            deadline_field: _display(getattr(round_, deadline_field)),
        }
        round_.status = STATUS_OF_STAGE[stage]
        setattr(round_, deadline_field, deadline)
        round_.save()
        StageReopening.objects.create(
            round=round_, stage=stage, reason=reason.strip(), new_deadline=deadline, by=actor
        )
        audit_record(
            actor=actor,
            action=AuditLog.Action.ROUND_REOPEN,
            obj=round_,
            before=before,
            after={"status": round_.status, deadline_field: _display(deadline)},
            reason=reason,
            ip=ip,
        )
    return round_


ROUND_RULE_FIELDS = (
    "name",
    "authoritative_stage",
    "weight_self",
    "weight_township",
    "weight_county",
    "self_assessment_enabled",
    "satisfaction_weight",
    "band_min_5",
    "band_min_4",
    "band_min_3",
    "band_min_2",
    "band_min_1",
    "pass_ratio",
    "level_mode",
    "satisfaction_floor",
    "satisfaction_cap_level",
    "max_promotion",
    "first_year_max",
    "quota_5",
    "quota_4",
    "self_deadline",
    "township_deadline",
    "county_deadline",
    "publicity_start",
    "publicity_end",
    "supervision_phone",
    "target_share_3",
    "target_share_4",
)


def round_create(
    *,
    actor: User,
    county: Organization,
    year: int,
    catalogue: Catalogue,
    ip: str | None = None,
    **fields,
) -> Round:
    if not policies.can_manage_round(actor, county.pk):
        raise NotPermitted(_("只有本区县的县级管理员可以创建评定轮次。"))
    reject_unknown_fields(fields, ROUND_RULE_FIELDS)
    if Round.objects.filter(county=county, year=year).exists():
        raise InvalidInput(
            _("%(y)s年度评定轮次已存在。") % {"y": year},
            [{"field": "year", "message": _("已存在")}],
        )
    fields.setdefault("name", f"{county.name}{year}年度村党组织星级评定")
    round_ = Round(county=county, year=year, catalogue=catalogue, **fields)
    _round_bands_check(round_)
    _full_clean(round_)
    with transaction.atomic():
        round_.save()
        audit_record(
            actor=actor,
            action=AuditLog.Action.CREATE,
            obj=round_,
            after=_round_snapshot(round_),
            ip=ip,
        )
    return round_


def round_update(*, actor: User, round_: Round, ip: str | None = None, **fields) -> Round:
    """Change a round's rules, deadlines or publicity details before it is published; the
    results are recomputed under the new rules."""
    _ensure_round_admin(actor, round_)
    if round_.is_published:
        raise Conflict(_("结果已发布，不能修改评定规则。"))
    reject_unknown_fields(fields, (*ROUND_RULE_FIELDS, "catalogue"))
    if "catalogue" in fields and round_.status != Round.Status.DRAFT:
        raise Conflict(_("评定轮次开启后不能更换指标体系。"))
    before = _round_snapshot(round_)
    for field, value in fields.items():
        setattr(round_, field, value)
    _round_bands_check(round_)
    _full_clean(round_)
    with transaction.atomic():
        round_.save()
        after = _round_snapshot(round_)
        changed = {k: v for k, v in after.items() if before.get(k) != v}
        if changed:
            audit_record(
                actor=actor,
                action=AuditLog.Action.UPDATE,
                obj=round_,
                before={k: before.get(k) for k in changed},
                after=changed,
                ip=ip,
            )
        if round_.status != Round.Status.DRAFT:
            results_refresh(round_=round_, actor=actor)
    return round_


BAND_FIELDS = ("band_min_5", "band_min_4", "band_min_3", "band_min_2", "band_min_1")


def _round_bands_check(round_: Round) -> None:
    """Rule 5 needs band minima that never rise from five stars down to one. The database
    checks it too, but its message names only the constraint, not the field."""
    errors = []
    for higher, lower in pairwise(BAND_FIELDS):
        try:
            high = Decimal(str(getattr(round_, higher)))
            low = Decimal(str(getattr(round_, lower)))
        except (InvalidOperation, TypeError):
            continue  # not a number: full_clean names the field
        if low > high:
            errors.append(
                {
                    "field": lower,
                    "message": _("%(low)s（%(lv)s）不能高于%(high)s（%(hv)s）。")
                    % {
                        "low": Round._meta.get_field(lower).verbose_name,
                        "lv": low,
                        "high": Round._meta.get_field(higher).verbose_name,
                        "hv": high,
                    },
                }
            )
    if errors:
        raise InvalidInput(_("各星级分数线必须从五星到一星依次降低（规则5），未保存。"), errors)


def _round_snapshot(round_: Round) -> dict:
    return {f: _display(getattr(round_, f)) for f in ROUND_RULE_FIELDS} | {
        "catalogue": round_.catalogue_id
    }


def _full_clean(obj) -> None:
    from django.core.exceptions import ValidationError

    try:
        obj.full_clean(exclude=["county", "catalogue"])
    except ValidationError as exc:
        raise InvalidInput(
            _("数据有误，未保存。"),
            [
                {"field": field, "message": str(message)}
                for field, messages in exc.message_dict.items()
                for message in messages
            ],
        ) from exc


# --- Excel score import --------------------------------------------------------------------


@dataclasses.dataclass
class ScoreRow:
    """One village's row of an imported score sheet: raw values by item code, and where each
    came from (``columns``: item code → column letter) so every error can name its cell."""

    sheet: str
    row: int
    organization: str
    values: dict[str, Any] = dataclasses.field(default_factory=dict)
    columns: dict[str, str] = dataclasses.field(default_factory=dict)


def _import_error(
    row: ScoreRow | None,
    message: str,
    *,
    sheet: str = "",
    line: int | None = None,
    column: str = "",
    organization: str = "",
    organization_name: str = "",
    item: str = "",
    value: Any = None,
    stage: str = "",
) -> dict[str, Any]:
    return {
        "sheet": row.sheet if row else sheet,
        "row": row.row if row else line,
        "column": column,
        "organization": row.organization if row else organization,
        "organization_name": organization_name,
        "stage": stage,
        "item": item,
        "value": _display(value),
        "message": message,
    }


def _editable_organization_ids(
    actor: User, round_: Round, stage: str, assessments: Iterable[Assessment]
) -> set[int]:
    """The bulk form of ``policies.can_edit_sheet`` for many villages of one round: the same
    rules, with at most one query (an evaluator's group assignments)."""
    if not actor.is_active or not policies.in_county(actor, round_.county_id):
        return set()
    orgs = [a.organization for a in assessments]
    if actor.role == Role.COUNTY_ADMIN:
        return {o.pk for o in orgs}
    if actor.role == Role.VILLAGE_SECRETARY and stage == Stage.SELF:
        return {o.pk for o in orgs if o.pk == actor.organization_id}
    if actor.role == Role.TOWNSHIP_ASSESSOR and stage == Stage.TOWNSHIP:
        return {o.pk for o in orgs if o.parent_id == actor.organization_id}
    if actor.role == Role.EVALUATOR and stage == Stage.COUNTY:
        assigned = set(
            EvaluationGroup.objects.filter(round=round_, members=actor).values_list(
                "villages", flat=True
            )
        )
        return {o.pk for o in orgs if o.pk in assigned}
    return set()


# The stage each role may enter at all (policies.can_edit_sheet); others may not import.
_ROLE_STAGES = {
    Role.COUNTY_ADMIN: set(Stage.values),
    Role.TOWNSHIP_ASSESSOR: {Stage.TOWNSHIP},
    Role.VILLAGE_SECRETARY: {Stage.SELF},
    Role.EVALUATOR: {Stage.COUNTY},
}


def scores_import(
    *,
    actor: User | None,
    round_: Round,
    stage: str,
    rows: Iterable[ScoreRow],
    errors: Iterable[dict[str, Any]] = (),
    source: str = "",
    ip: str | None = None,
) -> dict[str, int]:
    """Import many villages' points for one stage (an Excel upload), all or nothing.

    Every value goes through the same check as ``scores_save`` (``validate_entry``); each
    village is authorized against the actor's scope (a township assessor: its own villages);
    the stage must be open. ``errors`` are problems the file reader already found (text or
    formulas in number cells, bad headers): they are reported together with this service's
    own, and if there is any, nothing is written. Blank cells leave points as they are.

    Writes in one transaction: the missing sheets, one bulk upsert of the changed points, one
    audit record per changed sheet plus one for the import, and one recalculation of the
    affected results. Unchanged values are not rewritten, so importing the same file again
    changes nothing. Queries do not grow with the number of villages.
    """
    rows = list(rows)
    errors = list(errors)
    if stage not in Stage.values:
        raise InvalidInput(_("阶段“%(stage)s”不存在。") % {"stage": stage})
    label = Stage(stage).label
    if actor is not None:  # None: the command line, acting for the county
        if not actor.is_active or stage not in _ROLE_STAGES.get(actor.role, set()):
            raise NotPermitted(_("您无权导入“%(stage)s”评分。") % {"stage": label})
        if not policies.in_county(actor, round_.county_id):
            raise NotPermitted(_("您无权导入该评定轮次的评分。"))
    round_.refresh_from_db()
    ensure_stage_open(round_, stage)

    items = _points_items(round_)
    codes = {r.organization for r in rows}
    assessments = {
        a.organization.code: a
        for a in Assessment.objects.filter(
            round=round_, organization__code__in=codes
        ).select_related("organization")
    }
    for a in assessments.values():
        a.round = round_  # audit texts name the round: no query per sheet
    editable = (
        {a.organization_id for a in assessments.values()}
        if actor is None
        else _editable_organization_ids(actor, round_, stage, assessments.values())
    )

    for e in errors:  # the reader knows codes, not names
        known = assessments.get(e.get("organization") or "")
        if known is not None and not e.get("organization_name"):
            e["organization_name"] = known.organization.name
        e["stage"] = e.get("stage") or stage
    seen: dict[str, ScoreRow] = {}
    unknown_columns: set[tuple[str, str]] = set()
    parsed: dict[int, dict[str, Decimal]] = {}  # assessment id → item code → points
    cells = 0
    for row in rows:
        assessment = assessments.get(row.organization)
        if assessment is None:
            errors.append(_import_error(row, _("村代码不存在或不在本轮评定范围内"), stage=stage))
            continue
        org = assessment.organization
        if row.organization in seen:
            first = seen[row.organization]
            errors.append(
                _import_error(
                    row,
                    _("村代码重复（已出现在“%(sheet)s”第%(row)d行）")
                    % {"sheet": first.sheet, "row": first.row},
                    organization_name=org.name,
                    stage=stage,
                )
            )
            continue
        seen[row.organization] = row
        if org.pk not in editable:
            errors.append(
                _import_error(
                    row, _("该村不在您的管辖范围内"), organization_name=org.name, stage=stage
                )
            )
            continue
        points_by_code = parsed.setdefault(assessment.pk, {})
        for code, raw in row.values.items():
            column = row.columns.get(code, "")
            points, message = validate_entry(items, code, raw)
            if message:
                if code not in items:
                    if (row.sheet, column) in unknown_columns:
                        continue  # one error per unknown column, not one per cell
                    unknown_columns.add((row.sheet, column))
                errors.append(
                    _import_error(
                        row,
                        message,
                        column=column,
                        organization_name=org.name,
                        item=code,
                        value=raw,
                        stage=stage,
                    )
                )
            elif points is not None:
                points_by_code[code] = points
                cells += 1
    if errors:
        order = {name: i for i, name in enumerate(dict.fromkeys(r.sheet for r in rows))}
        errors.sort(
            key=lambda e: (
                order.get(e["sheet"], -1),
                e["row"] or 0,
                len(e["column"]),
                e["column"],
            )
        )
        raise InvalidInput(
            _("导入文件有%(n)d处错误，未导入任何数据。请修改后重新上传。") % {"n": len(errors)},
            errors,
        )

    by_id = {a.pk: a for a in assessments.values()}
    now = timezone.now()
    with transaction.atomic():
        round_ = Round.objects.select_for_update().get(pk=round_.pk)
        ensure_stage_open(round_, stage)  # an admin may have just advanced the round
        sheets = {
            s.assessment_id: s
            for s in Sheet.objects.select_for_update().filter(
                assessment_id__in=list(parsed), stage=stage
            )
        }
        new_sheets = [
            Sheet(assessment=by_id[pk], stage=stage, version=1, updated_by=actor)
            for pk, points in parsed.items()
            if pk not in sheets and points
        ]
        Sheet.objects.bulk_create(new_sheets, batch_size=1000)
        created_ids = {s.pk for s in new_sheets}
        for sheet in new_sheets:
            sheets[sheet.assessment_id] = sheet
        current: dict[int, dict[int, Decimal]] = {}
        existing_ids = [s.pk for s in sheets.values() if s.pk not in created_ids]
        if existing_ids:
            for sheet_id, item_id, points in Score.objects.filter(
                sheet_id__in=existing_ids
            ).values_list("sheet_id", "item_id", "points"):
                current.setdefault(sheet_id, {})[item_id] = points

        upserts, entries, changed_sheets, affected = [], [], [], []
        counts = {"villages": len(parsed), "cells": cells, "created": 0, "updated": 0}
        for pk, points_by_code in parsed.items():
            if not points_by_code:
                continue
            sheet = sheets[pk]
            sheet.assessment = by_id[pk]
            old_points = current.get(sheet.pk, {})
            before, after = {}, {}
            for code, points in points_by_code.items():
                item = items[code]
                old = old_points.get(item.pk)
                if old is not None and old == points:
                    continue
                upserts.append(Score(sheet_id=sheet.pk, item_id=item.pk, points=points))
                before[code] = None if old is None else f"{old:.2f}"
                after[code] = f"{points:.2f}"
                counts["created" if old is None else "updated"] += 1
            if not after:
                continue
            if sheet.is_submitted:
                affected.append(pk)
            if sheet.pk not in created_ids:
                sheet.version += 1
                sheet.updated_by = actor
                sheet.updated_at = now
                changed_sheets.append(sheet)
            entries.append(
                AuditEntry(
                    AuditLog.Action.SCORES_SAVE,
                    sheet,
                    {"version": sheet.version - 1, "scores": before},
                    {"version": sheet.version, "scores": after},
                    reason=_("Excel导入"),
                )
            )
        if upserts:
            Score.objects.bulk_create(
                upserts,
                update_conflicts=True,
                unique_fields=["sheet", "item"],
                update_fields=["points", "updated_at"],
                batch_size=2000,
            )
        if changed_sheets:
            Sheet.objects.bulk_update(
                changed_sheets, ["version", "updated_by", "updated_at"], batch_size=500
            )
        counts["unchanged"] = cells - counts["created"] - counts["updated"]
        counts["sheets_changed"] = len(entries)
        if entries:
            entries.append(
                AuditEntry(
                    AuditLog.Action.IMPORT,
                    round_,
                    None,
                    {"stage": stage, "source": source, **counts},
                    reason=_("Excel导入评分"),
                )
            )
            audit_record_many(actor=actor, entries=entries, ip=ip)
        # Only submitted sheets of counting stages feed results (rule 0, rule 1).
        if affected and stage in round_.counting_stages:
            results_refresh(round_=round_, assessment_ids=affected, actor=actor)
    return counts


# --- department clearances (联查联审 "no main problem") ------------------------------------


def clearance_record(
    *,
    actor: User,
    assessment: Assessment,
    department: str | None = None,
    ip: str | None = None,
) -> DepartmentClearance:
    """Record that a department found no main problem (无重大问题) for a village. Refused while
    the same department has a pending or confirmed finding for it; one per department."""
    if not policies.can_record_finding(actor, assessment):
        raise NotPermitted(_("您无权为该村登记联审结论。"))
    _ensure_findings_open(assessment.round)
    department = department or actor.department or "organization"
    if department not in Department.values:
        raise InvalidInput(
            _("部门不存在。"),
            [{"field": "department", "value": department, "message": _("部门不存在")}],
        )
    org_name = assessment.organization.name
    label = Department(department).label
    open_findings = assessment.findings.filter(department=department).exclude(
        status=Finding.Status.WITHDRAWN
    )
    if open_findings.exists():
        raise Conflict(
            _("%(dept)s已为%(org)s登记了问题，不能再登记“无重大问题”。")
            % {"dept": label, "org": org_name}
        )
    with transaction.atomic():
        clearance, created = DepartmentClearance.objects.get_or_create(
            assessment=assessment, department=department, defaults={"by": actor}
        )
        if not created:
            raise Conflict(
                _("%(dept)s已登记%(org)s“无重大问题”。") % {"dept": label, "org": org_name}
            )
        audit_record(
            actor=actor,
            action=AuditLog.Action.CREATE,
            obj=clearance,
            after={
                "assessment": assessment.pk,
                "department": department,
                "conclusion": "no_main_problem",
            },
            ip=ip,
        )
    return clearance


# --- background jobs (Excel in and out) -----------------------------------------------------

# Who may start each kind of job; the work itself authorizes again, village by village.
_JOB_ROLES = {
    Job.Kind.EXPORT_TEMPLATE: set(_ROLE_STAGES),
    Job.Kind.EXPORT_REPORT: {Role.COUNTY_ADMIN, Role.AUDITOR, Role.TOWNSHIP_ASSESSOR},
    Job.Kind.IMPORT_SCORES: set(_ROLE_STAGES),
    Job.Kind.IMPORT_ORGANIZATIONS: {Role.COUNTY_ADMIN},
}


def job_create(
    *,
    actor: User | None,
    kind: str,
    parameters: Mapping[str, Any],
    upload: Any = None,
    ip: str | None = None,
) -> Job:
    """Record a job and enqueue its task once the transaction commits (a worker must find
    the row). ``actor`` None is the command line (system)."""
    if kind not in Job.Kind.values:
        raise InvalidInput(_("任务类型“%(k)s”不存在。") % {"k": kind})
    if actor is not None and not (actor.is_active and actor.role in _JOB_ROLES[kind]):
        raise NotPermitted(_("您无权执行“%(k)s”。") % {"k": Job.Kind(kind).label})
    from . import tasks  # tasks import this module

    with transaction.atomic():
        job = Job.objects.create(kind=kind, parameters=dict(parameters), created_by=actor)
        if upload is not None:
            job.upload.save(getattr(upload, "name", "upload.xlsx").split("/")[-1], upload)
        transaction.on_commit(lambda: tasks.TASK_OF_KIND[kind].delay(job.pk))
    return job


def job_start(*, job_id: int) -> Job | None:
    """Mark a job running; None if it already finished (a redelivered task does nothing)."""
    claimed = Job.objects.filter(
        pk=job_id, status__in=[Job.Status.QUEUED, Job.Status.RUNNING]
    ).update(status=Job.Status.RUNNING, started_at=timezone.now(), progress=0)
    if not claimed:
        return None
    return Job.objects.select_related("created_by").get(pk=job_id)


def job_progress(*, job: Job, percent: int) -> None:
    percent = max(0, min(100, int(percent)))
    if percent != job.progress:
        job.progress = percent
        Job.objects.filter(pk=job.pk).update(progress=percent)


def job_succeed(
    *, job: Job, counts: Mapping[str, Any], result_path: str | None = None, filename: str = ""
) -> Job:
    """Store the counts and the result file; the file expires after JOB_RESULT_TTL_HOURS."""
    from django.conf import settings
    from django.core.files import File

    if result_path:
        with open(result_path, "rb") as f:
            job.result_file.save(filename or f"job-{job.pk}.xlsx", File(f), save=False)
    now = timezone.now()
    job.status = Job.Status.SUCCEEDED
    job.progress = 100
    job.counts = dict(counts)
    job.finished_at = now
    job.expires_at = now + timedelta(hours=getattr(settings, "JOB_RESULT_TTL_HOURS", 72))
    job.error_message, job.errors = "", []
    job.save()
    return job


def job_fail(*, job: Job, message: str, errors: list[dict[str, Any]] | None = None) -> Job:
    from django.conf import settings

    now = timezone.now()
    job.status = Job.Status.FAILED
    job.error_message = message
    job.errors = list(errors or [])[:2000]  # the page lists them; a capped list stays usable
    job.finished_at = now
    job.expires_at = now + timedelta(hours=getattr(settings, "JOB_RESULT_TTL_HOURS", 72))
    job.save()
    return job


def jobs_expire(*, now: datetime | None = None) -> int:
    """Delete the files of jobs past their expiry time (results and uploads); the job rows
    stay as the record of who exported or imported what. Returns how many were cleared."""
    now = now or timezone.now()
    expired = Job.objects.filter(expires_at__lte=now).exclude(result_file="", upload="")
    cleared = 0
    for job in expired:
        for f in (job.result_file, job.upload):
            if f:
                f.delete(save=False)
        job.save(update_fields=["result_file", "upload"])
        cleared += 1
    return cleared
