"""Score sheets: saving (and submitting) a stage's points for one assessment, returning a submitted
sheet to draft."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, NamedTuple

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments import policies, selectors
from assessments.models import (
    Assessment,
    Round,
    Score,
    Sheet,
    Stage,
)
from indicators.models import Item
from organizations.models import AuditLog, Organization, User
from organizations.services import AuditEntry, audit_record, audit_record_many
from starrating.errors import Conflict, InvalidInput, NotPermitted

from .common import current_round, display_value, ensure_stage_open, validate_entry
from .results import results_refresh


def points_items(round_: Round) -> dict[str, Item]:
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
    # The assessment, its round as it is now (an admin may have moved it on since the caller
    # read it: stage locks are judged on the current state) and its village, in one query.
    # The assessment with its village, round and the round's catalogue (whose last change keys
    # the catalogue kept in memory): the caller's if it read them (a page or the API just did,
    # scoped), else read here in one query.
    if not _loaded(assessment):
        assessment = _read(assessment.pk)
    if stage not in Stage.values:
        raise InvalidInput(_("阶段“%(stage)s”不存在。") % {"stage": stage})
    if not policies.can_edit_sheet(actor, assessment, stage):
        raise NotPermitted(_("您无权填写该村的“%(stage)s”。") % {"stage": Stage(stage).label})
    if not assessment.round.stage_open(stage):
        # Stage locks are judged on the round as it is now (an admin may have moved it on
        # since the caller read it); under the sheet's lock below it is read again anyway.
        assessment = _read(assessment.pk)
        ensure_stage_open(assessment.round, stage)
    round_ = assessment.round

    # A stage is open: the round has left draft and its catalogue is frozen.
    categories = selectors.frozen_catalogue_categories(round_.catalogue)
    items = {
        item.code: item
        for category in categories
        for item in category.catalogue_items
        if item.kind in (Item.Kind.SCORED, Item.Kind.DEDUCTION)
    }
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
        # Lock the sheet and read the round again under the lock, in one query: an admin may
        # have just advanced the stage.
        sheet = (
            Sheet.objects.select_for_update(of=("self",))
            .select_related("assessment__round")
            .filter(assessment=assessment, stage=stage)
            .first()
        )
        if sheet is None:
            # Two first saves at once: get_or_create takes the loser's IntegrityError and
            # waits on the winner's row lock, so the loser sees its version (a conflict).
            sheet, _created = Sheet.objects.select_for_update().get_or_create(
                assessment=assessment, stage=stage
            )
            assessment.round.refresh_from_db()
        else:
            assessment.round = sheet.assessment.round
        sheet.assessment = assessment
        ensure_stage_open(assessment.round, stage)
        by_id = {item.pk: item for item in items.values()}
        current_by_code = {
            by_id[item_id].code: _Stored(pk, by_id[item_id], points, note)
            for pk, item_id, points, note in Score.objects.filter(sheet=sheet)
            .order_by()
            .values_list("pk", "item_id", "points", "note")
            if item_id in by_id
        }
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
        # The sheet's points and notes as written (what a caller shows next, unread).
        deleted = set(deletes)
        stored = {
            code: (old.points, old.note)
            for code, old in current_by_code.items()
            if old.pk not in deleted
        }
        for score in upserts:
            stored[score.item.code] = (score.points, score.note)
        sheet.written_scores = dict(
            sorted(stored.items(), key=lambda kv: (items[kv[0]].position, kv[0]))
        )
        if not (upserts or deletes or submitting):
            return sheet  # nothing changed: no new version, no audit noise

        sheet.version += 1
        sheet.updated_by = actor
        if submitting:
            sheet.status = Sheet.Status.SUBMITTED
            sheet.submitted_at = timezone.now()
            sheet.submitted_by = actor
        sheet.save(
            update_fields=[
                "version",
                "updated_by",
                "status",
                "submitted_at",
                "submitted_by",
                "updated_at",
            ]
        )
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
        results_refresh(
            round_=assessment.round,
            assessments=[assessment],
            actor=actor,
            categories=categories,
            audit=entries,
            known_sheets={
                stage: {code: points for code, (points, _note) in sheet.written_scores.items()}
                if sheet.is_submitted
                else None
            },
        )
        audit_record_many(actor=actor, entries=entries, ip=ip)
    return sheet


def _loaded(assessment: Assessment) -> bool:
    cached = assessment._state.fields_cache
    return (
        "organization" in cached
        and "round" in cached
        and "catalogue" in assessment.round._state.fields_cache
    )


def _read(pk: int) -> Assessment:
    return Assessment.objects.select_related("round", "round__catalogue", "organization").get(pk=pk)


class _Stored(NamedTuple):
    """A score row as read for a save."""

    pk: int
    item: Item
    points: Decimal
    note: str


def _item_error(org: Organization, stage: str, code: str, value: Any, message: str) -> dict:
    return {
        "organization": org.code,
        "organization_name": org.name,
        "stage": stage,
        "item": code,
        "value": display_value(value),
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
