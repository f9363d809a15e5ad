"""URLs of the Excel pages (start an import or export job), mounted under /jobs/ beside the job
pages."""

from django.urls import path

from . import views

urlpatterns = [
    path("rounds/<int:round_id>/scores/", views.scores_upload, name="job_scores_upload"),
    path("rounds/<int:round_id>/report/", views.report_export, name="job_report_export"),
    path("audit.xlsx", views.audit_export, name="audit_export"),
    path("ledger/", views.ledger_export, name="job_ledger_export"),
    path("organizations/", views.organizations_upload, name="job_organizations_upload"),
    path(
        "organizations/<int:job_id>/confirm/",
        views.organizations_confirm,
        name="organizations_confirm",
    ),
    path("organizations/template/", views.organizations_template, name="organizations_template"),
    path("history/", views.history_import, name="history_import"),
    path("history/template/", views.history_template, name="history_template"),
]
