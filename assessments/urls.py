"""URLs of the web pages (the API lives under /api/v1/, the admin under /admin/)."""

from django.urls import path

from . import views

urlpatterns = [
    path("rounds/", views.round_list, name="round_list"),
    path("rounds/new/", views.round_create, name="round_create"),
    path("rounds/<int:round_id>/", views.round_overview, name="round_overview"),
    path("rounds/<int:round_id>/settings/", views.round_settings, name="round_settings"),
    path("rounds/<int:round_id>/action/", views.round_action, name="round_action"),
    path("rounds/<int:round_id>/dashboard/", views.dashboard, name="dashboard"),
    path("rounds/<int:round_id>/findings/", views.findings, name="findings"),
    path("rounds/<int:round_id>/surveys/", views.surveys, name="surveys"),
    path("rounds/<int:round_id>/publicity/", views.publicity, name="publicity"),
    path("assessments/<int:pk>/sheet/<str:stage>/", views.sheet, name="sheet"),
    path(
        "assessments/<int:pk>/sheet/<str:stage>/preview/",
        views.sheet_preview,
        name="sheet_preview",
    ),
    path("assessments/<int:pk>/sheet/<str:stage>/return/", views.sheet_return, name="sheet_return"),
    path("assessments/<int:pk>/review/", views.review, name="review"),
    path("assessments/<int:pk>/exceptional/", views.exceptional_set, name="exceptional_set"),
    path("assessments/<int:pk>/clearance/", views.clearance_create, name="clearance_create"),
    path("assessments/<int:pk>/findings/", views.finding_create, name="finding_create"),
    path("assessments/<int:pk>/survey/", views.survey_save, name="survey_save"),
    path("findings/<int:pk>/confirm/", views.finding_confirm, name="finding_confirm"),
    path("findings/<int:pk>/withdraw/", views.finding_withdraw, name="finding_withdraw"),
    path("villages/<int:org_id>/", views.village, name="village"),
]
