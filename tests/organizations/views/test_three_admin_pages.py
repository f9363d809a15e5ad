"""The 三员 accounts use the site like anyone: the home page and the admin index render, and
each sees its own menu entries only."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "who, sees, not_sees",
    [
        ("system_admin", "用户管理", "安全管理"),
        ("security_admin", "安全管理", "用户管理"),
        ("audit_admin", "后台管理", "用户管理"),
    ],
)
def test_home_and_admin_render_with_their_own_menu(
    client, round_2024, request, who, sees, not_sees
):
    user = request.getfixturevalue(who)
    client.force_login(user)
    home = client.get(reverse("home"))
    assert home.status_code == 200
    page = home.content.decode()
    assert sees in page and not_sees not in page
    assert client.get(reverse("admin:index")).status_code == 200
