"""A village's score history from the audit log: who changed which item from what to what, at
which stage, when."""

from __future__ import annotations

from typing import Any

from assessments.models import Sheet
from organizations.models import AuditLog, Organization

SHEET_ACTIONS = (
    AuditLog.Action.SCORES_SAVE,
    AuditLog.Action.SHEET_SUBMIT,
    AuditLog.Action.SHEET_REOPEN,
)


def score_history(village: Organization, *, limit: int = 300) -> list[dict[str, Any]]:
    """The village's sheet changes, newest first, one line per changed item (a submission or a
    return is one line). Each line carries its ``sheet`` (with assessment and round) so the page
    can show only the stages the reader may see. Three queries whatever the length."""
    entries = list(
        AuditLog.objects.filter(
            village=village, object_type=Sheet._meta.label, action__in=SHEET_ACTIONS
        ).order_by("-at", "-id")[:limit]
    )
    sheets = Sheet.objects.select_related(
        "assessment", "assessment__round", "assessment__organization"
    ).in_bulk({int(e.object_id) for e in entries if e.object_id.isdigit()})
    lines = []
    for entry in entries:
        sheet = sheets.get(int(entry.object_id)) if entry.object_id.isdigit() else None
        if sheet is None:
            continue
        common = {"entry": entry, "sheet": sheet, "stage": sheet.get_stage_display()}
        if entry.action != AuditLog.Action.SCORES_SAVE:
            lines.append({**common, "item": "", "old": "", "new": entry.get_action_display()})
            continue
        old = (entry.before or {}).get("scores") or {}
        new = (entry.after or {}).get("scores") or {}
        for code in sorted(set(old) | set(new)):
            if old.get(code) != new.get(code):
                lines.append({**common, "item": code, "old": old.get(code), "new": new.get(code)})
    return lines
