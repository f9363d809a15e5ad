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
from .groups import (
    county_places,
    county_users_by_ids,
    evaluators_of_county,
    group_coverage,
    group_get_for_user,
    group_progress,
    groups_for_user,
    recusal_conflicts,
    recusal_get_for_user,
    recusals_for_user,
    round_villages,
    round_villages_by_ids,
)
from .history import score_history
from .objections import (
    objection_counts,
    objection_get_for_user,
    objection_targets,
    objections_for_user,
    objections_pending,
)
from .record import (
    assessment_record,
    explain_steps,
    latest_explanation,
    record_assessment_get_for_user,
)
from .results import (
    catalogue_categories,
    category_codes,
    change_q,
    result_record,
    result_records,
    round_rules,
    scoring_inputs,
    sheet_projection,
)
from .reviews import (
    clearance_get_for_user,
    clearances_for_user,
    joint_review_open,
    review_conclusions,
    review_departments,
    review_progress,
)
from .rounds import (
    previous_published_round,
    round_get_by_year,
    round_get_for_user,
    round_progress,
    rounds_for_user,
    stage_closed_at,
)
from .spotchecks import (
    SPOTCHECK_ROLES,
    spot_check_get_for_user,
    spot_checker_candidates,
    spot_checks_for_user,
    spot_draw_get_for_user,
    spot_draws_for_user,
)

__all__ = [
    "CHANGE_KINDS",
    "SPOTCHECK_ROLES",
    "assessment_get_for_user",
    "assessment_record",
    "assessment_scope_q",
    "assessments_for_user",
    "catalogue_categories",
    "category_codes",
    "change_kind",
    "change_q",
    "clearance_get_for_user",
    "clearances_for_user",
    "county_places",
    "county_users_by_ids",
    "evaluators_of_county",
    "explain_steps",
    "finding_get_for_user",
    "findings_for_user",
    "group_coverage",
    "group_get_for_user",
    "group_progress",
    "groups_for_user",
    "joint_review_open",
    "latest_explanation",
    "objection_counts",
    "objection_get_for_user",
    "objection_targets",
    "objections_for_user",
    "objections_pending",
    "previous_published_round",
    "record_assessment_get_for_user",
    "recusal_conflicts",
    "recusal_get_for_user",
    "recusals_for_user",
    "result_record",
    "result_records",
    "review_conclusions",
    "review_departments",
    "review_progress",
    "round_get_by_year",
    "round_get_for_user",
    "round_progress",
    "round_rules",
    "round_villages",
    "round_villages_by_ids",
    "rounds_for_user",
    "score_history",
    "scoring_inputs",
    "sheet_projection",
    "sheet_scores",
    "sheets_by_assessment",
    "spot_check_get_for_user",
    "spot_checker_candidates",
    "spot_checks_for_user",
    "spot_draw_get_for_user",
    "spot_draws_for_user",
    "stage_closed_at",
]
