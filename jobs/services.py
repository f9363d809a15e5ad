"""Jobs: created (and enqueued once the transaction commits), started, advanced, finished,
expired. Generic: what a job does is its kind's task (``registry``)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from organizations.models import AuditLog, User
from organizations.services import audit_record
from starrating.errors import InvalidInput, NotPermitted

from . import registry
from .models import Job


def job_create(
    *,
    actor: User | None,
    kind: str,
    parameters: Mapping[str, Any],
    upload: Any = None,
    ip: str | None = None,
) -> Job:
    """Record a job and enqueue its task once the transaction commits (a worker must find
    the row). ``actor`` None is the command line (system). The kind's task is looked up in
    the registry its app filled at start-up."""
    registered = registry.kind_get(kind)
    if registered is None:
        raise InvalidInput(_("任务类型“%(k)s”不存在。") % {"k": kind})
    if actor is not None and not (actor.is_active and actor.role in registered.roles):
        raise NotPermitted(_("您无权执行“%(k)s”。") % {"k": registered.label})

    with transaction.atomic():
        job = Job.objects.create(kind=kind, parameters=dict(parameters), created_by=actor)
        if upload is not None:
            job.upload.save(getattr(upload, "name", "upload.xlsx").split("/")[-1], upload)
        # 等保2.0 安全审计: every export and import is recorded with who and from where.
        audit_record(
            actor=actor,
            action=AuditLog.Action.IMPORT if upload is not None else AuditLog.Action.EXPORT,
            obj=job,
            after={"kind": kind, "parameters": dict(parameters)},
            ip=ip,
        )
        transaction.on_commit(lambda: registered.task.delay(job.pk))
    return job


def job_start(*, job_id: int) -> Job | None:
    """Mark a job running; None if it already finished (a redelivered task does nothing)."""
    claimed = Job.objects.filter(
        pk=job_id, status__in=[Job.Status.QUEUED, Job.Status.RUNNING]
    ).update(status=Job.Status.RUNNING, started_at=timezone.now(), progress=0)
    if not claimed:
        return None
    return Job.objects.select_related("created_by").get(pk=job_id)


def job_progress(*, job: Job, percent: int) -> None:
    percent = max(0, min(100, int(percent)))
    if percent != job.progress:
        job.progress = percent
        Job.objects.filter(pk=job.pk).update(progress=percent)


def job_succeed(
    *, job: Job, counts: Mapping[str, Any], result_path: str | None = None, filename: str = ""
) -> Job:
    """Store the counts and the result file; the file expires after JOB_RESULT_TTL_HOURS."""
    from django.conf import settings
    from django.core.files import File

    if result_path:
        with open(result_path, "rb") as f:
            job.result_file.save(filename or f"job-{job.pk}.xlsx", File(f), save=False)
    now = timezone.now()
    job.status = Job.Status.SUCCEEDED
    job.progress = 100
    job.counts = dict(counts)
    job.finished_at = now
    job.expires_at = now + timedelta(hours=getattr(settings, "JOB_RESULT_TTL_HOURS", 72))
    job.error_message, job.errors = "", []
    job.save()
    return job


def job_fail(*, job: Job, message: str, errors: list[dict[str, Any]] | None = None) -> Job:
    from django.conf import settings

    now = timezone.now()
    job.status = Job.Status.FAILED
    job.error_message = message
    # The page lists them: a short list stays usable (and the status page light).
    cap = getattr(settings, "JOB_MAX_ERRORS", 200)
    errors = list(errors or [])
    if len(errors) > cap:
        message = _("%(message)s（共%(n)d处，仅列出前%(cap)d处）") % {
            "message": message,
            "n": len(errors),
            "cap": cap,
        }
    job.errors = errors[:cap]
    job.error_message = message
    job.finished_at = now
    job.expires_at = now + timedelta(hours=getattr(settings, "JOB_RESULT_TTL_HOURS", 72))
    job.save()
    return job


def jobs_expire(*, now: datetime | None = None) -> int:
    """Delete the files of jobs past their expiry time (results and uploads); the job rows
    stay as the record of who exported or imported what. Returns how many were cleared."""
    now = now or timezone.now()
    expired = Job.objects.filter(expires_at__lte=now).exclude(result_file="", upload="")
    cleared = 0
    for job in expired:
        for f in (job.result_file, job.upload):
            if f:
                f.delete(save=False)
        job.save(update_fields=["result_file", "upload"])
        cleared += 1
    return cleared
