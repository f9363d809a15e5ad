from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from starrating import pwa
from starrating.health import healthz

admin.site.site_header = "村党组织星级评定系统"
admin.site.site_title = "星级评定管理"
admin.site.index_title = "后台管理"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # The installable app (PWA): its worker must sit at the root to control every page.
    path("sw.js", pwa.service_worker, name="service_worker"),
    path("manifest.webmanifest", pwa.manifest, name="manifest"),
    path("offline/", pwa.offline, name="offline"),
    path("admin/", admin.site.urls),
    path("jobs/", include("jobs.urls")),
    path("jobs/", include("workbooks.urls")),  # Excel imports and exports start jobs
    *[
        path("api/v1/", include(f"{app}.api.urls"))
        for app in ("organizations", "indicators", "assessments", "ledgers", "dashboards")
    ],
    path("api/v1/", include("jobs.api.urls")),
    path("api/v1/", include("workbooks.api.urls")),  # Excel jobs and previous years' levels
    path("api/v1/", include("stars.api.urls")),  # åææçº§
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file: no inline script (CSP).
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    # The web pages (server-rendered, Chinese).
    path("", include("organizations.urls")),
    path("", include("assessments.urls")),
    path("", include("ledgers.urls")),
    path("", include("dashboards.urls")),
    path("", include("orghealth.urls")),
    path("api/v1/", include("orghealth.api.urls")),
    path("", include("secretaries.urls")),
    path("api/v1/", include("secretaries.api.urls")),
    path("", include("stars.urls")),
]

handler404 = "starrating.handlers.not_found"
