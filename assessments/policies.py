"""Who may write what (DOMAIN.md §1). Pure checks over already-loaded objects.

Reads are scoped by selectors; these answer "may this user perform this write on this object",
and the services call them before validating input, so a refusal never leaks data.
"""

from __future__ import annotations

from organizations.models import ROLE_SCOPE_KINDS, Organization, Role, User

from .models import Assessment, Finding, Stage

COUNTY_LEVEL_ROLES = frozenset(
    role for role, kinds in ROLE_SCOPE_KINDS.items() if kinds == (Organization.Kind.COUNTY,)
)


def is_county_admin(user: User) -> bool:
    return user.has_role(Role.COUNTY_ADMIN)


def in_county(user: User, county_id: int) -> bool:
    """Whether the account works in that county. County-level roles are scoped to the county
    itself (no walk up the tree, no query); the others walk up from their township or village."""
    if user.role in COUNTY_LEVEL_ROLES:
        return user.organization_id == county_id
    return user.county_id == county_id


def evaluator_assigned(user: User, assessment: Assessment) -> bool:
    return assessment.round.groups.filter(
        members=user, villages=assessment.organization_id
    ).exists()


def can_edit_sheet(user: User, assessment: Assessment, stage: str) -> bool:
    """Village: own self-assessment; township: its villages' township stage; evaluation group:
    county stage of the villages assigned in that round; county admin: any stage in the county."""
    org = assessment.organization
    if not user.is_active:
        return False
    # A village's own secretary and its township's assessor are in its county by the tree.
    if user.role == Role.VILLAGE_SECRETARY:
        return stage == Stage.SELF and user.organization_id == org.pk
    if user.role == Role.TOWNSHIP_ASSESSOR:
        return stage == Stage.TOWNSHIP and user.organization_id == org.parent_id
    if not in_county(user, assessment.round.county_id):
        return False
    if user.role == Role.COUNTY_ADMIN:
        return True
    if user.role == Role.EVALUATOR:
        return stage == Stage.COUNTY and evaluator_assigned(user, assessment)
    return False


def can_record_finding(user: User, assessment: Assessment) -> bool:
    if not in_county(user, assessment.round.county_id):
        return False
    if user.has_role(Role.DEPARTMENT_REVIEWER, Role.COUNTY_ADMIN):
        return True
    return user.has_role(Role.EVALUATOR) and evaluator_assigned(user, assessment)


def can_confirm_finding(user: User, assessment: Assessment) -> bool:
    """Confirmation is the organization department's decision (联查联审 conclusion)."""
    return is_county_admin(user) and in_county(user, assessment.round.county_id)


def can_withdraw_finding(user: User, finding: Finding) -> bool:
    """The county admin at any time; the recorder while it is still pending."""
    assessment = finding.assessment
    return can_confirm_finding(user, assessment) or (
        finding.recorded_by_id == user.pk
        and finding.status == Finding.Status.PENDING
        and can_record_finding(user, assessment)
    )


def can_enter_survey(user: User, assessment: Assessment) -> bool:
    if not in_county(user, assessment.round.county_id):
        return False
    if is_county_admin(user):
        return True
    return user.has_role(Role.EVALUATOR) and evaluator_assigned(user, assessment)


def can_manage_round(user: User, county_id: int) -> bool:
    return is_county_admin(user) and in_county(user, county_id)


def can_view_sheet(user: User, assessment: Assessment, stage: str) -> bool:
    """Who may read a stage's sheet of an assessment already in their scope: whoever may write
    it, the county's auditors, a township its villages' self-assessments, an evaluation group
    the earlier stages of its villages."""
    if can_edit_sheet(user, assessment, stage):
        return True
    if not user.is_active or not in_county(user, assessment.round.county_id):
        return False
    if user.role == Role.AUDITOR:
        return True
    if user.role == Role.TOWNSHIP_ASSESSOR:
        return stage == Stage.SELF and user.organization_id == assessment.organization.parent_id
    if user.role == Role.EVALUATOR:
        return evaluator_assigned(user, assessment)
    return False


def can_review(user: User, assessment: Assessment) -> bool:
    """The side-by-side review of all stages: county staff and the village's township."""
    if not user.is_active or not in_county(user, assessment.round.county_id):
        return False
    if user.role in (Role.COUNTY_ADMIN, Role.AUDITOR):
        return True
    if user.role == Role.TOWNSHIP_ASSESSOR:
        return user.organization_id == assessment.organization.parent_id
    return user.role == Role.EVALUATOR and evaluator_assigned(user, assessment)
