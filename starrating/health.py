"""``/healthz`` for monitoring: the database, the broker (Redis), a live Celery worker and the
free space where uploads and generated files are kept (MEDIA_ROOT).

Anonymous callers get only ``{"status": "ok"}`` (200) or ``{"status": "error"}`` (503): enough
for a load balancer or an uptime check, nothing about the installation. Staff who are logged
in, and callers sending ``Authorization: Bearer <HEALTHZ_TOKEN>``, also get each check's result.
"""

from __future__ import annotations

import hmac
import shutil
import time
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def check_broker() -> str:
    if not settings.CELERY_BROKER_URL:
        return "not configured (jobs run in-process)"
    from starrating.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return "ok"


def check_worker() -> str:
    """A worker answers a ping within a second: jobs started now will run."""
    if not settings.CELERY_BROKER_URL:
        return "not configured (jobs run in-process)"
    from starrating.celery import app

    replies = app.control.ping(timeout=1.0, limit=1)  # the first answer is enough
    if not replies:
        raise RuntimeError("no Celery worker answered within 1 s")
    return "ok"


def check_disk() -> str:
    # MEDIA_ROOT appears with the first upload; until then its disk is that of its parent.
    path = Path(settings.MEDIA_ROOT)
    while not path.exists() and path != path.parent:
        path = path.parent
    free_mb = shutil.disk_usage(path).free // (1024 * 1024)
    if free_mb < settings.HEALTHZ_MIN_FREE_MB:
        raise RuntimeError(f"{free_mb} MB free in MEDIA_ROOT (< {settings.HEALTHZ_MIN_FREE_MB})")
    return f"ok ({free_mb} MB free)"


CHECKS: dict[str, Callable[[], str]] = {
    "database": check_database,
    "broker": check_broker,
    "worker": check_worker,
    "disk": check_disk,
}


def _may_see_details(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.is_active and user.is_staff:
        return True
    expected = settings.HEALTHZ_TOKEN
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    return bool(expected) and hmac.compare_digest(given.encode(), expected.encode())


Results = dict[str, dict[str, object]]
_last: tuple[float, bool, Results] | None = None  # (when, healthy, results), per process


def _run_checks() -> tuple[bool, Results]:
    """Every check, at most once per HEALTHZ_CACHE_SECONDS per process: an anonymous caller
    polling fast must not turn into a database query and a broadcast to the workers each time."""
    global _last
    now = time.monotonic()
    if _last is not None and now - _last[0] < settings.HEALTHZ_CACHE_SECONDS:
        return _last[1], _last[2]
    results: Results = {}
    healthy = True
    for name, check in CHECKS.items():
        started = time.monotonic()
        try:
            detail, ok = check(), True
        except Exception as exc:  # any failure of a dependency is a failed check, not a 500
            detail, ok = f"{type(exc).__name__}: {exc}", False
        healthy &= ok
        results[name] = {
            "ok": ok,
            "detail": detail,
            "ms": round((time.monotonic() - started) * 1000),
        }
    _last = (now, healthy, results)
    return healthy, results


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    healthy, results = _run_checks()
    body: dict[str, object] = {"status": "ok" if healthy else "error"}
    if _may_see_details(request):
        body["checks"] = results
    return JsonResponse(body, status=200 if healthy else 503)
