"""Routes of the dashboard API (mounted at ``/api/v1/``)."""

from django.urls import path

import starrating.api  # noqa: F401  (registers the "id" path converter)

from . import views

urlpatterns = [
    path(
        "rounds/<id:pk>/dashboard/", views.RoundDashboardView.as_view(), name="api-round-dashboard"
    ),
    path("regions/summary/", views.RegionSummaryView.as_view(), name="api-region-summary"),
    path("villages/search/", views.VillageSearchView.as_view(), name="api-village-search"),
]
