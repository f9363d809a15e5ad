"""Writes of the tree, the accounts and the audit trail, one module per entity. Callers import
from here: ``from organizations import services``."""

from .audit import (
    AuditEntry,
    account_event_record,
    audit_export_record,
    audit_purge,
    audit_record,
    audit_record_many,
    login_record,
    permission_denied_record,
)
from .nodes import organization_create, organization_set_active, organization_update
from .security import account_unlock, is_security_admin, role_policy_set
from .tokens import TOKEN_PREFIX, api_token_create, api_token_hash, api_token_revoke
from .tree import OrganizationRow, organizations_import
from .users import (
    UserRow,
    assignable_roles,
    is_account_manager,
    password_change,
    password_generate,
    sessions_revoke,
    user_create,
    user_reset_password,
    user_set_active,
    user_set_expiry,
    user_update,
    users_create,
)

__all__ = [
    "TOKEN_PREFIX",
    "AuditEntry",
    "OrganizationRow",
    "UserRow",
    "account_event_record",
    "account_unlock",
    "api_token_create",
    "api_token_hash",
    "api_token_revoke",
    "assignable_roles",
    "audit_export_record",
    "audit_purge",
    "audit_record",
    "audit_record_many",
    "is_account_manager",
    "is_security_admin",
    "login_record",
    "organization_create",
    "organization_set_active",
    "organization_update",
    "organizations_import",
    "password_change",
    "password_generate",
    "permission_denied_record",
    "role_policy_set",
    "sessions_revoke",
    "user_create",
    "user_reset_password",
    "user_set_active",
    "user_set_expiry",
    "user_update",
    "users_create",
]
