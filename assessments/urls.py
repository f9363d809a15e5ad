"""URLs of the web pages (the API lives under /api/v1/, the admin under /admin/)."""

from django.urls import path

from .views import (
    corrections,
    findings,
    groups,
    objections,
    review,
    rounds,
    sheets,
    spotchecks,
    successions,
    surveys,
)

urlpatterns = [
    path("rounds/", rounds.round_list, name="round_list"),
    path("rounds/new/", rounds.round_create, name="round_create"),
    path("rounds/<int:round_id>/", rounds.round_overview, name="round_overview"),
    path("rounds/<int:round_id>/settings/", rounds.round_settings, name="round_settings"),
    path("rounds/<int:round_id>/action/", rounds.round_action, name="round_action"),
    path("rounds/<int:round_id>/findings/", findings.findings, name="findings"),
    path("rounds/<int:round_id>/surveys/", surveys.surveys, name="surveys"),
    path("assessments/<int:pk>/sheet/<str:stage>/", sheets.sheet, name="sheet"),
    path(
        "assessments/<int:pk>/sheet/<str:stage>/preview/",
        sheets.sheet_preview,
        name="sheet_preview",
    ),
    path(
        "assessments/<int:pk>/sheet/<str:stage>/return/", sheets.sheet_return, name="sheet_return"
    ),
    path("assessments/<int:pk>/review/", review.review, name="review"),
    path("assessments/<int:pk>/exceptional/", review.exceptional_set, name="exceptional_set"),
    path("assessments/<int:pk>/clearance/", findings.clearance_create, name="clearance_create"),
    path("assessments/<int:pk>/clearance/undo/", findings.clearance_undo, name="clearance_undo"),
    path("assessments/<int:pk>/findings/", findings.finding_create, name="finding_create"),
    path("assessments/<int:pk>/survey/", surveys.survey_save, name="survey_save"),
    path("findings/<int:pk>/confirm/", findings.finding_confirm, name="finding_confirm"),
    path("findings/<int:pk>/withdraw/", findings.finding_withdraw, name="finding_withdraw"),
    path("rounds/<int:round_id>/groups/", groups.groups, name="groups"),
    path("groups/<int:pk>/", groups.group_edit, name="group_edit"),
    path("recusals/", groups.recusals, name="recusals"),
    path("recusals/<int:pk>/end/", groups.recusal_end, name="recusal_end"),
    path("clearances/<int:pk>/withdraw/", findings.clearance_withdraw, name="clearance_withdraw"),
    path(
        "rounds/<int:round_id>/review-departments/",
        findings.review_departments,
        name="review_departments",
    ),
    path("rounds/<int:round_id>/spotchecks/", spotchecks.spotchecks, name="spotchecks"),
    path("rounds/<int:round_id>/spotchecks/draw/", spotchecks.spot_draw, name="spot_draw"),
    path("spot-checks/<int:pk>/assign/", spotchecks.spot_assign, name="spot_assign"),
    path("spot-checks/<int:pk>/outcome/", spotchecks.spot_outcome, name="spot_outcome"),
    path("rounds/<int:round_id>/objections/", objections.objections, name="objections"),
    path(
        "rounds/<int:round_id>/objections/new/",
        objections.objection_lodge,
        name="objection_lodge",
    ),
    path("objections/<int:pk>/handle/", objections.objection_handle, name="objection_handle"),
    path("assessments/<int:pk>/corrections/", corrections.corrections, name="corrections"),
    path("corrections/<int:pk>/decide/", corrections.correction_decide, name="correction_decide"),
    path("villages/successions/", successions.successions, name="successions"),
]
