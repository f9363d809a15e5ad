"""The rating year's tables: rounds, assessments with their sheets and scores, findings,
clearances and surveys. Split by entity; import from here."""

from .findings import DepartmentClearance, Finding, SatisfactionSurvey
from .rounds import RATIO, EvaluationGroup, LevelMode, Round, Stage, StageReopening
from .sheets import Assessment, Score, Sheet

__all__ = [
    "RATIO",
    "Assessment",
    "DepartmentClearance",
    "EvaluationGroup",
    "Finding",
    "LevelMode",
    "Round",
    "SatisfactionSurvey",
    "Score",
    "Sheet",
    "Stage",
    "StageReopening",
]
