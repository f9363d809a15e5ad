"""URLs of the Excel job pages, mounted under /jobs/."""

from django.urls import path

from . import job_views

urlpatterns = [
    path("", job_views.job_list, name="job_list"),
    path("<int:pk>/", job_views.job_status, name="job_status"),
    path("<int:pk>/download/", job_views.job_download, name="job_download"),
    path("rounds/<int:round_id>/scores/", job_views.scores_upload, name="job_scores_upload"),
    path("rounds/<int:round_id>/report/", job_views.report_export, name="job_report_export"),
    path("organizations/", job_views.organizations_upload, name="job_organizations_upload"),
]
