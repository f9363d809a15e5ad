"""Routes of API v1 (mounted at ``/api/v1/``). Organization and catalogue endpoints live in
their apps' ``api`` packages; this module is the one table of every route."""

from django.urls import path, register_converter

from indicators.api import views as catalogue
from organizations.api import views as org
from starrating.api import IdConverter

from . import views

register_converter(IdConverter, "id")

STAGE = "<str:stage>"

urlpatterns = [
    path("me/", org.MeView.as_view(), name="api-me"),
    path("tokens/", org.ApiTokenListView.as_view(), name="api-tokens"),
    path("tokens/<id:pk>/", org.ApiTokenDetailView.as_view(), name="api-token"),
    path("organizations/", org.OrganizationListView.as_view(), name="api-organizations"),
    path("organizations/tree/", org.OrganizationTreeView.as_view(), name="api-organization-tree"),
    path("organizations/<id:pk>/", org.OrganizationDetailView.as_view(), name="api-organization"),
    path("catalogues/", catalogue.CatalogueListView.as_view(), name="api-catalogues"),
    path("catalogues/<id:pk>/", catalogue.CatalogueDetailView.as_view(), name="api-catalogue"),
    path(
        "catalogues/<id:pk>/items/",
        catalogue.CatalogueItemsView.as_view(),
        name="api-catalogue-items",
    ),
    path("categories/<id:pk>/", catalogue.CategoryDetailView.as_view(), name="api-category"),
    path("items/<id:pk>/", catalogue.ItemDetailView.as_view(), name="api-item"),
    path("rounds/", views.RoundListView.as_view(), name="api-rounds"),
    path("rounds/<id:pk>/", views.RoundDetailView.as_view(), name="api-round"),
    *[
        path(
            f"rounds/<id:pk>/{action}/",
            views.RoundTransitionView.as_view(action=action),
            name=f"api-round-{action}",
        )
        for action in ("open", "advance", "publish", "archive")
    ],
    path("rounds/<id:pk>/reopen/", views.RoundReopenView.as_view(), name="api-round-reopen"),
    path("rounds/<id:pk>/results/", views.RoundResultsView.as_view(), name="api-round-results"),
    path(
        "rounds/<id:pk>/dashboard/",
        views.RoundDashboardView.as_view(),
        name="api-round-dashboard",
    ),
    path("assessments/", views.AssessmentListView.as_view(), name="api-assessments"),
    path("assessments/<id:pk>/", views.AssessmentDetailView.as_view(), name="api-assessment"),
    path(f"assessments/<id:pk>/sheets/{STAGE}/", views.SheetView.as_view(), name="api-sheet"),
    path(
        f"assessments/<id:pk>/sheets/{STAGE}/return/",
        views.SheetReturnView.as_view(),
        name="api-sheet-return",
    ),
    path(
        "assessments/<id:pk>/findings/",
        views.AssessmentFindingsView.as_view(),
        name="api-assessment-findings",
    ),
    path("assessments/<id:pk>/survey/", views.SurveyView.as_view(), name="api-survey"),
    path(
        "assessments/<id:pk>/exceptional/",
        views.AssessmentExceptionalView.as_view(),
        name="api-assessment-exceptional",
    ),
    path("findings/", views.FindingListView.as_view(), name="api-findings"),
    path("findings/<id:pk>/", views.FindingDetailView.as_view(), name="api-finding"),
    path(
        "findings/<id:pk>/confirm/",
        views.FindingConfirmView.as_view(),
        name="api-finding-confirm",
    ),
    path(
        "findings/<id:pk>/withdraw/",
        views.FindingWithdrawView.as_view(),
        name="api-finding-withdraw",
    ),
]
