"""Models of the secretary's year: 书记项目 (``projects``) and 述职评议考核 (``reviews``)."""

from .projects import ProgressReport, ProjectOption, ProjectVisit, SecretaryProject
from .reviews import (
    OnSiteCheck,
    ReviewAnswer,
    ReviewedSecretary,
    ReviewProblem,
    ReviewQuestion,
    ReviewReportFile,
    ReviewScore,
    ReviewSession,
)

__all__ = [
    "OnSiteCheck",
    "ProgressReport",
    "ProjectOption",
    "ProjectVisit",
    "ReviewAnswer",
    "ReviewProblem",
    "ReviewQuestion",
    "ReviewReportFile",
    "ReviewScore",
    "ReviewSession",
    "ReviewedSecretary",
    "SecretaryProject",
]
