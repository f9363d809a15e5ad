"""The files of deploy/ agree with the settings and with each other (deploy/smoke.sh runs them;
these catch the drift in a second, without nginx or root)."""

import re

import pytest
from django.conf import settings

from tests.conftest import ROOT

DEPLOY = ROOT / "deploy"
UNITS = ["starrating-web.service", "starrating-worker.service", "starrating-beat.service"]


def test_nginx_accepts_uploads_up_to_the_apps_own_limit():
    site = (DEPLOY / "nginx-starrating.conf").read_text()
    megabytes = int(re.search(r"client_max_body_size (\d+)m;", site).group(1))
    # Above the app's limit, so that the app (not nginx) refuses a large file, in Chinese.
    assert megabytes * 1024 * 1024 > settings.EXCEL_MAX_UPLOAD_BYTES


def test_nginx_redirects_to_https_and_passes_what_django_needs():
    site = (DEPLOY / "nginx-starrating.conf").read_text()
    assert "return 301 https://" in site
    assert "proxy_set_header Host $http_host;" in site
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in site
    assert "listen 443 ssl" in site and "ssl_certificate " in site


@pytest.mark.parametrize("unit", UNITS)
def test_units_run_as_the_service_user_with_the_one_environment(unit):
    text = (DEPLOY / unit).read_text()
    for line in (
        "User=starrating",
        "WorkingDirectory=/opt/starrating",
        "EnvironmentFile=/opt/starrating/.env",
        "Restart=on-failure",
        "WantedBy=multi-user.target",
    ):
        assert line in text.splitlines(), f"{unit}: {line}"
    assert re.search(r"^ExecStart=/opt/starrating/\.venv/bin/", text, re.M)


def test_every_variable_of_the_env_example_is_read_somewhere():
    readers = "".join(
        p.read_text() for p in (ROOT / "starrating" / "settings.py", DEPLOY / "gunicorn.conf.py")
    )
    keys = re.findall(r"^([A-Z_]+)=", (DEPLOY / "env.example").read_text(), re.M)
    assert "DJANGO_ENV" in keys and "CSRF_TRUSTED_ORIGINS" in keys
    unread = [k for k in keys if k != "TZ" and f'"{k}"' not in readers]
    assert unread == []


def test_the_deployment_guide_has_the_blocks_the_smoke_test_runs():
    guide = (ROOT / "docs" / "deployment.md").read_text()
    smoke = (DEPLOY / "smoke.sh").read_text()
    for name in re.findall(r"run_doc_block ([a-z-]+)", smoke):
        assert f"<!-- smoke:{name} -->\n```bash\n" in guide, name
