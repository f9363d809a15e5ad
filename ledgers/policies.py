"""Who may write what in the ledgers (DOMAIN.md §1, issue 13). Pure checks over loaded rows;
reads are scoped by the selectors (out of scope is a 404 before these are asked)."""

from __future__ import annotations

from organizations.models import TOWNSHIP_KINDS, Organization, Role, User

from .models import Rectification

# Who may open the ledger pages and API at all (reads are then scoped by the selectors).
LEDGER_ROLES = (
    Role.COUNTY_ADMIN,
    Role.AUDITOR,
    Role.EVALUATOR,
    Role.TOWNSHIP_ASSESSOR,
    Role.VILLAGE_SECRETARY,
    Role.DEPARTMENT_REVIEWER,
)
PAIRING_ROLES = (Role.COUNTY_ADMIN, Role.AUDITOR, Role.TOWNSHIP_ASSESSOR, Role.EVALUATOR)
EXPORT_ROLES = (Role.COUNTY_ADMIN, Role.AUDITOR, Role.TOWNSHIP_ASSESSOR, Role.EVALUATOR)
LEDGER_WRITERS = (Role.COUNTY_ADMIN, Role.TOWNSHIP_ASSESSOR, Role.EVALUATOR)
VISIT_WRITERS = (Role.COUNTY_ADMIN, Role.EVALUATOR, Role.TOWNSHIP_ASSESSOR)
CLOSERS = (Role.COUNTY_ADMIN, Role.TOWNSHIP_ASSESSOR)
EVIDENCE_WRITERS = (
    Role.COUNTY_ADMIN,
    Role.TOWNSHIP_ASSESSOR,
    Role.EVALUATOR,
    Role.VILLAGE_SECRETARY,
    Role.DEPARTMENT_REVIEWER,
)


def county_of(organization: Organization) -> int | None:
    """The county of a village, or of a township (whose ledger entries come from its
    secretary's 述职评议 only)."""
    if organization.kind in TOWNSHIP_KINDS:
        return organization.parent_id
    township = organization.parent
    return township.parent_id if township is not None else None


def in_reach(user: User, village: Organization) -> bool:
    """The village is the user's own (secretary), of their township (assessor) or county. A
    township's own entry is in reach of its county's staff and of that township's users; no
    village secretary reaches it."""
    if not user.is_active or user.county_id is None or county_of(village) != user.county_id:
        return False
    if village.kind in TOWNSHIP_KINDS:
        if user.role == Role.TOWNSHIP_ASSESSOR:
            return village.pk == user.organization_id
        return user.role != Role.VILLAGE_SECRETARY
    if user.role == Role.TOWNSHIP_ASSESSOR:
        return village.parent_id == user.organization_id
    if user.role == Role.VILLAGE_SECRETARY:
        return village.pk == user.organization_id
    return True


def can_record_ledger(user: User, village: Organization) -> bool:
    return user.has_role(*LEDGER_WRITERS) and in_reach(user, village)


def can_follow_up(user: User, entry: Rectification) -> bool:
    """Progress notes and "in progress": the recorders and the village itself."""
    return user.has_role(*LEDGER_WRITERS, Role.VILLAGE_SECRETARY) and in_reach(
        user, entry.organization
    )


def can_close(user: User, entry: Rectification) -> bool:
    """销号 is a township or county decision (the second person is checked by the service)."""
    return user.has_role(*CLOSERS) and in_reach(user, entry.organization)


def can_reopen(user: User, entry: Rectification) -> bool:
    return user.has_role(Role.COUNTY_ADMIN) and in_reach(user, entry.organization)


def can_record_visit(user: User, villages: list[Organization]) -> bool:
    return user.has_role(*VISIT_WRITERS) and all(in_reach(user, v) for v in villages)


def can_manage_pairings(user: User) -> bool:
    return user.has_role(Role.COUNTY_ADMIN)


def can_upload_evidence(user: User, village: Organization) -> bool:
    return user.has_role(*EVIDENCE_WRITERS) and in_reach(user, village)
