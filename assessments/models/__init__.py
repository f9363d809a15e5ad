"""The rating year's tables: rounds, assessments with their sheets and scores, findings,
clearances and surveys. Split by entity; import from here."""

from .corrections import HistoryImport, PublishedLevel, ResultCorrection
from .findings import DepartmentClearance, Finding, SatisfactionSurvey
from .rounds import RATIO, EvaluationGroup, LevelMode, Round, Stage, StageReopening
from .sheets import CHANGE_KINDS, Assessment, Score, Sheet, change_kind
from .tallies import ResultTally

__all__ = [
    "CHANGE_KINDS",
    "RATIO",
    "Assessment",
    "DepartmentClearance",
    "EvaluationGroup",
    "Finding",
    "HistoryImport",
    "LevelMode",
    "PublishedLevel",
    "ResultCorrection",
    "ResultTally",
    "Round",
    "SatisfactionSurvey",
    "Score",
    "Sheet",
    "Stage",
    "StageReopening",
    "change_kind",
]
