"""Writes of the secretary's year, one module per part. Callers import from here:
``from secretaries import services``."""

from .projects import (
    MAX_CLAIMS,
    option_create,
    project_claim,
    project_grade,
    project_review,
    project_submit,
    project_update,
    report_add,
    visit_add,
)
from .reviewees import (
    answer_save,
    check_add,
    problem_add,
    report_file_download_record,
    report_file_upload,
    report_save,
    score_add,
    score_withdraw,
)
from .reviews import (
    question_add,
    session_close,
    session_create,
    session_open,
    session_update,
)

__all__ = [
    "MAX_CLAIMS",
    "answer_save",
    "check_add",
    "option_create",
    "problem_add",
    "project_claim",
    "project_grade",
    "project_review",
    "project_submit",
    "project_update",
    "question_add",
    "report_add",
    "report_file_download_record",
    "report_file_upload",
    "report_save",
    "score_add",
    "score_withdraw",
    "session_close",
    "session_create",
    "session_open",
    "session_update",
    "visit_add",
]
