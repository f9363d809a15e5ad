"""三员 (GB/T 22239-2019 level 3): the system administrator (accounts), the security
administrator (policies, unlocks, sessions) and the auditor (the audit log) cannot do one
another's work, none of them touches scores, and no account can both change scores and read
the audit log. Derived by trying every role, so a new role or a widened selector fails here."""

from __future__ import annotations

import pytest
from django.urls import reverse

from assessments import services as assessment_services
from assessments.models import EvaluationGroup, Round
from organizations import selectors, services
from organizations.models import ADMIN_ROLES, ROLE_SCOPE_KINDS, Department, Role
from starrating.errors import DomainError
from tests.conftest import assessment_of, full_sheet, move_to
from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

STAGE_STATUS = {
    "self": Round.Status.SELF_ASSESSMENT,
    "township": Round.Status.TOWNSHIP_REVIEW,
    "county": Round.Status.COUNTY_REVIEW,
}


@pytest.fixture
def everyone(county, township_a, village_a1, round_2024):
    """One account of every role, scoped where its role lives (the evaluator in the group)."""
    province = OrganizationFactory(code="220000000000", name="吉林省", kind="province")
    org_for = {
        "province": province,
        "county": county,
        "township": township_a,
        "village": village_a1,
    }
    users = {}
    for role in Role.values:
        kind = ROLE_SCOPE_KINDS[role][0]
        org = org_for["village" if kind in ("village", "community") else kind]
        users[role] = UserFactory(
            username=f"all_{role}",
            role=role,
            organization=org,
            department=Department.DISCIPLINE if role == Role.DEPARTMENT_REVIEWER else "",
            is_staff=True,
        )
    EvaluationGroup.objects.get(round=round_2024).members.add(users[Role.EVALUATOR])
    return users


def can_score(user, round_, village, catalogue) -> bool:
    for stage, status in STAGE_STATUS.items():
        move_to(round_, status)
        try:
            assessment_services.scores_save(
                actor=user,
                assessment=assessment_of(round_, village),
                stage=stage,
                scores=full_sheet(catalogue),
            )
        except (DomainError, Exception):  # refused (403 / 404 / 409): not a writer
            continue
        return True
    return False


def can_read_audit_log(client, user) -> bool:
    in_selector = selectors.audit_log_for_user(user).exists()
    client.force_login(user)
    in_admin = client.get(reverse("admin:organizations_auditlog_changelist")).status_code == 200
    return in_selector or in_admin


def test_no_account_both_changes_scores_and_reads_the_audit_log(
    client, everyone, round_2024, village_a1, catalogue, county_admin
):
    both, writers = [], set()
    for role, user in everyone.items():
        reads = can_read_audit_log(client, user)
        writes = can_score(user, round_2024, village_a1, catalogue)
        if writes:
            writers.add(role)
        if reads and writes:
            both.append(role)
    assert both == []
    # The probe is not vacuous: the scoring roles do write, the 三员 do not.
    assert writers >= {Role.COUNTY_ADMIN, Role.EVALUATOR, Role.TOWNSHIP_ASSESSOR}
    assert writers.isdisjoint(ADMIN_ROLES)


def test_only_the_audit_roles_read_the_audit_log(client, everyone, county_admin, round_2024):
    readers = {role for role, user in everyone.items() if can_read_audit_log(client, user)}
    assert readers == {Role.AUDIT_ADMIN, Role.AUDITOR}


def test_the_three_administrators_keep_to_their_own_work(client, everyone, assessor_a):
    system, security, audit = (everyone[r] for r in ADMIN_ROLES)

    # accounts: the system administrator only
    for user in (security, audit):
        with pytest.raises(DomainError):
            services.user_reset_password(actor=user, user=assessor_a)
        client.force_login(user)
        assert client.get(reverse("user_list")).status_code == 403
    assert services.user_reset_password(actor=system, user=assessor_a)

    # unlocks, sessions and policies: the security administrator only
    for user in (system, audit):
        with pytest.raises(DomainError):
            services.account_unlock(actor=user, user=assessor_a)
        with pytest.raises(DomainError):
            services.sessions_revoke(actor=user, user=assessor_a)
        with pytest.raises(DomainError):
            services.role_policy_set(actor=user, role=Role.EVALUATOR, require_otp=True)
    services.account_unlock(actor=security, user=assessor_a)


def test_business_roles_do_not_manage_accounts(everyone, assessor_a):
    for role, user in everyone.items():
        if role == Role.SYSTEM_ADMIN:
            continue
        assert services.assignable_roles(user) == ()
        with pytest.raises(DomainError):
            services.user_update(actor=user, user=assessor_a, phone="1")


def test_a_system_administrator_cannot_create_another_administrator(everyone, county):
    with pytest.raises(DomainError) as exc:
        services.user_create(
            actor=everyone[Role.SYSTEM_ADMIN],
            row=services.UserRow(username="x", role=Role.AUDIT_ADMIN, organization=county),
        )
    assert "您不能授予该角色" in str(exc.value.errors)
