"""The tree, the accounts and the audit log. Split by entity; import from here."""

from .accounts import ROLE_SCOPE_KINDS, ApiToken, Department, Role, User
from .audit import AUDIT_RETENTION_DAYS, AppendOnlyError, AuditLog
from .tree import TOWNSHIP_KINDS, VILLAGE_KINDS, Organization, code_validator

__all__ = [
    "AUDIT_RETENTION_DAYS",
    "ROLE_SCOPE_KINDS",
    "TOWNSHIP_KINDS",
    "VILLAGE_KINDS",
    "ApiToken",
    "AppendOnlyError",
    "AuditLog",
    "Department",
    "Organization",
    "Role",
    "User",
    "code_validator",
]
