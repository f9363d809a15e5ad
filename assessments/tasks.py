"""Celery tasks: take a job id, load, call an export/import and a job service; nothing else.

Every task is idempotent — a finished job is skipped, an import rewrites nothing it already
wrote, an export rewrites its file — so ``acks_late`` with ``reject_on_worker_lost`` may
safely run one again after a worker dies. In the embedded default (no broker) they run
in-process, right after the job's transaction commits.
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

from . import exports, imports, services
from .models import Job, Round

logger = logging.getLogger(__name__)

TASK_OPTIONS = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "time_limit": getattr(settings, "CELERY_TASK_TIME_LIMIT", 30 * 60),
    "soft_time_limit": getattr(settings, "CELERY_TASK_SOFT_TIME_LIMIT", 25 * 60),
}

Work = Callable[[Job, Path], tuple[dict, str]]


def _run(job_id: int, work: Work) -> str:
    job = services.job_start(job_id=job_id)
    if job is None:
        return "skipped"  # already finished: a redelivered message does nothing
    with tempfile.TemporaryDirectory(prefix="job-") as tmp:
        try:
            counts, filename = work(job, Path(tmp))
        except DomainError as exc:
            services.job_fail(job=job, message=exc.message, errors=exc.errors)
            return "failed"
        except Http404 as exc:  # a township or round outside the user's scope
            services.job_fail(job=job, message=str(exc) or _("所选范围不存在或无权访问。"))
            return "failed"
        except SoftTimeLimitExceeded:
            services.job_fail(job=job, message=_("任务超时未完成，请缩小范围后重试。"))
            return "failed"
        except Exception:
            logger.exception("job %s failed", job_id)
            services.job_fail(job=job, message=_("系统内部错误，任务未完成，请联系管理员。"))
            return "failed"
        result = Path(tmp) / filename if filename else None
        services.job_succeed(
            job=job,
            counts=counts,
            result_path=str(result) if result else None,
            filename=filename,
        )
    return "succeeded"


def _round(job: Job) -> Round:
    return Round.objects.select_related("county", "catalogue").get(pk=job.parameters["round"])


def _progress(job: Job) -> Callable[[int], None]:
    return lambda percent: services.job_progress(job=job, percent=percent)


def _export_template(job: Job, tmp: Path) -> tuple[dict, str]:
    round_, p = _round(job), job.parameters
    township = p.get("township") or ""
    filename = f"评分模板-{round_.year}-{p['stage']}{'-' + township if township else ''}.xlsx"
    counts = exports.template_export(
        tmp / filename,
        round_=round_,
        stage=p["stage"],
        user=job.created_by,
        township_code=township or None,
    )
    return counts, filename


def _export_report(job: Job, tmp: Path) -> tuple[dict, str]:
    round_, township = _round(job), job.parameters.get("township") or ""
    filename = f"星级评定年度报表-{round_.year}{'-' + township if township else ''}.xlsx"
    counts = exports.report_export(
        tmp / filename,
        round_=round_,
        user=job.created_by,
        township_code=township or None,
        progress=_progress(job),
    )
    return counts, filename


def _import_scores(job: Job, tmp: Path) -> tuple[dict, str]:
    round_ = _round(job)
    with job.upload.open("rb") as f:
        path = tmp / "upload.xlsx"
        path.write_bytes(f.read())
    services.job_progress(job=job, percent=10)
    counts = imports.import_scores_file(
        path,
        actor=job.created_by,
        round_=round_,
        stage=job.parameters["stage"],
        source=job.parameters.get("filename", ""),
    )
    return counts, ""


def _import_organizations(job: Job, tmp: Path) -> tuple[dict, str]:
    with job.upload.open("rb") as f:
        path = tmp / "upload.xlsx"
        path.write_bytes(f.read())
    services.job_progress(job=job, percent=10)
    counts = imports.import_organizations_file(
        path, actor=job.created_by, source=job.parameters.get("filename", "")
    )
    return counts, ""


@shared_task(name="assessments.export_template", **TASK_OPTIONS)
def export_template(job_id: int) -> str:
    return _run(job_id, _export_template)


@shared_task(name="assessments.export_report", **TASK_OPTIONS)
def export_report(job_id: int) -> str:
    return _run(job_id, _export_report)


@shared_task(name="assessments.import_scores", **TASK_OPTIONS)
def import_scores(job_id: int) -> str:
    return _run(job_id, _import_scores)


@shared_task(name="assessments.import_organizations", **TASK_OPTIONS)
def import_organizations(job_id: int) -> str:
    return _run(job_id, _import_organizations)


@shared_task(name="assessments.jobs_expire", acks_late=True, time_limit=10 * 60)
def jobs_expire() -> int:
    """Periodic (Celery beat, see settings): delete result files past their expiry."""
    return services.jobs_expire()


TASK_OF_KIND = {
    Job.Kind.EXPORT_TEMPLATE: export_template,
    Job.Kind.EXPORT_REPORT: export_report,
    Job.Kind.IMPORT_SCORES: import_scores,
    Job.Kind.IMPORT_ORGANIZATIONS: import_organizations,
}
