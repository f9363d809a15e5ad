"""The admin's permission matrix (issue 9): every ModelAdmin × every staff role × own / other
county. A role that may read a model sees its own county's row in the changelist and never the
other county's; the other county's change page is a 404; a role that may not read it gets 403.
Then the forbidden moves: no one moves an account out of their county, raises a role, edits
their own account or resets a password in the admin."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib import admin
from django.urls import reverse

from assessments import services
from assessments.models import (
    Assessment,
    DepartmentClearance,
    EvaluationGroup,
    Finding,
    Round,
    SatisfactionSurvey,
    Sheet,
    StageReopening,
)
from indicators.models import Catalogue, Category, Item
from ledgers.models import EvidenceFile, Pairing, Rectification, SupervisionVisit
from organizations.models import ApiToken, AuditLog, Organization, Role, RoleSecurityPolicy, User
from organizations.services import api_token_create, role_policy_set
from tests.conftest import full_sheet

pytestmark = pytest.mark.django_db

STAFF_ROLES = [
    "county_admin",
    "auditor",
    "maintainer",
    "system_admin",
    "security_admin",
    "audit_admin",
]
V = "view"
# Which staff roles may read each model in the admin (the rest: 403). Shared catalogues have no
# county; every other model's rows are scoped.
READERS = {
    Organization: {"county_admin", "auditor", "system_admin"},
    User: {"system_admin", "security_admin"},
    AuditLog: {"auditor", "audit_admin"},
    ApiToken: {"system_admin", "security_admin"},
    RoleSecurityPolicy: {"security_admin"},
    Round: {"county_admin", "auditor"},
    Assessment: {"county_admin", "auditor"},
    Sheet: {"county_admin", "auditor"},
    Finding: {"county_admin", "auditor"},
    SatisfactionSurvey: {"county_admin", "auditor"},
    StageReopening: {"county_admin", "auditor"},
    DepartmentClearance: {"county_admin", "auditor"},
    EvaluationGroup: {"county_admin", "auditor"},
    Rectification: {"county_admin", "auditor"},
    Pairing: {"county_admin", "auditor"},
    SupervisionVisit: {"county_admin", "auditor"},
    EvidenceFile: {"county_admin", "auditor"},
}
SHARED = {Catalogue, Category, Item}


def _county_rows(county, admin_user, round_, village, secretary, reviewer_dept="discipline"):
    """One row of every scoped model in one county."""
    assessment = Assessment.objects.get(round=round_, organization=village)
    services.scores_save(
        actor=admin_user,
        assessment=assessment,
        stage="self",
        scores=full_sheet(round_.catalogue),
        submit=False,
    )
    finding = services.finding_create(
        actor=admin_user, assessment=assessment, item_code="FJ01", evidence="经查"
    )
    survey = services.survey_save(
        actor=admin_user, assessment=assessment, respondents=10, satisfied=9
    )
    token, _key = api_token_create(actor=secretary, name=f"脚本{county.pk}")
    security = User.objects.create(
        username=f"sec{county.pk}", role=Role.SECURITY_ADMIN, organization=county, is_staff=True
    )
    return {
        Organization: village,
        User: secretary,
        AuditLog: AuditLog.objects.filter(actor=admin_user).first(),
        ApiToken: token,
        RoleSecurityPolicy: role_policy_set(
            actor=security, role=Role.COUNTY_ADMIN, require_otp=False
        ),
        Round: round_,
        Assessment: assessment,
        Sheet: Sheet.objects.filter(assessment=assessment).first(),
        Finding: finding,
        SatisfactionSurvey: survey
        if isinstance(survey, SatisfactionSurvey)
        else SatisfactionSurvey.objects.get(assessment=assessment),
        StageReopening: StageReopening.objects.create(
            round=round_, stage="self", reason="补录", by=admin_user
        ),
        DepartmentClearance: DepartmentClearance.objects.create(
            assessment=assessment, department=reviewer_dept, by=admin_user
        ),
        EvaluationGroup: EvaluationGroup.objects.get_or_create(round=round_, name="第一考评组")[0],
        Rectification: Rectification.objects.create(
            organization=village,
            assessment=assessment,
            problem="问题",
            measures="措施",
            deadline=date(2030, 1, 1),
            responsible_person="张三",
            recorded_by=admin_user,
        ),
        Pairing: Pairing.objects.create(
            organization=village, year=round_.year, leader_name="王", department="组织部"
        ),
        SupervisionVisit: SupervisionVisit.objects.create(
            county=round_.county,
            visited_on=date(2024, 6, 1),
            visitors="督导组",
            method=SupervisionVisit.Method.values[0],
            recorded_by=admin_user,
        ),
        EvidenceFile: EvidenceFile.objects.create(
            organization=village,
            finding=finding,
            file="evidence/2024/06/a.pdf",
            name="a.pdf",
            kind=EvidenceFile.Kind.values[0],
            size=1,
            sha256="0" * 64,
            uploaded_by=admin_user,
        ),
    }


@pytest.fixture
def world(
    round_2024,
    round2,
    county,
    county2,
    county_admin,
    county_admin2,
    village_a1,
    village2,
    secretary_a1,
    secretary2,
    auditor,
    maintainer,
    system_admin,
    security_admin,
    audit_admin,
):
    users = {
        "county_admin": county_admin,
        "auditor": auditor,
        "maintainer": maintainer,
        "system_admin": system_admin,
        "security_admin": security_admin,
        "audit_admin": audit_admin,
    }
    for user in users.values():
        User.objects.filter(pk=user.pk).update(is_staff=True)
        user.refresh_from_db()
    return {
        "users": users,
        "own": _county_rows(county, county_admin, round_2024, village_a1, secretary_a1),
        "other": _county_rows(county2, county_admin2, round2, village2, secretary2),
    }


def _url(model, name, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{name}", args=args)


SCOPED = list(READERS)


@pytest.mark.parametrize("model", SCOPED, ids=[m.__name__ for m in SCOPED])
def test_every_model_admin_by_role_and_county(model, client, world):
    failures = []
    own, other = world["own"][model], world["other"][model]
    for role, user in world["users"].items():
        client.force_login(user)
        changelist = client.get(_url(model, "changelist"))
        other_page = client.get(_url(model, "change", other.pk))
        own_page = client.get(_url(model, "change", own.pk))
        if role in READERS[model]:
            ids = (
                {o.pk for o in changelist.context["cl"].result_list}
                if changelist.status_code == 200
                else set()
            )
            if changelist.status_code != 200 or other.pk in ids:
                failures.append(
                    f"{role}: changelist {changelist.status_code}, shows other: {other.pk in ids}"
                )
            if own.pk not in ids and not (model is User and own == user):
                failures.append(f"{role}: own row missing")
            if other_page.status_code != 404:
                failures.append(f"{role}: other county's change page {other_page.status_code}")
            if own_page.status_code != 200:
                failures.append(f"{role}: own change page {own_page.status_code}")
        else:
            for name, response in (
                ("changelist", changelist),
                ("other", other_page),
                ("own", own_page),
            ):
                if response.status_code not in (403, 404) or (
                    name != "other" and response.status_code != 403
                ):
                    failures.append(f"{role}: {name} {response.status_code} ≠ 403")
    assert not failures, failures


def test_every_registered_admin_is_in_the_matrix():
    """A new ModelAdmin must be added to READERS (or be a shared catalogue model)."""
    ours = {
        m
        for m in admin.site._registry
        if m._meta.app_label in {"organizations", "indicators", "assessments", "ledgers"}
    }
    assert ours - set(READERS) - SHARED == set()


def test_superuser_sees_both_counties(client, world, db):
    root = User.objects.create(username="root", is_superuser=True, is_staff=True)
    client.force_login(root)
    response = client.get(_url(Round, "changelist"))
    ids = {o.pk for o in response.context["cl"].result_list}
    assert {world["own"][Round].pk, world["other"][Round].pk} <= ids


# --- the forbidden moves ------------------------------------------------------------------


def _user_form(user, **changes):
    data = {
        "username": user.username,
        "full_name": user.full_name,
        "phone": user.phone,
        "email": user.email,
        "role": user.role,
        "organization": user.organization_id,
        "department": user.department,
        "expires_on": "",
    }
    return data | changes


def test_no_one_moves_an_account_to_another_county(client, system_admin, assessor_a, township2):
    client.force_login(system_admin)
    response = client.post(
        _url(User, "change", assessor_a.pk), _user_form(assessor_a, organization=township2.pk)
    )
    assessor_a.refresh_from_db()
    assert response.status_code == 200  # the form refuses the choice
    assert assessor_a.organization_id != township2.pk


def test_no_one_changes_their_own_account(client, system_admin, county2):
    client.force_login(system_admin)
    response = client.post(
        _url(User, "change", system_admin.pk),
        _user_form(system_admin, organization=county2.pk),
    )
    system_admin.refresh_from_db()
    assert response.status_code == 403
    assert system_admin.organization.code == "220602000000"


def test_no_one_raises_a_role_to_the_three_administrators(client, system_admin, assessor_a, county):
    client.force_login(system_admin)
    response = client.post(
        _url(User, "change", assessor_a.pk),
        _user_form(assessor_a, role=Role.SECURITY_ADMIN, organization=county.pk),
    )
    assessor_a.refresh_from_db()
    assert response.status_code == 200  # not a valid choice for this administrator
    assert assessor_a.role == Role.TOWNSHIP_ASSESSOR


def test_system_admin_changes_a_role_within_the_county_and_it_is_audited(
    client, system_admin, assessor_a, county
):
    client.force_login(system_admin)
    response = client.post(
        _url(User, "change", assessor_a.pk),
        _user_form(assessor_a, role=Role.EVALUATOR, organization=county.pk),
    )
    assessor_a.refresh_from_db()
    assert response.status_code == 302
    assert assessor_a.role == Role.EVALUATOR
    entry = AuditLog.objects.get(action=AuditLog.Action.ROLE_CHANGE, object_id=str(assessor_a.pk))
    assert entry.before["role"] == Role.TOWNSHIP_ASSESSOR and entry.after["role"] == Role.EVALUATOR


def test_county_admin_can_no_longer_touch_accounts(client, county_admin, auditor):
    User.objects.filter(pk=county_admin.pk).update(is_staff=True)
    client.force_login(county_admin)
    assert client.get(_url(User, "change", auditor.pk)).status_code == 403
    assert client.get(_url(User, "change", county_admin.pk)).status_code == 403
    password_url = reverse("admin:auth_user_password_change", args=[auditor.pk])
    assert client.post(password_url, {"password1": "x", "password2": "x"}).status_code in (403, 404)


def test_the_admin_password_form_is_closed_even_to_the_system_admin(client, system_admin, auditor):
    client.force_login(system_admin)
    url = reverse("admin:auth_user_password_change", args=[auditor.pk])
    response = client.post(url, {"password1": "Ab1!xxxxyyyy", "password2": "Ab1!xxxxyyyy"})
    auditor.refresh_from_db()
    assert response.status_code == 403
    assert auditor.check_password("test-pass-123")
