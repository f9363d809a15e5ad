"""Routes of the rating-year API (mounted at ``/api/v1/`` beside the other apps' routes)."""

from django.urls import path

import starrating.api  # noqa: F401  (registers the "id" path converter)

from . import corrections, groups, objections, reviews, spotchecks, views

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
        for action in ("open", "publish", "archive")
    ],
    path("rounds/<id:pk>/advance/", views.RoundAdvanceView.as_view(), name="api-round-advance"),
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
    path("assessments/<id:pk>/clearance/", views.ClearanceView.as_view(), name="api-clearance"),
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
    path("rounds/<id:pk>/groups/", groups.RoundGroupsView.as_view(), name="api-round-groups"),
    path(
        "rounds/<id:pk>/groups/coverage/",
        groups.RoundGroupCoverageView.as_view(),
        name="api-round-group-coverage",
    ),
    path("groups/<id:pk>/", groups.GroupDetailView.as_view(), name="api-group"),
    path("groups/<id:pk>/members/", groups.GroupMembersView.as_view(), name="api-group-members"),
    path("groups/<id:pk>/villages/", groups.GroupVillagesView.as_view(), name="api-group-villages"),
    path("recusals/", groups.RecusalListView.as_view(), name="api-recusals"),
    path("recusals/<id:pk>/end/", groups.RecusalEndView.as_view(), name="api-recusal-end"),
    # joint review: departments, progress, clearances
    path("rounds/<id:pk>/review/", reviews.RoundReviewView.as_view(), name="api-round-review"),
    path("clearances/", reviews.ClearanceListView.as_view(), name="api-clearances"),
    path("clearances/<id:pk>/", reviews.ClearanceDetailView.as_view(), name="api-clearance"),
    path(
        "clearances/<id:pk>/withdraw/",
        reviews.ClearanceWithdrawView.as_view(),
        name="api-clearance-withdraw",
    ),
    path(
        "assessments/<id:pk>/clearances/",
        reviews.AssessmentClearancesView.as_view(),
        name="api-assessment-clearances",
    ),
    # random spot checks
    path(
        "rounds/<id:pk>/spot-draws/",
        spotchecks.RoundSpotDrawsView.as_view(),
        name="api-round-spot-draws",
    ),
    path("spot-draws/<id:pk>/", spotchecks.SpotDrawDetailView.as_view(), name="api-spot-draw"),
    path(
        "spot-checks/<id:pk>/assign/",
        spotchecks.SpotCheckAssignView.as_view(),
        name="api-spot-check-assign",
    ),
    path(
        "spot-checks/<id:pk>/outcome/",
        spotchecks.SpotCheckOutcomeView.as_view(),
        name="api-spot-check-outcome",
    ),
    # publicity objections and appeals
    path(
        "rounds/<id:pk>/objections/",
        objections.RoundObjectionsView.as_view(),
        name="api-round-objections",
    ),
    path(
        "rounds/<id:pk>/objections/counts/",
        objections.RoundObjectionCountsView.as_view(),
        name="api-round-objection-counts",
    ),
    path("objections/", objections.ObjectionListView.as_view(), name="api-objections"),
    path("objections/<id:pk>/", objections.ObjectionDetailView.as_view(), name="api-objection"),
    path(
        "objections/<id:pk>/handle/",
        objections.ObjectionHandleView.as_view(),
        name="api-objection-handle",
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
