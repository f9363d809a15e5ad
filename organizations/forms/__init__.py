"""Forms of the organizations pages, by page: the audit log's filters, the user management."""

from .audit import AuditFilterForm, audit_rows_for
from .users import (
    parse_date,
    parse_users_workbook,
    passwords_workbook,
    user_row_from_post,
    users_template,
)

__all__ = [
    "AuditFilterForm",
    "audit_rows_for",
    "parse_date",
    "parse_users_workbook",
    "passwords_workbook",
    "user_row_from_post",
    "users_template",
]
