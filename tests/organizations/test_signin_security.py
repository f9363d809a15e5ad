"""身份鉴别 and 会话 (issue 9): every protection has a test that fails when it is removed —
lockout by username (not by IP), unlock, password rules and history, forced change, expiry, idle
and absolute timeouts, log out everywhere, token revocation, throttling, TOTP per role."""

from __future__ import annotations

import time
from datetime import date, timedelta

import pytest
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from organizations import services
from organizations.middleware import LAST_SEEN, SIGNED_IN_AT
from organizations.models import ApiToken, AuditLog, Role

pytestmark = pytest.mark.django_db
PASSWORD = "test-pass-123"


def sign_in(client, username, password=PASSWORD, ip="10.0.0.1"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


# --- lockout ------------------------------------------------------------------------------


def test_five_failures_lock_the_username_even_with_the_right_password(client, assessor_a):
    for _ in range(5):
        sign_in(client, "assessor_a", "wrong")

    response = sign_in(client, "assessor_a")

    assert response.status_code == 429
    assert "已暂时锁定" in response.content.decode()
    assert not signed_in(client)


def test_the_lockout_follows_the_username_across_addresses(client, assessor_a):
    for i in range(5):
        sign_in(client, "assessor_a", "wrong", ip=f"10.0.1.{i}")

    assert sign_in(client, "assessor_a", ip="10.9.9.9").status_code == 429


def test_one_locked_user_does_not_lock_the_township_behind_the_same_nat(
    client, assessor_a, secretary_a1
):
    for _ in range(6):
        sign_in(client, "assessor_a", "wrong", ip="10.0.0.1")

    response = sign_in(client, "secretary_a1", ip="10.0.0.1")

    assert response.status_code == 302 and signed_in(client)


def test_four_failures_do_not_lock(client, assessor_a):
    for _ in range(4):
        sign_in(client, "assessor_a", "wrong")
    assert sign_in(client, "assessor_a").status_code == 302


def test_security_admin_unlocks_and_it_is_audited(client, assessor_a, security_admin):
    for _ in range(5):
        sign_in(client, "assessor_a", "wrong")
    admin_client = type(client)()
    admin_client.force_login(security_admin)

    page = admin_client.get(reverse("security")).content.decode()
    response = admin_client.post(reverse("security_unlock", args=[assessor_a.pk]))

    assert "assessor_a" in page and "已锁定" in page
    assert response.status_code == 302
    assert sign_in(client, "assessor_a").status_code == 302
    assert AuditLog.objects.filter(
        action=AuditLog.Action.ACCOUNT_UNLOCK, object_id=str(assessor_a.pk), actor=security_admin
    ).exists()


def test_unlock_is_the_security_admins_alone(client, assessor_a, county_admin, system_admin):
    for user in (county_admin, system_admin):
        client.force_login(user)
        assert client.post(reverse("security_unlock", args=[assessor_a.pk])).status_code == 403
        assert client.get(reverse("security")).status_code == 403


def test_unlock_of_another_countys_account_is_not_found(client, security_admin, assessor2):
    client.force_login(security_admin)
    assert client.post(reverse("security_unlock", args=[assessor2.pk])).status_code == 404
    assert client.get(reverse("security_unlock", args=[assessor2.pk])).status_code == 405


def test_the_login_page_is_throttled_per_address(client, assessor_a, settings):
    settings.LOGIN_THROTTLE_RATE = "3/min"
    for _ in range(3):
        sign_in(client, "nobody", "wrong", ip="10.0.5.5")

    response = sign_in(client, "assessor_a", ip="10.0.5.5")

    assert response.status_code == 429 and "过于频繁" in response.content.decode()
    assert sign_in(client, "assessor_a", ip="10.0.5.6").status_code == 302


# --- password rules -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "password, code",
    [
        ("Ab1!xyz", "password_too_short"),
        ("abcdefgh12", "password_too_simple"),  # two classes
        ("assessor_a1A", "password_too_similar"),
        ("Password1", "password_too_common"),
    ],
)
def test_password_rules(assessor_a, password, code):
    with pytest.raises(ValidationError) as exc:
        password_validation.validate_password(password, assessor_a)
    assert code in {e.code for e in exc.value.error_list}


def test_a_good_password_passes(assessor_a):
    password_validation.validate_password("Qi-dao-jiang-2024", assessor_a)


def test_none_of_the_last_three_passwords(assessor_a):
    passwords = ["Xing-ji-2024!a", "Xing-ji-2024!b", "Xing-ji-2024!c"]
    old = PASSWORD
    for new in passwords:
        services.password_change(actor=assessor_a, old_password=old, new_password=new)
        old = new
    assessor_a.refresh_from_db()

    for reused in passwords:
        with pytest.raises(ValidationError):
            password_validation.validate_password(reused, assessor_a)
    services.password_change(actor=assessor_a, old_password=old, new_password="Xing-ji-2024!d")
    assert assessor_a.password_history.count() == 3


