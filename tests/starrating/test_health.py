"""/healthz: only the status for anonymous callers, details for staff and the monitoring token,
503 when a check fails."""

import pytest
from django.db.utils import OperationalError

from starrating import health

pytestmark = pytest.mark.django_db


def test_anonymous_gets_only_the_status(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_staff_get_every_check(client, county_admin):
    county_admin.is_staff = True
    county_admin.save()
    client.force_login(county_admin)

    body = client.get("/healthz").json()

    assert set(body["checks"]) == {"database", "broker", "worker", "disk"}
    assert body["checks"]["database"]["ok"] is True
    assert "in-process" in body["checks"]["worker"]["detail"]  # tests run without a broker


def test_a_logged_in_user_who_is_not_staff_sees_no_details(client, county_admin):
    client.force_login(county_admin)
    assert "checks" not in client.get("/healthz").json()


def test_the_monitoring_token_shows_details(client, settings):
    settings.HEALTHZ_TOKEN = "mon-123"

    assert "checks" in client.get("/healthz", HTTP_AUTHORIZATION="Bearer mon-123").json()
    assert "checks" not in client.get("/healthz", HTTP_AUTHORIZATION="Bearer mon-12").json()


def test_no_token_configured_means_no_token_works(client, settings):
    settings.HEALTHZ_TOKEN = ""
    assert "checks" not in client.get("/healthz", HTTP_AUTHORIZATION="Bearer ").json()


class BrokenConnection:
    def cursor(self):
        raise OperationalError("could not connect to server")


def test_a_failed_database_is_a_503_that_tells_anonymous_callers_nothing(
    client, monkeypatch, settings
):
    monkeypatch.setattr(health, "connection", BrokenConnection())
    settings.HEALTHZ_TOKEN = "mon-123"

    anonymous = client.get("/healthz")
    detailed = client.get("/healthz", HTTP_AUTHORIZATION="Bearer mon-123")

    assert anonymous.status_code == 503
    assert anonymous.json() == {"status": "error"}
    check = detailed.json()["checks"]["database"]
    assert check["ok"] is False and "could not connect" in check["detail"]


def test_low_disk_fails(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.HEALTHZ_MIN_FREE_MB = 10**12

    assert client.get("/healthz").status_code == 503


def test_a_missing_worker_fails(monkeypatch, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/14"
    from starrating.celery import app

    monkeypatch.setattr(app.control, "ping", lambda **kwargs: [])

    with pytest.raises(RuntimeError, match="no Celery worker"):
        health.check_worker()


def test_only_get(client):
    assert client.post("/healthz").status_code == 405


def test_checks_are_cached_briefly_so_polling_costs_little(client, monkeypatch, settings):
    settings.HEALTHZ_CACHE_SECONDS = 60
    monkeypatch.setattr(health, "_last", None)
    calls = []
    monkeypatch.setattr(health, "CHECKS", {"database": lambda: calls.append(1) or "ok"})

    for _ in range(3):
        assert client.get("/healthz").status_code == 200

    assert len(calls) == 1


def test_monitoring_on_the_server_may_use_plain_http_while_pages_redirect(settings):
    from django.test import Client

    settings.SECURE_SSL_REDIRECT = True
    client = Client()  # its middleware is built now, with the redirect on

    assert client.get("/healthz").status_code == 200
    assert client.get("/login/").status_code == 301
