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


def boot_print(expression: str, **env) -> subprocess.CompletedProcess:
    """Print ``repr(expression)`` of the settings in a fresh interpreter with this environment."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    for name in ("SECRET_KEY", "ALLOWED_HOSTS", "CELERY_BROKER_URL"):
        clean.pop(name, None)
    for name in list(clean):
        if name.startswith(("SECURE_", "CELERY_BEAT_")):
            clean.pop(name)
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='starrating.settings'; "
        f"django.setup(); from django.conf import settings as s; print(repr({expression}))"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


PRODUCTION = {"DJANGO_ENV": "production", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "r.example"}
HTTPS = (
    "(s.SECURE_PROXY_SSL_HEADER, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, "
    "s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE)"
)


def test_production_behind_nginx_defaults_to_https():
    result = boot_print(HTTPS, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "(('HTTP_X_FORWARDED_PROTO', 'https'), True, 31536000, True, True, True)"
    )


def test_proxy_header_redirect_and_hsts_come_from_the_environment():
    result = boot_print(
        HTTPS,
        **PRODUCTION,
        SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_SCHEME",
        SECURE_SSL_REDIRECT="false",
        SECURE_HSTS_SECONDS="31536000",
        SECURE_HSTS_INCLUDE_SUBDOMAINS="true",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "(('HTTP_X_FORWARDED_SCHEME', 'https'), False, 31536000, True, True, True)"
    )


def test_an_empty_proxy_header_turns_it_off():
    result = boot_print("s.SECURE_PROXY_SSL_HEADER", **PRODUCTION, SECURE_PROXY_SSL_HEADER="")
    assert result.stdout.strip() == "None", result.stderr


def test_beat_keeps_its_schedule_under_var_and_celery_keeps_the_log_format():
    result = boot_print(
        "(s.CELERY_BEAT_SCHEDULE_FILENAME, s.CELERY_WORKER_HIJACK_ROOT_LOGGER)", **PRODUCTION
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"({str(ROOT / 'var' / 'celerybeat-schedule')!r}, False)"
