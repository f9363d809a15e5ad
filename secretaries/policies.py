"""Who may do what with secretary projects (issue 16). Reads are scoped by the selectors first:
another township's project is a 404."""

from __future__ import annotations

from organizations.models import Role, User

from .models import SecretaryProject

READ_ROLES = (Role.COUNTY_ADMIN, Role.AUDITOR, Role.TOWNSHIP_ASSESSOR)
EXPORT_ROLES = READ_ROLES


def can_manage(user: User) -> bool:
    """The county organization department: the list, reviews, visits, the year-end grade."""
    return user.has_role(Role.COUNTY_ADMIN)


def can_propose(user: User, project: SecretaryProject | None = None) -> bool:
    """The township acts for its own committee's secretary."""
    if not user.has_role(Role.TOWNSHIP_ASSESSOR):
        return False
    return project is None or project.committee_id == user.organization_id
