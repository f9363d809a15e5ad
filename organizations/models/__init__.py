"""The tree, the accounts and the audit log. Split by entity; import from here."""

from .accounts import (
    ADMIN_ROLES,
    BUSINESS_ROLES,
    ROLE_SCOPE_KINDS,
    STAFF_ROLES,
    ApiToken,
    Department,
    PasswordHistory,
    Role,
    RoleSecurityPolicy,
    User,
)
from .audit import AUDIT_RETENTION_DAYS, AppendOnlyError, AuditLog
from .succession import Succession
from .tree import (
    TARGET_KINDS,
    TOWNSHIP_KINDS,
    VILLAGE_KINDS,
    Organization,
    RatingTarget,
    code_validator,
)

__all__ = [
    "ADMIN_ROLES",
    "AUDIT_RETENTION_DAYS",
    "BUSINESS_ROLES",
    "ROLE_SCOPE_KINDS",
    "STAFF_ROLES",
    "TARGET_KINDS",
    "TOWNSHIP_KINDS",
    "VILLAGE_KINDS",
    "ApiToken",
    "AppendOnlyError",
    "AuditLog",
    "Department",
    "Organization",
    "PasswordHistory",
    "RatingTarget",
    "Role",
    "RoleSecurityPolicy",
    "Succession",
    "User",
    "code_validator",
]
