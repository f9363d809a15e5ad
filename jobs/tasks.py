"""How every job runs (``run``: claim, work, record success or the reason of failure) and the
periodic clean-up of expired files. The kinds of work live with the apps that register them.

Every task is idempotent — a finished job is skipped — so ``acks_late`` with
``reject_on_worker_lost`` may safely run one again after a worker dies. In the embedded default
(no broker) tasks run in-process, right after the job's transaction commits.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable
from pathlib import Path

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.http import Http404
from django.utils.translation import gettext as _

from starrating.errors import DomainError

from . import services
from .models import Job

logger = logging.getLogger(__name__)

TASK_OPTIONS = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "time_limit": getattr(settings, "CELERY_TASK_TIME_LIMIT", 30 * 60),
    "soft_time_limit": getattr(settings, "CELERY_TASK_SOFT_TIME_LIMIT", 25 * 60),
}

Work = Callable[[Job, Path], tuple[dict, str]]


def run(job_id: int, work: Work) -> str:
    """Run ``work(job, tmp_dir)`` → (counts, result file name in tmp_dir or "") for a job,
    recording its outcome; every failure ends as a failed job with a Chinese reason."""
    job = services.job_start(job_id=job_id)
    if job is None:
        return "skipped"  # already finished: a redelivered message does nothing
    with tempfile.TemporaryDirectory(prefix="job-") as tmp:
        try:
            counts, filename = work(job, Path(tmp))
        except DomainError as exc:
            return _failed(job, exc.message, errors=exc.errors)
        except Http404 as exc:  # a township or round outside the user's scope
            return _failed(job, str(exc) or _("所选范围不存在或无权访问。"))
        except SoftTimeLimitExceeded:
            return _failed(job, _("任务超时未完成，请缩小范围后重试。"))
        except Exception:
            logger.exception("job %s (%s) crashed", job_id, job.kind)
            return _failed(job, _("系统内部错误，任务未完成，请联系管理员。"))
        result = Path(tmp) / filename if filename else None
        services.job_succeed(
            job=job,
            counts=counts,
            result_path=str(result) if result else None,
            filename=filename,
        )
    return "succeeded"


def _failed(job: Job, message: str, errors: list[dict] | None = None) -> str:
    """Record the failure on the job (the page shows it) and in the log (the administrator
    reads it): Celery itself only sees the task return "failed"."""
    services.job_fail(job=job, message=message, errors=errors)
    logger.warning(
        "job %s (%s, user %s) failed: %s%s",
        job.pk,
        job.kind,
        job.created_by_id,
        message,
        f" ({len(errors)} problem(s), first: {errors[0]})" if errors else "",
    )
    return "failed"


def progress_of(job: Job) -> Callable[[int], None]:
    return lambda percent: services.job_progress(job=job, percent=percent)


@shared_task(name="jobs.expire", acks_late=True, time_limit=10 * 60)
def jobs_expire() -> int:
    """Periodic (Celery beat, see settings): delete result files past their expiry."""
    return services.jobs_expire()
