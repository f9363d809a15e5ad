"""Sign-in, sign-out and password change."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.support.web import as_user

pytestmark = pytest.mark.django_db


def test_login_page_renders_in_chinese(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert "用户登录" in response.content.decode()


def test_login_with_right_password_goes_home(client, county_admin):
    response = client.post(
        reverse("login"), {"username": "admin", "password": "test-pass-123"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("home")
    assert "组织部管理员" in response.content.decode()


def test_login_with_wrong_password_shows_the_message(client, county_admin):
    response = client.post(reverse("login"), {"username": "admin", "password": "wrong"})
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_logout_needs_post(client, county_admin):
    as_user(client, county_admin)
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_password_change(client, county_admin):
    as_user(client, county_admin)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "test-pass-123",
            "new_password1": "Xing-ji-2024!",
            "new_password2": "Xing-ji-2024!",
        },
    )
    assert response.status_code == 302
    county_admin.refresh_from_db()
    assert county_admin.check_password("Xing-ji-2024!")


def test_password_change_bad_input_shows_the_message(client, county_admin):
    as_user(client, county_admin)
    response = client.post(
        reverse("password_change"),
        {"old_password": "nope", "new_password1": "a", "new_password2": "b"},
    )
    assert response.status_code == 400
    county_admin.refresh_from_db()
    assert county_admin.check_password("test-pass-123")
    assert "两次输入的新密码不一致" in response.content.decode()
