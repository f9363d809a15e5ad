"""The user's own API tokens: list, create (key shown once), revoke."""

from __future__ import annotations

import pytest
from django.urls import reverse

from organizations.models import ApiToken, AuditLog
from organizations.services import api_token_create, api_token_hash
from tests.support.web import as_user

pytestmark = pytest.mark.django_db


def revoke_url(token):
    return reverse("token_revoke", args=[token.pk])


def test_list_shows_only_own_tokens(client, assessor_a, assessor_b, django_assert_max_num_queries):
    api_token_create(actor=assessor_a, name="同步脚本")
    api_token_create(actor=assessor_b, name="别人的脚本")
    as_user(client, assessor_a)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("tokens"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "同步脚本" in html and "别人的脚本" not in html
    assert "从未使用" in html and "撤销" in html
    assert reverse("tokens") in client.get(reverse("home")).content.decode()  # user menu


def test_create_shows_the_key_once_and_stores_only_its_hash(client, secretary_a1):
    as_user(client, secretary_a1)

    response = client.post(reverse("token_create"), {"name": "  村务数据上报  "})

    assert response.status_code == 200
    key = response.context["new_key"]
    token = ApiToken.objects.get(user=secretary_a1)
    assert token.name == "村务数据上报"
    assert key.startswith(token.prefix) and key.startswith("sr_")
    assert token.key_hash == api_token_hash(key) and key not in token.key_hash
    html = response.content.decode()
    assert key in html and "只显示这一次" in html
    assert "no-store" in response["Cache-Control"]
    assert AuditLog.objects.filter(
        object_type="organizations.ApiToken", object_id=str(token.pk), action="create"
    ).exists()
    again = client.get(reverse("tokens")).content.decode()
    assert key not in again and token.prefix in again
    # The key works against the API.
    client.logout()
    api = client.get("/api/v1/rounds/", headers={"authorization": f"Bearer {key}"})
    assert api.status_code == 200


def test_revoke_own_token(client, county_admin):
    token, key = api_token_create(actor=county_admin, name="旧脚本")
    as_user(client, county_admin)

    response = client.post(revoke_url(token))

    assert response.status_code == 302 and response.url == reverse("tokens")
    token.refresh_from_db()
    assert token.revoked_at is not None
    html = client.get(response.url).content.decode()
    assert "已撤销" in html and revoke_url(token) not in html
    assert AuditLog.objects.filter(object_id=str(token.pk), action="deactivate").exists()
    client.logout()
    api = client.get("/api/v1/rounds/", headers={"authorization": f"Bearer {key}"})
    assert api.status_code == 401


def test_revoking_twice_is_a_conflict(client, county_admin):
    token, _key = api_token_create(actor=county_admin, name="旧脚本")
    as_user(client, county_admin)
    client.post(revoke_url(token))
    response = client.post(revoke_url(token))
    assert response.status_code == 409
    assert "该令牌已撤销" in response.content.decode()


def test_another_users_token_is_not_found(client, assessor_a, assessor_b):
    theirs, _key = api_token_create(actor=assessor_b, name="别人的脚本")
    response = as_user(client, assessor_a).post(revoke_url(theirs))
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_anonymous_redirected_to_login(client, county_admin):
    token, _key = api_token_create(actor=county_admin, name="脚本")
    for response in (
        client.get(reverse("tokens")),
        client.post(reverse("token_create"), {"name": "偷偷建的"}),
        client.post(revoke_url(token)),
    ):
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert ApiToken.objects.count() == 1
    token.refresh_from_db()
    assert token.revoked_at is None


def test_wrong_method(client, county_admin):
    token, _key = api_token_create(actor=county_admin, name="脚本")
    as_user(client, county_admin)
    assert client.post(reverse("tokens"), {"name": "x"}).status_code == 405
    assert client.get(reverse("token_create")).status_code == 405
    assert client.get(revoke_url(token)).status_code == 405
    token.refresh_from_db()
    assert token.revoked_at is None and ApiToken.objects.count() == 1


@pytest.mark.parametrize(
    ("name", "message"), [("   ", "请填写令牌名称"), ("长" * 101, "令牌名称过长")]
)
def test_bad_name_shows_the_message(client, auditor, name, message):
    response = as_user(client, auditor).post(reverse("token_create"), {"name": name})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert response.context["new_key"] is None
    assert not ApiToken.objects.exists()
