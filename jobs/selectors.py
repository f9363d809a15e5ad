"""Reads of jobs: a user sees only the jobs they started."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from .models import Job

MAX_LISTED = 30


def jobs_for_user(user, *, limit: int | None = MAX_LISTED) -> QuerySet[Job]:
    """The user's own jobs, newest first (the list page takes them all, in pages)."""
    jobs = jobs_of_user(user)
    return jobs if limit is None else jobs[:limit]


def jobs_of_user(user) -> QuerySet[Job]:
    """Every job ``user`` started, newest first (the API pages through them)."""
    return Job.objects.filter(created_by=user).order_by("-created_at", "-id")


def job_get_for_user(*, user, pk: int) -> Job:
    job = Job.objects.filter(pk=pk, created_by=user).first()
    if job is None:
        raise Http404
    return job
