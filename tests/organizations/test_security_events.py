"""Security events in the audit log, each with the address it came from: sign-out, refusals
(403) of pages and API calls, password changes and resets, role changes, exports, imports."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from assessments.models import Assessment
from organizations import services
from organizations.models import AuditLog, Role
from workbooks.kinds import Kind

pytestmark = pytest.mark.django_db


def only(action):
    return AuditLog.objects.get(action=action)


def test_sign_out_is_audited(client, assessor_a, township_a):
    client.force_login(assessor_a)

    client.post(reverse("logout"))

    entry = only(AuditLog.Action.LOGOUT)
    assert entry.actor == assessor_a and entry.ip_address == "127.0.0.1"
    assert entry.county_id == township_a.parent_id


def test_a_failed_sign_in_on_a_known_account_is_filed_under_its_county(client, assessor_a, county):
    client.post(reverse("login"), {"username": "assessor_a", "password": "wrong"})

    assert only(AuditLog.Action.LOGIN_FAILED).county_id == county.pk


def test_a_refused_page_is_audited(client, secretary_a1, round_2024, village_a1):
    assessment = Assessment.objects.get(round=round_2024, organization=village_a1)
    client.force_login(secretary_a1)

    response = client.get(reverse("sheet", args=[assessment.pk, "county"]))

    assert response.status_code == 403
    entry = only(AuditLog.Action.PERMISSION_DENIED)
    assert entry.actor == secretary_a1 and entry.ip_address == "127.0.0.1"
    assert entry.object_repr == reverse("sheet", args=[assessment.pk, "county"])
    assert entry.object_id == "GET"


def test_a_refused_api_call_is_audited_with_its_reason(api, auditor, catalogue, county):
    response = api.as_(auditor).post(
        "/api/v1/rounds/", {"year": 2025, "catalogue": catalogue.pk}, format="json"
    )

    assert response.status_code == 403
    entry = only(AuditLog.Action.PERMISSION_DENIED)
    assert entry.actor == auditor and entry.county_id == county.pk
    assert entry.object_repr == "/api/v1/rounds/" and entry.object_id == "POST"
    assert entry.reason


def test_allowed_requests_leave_no_denial(api, county_admin):
    assert api.as_(county_admin).get("/api/v1/me/").status_code == 200
    assert not AuditLog.objects.filter(action=AuditLog.Action.PERMISSION_DENIED).exists()


def test_own_password_change_is_audited(client, assessor_a):
    client.force_login(assessor_a)

    response = client.post(
        reverse("password_change"),
        {
            "old_password": "test-pass-123",
            "new_password1": "Another-pass-4567",
            "new_password2": "Another-pass-4567",
        },
    )

    assert response.status_code == 302
    entry = only(AuditLog.Action.PASSWORD_CHANGE)
    assert entry.actor == assessor_a and entry.object_id == str(assessor_a.pk)
    assert entry.ip_address == "127.0.0.1"
    assert entry.before is None and entry.after is None  # never the password or its hash


def test_admin_password_reset_is_audited(system_admin, assessor_a):
    """A reset is the administrator's (user management), never a change by the account."""
    services.user_reset_password(actor=system_admin, user=assessor_a, ip="10.0.0.8")

    entry = only(AuditLog.Action.PASSWORD_RESET)
    assert entry.actor == system_admin and entry.object_id == str(assessor_a.pk)
    assert entry.ip_address == "10.0.0.8"
    assert not AuditLog.objects.filter(action=AuditLog.Action.PASSWORD_CHANGE).exists()


def test_a_hash_upgrade_at_sign_in_is_not_a_password_change(client, assessor_a, settings):
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    client.post(reverse("login"), {"username": "assessor_a", "password": "test-pass-123"})

    assessor_a.refresh_from_db()
    assert assessor_a.password.startswith("pbkdf2")  # upgraded
    assert not AuditLog.objects.filter(action=AuditLog.Action.PASSWORD_CHANGE).exists()


def test_a_role_change_is_audited_with_before_and_after(
    system_admin, assessor_a, township_a, county
):
    services.user_update(
        actor=system_admin, user=assessor_a, role=Role.AUDITOR, organization=county
    )

    entry = only(AuditLog.Action.ROLE_CHANGE)
    assert entry.before["role"] == "township_assessor"
    assert entry.before["organization"] == township_a.pk
    assert (entry.after["role"], entry.after["organization"]) == ("auditor", county.pk)
    assert entry.actor == system_admin


def test_changing_other_fields_is_not_a_role_change(system_admin, assessor_a):
    services.user_update(actor=system_admin, user=assessor_a, full_name="新名字")

    assert not AuditLog.objects.filter(action=AuditLog.Action.ROLE_CHANGE).exists()
    assert AuditLog.objects.filter(action=AuditLog.Action.UPDATE, object_id=str(assessor_a.pk))


def test_an_export_job_is_audited(client, county_admin, round_2024, county):
    client.force_login(county_admin)

    response = client.post(reverse("job_report_export", args=[round_2024.pk]))

    assert response.status_code == 302
    entry = only(AuditLog.Action.EXPORT)
    assert entry.actor == county_admin and entry.ip_address == "127.0.0.1"
    assert entry.after["kind"] == Kind.EXPORT_REPORT and entry.county_id == county.pk


def test_export_results_command_is_audited(round_2024, capsys):
    call_command("export_results", "--round", "2024", "--county", "220602000000")

    entry = only(AuditLog.Action.EXPORT)
    assert entry.object_id == str(round_2024.pk) and entry.actor is None
