"""The rating year's tables: rounds, assessments with their sheets and scores, findings,
clearances and surveys. Split by entity; import from here."""

from .corrections import HistoryImport, PublishedLevel, ResultCorrection
from .findings import DepartmentClearance, Finding, SatisfactionSurvey
from .groups import RecusalRelation
from .objections import Objection
from .reviews import STANDARD_REVIEW_DEPARTMENTS, GateOverride, ReviewDepartment
from .rounds import RATIO, EvaluationGroup, LevelMode, Round, Stage, StageReopening
from .sheets import CHANGE_KINDS, Assessment, Score, Sheet, change_kind
from .spotchecks import SpotCheck, SpotCheckDraw
from .tallies import ResultTally

__all__ = [
    "CHANGE_KINDS",
    "RATIO",
    "STANDARD_REVIEW_DEPARTMENTS",
    "Assessment",
    "DepartmentClearance",
    "EvaluationGroup",
    "Finding",
    "GateOverride",
    "HistoryImport",
    "LevelMode",
    "Objection",
    "PublishedLevel",
    "RecusalRelation",
    "ResultCorrection",
    "ResultTally",
    "ReviewDepartment",
    "Round",
    "SatisfactionSurvey",
    "Score",
    "Sheet",
    "SpotCheck",
    "SpotCheckDraw",
    "Stage",
    "StageReopening",
    "change_kind",
]