def test_password_rotation_forces_a_change_when_configured(client, assessor_a, settings):
    settings.PASSWORD_MAX_AGE_DAYS = 90
    assessor_a.password_changed_at = assessor_a.date_joined - timedelta(days=91)
    assessor_a.save()
    client.force_login(assessor_a)
    assert client.get(reverse("home")).url == reverse("password_change")


def test_rotation_is_off_by_default(client, assessor_a):
    assessor_a.password_changed_at = assessor_a.date_joined - timedelta(days=3650)
    assessor_a.save()
    client.force_login(assessor_a)
    assert client.get(reverse("home")).status_code == 200


# --- forced change ------------------------------------------------------------------------


@pytest.fixture
def new_account(system_admin, village_a2):
    user, password = services.user_create(
        actor=system_admin,
        row=services.UserRow(
            username="secretary_a2", role=Role.VILLAGE_SECRETARY, organization=village_a2
        ),
    )
    return user, password


def test_an_admin_created_account_must_change_its_password_first(client, new_account):
    _user, password = new_account
    assert sign_in(client, "secretary_a2", password).status_code == 302

    assert client.get(reverse("home")).url == reverse("password_change")
    api = client.get("/api/v1/me/")
    assert api.status_code == 403 and "请先修改密码" in api.json()["message"]

    response = client.post(
        reverse("password_change"),
        {
            "old_password": password,
            "new_password1": "Cun-shu-ji-2024",
            "new_password2": "Cun-shu-ji-2024",
        },
    )
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200
    assert client.get("/api/v1/me/").status_code == 200


def test_a_token_is_refused_while_the_password_must_change(new_account):
    user, _password = new_account
    _token, key = services.api_token_create(actor=user, name="脚本")
    client = APIClient()
    response = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 403
    assert "请先修改密码" in response.json()["message"]


def test_a_reset_forces_a_change_and_revokes_tokens(client, system_admin, assessor_a):
    token, _key = services.api_token_create(actor=assessor_a, name="脚本")

    password = services.user_reset_password(actor=system_admin, user=assessor_a)

    assessor_a.refresh_from_db()
    token.refresh_from_db()
    assert assessor_a.must_change_password and assessor_a.check_password(password)
    assert token.revoked_at is not None
    entry = AuditLog.objects.get(
        action=AuditLog.Action.PASSWORD_RESET, object_id=str(assessor_a.pk)
    )
    assert entry.actor == system_admin and password not in str(entry.after)


def test_changing_the_password_revokes_the_tokens(assessor_a):
    token, _key = services.api_token_create(actor=assessor_a, name="脚本")
    services.password_change(
        actor=assessor_a, old_password=PASSWORD, new_password="Qi-dao-jiang-2024"
    )
    token.refresh_from_db()
    assert token.revoked_at is not None


# --- expiry -------------------------------------------------------------------------------


def test_an_expired_account_cannot_sign_in_by_page_or_token(client, assessor_a):
    _token, key = services.api_token_create(actor=assessor_a, name="脚本")
    assessor_a.expires_on = date.today() - timedelta(days=1)
    assessor_a.save()

    assert sign_in(client, "assessor_a").status_code == 200 and not signed_in(client)
    api = APIClient().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert api.status_code == 401


def test_an_account_expiring_ends_its_open_session(client, assessor_a):
    client.force_login(assessor_a)
    assessor_a.expires_on = date.today() - timedelta(days=1)
    assessor_a.save()
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert client.get("/api/v1/me/").status_code in (401, 403)


def test_an_account_valid_today_signs_in(client, assessor_a):
    assessor_a.expires_on = date.today()
    assessor_a.save()
    assert sign_in(client, "assessor_a").status_code == 302


# --- sessions -----------------------------------------------------------------------------


def _age_session(client, key, seconds):
    session = client.session
    session[key] = time.time() - seconds
    session.save()


def test_an_idle_session_ends(client, assessor_a, settings):
    client.force_login(assessor_a)
    _age_session(client, LAST_SEEN, settings.SESSION_IDLE_TIMEOUT + 1)

    response = client.get(reverse("home"))

    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert not signed_in(client)


def test_an_active_session_stays(client, assessor_a, settings):
    client.force_login(assessor_a)
    _age_session(client, LAST_SEEN, settings.SESSION_IDLE_TIMEOUT - 60)
    assert client.get(reverse("home")).status_code == 200


def test_the_absolute_lifetime_ends_a_busy_session(client, assessor_a, settings):
    client.force_login(assessor_a)
    _age_session(client, SIGNED_IN_AT, settings.SESSION_ABSOLUTE_SECONDS + 1)
    assert client.get(reverse("home")).status_code == 302 and not signed_in(client)


