"""The accounts API (system administrator) beyond the permission matrix: create returns the
initial password once, bad input is a 400 naming each problem in Chinese, wrong method 405,
every write audited with before/after and IP."""

from __future__ import annotations

import pytest

from organizations.models import AuditLog, User

pytestmark = pytest.mark.django_db


def test_create_returns_the_password_once(api, system_admin, village_a2):
    response = api.as_(system_admin).post(
        "/api/v1/users/",
        {"username": "secretary_a2", "role": "village_secretary", "organization": village_a2.pk},
        format="json",
    )
    assert response.status_code == 201
    user = User.objects.get(username="secretary_a2")
    assert user.check_password(response.json()["password"]) and user.must_change_password
    again = api.as_(system_admin).get(f"/api/v1/users/{user.pk}/").json()
    assert "password" not in again


def test_bad_input_names_every_problem(api, system_admin, village2, county):
    response = api.as_(system_admin).post(
        "/api/v1/users/",
        {"username": "", "role": "security_admin", "organization": village2.pk},
        format="json",
    )
    assert response.status_code == 400
    messages = " ".join(e["message"] for e in response.json()["errors"])
    assert "用户名" in messages or response.json()["errors"][0]["field"] == "username"
    response = api.as_(system_admin).post(
        "/api/v1/users/",
        {"username": "x", "role": "security_admin", "organization": village2.pk},
        format="json",
    )
    messages = " ".join(e["message"] for e in response.json()["errors"])
    assert response.status_code == 400
    assert "您不能授予该角色" in messages and "所属组织不在本区县" in messages


def test_update_is_audited_with_before_after_and_ip(api, system_admin, assessor_a, county):
    response = api.as_(system_admin).patch(
        f"/api/v1/users/{assessor_a.pk}/",
        {"role": "evaluator", "organization": county.pk},
        format="json",
        REMOTE_ADDR="10.1.2.3",
    )
    assert response.status_code == 200
    entry = AuditLog.objects.get(action=AuditLog.Action.ROLE_CHANGE, object_id=str(assessor_a.pk))
    assert entry.before["role"] == "township_assessor" and entry.after["role"] == "evaluator"
    assert entry.ip_address == "10.1.2.3"


def test_moving_an_account_to_another_county_is_refused(api, system_admin, assessor_a, township2):
    response = api.as_(system_admin).patch(
        f"/api/v1/users/{assessor_a.pk}/", {"organization": township2.pk}, format="json"
    )
    assessor_a.refresh_from_db()
    assert response.status_code == 400 and assessor_a.organization.code == "220602100000"


def test_own_account_is_forbidden(api, system_admin):
    response = api.as_(system_admin).post(
        f"/api/v1/users/{system_admin.pk}/active/", {"active": False}, format="json"
    )
    assert response.status_code == 403
    assert "不能修改自己的账号" in response.json()["message"]


def test_wrong_methods(api, system_admin, assessor_a):
    client = api.as_(system_admin)
    assert client.delete(f"/api/v1/users/{assessor_a.pk}/").status_code == 405
    assert client.get(f"/api/v1/users/{assessor_a.pk}/reset-password/").status_code == 405
    assert client.put("/api/v1/users/", {}, format="json").status_code == 405


def test_the_list_filters(api, system_admin, assessor_a, assessor_b, township_a):
    response = api.as_(system_admin).get("/api/v1/users/", {"township": township_a.pk})
    names = {u["username"] for u in response.json()["results"]}
    assert "assessor_a" in names and "assessor_b" not in names
    response = api.as_(system_admin).get("/api/v1/users/", {"search": "assessor_b"})
    assert [u["username"] for u in response.json()["results"]] == ["assessor_b"]


def test_refusals_are_translated_on_request(api, county_admin):
    response = api.as_(county_admin).get("/api/v1/users/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403
    assert response.json()["message"] == "Only the system administrator may manage accounts."
