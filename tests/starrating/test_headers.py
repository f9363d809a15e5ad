"""Security headers and error shapes: a CSP without 'unsafe-inline' and templates that need
none, no caching of personal data, `check --deploy` clean in production, the API's 404s in JSON."""

import os
import re
import subprocess
import sys

import pytest
from django.urls import reverse

from tests.conftest import ROOT

pytestmark = pytest.mark.django_db

TEMPLATE_DIRS = ["templates", "organizations", "assessments", "jobs", "workbooks", "dashboards"]
INLINE = re.compile(r"style=|\son[a-z]+=|<script(?![^>]*\bsrc=)(?![^>]*application/json)", re.I)


def test_no_template_has_inline_script_handlers_or_styles():
    offenders = []
    for top in TEMPLATE_DIRS:
        for path in (ROOT / top).rglob("*.html"):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if INLINE.search(line):
                    offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []


def test_pages_carry_a_strict_content_security_policy(client, county_admin):
    client.force_login(county_admin)

    policy = client.get(reverse("home"))["Content-Security-Policy"]

    directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
    assert "unsafe" not in policy


@pytest.mark.parametrize("path", ["/", "/rounds/", "/api/v1/me/"])
def test_answers_to_a_signed_in_user_are_not_stored(client, county_admin, path):
    client.force_login(county_admin)

    response = client.get(path)

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"


def test_api_errors_are_not_stored_either(client):
    assert client.get("/api/v1/me/")["Cache-Control"] == "no-store"


def test_static_files_stay_cacheable(client, county_admin):
    client.force_login(county_admin)

    response = client.get("/static/css/app.css")

    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


@pytest.mark.parametrize(
    "path",
    ["/api/v1/nothing-here/", "/api/v1/organizations/-1/", "/api/v1/rounds/abc/", "/api/x"],
)
def test_unknown_api_paths_answer_in_the_json_error_shape(client, county_admin, path):
    client.force_login(county_admin)

    response = client.get(path)

    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"message", "errors"} and body["message"]


def test_unknown_pages_stay_html(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def manage(*args, **env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "k3-" + "a9Zq7Lm2Xw" * 6,
    "ALLOWED_HOSTS": "rating.example.gov.cn",
}


def test_check_deploy_is_clean_in_production():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)

    assert result.returncode == 0, result.stderr + result.stdout


def test_schema_and_swagger_need_sign_in_in_production():
    code = (
        "import django; django.setup();"
        "from django.test import Client;"
        "c = Client(HTTP_HOST='rating.example.gov.cn', HTTP_X_FORWARDED_PROTO='https');"
        "print(c.get('/api/schema/').status_code, c.get('/api/docs/').status_code)"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, **PRODUCTION, "DJANGO_SETTINGS_MODULE": "starrating.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["401", "401"]


def test_swagger_ui_has_no_inline_script(client):
    page = client.get("/api/docs/").content.decode()

    assert re.search(r"<script(?![^>]*\bsrc=)", page) is None
