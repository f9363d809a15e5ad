"""Personal API tokens: created and revoked by their user, the key shown once and stored only
as a hash; authentication with ``Authorization: Bearer``; both audited."""

import hashlib
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from assessments.models import Assessment, Score
from organizations.models import ApiToken, AuditLog
from tests.support.api import problems

pytestmark = pytest.mark.django_db


def test_create_shows_the_key_once_and_stores_only_its_hash(api, assessor_a):
    client = api.as_(assessor_a)

    response = client.post("/api/v1/tokens/", {"name": "评分脚本"}, format="json")

    assert response.status_code == 201
    key = response.json()["key"]
    token = ApiToken.objects.get(user=assessor_a)
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in {token.name, token.prefix, token.key_hash}
    assert key.startswith(token.prefix)
    listed = client.get("/api/v1/tokens/").json()["results"]
    assert [t["name"] for t in listed] == ["评分脚本"] and "key" not in listed[0]
    assert AuditLog.objects.filter(
        action=AuditLog.Action.CREATE, object_type="organizations.ApiToken", actor=assessor_a
    ).exists()


def test_a_token_authenticates_until_revoked(api, assessor_a):
    created = api.as_(assessor_a).post("/api/v1/tokens/", {"name": "t"}, format="json").json()
    headers = {"HTTP_AUTHORIZATION": f"Bearer {created['key']}"}

    me = api.get("/api/v1/me/", **headers)
    assert me.status_code == 200 and me.json()["username"] == "assessor_a"
    assert api.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {created['key']}").status_code == 200
    assert ApiToken.objects.get(pk=created["id"]).last_used_at is not None

    revoked = api.delete(f"/api/v1/tokens/{created['id']}/", **headers)
    assert revoked.status_code == 204
    assert ApiToken.objects.get(pk=created["id"]).revoked_at is not None
    denied = api.get("/api/v1/me/", **headers)
    assert denied.status_code == 401
    assert denied.json()["message"]
    assert AuditLog.objects.filter(
        action=AuditLog.Action.DEACTIVATE, object_type="organizations.ApiToken"
    ).exists()


def test_last_used_is_written_at_most_once_a_minute(api, assessor_a):
    created = api.as_(assessor_a).post("/api/v1/tokens/", {"name": "t"}, format="json").json()
    recent = timezone.now() - timedelta(seconds=5)
    ApiToken.objects.filter(pk=created["id"]).update(last_used_at=recent)

    api.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {created['key']}")

    assert ApiToken.objects.get(pk=created["id"]).last_used_at == recent


def test_bad_tokens_are_401(api, assessor_a):
    assert api.get("/api/v1/me/", HTTP_AUTHORIZATION="Bearer sr_nope").status_code == 401
    assert api.get("/api/v1/me/", HTTP_AUTHORIZATION="Bearer a b").status_code == 401
    created = api.as_(assessor_a).post("/api/v1/tokens/", {"name": "t"}, format="json").json()
    assessor_a.is_active = False
    assessor_a.save()
    assert api.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {created['key']}").status_code == 401


def test_another_users_token_is_404_and_stays_active(api, assessor_a, assessor_b):
    created = api.as_(assessor_a).post("/api/v1/tokens/", {"name": "t"}, format="json").json()

    response = api.as_(assessor_b).delete(f"/api/v1/tokens/{created['id']}/")

    assert response.status_code == 404
    assert ApiToken.objects.get(pk=created["id"]).revoked_at is None
    assert api.as_(assessor_b).get("/api/v1/tokens/").json()["count"] == 0


def test_checklist(api, assessor_a):
    assert api.post("/api/v1/tokens/", {"name": "t"}, format="json").status_code == 401
    blank = api.as_(assessor_a).post("/api/v1/tokens/", {"name": ""}, format="json")
    assert blank.status_code == 400
    assert [e["field"] for e in problems(blank)] == ["name"]
    assert api.as_(assessor_a).put("/api/v1/tokens/", {}, format="json").status_code == 405
    created = api.as_(assessor_a).post("/api/v1/tokens/", {"name": "t"}, format="json").json()
    url = f"/api/v1/tokens/{created['id']}/"
    assert api.as_(assessor_a).delete(url).status_code == 204
    assert api.as_(assessor_a).delete(url).status_code == 409  # already revoked
    assert not ApiToken.objects.filter(revoked_at__isnull=True).exists()


def test_session_authentication_needs_the_csrf_token_for_writes(secretary_a1, round_2024):
    """The pages use the session; a forged cross-site write without the token is refused."""
    a1 = Assessment.objects.get(round=round_2024, organization=secretary_a1.organization)
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(secretary_a1)
    url = f"/api/v1/assessments/{a1.pk}/sheets/self/"
    body = {"version": 0, "scores": {"SJ01": "1"}}

    assert client.get(url).status_code == 200
    forged = client.patch(url, body, format="json")
    assert forged.status_code == 403
    assert "CSRF" in forged.json()["errors"][0]["message"]
    assert not Score.objects.exists()

    secret = "a" * 32  # the csrftoken cookie the pages' JavaScript sends back as a header
    client.cookies["csrftoken"] = secret
    ok = client.patch(url, body, format="json", HTTP_X_CSRFTOKEN=secret)
    assert ok.status_code == 200, ok.json()
