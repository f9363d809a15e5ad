"""Writes of organization health, one module per part. Callers import from here:
``from orghealth import services``."""

from .registers import body_adjust, election_record, election_reminders_build, settings_save
from .villages import (
    commitment_complete,
    commitment_create,
    member_add,
    member_leave,
    posting_create,
    posting_extend,
    weak_designate,
    weak_designate_suggested,
    weak_suggestion_dismiss,
)

__all__ = [
    "body_adjust",
    "commitment_complete",
    "commitment_create",
    "election_record",
    "election_reminders_build",
    "member_add",
    "member_leave",
    "posting_create",
    "posting_extend",
    "settings_save",
    "weak_designate",
    "weak_designate_suggested",
    "weak_suggestion_dismiss",
]
