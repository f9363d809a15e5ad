"""Routes of the ledgers' API (mounted at ``/api/v1/``)."""

from django.urls import path

import starrating.api  # noqa: F401  (registers the "id" path converter)

from . import views

urlpatterns = [
    path("rectifications/", views.RectificationListView.as_view(), name="api-rectifications"),
    path(
        "rectifications/<id:pk>/",
        views.RectificationDetailView.as_view(),
        name="api-rectification",
    ),
    path(
        "rectifications/<id:pk>/notes/",
        views.RectificationNoteView.as_view(),
        name="api-rectification-notes",
    ),
    path(
        "rectifications/<id:pk>/close/",
        views.RectificationCloseView.as_view(),
        name="api-rectification-close",
    ),
    path(
        "rectifications/<id:pk>/reopen/",
        views.RectificationReopenView.as_view(),
        name="api-rectification-reopen",
    ),
    path(
        "findings/<id:pk>/rectification/",
        views.FindingRectificationView.as_view(),
        name="api-finding-rectification",
    ),
    path(
        "assessments/<id:pk>/rectification/",
        views.WeaknessRectificationView.as_view(),
        name="api-assessment-rectification",
    ),
    path("visits/", views.VisitListView.as_view(), name="api-visits"),
    path("visits/<id:pk>/", views.VisitDetailView.as_view(), name="api-visit"),
    path(
        "visit-problems/<id:pk>/rectification/",
        views.VisitProblemRectificationView.as_view(),
        name="api-visit-problem-rectification",
    ),
    path("pairings/", views.PairingListView.as_view(), name="api-pairings"),
    path("pairings/import/", views.PairingImportView.as_view(), name="api-pairings-import"),
    path("evidence/", views.EvidenceListView.as_view(), name="api-evidence"),
    path(
        "evidence/<id:pk>/download/",
        views.EvidenceDownloadView.as_view(),
        name="api-evidence-download",
    ),
    path(
        "evidence/<id:pk>/withdraw/",
        views.EvidenceWithdrawView.as_view(),
        name="api-evidence-withdraw",
    ),
    path("reminders/", views.ReminderListView.as_view(), name="api-reminders"),
    path("reminders/read/", views.ReminderReadView.as_view(), name="api-reminders-read"),
]
