"""Routes of the organizations API (mounted at ``/api/v1/``)."""

from django.urls import path

import starrating.api  # noqa: F401  (registers the "id" path converter)

from . import users, views

urlpatterns = [
    path("me/", views.MeView.as_view(), name="api-me"),
    path("audit-log/", views.AuditLogListView.as_view(), name="api-audit-log"),
    path(
        "me/logout-everywhere/",
        users.LogoutEverywhereView.as_view(),
        name="api-logout-everywhere",
    ),
    path("users/", users.UserListView.as_view(), name="api-users"),
    path("users/<id:pk>/", users.UserDetailView.as_view(), name="api-user"),
    path("users/<id:pk>/active/", users.UserActiveView.as_view(), name="api-user-active"),
    path(
        "users/<id:pk>/reset-password/",
        users.UserResetPasswordView.as_view(),
        name="api-user-reset-password",
    ),
    path("users/<id:pk>/unlock/", users.UserUnlockView.as_view(), name="api-user-unlock"),
    path(
        "users/<id:pk>/sessions/revoke/",
        users.UserSessionsRevokeView.as_view(),
        name="api-user-sessions-revoke",
    ),
    path("tokens/", views.ApiTokenListView.as_view(), name="api-tokens"),
    path("tokens/<id:pk>/", views.ApiTokenDetailView.as_view(), name="api-token"),
    path("organizations/", views.OrganizationListView.as_view(), name="api-organizations"),
    path("organizations/tree/", views.OrganizationTreeView.as_view(), name="api-organization-tree"),
    path("organizations/<id:pk>/", views.OrganizationDetailView.as_view(), name="api-organization"),
    path(
        "organizations/<id:pk>/active/",
        views.OrganizationActiveView.as_view(),
        name="api-organization-active",
    ),
    path("users/bulk/", users.UserBulkView.as_view(), name="api-users-bulk"),
]
