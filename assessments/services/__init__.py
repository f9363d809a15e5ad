"""Writes of the rating year, one module per entity. Each service authorizes, validates
everything, then writes inside one transaction and records the audit trail; every change to
scores, findings or surveys refreshes the results it affects (with quotas set, the whole round
is the unit). Callers import from here: ``from assessments import services``."""

from .common import (
    current_round,
    ensure_stage_open,
    validate_points,
)
from .corrections import (
    correction_approve,
    correction_propose,
    correction_reject,
    refresh_later_rounds,
)
from .findings import (
    clearance_record,
    clearance_undo,
    clearance_withdraw,
    finding_confirm,
    finding_create,
    finding_withdraw,
)
from .groups import (
    GROUPS_LOCKED,
    group_create,
    group_delete,
    group_members_set,
    group_rename,
    group_villages_set,
    recusal_create,
    recusal_end,
)
from .history import HistoryRow, history_import
from .objections import (
    OBJECTION_ROLES,
    appeal_deadline,
    is_appellant,
    objection_handle,
    objection_lodge,
)
from .results import assessment_set_exceptional, results_refresh
from .reviews import review_departments_set
from .round_settings import BAND_FIELDS, ROUND_RULE_FIELDS, round_create, round_update
from .rounds import (
    round_advance,
    round_archive,
    round_open,
    round_publish,
    round_reopen,
)
from .scores_import import ROLE_STAGES, ScoreRow, scores_import
from .sheets import scores_save, sheet_return
from .spotchecks import spot_check_assign, spot_check_record, spot_draw
from .successions import succession_record
from .surveys import survey_save

__all__ = [
    "BAND_FIELDS",
    "GROUPS_LOCKED",
    "OBJECTION_ROLES",
    "ROLE_STAGES",
    "ROUND_RULE_FIELDS",
    "HistoryRow",
    "ScoreRow",
    "appeal_deadline",
    "assessment_set_exceptional",
    "clearance_record",
    "clearance_undo",
    "clearance_withdraw",
    "correction_approve",
    "correction_propose",
    "correction_reject",
    "current_round",
    "ensure_stage_open",
    "finding_confirm",
    "finding_create",
    "finding_withdraw",
    "group_create",
    "group_delete",
    "group_members_set",
    "group_rename",
    "group_villages_set",
    "history_import",
    "is_appellant",
    "objection_handle",
    "objection_lodge",
    "recusal_create",
    "recusal_end",
    "refresh_later_rounds",
    "results_refresh",
    "review_departments_set",
    "round_advance",
    "round_archive",
    "round_create",
    "round_open",
    "round_publish",
    "round_reopen",
    "round_update",
    "scores_import",
    "scores_save",
    "sheet_return",
    "spot_check_assign",
    "spot_check_record",
    "spot_draw",
    "succession_record",
    "survey_save",
    "validate_points",
]
