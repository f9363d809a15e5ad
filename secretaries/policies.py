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


# --- 述职评议考核 ------------------------------------------------------------------------------
# The county reviews its township secretaries, a township its village secretaries; each
# secretary's own organization writes the report and the answers; the county admin and the
# auditor read every session of the county. Reads are scoped by the selectors first.

REVIEW_READ_ROLES = (
    Role.COUNTY_ADMIN,
    Role.AUDITOR,
    Role.TOWNSHIP_ASSESSOR,
    Role.VILLAGE_SECRETARY,
)
REVIEW_EXPORT_ROLES = (Role.COUNTY_ADMIN, Role.AUDITOR, Role.TOWNSHIP_ASSESSOR)


def can_create_review(user: User, level: str) -> bool:
    """Township-level sessions by the county admin, village-level ones by a township."""
    if level == "township":
        return user.has_role(Role.COUNTY_ADMIN) and user.county_id is not None
    if level == "village":
        return user.has_role(Role.TOWNSHIP_ASSESSOR) and user.organization_id is not None
    return user.has_role(Role.COUNTY_ADMIN, Role.TOWNSHIP_ASSESSOR)


def can_manage_review(user: User, session) -> bool:
    """Questions, scores, problems, on-site checks, opening and closing: the organizer."""
    if session.level == "township":
        return user.has_role(Role.COUNTY_ADMIN) and session.county_id == user.county_id
    return user.has_role(Role.TOWNSHIP_ASSESSOR) and session.organizer_id == user.organization_id


def is_reviewee_own(user: User, reviewee) -> bool:
    """The reviewed secretary's own organization (its township assessor or village secretary)."""
    return (
        user.has_role(Role.TOWNSHIP_ASSESSOR, Role.VILLAGE_SECRETARY)
        and reviewee.organization_id == user.organization_id
    )


def can_answer(user: User, reviewee) -> bool:
    """The written report and the answers: the secretary's own organization, or the organizer
    entering a paper report."""
    return is_reviewee_own(user, reviewee) or can_manage_review(user, reviewee.session)
