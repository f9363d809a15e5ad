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
    finding_confirm,
    finding_create,
    finding_withdraw,
)
from .history import HistoryRow, history_import
from .results import assessment_set_exceptional, results_refresh
from .rounds import (
    ROUND_RULE_FIELDS,
    round_advance,
    round_archive,
    round_create,
    round_open,
    round_publish,
    round_reopen,
    round_update,
)
from .scores_import import ROLE_STAGES, ScoreRow, scores_import
from .sheets import scores_save, sheet_return
from .successions import succession_record
from .surveys import survey_save

__all__ = [
    "ROLE_STAGES",
    "ROUND_RULE_FIELDS",
    "HistoryRow",
    "ScoreRow",
    "assessment_set_exceptional",
    "clearance_record",
    "correction_approve",
    "correction_propose",
    "correction_reject",
    "current_round",
    "ensure_stage_open",
    "finding_confirm",
    "finding_create",
    "finding_withdraw",
    "history_import",
    "refresh_later_rounds",
    "results_refresh",
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
    "succession_record",
    "survey_save",
    "validate_points",
]
