"""Routes of the history API (mounted at ``/api/v1/``)."""

from django.urls import path

from . import views

urlpatterns = [
    path("history/imports/", views.HistoryImportListView.as_view(), name="api-history-imports"),
    path("history/levels/", views.PublishedLevelListView.as_view(), name="api-history-levels"),
    path("history/import/", views.HistoryImportStartView.as_view(), name="api-history-import"),
    path("history/template/", views.HistoryTemplateView.as_view(), name="api-history-template"),
]
