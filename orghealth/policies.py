"""Who may do what in organization health (issue 16). Pure checks over loaded rows; reads are
scoped by the selectors first (out of scope is a 404 before these are asked)."""

from __future__ import annotations

from organizations.models import Organization, Role, User

# Who may open the pages and the API at all.
READ_ROLES = (Role.COUNTY_ADMIN, Role.AUDITOR, Role.TOWNSHIP_ASSESSOR, Role.VILLAGE_SECRETARY)
# 换届 dates and 驻村力量: the county, and a township for its own villages.
REGISTER_WRITERS = (Role.COUNTY_ADMIN, Role.TOWNSHIP_ASSESSOR)
# The 两委 roster and 双承诺: also the village's own secretary.
VILLAGE_WRITERS = (Role.COUNTY_ADMIN, Role.TOWNSHIP_ASSESSOR, Role.VILLAGE_SECRETARY)
# Settings, body-type adjustments and 软弱涣散 designations are county decisions.
MANAGERS = (Role.COUNTY_ADMIN,)
EXPORT_ROLES = (Role.COUNTY_ADMIN, Role.AUDITOR, Role.TOWNSHIP_ASSESSOR)


def county_of(org: Organization) -> int | None:
    if org.kind == Organization.Kind.COUNTY:
        return org.pk
    if org.kind in (Organization.Kind.TOWNSHIP, Organization.Kind.STREET):
        return org.parent_id
    township = org.parent
    return township.parent_id if township is not None else None


def in_reach(user: User, org: Organization) -> bool:
    """A township or village of the user's county; a township assessor's own township and its
    villages; a secretary's own village."""
    if not user.is_active or user.county_id is None or county_of(org) != user.county_id:
        return False
    if org.kind == Organization.Kind.COUNTY:
        return False
    if user.role == Role.TOWNSHIP_ASSESSOR:
        return user.organization_id in (org.pk, org.parent_id)
    if user.role == Role.VILLAGE_SECRETARY:
        return org.pk == user.organization_id
    return True


def can_register(user: User, org: Organization) -> bool:
    return user.has_role(*REGISTER_WRITERS) and in_reach(user, org)


def can_edit_village(user: User, org: Organization) -> bool:
    return user.has_role(*VILLAGE_WRITERS) and in_reach(user, org)


def can_manage(user: User) -> bool:
    return user.has_role(*MANAGERS)
