"""Who may do what in 创星晋级 (issue 15). Pure checks over loaded rows; reads are scoped by the
selectors (out of scope is a 404 before these are asked)."""

from __future__ import annotations

from organizations.models import TOWNSHIP_KINDS, VILLAGE_KINDS, Organization, Role, User

READ_ROLES = (Role.COUNTY_ADMIN, Role.AUDITOR, Role.TOWNSHIP_ASSESSOR, Role.VILLAGE_SECRETARY)
RECORD_ROLES = (Role.COUNTY_ADMIN, Role.TOWNSHIP_ASSESSOR, Role.VILLAGE_SECRETARY)
REGISTER_ROLES = (Role.COUNTY_ADMIN, Role.TOWNSHIP_ASSESSOR)
# An evaluation group fills the county stage of its villages: it may read a sheet's ladder
# figures and fill them in (the core's sheet save decides the stage and the village).
SHEET_EXTRA_ROLES = (Role.EVALUATOR,)


def county_of(org: Organization) -> int | None:
    if org.kind in TOWNSHIP_KINDS:
        return org.parent_id
    if org.kind in VILLAGE_KINDS and org.parent is not None:
        return org.parent.parent_id
    return None


def in_reach(user: User, org: Organization) -> bool:
    """A village (branch) or township (committee) the user works for: a township assessor its
    township's villages, a secretary their own village; county roles the whole county."""
    if not user.is_active or user.county_id is None or county_of(org) != user.county_id:
        return False
    if user.role == Role.TOWNSHIP_ASSESSOR:
        return org.kind in VILLAGE_KINDS and org.parent_id == user.organization_id
    if user.role == Role.VILLAGE_SECRETARY:
        return org.pk == user.organization_id
    return True


def can_record(user: User, org: Organization) -> bool:
    """A committee's 服务星 entries are the county's; branches and members their township's or
    their own village's."""
    if org.kind in TOWNSHIP_KINDS and not user.has_role(Role.COUNTY_ADMIN):
        return False
    return user.has_role(*RECORD_ROLES) and in_reach(user, org)


def can_approve(user: User, org: Organization) -> bool:
    return user.has_role(Role.COUNTY_ADMIN) and in_reach(user, org)


def can_manage_register(user: User, branch: Organization) -> bool:
    return user.has_role(*REGISTER_ROLES) and in_reach(user, branch)


def can_manage_tables(user: User) -> bool:
    return user.has_role(Role.COUNTY_ADMIN)
