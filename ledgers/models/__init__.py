"""Tables of the year-round follow-up: rectification ledgers (整改台账), supervision visits
(督导), pairings (包保), evidence files (佐证材料) and reminders, one module per entity."""

from .evidence import EvidenceFile, evidence_storage
from .pairings import Pairing
from .rectifications import Rectification, RectificationNote
from .reminders import Reminder
from .visits import SupervisionVisit, VisitProblem

__all__ = [
    "EvidenceFile",
    "Pairing",
    "Rectification",
    "RectificationNote",
    "Reminder",
    "SupervisionVisit",
    "VisitProblem",
    "evidence_storage",
]
