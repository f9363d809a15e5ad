"""Routes of the organization-health API (mounted at ``/api/v1/``)."""

from django.urls import path

import starrating.api  # noqa: F401  (registers the "id" path converter)

from . import views

urlpatterns = [
    path("health/summary/", views.SummaryView.as_view(), name="api-health-summary"),
    path("health/settings/", views.SettingsView.as_view(), name="api-health-settings"),
    path("health/elections/", views.ElectionListView.as_view(), name="api-health-elections"),
    path("health/body-flags/", views.BodyFlagListView.as_view(), name="api-health-body-flags"),
    path(
        "health/body-adjustments/",
        views.BodyAdjustmentListView.as_view(),
        name="api-health-body-adjustments",
    ),
    path("health/commitments/", views.CommitmentListView.as_view(), name="api-health-commitments"),
    path(
        "health/commitments/rates/",
        views.CommitmentRatesView.as_view(),
        name="api-health-commitment-rates",
    ),
    path(
        "health/commitments/<id:pk>/complete/",
        views.CommitmentCompleteView.as_view(),
        name="api-health-commitment-complete",
    ),
    path("health/postings/", views.PostingListView.as_view(), name="api-health-postings"),
    path(
        "health/postings/<id:pk>/extend/",
        views.PostingExtendView.as_view(),
        name="api-health-posting-extend",
    ),
    path("health/members/", views.MemberListView.as_view(), name="api-health-members"),
    path(
        "health/members/<id:pk>/leave/",
        views.MemberLeaveView.as_view(),
        name="api-health-member-leave",
    ),
    path("health/villages/<id:pk>/team/", views.TeamFactsView.as_view(), name="api-health-team"),
    path("health/weak/", views.WeakListView.as_view(), name="api-health-weak"),
    path(
        "health/weak/suggestions/",
        views.WeakSuggestionsView.as_view(),
        name="api-health-weak-suggestions",
    ),
    path(
        "health/weak/suggestions/designate/",
        views.WeakSuggestionDesignateView.as_view(),
        name="api-health-weak-suggestion-designate",
    ),
    path(
        "health/weak/suggestions/dismiss/",
        views.WeakSuggestionDismissView.as_view(),
        name="api-health-weak-suggestion-dismiss",
    ),
    path("health/export/", views.ExportView.as_view(), name="api-health-export"),
]