def test_the_page_carries_the_idle_warning_script(client, assessor_a):
    client.force_login(assessor_a)
    page = client.get(reverse("home")).content.decode()
    assert 'data-idle-timeout="1800"' in page and "js/session-timeout.js" in page


def test_log_out_everywhere_ends_every_session_and_revokes_tokens(client, assessor_a):
    other_device = type(client)()
    other_device.force_login(assessor_a)
    client.force_login(assessor_a)
    token, key = services.api_token_create(actor=assessor_a, name="脚本")

    response = client.post(reverse("logout_everywhere"))

    assert response.status_code == 302 and not signed_in(client)
    assert other_device.get(reverse("home")).status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert APIClient().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401
    assert client.get(reverse("logout_everywhere")).status_code in (302, 405)


def test_disabling_ends_the_session_and_revokes_tokens(client, assessor_a, system_admin):
    client.force_login(assessor_a)
    token, _key = services.api_token_create(actor=assessor_a, name="脚本")

    services.user_set_active(actor=system_admin, user=assessor_a, active=False)

    assert client.get(reverse("home")).status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


# --- throttling ---------------------------------------------------------------------------


def test_the_api_throttles_each_user(api, assessor_a, monkeypatch):
    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {"user": "3/min", "anon": "3/min"})
    client = api.as_(assessor_a)
    codes = [client.get("/api/v1/me/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert (
        api.as_(assessor_a.__class__.objects.get(pk=assessor_a.pk)).get("/api/v1/me/").status_code
        == 429
    )


def test_the_api_throttles_anonymous_addresses(api, monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "2/min", "user": "2/min"})
    codes = [api.get("/api/v1/me/").status_code for _ in range(3)]
    assert codes == [401, 401, 429]


def test_the_token_endpoint_is_throttled_more_tightly(api, assessor_a, monkeypatch):
    from rest_framework.throttling import ScopedRateThrottle

    monkeypatch.setattr(
        ScopedRateThrottle,
        "THROTTLE_RATES",
        {"tokens": "2/hour", "user": "1000/min", "anon": "9/min"},
    )
    client = api.as_(assessor_a)
    codes = [
        client.post("/api/v1/tokens/", {"name": f"t{i}"}, format="json").status_code
        for i in range(3)
    ]
    assert codes == [201, 201, 429]
    assert ApiToken.objects.filter(user=assessor_a).count() == 2


# --- second factor ------------------------------------------------------------------------


def test_a_role_required_to_use_totp_must_enrol_then_verify(client, security_admin, county_admin):
    services.role_policy_set(actor=security_admin, role=Role.COUNTY_ADMIN, require_otp=True)
    sign_in(client, "admin")

    assert client.get(reverse("home")).url == reverse("otp_verify")
    assert client.get("/api/v1/me/").status_code == 403
    assert client.get(reverse("otp_verify")).url == reverse("otp_enrol")
    assert client.get(reverse("otp_enrol")).status_code == 200
    qr = client.get(reverse("otp_qr"))
    assert qr.status_code == 200 and qr["Content-Type"] == "image/svg+xml"

    device = TOTPDevice.objects.get(user=county_admin)
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    assert client.post(reverse("otp_enrol"), {"token": f"{code:06d}"}).status_code == 302
    assert client.get(reverse("home")).status_code == 200

    client.post(reverse("logout"))
    sign_in(client, "admin")
    assert client.get(reverse("home")).url == reverse("otp_verify")
    assert client.post(reverse("otp_verify"), {"token": "000000"}).status_code == 400
    assert client.get(reverse("home")).url == reverse("otp_verify")


def test_roles_without_the_policy_need_no_second_factor(client, security_admin, assessor_a):
    services.role_policy_set(actor=security_admin, role=Role.COUNTY_ADMIN, require_otp=True)
    sign_in(client, "assessor_a")
    assert client.get(reverse("home")).status_code == 200


def test_the_policy_is_the_security_admins_and_audited(client, security_admin, county_admin):
    client.force_login(county_admin)
    assert (
        client.post(reverse("security_policy"), {"require_otp": ["evaluator"]}).status_code == 403
    )
    client.force_login(security_admin)
    assert client.post(reverse("security_policy"), {"require_otp": ["nonsense"]}).status_code == 400
    assert (
        client.post(reverse("security_policy"), {"require_otp": ["evaluator"]}).status_code == 302
    )
    assert AuditLog.objects.filter(action=AuditLog.Action.POLICY_CHANGE).count() == 1


def test_background_polls_do_not_keep_an_idle_session_alive(client, assessor_a, settings):
    client.force_login(assessor_a)
    _age_session(client, LAST_SEEN, settings.SESSION_IDLE_TIMEOUT - 60)
    before = client.session[LAST_SEEN]

    client.get(reverse("home"), HTTP_X_IDLE_POLL="1")

    assert client.session[LAST_SEEN] == before
    client.get(reverse("home"))
    assert client.session[LAST_SEEN] > before
