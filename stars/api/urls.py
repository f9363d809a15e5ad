"""Routes of the 创星晋级 API (mounted at ``/api/v1/``)."""

from django.urls import path

import starrating.api  # noqa: F401  (registers the "id" path converter)

from . import views

urlpatterns = [
    path("stars/tables/", views.TableListView.as_view(), name="api-star-tables"),
    path("stars/tables/copy/", views.TablesCopyView.as_view(), name="api-star-tables-copy"),
    path(
        "stars/tables/<id:pk>/thresholds/",
        views.ThresholdsView.as_view(),
        name="api-star-table-thresholds",
    ),
    path("stars/tables/<id:pk>/items/", views.ItemCreateView.as_view(), name="api-star-items"),
    path("stars/members/", views.MemberListView.as_view(), name="api-star-members"),
    path("stars/members/import/", views.MemberImportView.as_view(), name="api-star-members-import"),
    path("stars/entries/", views.EntryListView.as_view(), name="api-star-entries"),
    path("stars/entries/<id:pk>/", views.EntryDetailView.as_view(), name="api-star-entry"),
    path(
        "stars/entries/<id:pk>/approve/", views.EntryApproveView.as_view(), name="api-star-approve"
    ),
    path("stars/entries/<id:pk>/reject/", views.EntryRejectView.as_view(), name="api-star-reject"),
    path(
        "stars/entries/<id:pk>/evidence/",
        views.EntryEvidenceView.as_view(),
        name="api-star-evidence",
    ),
    path("stars/rankings/", views.RankingView.as_view(), name="api-star-rankings"),
    path("stars/summary/", views.SummaryView.as_view(), name="api-star-summary"),
    path("stars/handbook/", views.HandbookView.as_view(), name="api-star-handbook"),
    path("stars/consequences/", views.ConsequencesView.as_view(), name="api-star-consequences"),
    path("stars/outcomes/", views.OutcomesView.as_view(), name="api-star-outcomes"),
    path("stars/outcomes/pay.xlsx", views.PayListView.as_view(), name="api-star-pay-list"),
    path("stars/ladder-inputs/", views.LadderInputsView.as_view(), name="api-star-ladder-inputs"),
    path(
        "stars/ladder-inputs/values/",
        views.LadderValuesView.as_view(),
        name="api-star-ladder-values",
    ),
    path("stars/ladder-inputs/fill/", views.LadderFillView.as_view(), name="api-star-ladder-fill"),
]
