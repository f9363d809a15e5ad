"""Settings come from the environment; production refuses to start half-configured."""

import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT


def boot(**env) -> subprocess.CompletedProcess:
    """Import the settings in a fresh interpreter with exactly these variables set."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    clean.pop("SECRET_KEY", None)
    clean.pop("ALLOWED_HOSTS", None)
    clean.pop("CELERY_BROKER_URL", None)
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='starrating.settings'; "
        "django.setup(); from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.DEBUG, "
        "s.LANGUAGE_CODE, s.TIME_ZONE)"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_embedded_default_needs_nothing_running():
    result = boot()
    assert result.returncode == 0, result.stderr
    engine, eager, _debug, language, tz = result.stdout.split()
    assert engine == "django.db.backends.sqlite3"
    assert eager == "True"  # no broker: tasks run in-process
    assert (language, tz) == ("zh-hans", "Asia/Shanghai")


def test_database_url_and_broker_switch_backends():
    result = boot(
        DATABASE_URL="postgres://u:p@127.0.0.1:5432/x", CELERY_BROKER_URL="redis://127.0.0.1:6379/0"
    )
    assert result.returncode == 0, result.stderr
    engine, eager, *_ = result.stdout.split()
    assert engine == "django.db.backends.postgresql" and eager == "False"


@pytest.mark.parametrize(
    "env",
    [
        {"DJANGO_ENV": "production"},
        {"DJANGO_ENV": "production", "SECRET_KEY": "x" * 50},
        {"DJANGO_ENV": "production", "ALLOWED_HOSTS": "rating.example.gov.cn"},
    ],
)
def test_production_refuses_to_start_without_secret_key_and_hosts(env):
    result = boot(**env)
    assert result.returncode != 0
    assert "SECRET_KEY and ALLOWED_HOSTS" in result.stderr


def test_production_starts_when_configured():
    result = boot(
        DJANGO_ENV="production", SECRET_KEY="x" * 50, ALLOWED_HOSTS="rating.example.gov.cn"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[2] == "False"  # DEBUG off
