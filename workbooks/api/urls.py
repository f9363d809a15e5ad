"""Routes of the Excel API (mounted at ``/api/v1/``): each starts a job (202); the job is then
polled and its file downloaded at ``/api/v1/jobs/{id}/``; and previous years' published levels
(history: its imports, the levels, the template)."""

from django.urls import path

import starrating.api  # noqa: F401  (registers the "id" path converter)

from . import history, views

urlpatterns = [
    path(
        "rounds/<id:pk>/template/",
        views.TemplateExportView.as_view(),
        name="api-round-template",
    ),
    path(
        "rounds/<id:pk>/scores/import/",
        views.ScoresImportView.as_view(),
        name="api-round-scores-import",
    ),
    path("rounds/<id:pk>/report/", views.ReportExportView.as_view(), name="api-round-report"),
    path(
        "rectifications/export/",
        views.LedgerExportView.as_view(),
        name="api-rectifications-export",
    ),
    path(
        "organizations/import/",
        views.OrganizationsPreviewView.as_view(),
        name="api-organizations-import",
    ),
    path(
        "organizations/import/<id:pk>/confirm/",
        views.OrganizationsConfirmView.as_view(),
        name="api-organizations-import-confirm",
    ),
    path(
        "organizations/template/",
        views.OrganizationsTemplateView.as_view(),
        name="api-organizations-template",
    ),
    path("history/imports/", history.HistoryImportListView.as_view(), name="api-history-imports"),
    path("history/levels/", history.PublishedLevelListView.as_view(), name="api-history-levels"),
    path("history/import/", history.HistoryImportStartView.as_view(), name="api-history-import"),
    path("history/template/", history.HistoryTemplateView.as_view(), name="api-history-template"),
]
