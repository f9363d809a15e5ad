"""Writes of the ledgers, one module per entity. Callers import from here:
``from ledgers import services``."""

from .evidence import (
    CheckedFile,
    checked_upload,
    evidence_deactivate,
    evidence_download_record,
    evidence_upload,
    sniff,
)
from .pairings import (
    PairingRow,
    pairing_save,
    pairings_import,
    pairings_import_start,
    read_pairing_rows,
)
from .rectifications import (
    rectification_close,
    rectification_create,
    rectification_from_finding,
    rectification_from_weakness,
    rectification_note_add,
    rectification_reopen,
    rectification_update,
)
from .reminders import LoggingSender, ReminderSender, reminder_mark_read, reminders_build
from .visits import visit_create, visit_problem_to_ledger

__all__ = [
    "CheckedFile",
    "LoggingSender",
    "PairingRow",
    "ReminderSender",
    "checked_upload",
    "evidence_deactivate",
    "evidence_download_record",
    "evidence_upload",
    "pairing_save",
    "pairings_import",
    "pairings_import_start",
    "read_pairing_rows",
    "rectification_close",
    "rectification_create",
    "rectification_from_finding",
    "rectification_from_weakness",
    "rectification_note_add",
    "rectification_reopen",
    "rectification_update",
    "reminder_mark_read",
    "reminders_build",
    "sniff",
    "visit_create",
    "visit_problem_to_ledger",
]
