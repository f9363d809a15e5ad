"""Many sheets at once (an Excel workbook read by ``workbooks``): every row validated, then all
written in one transaction or none."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments import policies
from assessments.models import (
    Assessment,
    EvaluationGroup,
    Round,
    Score,
    Sheet,
    Stage,
)
from organizations.models import AuditLog, Role, User
from organizations.services import AuditEntry, audit_record_many
from starrating.errors import InvalidInput, NotPermitted

from .common import display_value, ensure_stage_open, validate_entry
from .results import results_refresh
from .sheets import points_items


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
        "value": display_value(value),
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
ROLE_STAGES = {
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
        if not actor.is_active or stage not in ROLE_STAGES.get(actor.role, set()):
            raise NotPermitted(_("您无权导入“%(stage)s”评分。") % {"stage": label})
        if not policies.in_county(actor, round_.county_id):
            raise NotPermitted(_("您无权导入该评定轮次的评分。"))
    round_.refresh_from_db()
    ensure_stage_open(round_, stage)

    items = points_items(round_)
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
    noun = {"noun": round_.rated_noun}
    for row in rows:
        assessment = assessments.get(row.organization)
        if assessment is None:
            errors.append(
                _import_error(row, _("%(noun)s代码不存在或不在本轮评定范围内") % noun, stage=stage)
            )
            continue
        org = assessment.organization
        if row.organization in seen:
            first = seen[row.organization]
            errors.append(
                _import_error(
                    row,
                    _("%(noun)s代码重复（已出现在“%(sheet)s”第%(row)d行）")
                    % {"sheet": first.sheet, "row": first.row, **noun},
                    organization_name=org.name,
                    stage=stage,
                )
            )
            continue
        seen[row.organization] = row
        if org.pk not in editable:
            errors.append(
                _import_error(
                    row,
                    _("该%(noun)s不在您的管辖范围内") % noun,
                    organization_name=org.name,
                    stage=stage,
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
