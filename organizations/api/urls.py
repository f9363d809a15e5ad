"""Routes of the organizations API (mounted at ``/api/v1/``)."""

from django.urls import path

import starrating.api  # noqa: F401  (registers the "id" path converter)

from . import views

urlpatterns = [
    path("me/", views.MeView.as_view(), name="api-me"),
    path("audit-log/", views.AuditLogListView.as_view(), name="api-audit-log"),
    path("tokens/", views.ApiTokenListView.as_view(), name="api-tokens"),
    path("tokens/<id:pk>/", views.ApiTokenDetailView.as_view(), name="api-token"),
    path("organizations/", views.OrganizationListView.as_view(), name="api-organizations"),
    path("organizations/tree/", views.OrganizationTreeView.as_view(), name="api-organization-tree"),
    path("organizations/<id:pk>/", views.OrganizationDetailView.as_view(), name="api-organization"),
]
