"""The installable web app (PWA): the service worker, the web app manifest and the offline
page, so that a village secretary can add the self-assessment to a phone's home screen.

The service worker's code is a static file (``static/pwa/sw.js``, the CSP allows script from
files only); it is answered here at the site's root because a worker controls only the pages
under its own URL, and the score sheets live under ``/assessments/``. It caches static assets
and the offline page, never a signed-in page or an API answer (those are ``no-store``)."""

from __future__ import annotations

from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.views.decorators.http import require_GET

SERVICE_WORKER = "pwa/sw.js"


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    path = finders.find(SERVICE_WORKER)
    if path:
        handle = open(path, "rb")  # noqa: SIM115 (FileResponse closes it)
    elif staticfiles_storage.exists(SERVICE_WORKER):  # collected (production)
        handle = staticfiles_storage.open(SERVICE_WORKER)
    else:  # pragma: no cover - a broken deployment
        raise Http404
    response = FileResponse(handle, content_type="text/javascript; charset=utf-8")
    # The browser checks for a new worker on each visit; never serve it stale.
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/"
    return response


@require_GET
def manifest(request: HttpRequest) -> JsonResponse:
    icons = [
        {"src": static("pwa/icon-192.png"), "sizes": "192x192", "type": "image/png"},
        {"src": static("pwa/icon-512.png"), "sizes": "512x512", "type": "image/png"},
        {
            "src": static("pwa/icon-maskable-512.png"),
            "sizes": "512x512",
            "type": "image/png",
            "purpose": "maskable",
        },
    ]
    response = JsonResponse(
        {
            "name": "村党组织星级评定系统",
            "short_name": "星级评定",
            "description": "村党组织星级评定：村自评、镇街初评、考评组评定",
            "lang": "zh-CN",
            "start_url": "/",
            "scope": "/",
            "display": "standalone",
            "background_color": "#ffffff",
            "theme_color": "#b3261e",
            "icons": icons,
        },
        content_type="application/manifest+json",
        json_dumps_params={"ensure_ascii": False},
    )
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def offline(request: HttpRequest) -> HttpResponse:
    """Shown by the service worker when a page cannot be reached. The same for everybody and
    without any personal data (the worker fetches it without cookies), so it may be cached."""
    response = render(request, "offline.html")
    response["Cache-Control"] = "no-cache"
    return response
