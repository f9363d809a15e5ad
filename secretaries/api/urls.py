"""Routes of the secretary-projects API (mounted at ``/api/v1/``)."""

from django.urls import path

import starrating.api  # noqa: F401  (registers the "id" path converter)

from . import views

P = "secretary-projects/"
urlpatterns = [
    path(f"{P}options/", views.OptionListView.as_view(), name="api-sp-options"),
    path(f"{P}dashboard/", views.DashboardView.as_view(), name="api-sp-dashboard"),
    path(f"{P}export/", views.ExportView.as_view(), name="api-sp-export"),
    path(P, views.ProjectListView.as_view(), name="api-sp-projects"),
    path(f"{P}<id:pk>/", views.ProjectDetailView.as_view(), name="api-sp-project"),
    path(f"{P}<id:pk>/submit/", views.SubmitView.as_view(), name="api-sp-submit"),
    path(f"{P}<id:pk>/review/", views.ReviewView.as_view(), name="api-sp-review"),
    path(f"{P}<id:pk>/reports/", views.ReportView.as_view(), name="api-sp-reports"),
    path(f"{P}<id:pk>/visits/", views.VisitView.as_view(), name="api-sp-visits"),
    path(f"{P}<id:pk>/grade/", views.GradeView.as_view(), name="api-sp-grade"),
]
