from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from starrating.health import healthz

admin.site.site_header = "村党组织星级评定系统"
admin.site.site_title = "星级评定管理"
admin.site.index_title = "后台管理"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("jobs/", include("jobs.urls")),
    path("jobs/", include("workbooks.urls")),  # Excel imports and exports start jobs
    *[
        path("api/v1/", include(f"{app}.api.urls"))
        for app in ("organizations", "indicators", "assessments", "ledgers", "dashboards")
    ],
    path("api/v1/", include("jobs.api.urls")),
    path("api/v1/", include("workbooks.api.urls")),  # Excel jobs: start, then poll /jobs/
    path("api/v1/", include("stars.api.urls")),  # 创星晋级
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file: no inline script (CSP).
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    # The web pages (server-rendered, Chinese).
    path("", include("organizations.urls")),
    path("", include("assessments.urls")),
    path("", include("ledgers.urls")),
    path("", include("dashboards.urls")),
    path("", include("stars.urls")),
]

handler404 = "starrating.handlers.not_found"
