"""Routes of the jobs API (mounted at ``/api/v1/``): the user's own background jobs."""

from django.urls import path

import starrating.api  # noqa: F401  (registers the "id" path converter)

from . import views

urlpatterns = [
    path("jobs/", views.JobListView.as_view(), name="api-jobs"),
    path("jobs/<id:pk>/", views.JobDetailView.as_view(), name="api-job"),
    path("jobs/<id:pk>/download/", views.JobDownloadView.as_view(), name="api-job-download"),
]
