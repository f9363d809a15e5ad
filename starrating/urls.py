from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "村党组织星级评定系统"
admin.site.site_title = "星级评定管理"
admin.site.index_title = "后台管理"

urlpatterns = [
    path("admin/", admin.site.urls),
    # The web pages (server-rendered, Chinese).
    path("", include("organizations.urls")),
    path("", include("assessments.urls")),
]
