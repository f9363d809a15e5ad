"""Routes of API v1 (mounted at ``/api/v1/``). Organization and catalogue endpoints live in
their apps' ``api`` packages; this module is the one table of every route."""

from django.urls import path

from indicators.api import views as catalogue
from organizations.api import views as org

from . import views

STAGE = "<str:stage>"

urlpatterns = [
    path("me/", org.MeView.as_view(), name="api-me"),
    path("tokens/", org.ApiTokenListView.as_view(), name="api-tokens"),
    path("tokens/<int:pk>/", org.ApiTokenDetailView.as_view(), name="api-token"),
    path("organizations/", org.OrganizationListView.as_view(), name="api-organizations"),
    path("organizations/tree/", org.OrganizationTreeView.as_view(), name="api-organization-tree"),
    path("organizations/<int:pk>/", org.OrganizationDetailView.as_view(), name="api-organization"),
    path("catalogues/", catalogue.CatalogueListView.as_view(), name="api-catalogues"),
    path("catalogues/<int:pk>/", catalogue.CatalogueDetailView.as_view(), name="api-catalogue"),
    path(
        "catalogues/<int:pk>/items/",
        catalogue.CatalogueItemsView.as_view(),
        name="api-catalogue-items",
    ),
    path("categories/<int:pk>/", catalogue.CategoryDetailView.as_view(), name="api-category"),
    path("items/<int:pk>/", catalogue.ItemDetailView.as_view(), name="api-item"),
    path("rounds/", views.RoundListView.as_view(), name="api-rounds"),
    path("rounds/<int:pk>/", views.RoundDetailView.as_view(), name="api-round"),
    *[
        path(
            f"rounds/<int:pk>/{action}/",
            views.RoundTransitionView.as_view(action=action),
            name=f"api-round-{action}",
        )
        for action in ("open", "advance", "publish", "archive")
    ],
    path("rounds/<int:pk>/reopen/", views.RoundReopenView.as_view(), name="api-round-reopen"),
    path("rounds/<int:pk>/results/", views.RoundResultsView.as_view(), name="api-round-results"),
    path(
        "rounds/<int:pk>/dashboard/",
        views.RoundDashboardView.as_view(),
        name="api-round-dashboard",
    ),
    path("assessments/", views.AssessmentListView.as_view(), name="api-assessments"),
    path("assessments/<int:pk>/", views.AssessmentDetailView.as_view(), name="api-assessment"),
    path(f"assessments/<int:pk>/sheets/{STAGE}/", views.SheetView.as_view(), name="api-sheet"),
    path(
        f"assessments/<int:pk>/sheets/{STAGE}/return/",
        views.SheetReturnView.as_view(),
        name="api-sheet-return",
    ),
    path(
        "assessments/<int:pk>/findings/",
        views.AssessmentFindingsView.as_view(),
        name="api-assessment-findings",
    ),
    path("assessments/<int:pk>/survey/", views.SurveyView.as_view(), name="api-survey"),
    path(
        "assessments/<int:pk>/exceptional/",
        views.AssessmentExceptionalView.as_view(),
        name="api-assessment-exceptional",
    ),
    path("findings/", views.FindingListView.as_view(), name="api-findings"),
    path("findings/<int:pk>/", views.FindingDetailView.as_view(), name="api-finding"),
    path(
        "findings/<int:pk>/confirm/",
        views.FindingConfirmView.as_view(),
        name="api-finding-confirm",
    ),
    path(
        "findings/<int:pk>/withdraw/",
        views.FindingWithdrawView.as_view(),
        name="api-finding-withdraw",
    ),
]
