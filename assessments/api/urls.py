"""Routes of the rating-year API (mounted at ``/api/v1/`` beside the other apps' routes)."""

from django.urls import path

import starrating.api  # noqa: F401  (registers the "id" path converter)

from . import corrections, views

STAGE = "<str:stage>"

urlpatterns = [
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
    path(
        "assessments/<id:pk>/corrections/",
        corrections.AssessmentCorrectionsView.as_view(),
        name="api-assessment-corrections",
    ),
    path("corrections/", corrections.CorrectionListView.as_view(), name="api-corrections"),
    path(
        "corrections/<id:pk>/approve/",
        corrections.CorrectionDecisionView.as_view(approve=True),
        name="api-correction-approve",
    ),
    path(
        "corrections/<id:pk>/reject/",
        corrections.CorrectionDecisionView.as_view(approve=False),
        name="api-correction-reject",
    ),
    path("successions/", corrections.SuccessionListView.as_view(), name="api-successions"),
]
