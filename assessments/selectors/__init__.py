"""Reads shared by the API, the pages, the exports and the recalculation, one module per
entity. Every lookup by id goes through a ``*_for_user`` selector that scopes by the user:
another township's village is simply not found (404), never "forbidden". Callers import from
here: ``from assessments import selectors``."""

# How results moved since last year: defined with the stored result, read by many.
from assessments.models import CHANGE_KINDS, change_kind

from .assessments import (
    assessment_get_for_user,
    assessment_scope_q,
    assessments_for_user,
    finding_get_for_user,
    findings_for_user,
    sheet_scores,
    sheets_by_assessment,
)
from .history import score_history
from .results import (
    catalogue_categories,
    category_codes,
    change_q,
    frozen_catalogue_categories,
    result_record,
    result_records,
    round_rules,
    scoring_inputs,
    sheet_projection,
)
from .rounds import (
    previous_published_round,
    round_get_by_year,
    round_get_for_user,
    round_progress,
    rounds_for_user,
    stage_closed_at,
)

__all__ = [
    "CHANGE_KINDS",
    "assessment_get_for_user",
    "assessment_scope_q",
    "assessments_for_user",
    "catalogue_categories",
    "category_codes",
    "change_kind",
    "change_q",
    "finding_get_for_user",
    "findings_for_user",
    "frozen_catalogue_categories",
    "previous_published_round",
    "result_record",
    "result_records",
    "round_get_by_year",
    "round_get_for_user",
    "round_progress",
    "round_rules",
    "rounds_for_user",
    "score_history",
    "scoring_inputs",
    "sheet_projection",
    "sheet_scores",
    "sheets_by_assessment",
    "stage_closed_at",
]
