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
from .tokens import TOKEN_PREFIX, api_token_create, api_token_hash, api_token_revoke
from .tree import OrganizationRow, organizations_import

__all__ = [
    "TOKEN_PREFIX",
    "AuditEntry",
    "OrganizationRow",
    "account_event_record",
    "api_token_create",
    "api_token_hash",
    "api_token_revoke",
    "audit_export_record",
    "audit_purge",
    "audit_record",
    "audit_record_many",
    "login_record",
    "organizations_import",
    "permission_denied_record",
]
