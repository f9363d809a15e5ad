"""The Excel jobs: Celery tasks that take a job id, load what it names, call a workbook reader or
writer, and report through ``jobs``. Each kind registers itself with ``jobs.registry`` when this
module is imported (at start-up, from ``WorkbooksConfig.ready``), so the job service finds its
task without importing this module.

Every task is idempotent — a finished job is skipped, an import rewrites nothing it already
wrote, an export rewrites its file — so ``acks_late`` with ``reject_on_worker_lost`` may safely
run one again after a worker dies.
"""

from __future__ import annotations

from pathlib import Path

from celery import shared_task
from django.core.files import File
from django.urls import reverse
from django.utils.translation import gettext as _

from assessments.models import Round
from assessments.services import ROLE_STAGES
from jobs import registry
from jobs.models import Job
from jobs.services import job_progress
from jobs.tasks import TASK_OPTIONS, progress_of, run
from ledgers import services as ledger_services
from organizations.models import Role

from . import history, imports, ledger, organizations, report, template
from .kinds import COUNT_LABELS, Kind


def _round(job: Job) -> Round:
    return Round.objects.select_related("county", "catalogue").get(pk=job.parameters["round"])


def _upload(job: Job, tmp: Path) -> Path:
    path = tmp / "upload.xlsx"
    with job.upload.open("rb") as f:
        path.write_bytes(f.read())
    job_progress(job=job, percent=10)
    return path


def _export_template(job: Job, tmp: Path) -> tuple[dict, str]:
    round_, p = _round(job), job.parameters
    township = p.get("township") or ""
    filename = f"评分模板-{round_.year}-{p['stage']}{'-' + township if township else ''}.xlsx"
    counts = template.template_export(
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
    counts = report.report_export(
        tmp / filename,
        round_=round_,
        user=job.created_by,
        township_code=township or None,
        progress=progress_of(job),
    )
    return counts, filename


def _export_ledger(job: Job, tmp: Path) -> tuple[dict, str]:
    township = job.parameters.get("township") or ""
    filename = f"整改台账{'-' + township if township else ''}.xlsx"
    counts = ledger.ledger_export(
        tmp / filename,
        user=job.created_by,
        township_code=township or None,
        status=job.parameters.get("status") or "",
    )
    return counts, filename


def _import_scores(job: Job, tmp: Path) -> tuple[dict, str]:
    round_ = _round(job)
    counts = imports.import_scores_file(
        _upload(job, tmp),
        actor=job.created_by,
        round_=round_,
        stage=job.parameters["stage"],
        source=job.parameters.get("filename", ""),
        progress=progress_of(job),
    )
    return counts, ""


def _import_organizations(job: Job, tmp: Path) -> tuple[dict, str]:
    counts = organizations.import_organizations_file(
        _upload(job, tmp),
        actor=job.created_by,
        source=job.parameters.get("filename", ""),
        confirm=bool(job.parameters.get("confirm")),
    )
    return counts, ""


def _preview_organizations(job: Job, tmp: Path) -> tuple[dict, str]:
    plan = organizations.import_organizations_file(
        _upload(job, tmp),
        actor=job.created_by,
        source=job.parameters.get("filename", ""),
        preview=True,
    )
    return plan, ""


def _import_pairings(job: Job, tmp: Path) -> tuple[dict, str]:
    """The same reader and import as before the job: every row checked, all or nothing."""
    with _upload(job, tmp).open("rb") as f:
        rows = ledger_services.read_pairing_rows(File(f, name=job.parameters.get("filename")))
    job_progress(job=job, percent=50)
    counts = ledger_services.pairings_import(
        actor=job.created_by, year=job.parameters["year"], rows=rows
    )
    return counts, ""


def _import_history(job: Job, tmp: Path) -> tuple[dict, str]:
    """Previous years' published levels: every row checked, all or nothing."""
    counts = history.import_history_file(
        _upload(job, tmp), actor=job.created_by, source=job.parameters.get("filename", "")
    )
    return counts, ""


def _history_link(job: Job) -> tuple[str, str] | None:
    if job.status != Job.Status.SUCCEEDED:
        return None
    return reverse("history_import"), str(_("查看历年星级"))


def _confirm_link(job: Job) -> tuple[str, str] | None:
    if job.kind != Kind.PREVIEW_ORGANIZATIONS or job.status != Job.Status.SUCCEEDED:
        return None
    return reverse("organizations_confirm", args=[job.pk]), str(_("查看变动并确认导入"))


def _pairings_link(job: Job) -> tuple[str, str] | None:
    if job.status != Job.Status.SUCCEEDED:
        return None
    url = reverse("pairing_list") + f"?year={job.parameters.get('year', '')}"
    return url, str(_("查看包保结对"))


FOLLOW_UPS = {
    Kind.PREVIEW_ORGANIZATIONS: _confirm_link,
    Kind.IMPORT_PAIRINGS: _pairings_link,
    Kind.IMPORT_HISTORY: _history_link,
}


@shared_task(name="workbooks.export_template", **TASK_OPTIONS)
def export_template(job_id: int) -> str:
    return run(job_id, _export_template)


@shared_task(name="workbooks.export_report", **TASK_OPTIONS)
def export_report(job_id: int) -> str:
    return run(job_id, _export_report)


@shared_task(name="workbooks.export_ledger", **TASK_OPTIONS)
def export_ledger(job_id: int) -> str:
    return run(job_id, _export_ledger)


@shared_task(name="workbooks.import_scores", **TASK_OPTIONS)
def import_scores(job_id: int) -> str:
    return run(job_id, _import_scores)


@shared_task(name="workbooks.import_organizations", **TASK_OPTIONS)
def import_organizations(job_id: int) -> str:
    return run(job_id, _import_organizations)


@shared_task(name="workbooks.import_pairings", **TASK_OPTIONS)
def import_pairings(job_id: int) -> str:
    return run(job_id, _import_pairings)


@shared_task(name="workbooks.import_history", **TASK_OPTIONS)
def import_history(job_id: int) -> str:
    return run(job_id, _import_history)


@shared_task(name="workbooks.preview_organizations", **TASK_OPTIONS)
def preview_organizations(job_id: int) -> str:
    return run(job_id, _preview_organizations)


# Who may start each kind; the work itself authorizes again, village by village.
for kind, roles, task in (
    (Kind.EXPORT_TEMPLATE, set(ROLE_STAGES), export_template),
    (Kind.EXPORT_REPORT, {Role.COUNTY_ADMIN, Role.AUDITOR, Role.TOWNSHIP_ASSESSOR}, export_report),
    (Kind.IMPORT_SCORES, set(ROLE_STAGES), import_scores),
    (Kind.IMPORT_ORGANIZATIONS, {Role.COUNTY_ADMIN}, import_organizations),
    (Kind.PREVIEW_ORGANIZATIONS, {Role.COUNTY_ADMIN}, preview_organizations),
    (
        Kind.EXPORT_LEDGER,
        {Role.COUNTY_ADMIN, Role.AUDITOR, Role.TOWNSHIP_ASSESSOR, Role.EVALUATOR},
        export_ledger,
    ),
    (Kind.IMPORT_PAIRINGS, {Role.COUNTY_ADMIN}, import_pairings),
    (Kind.IMPORT_HISTORY, {Role.COUNTY_ADMIN}, import_history),
):
    registry.register(
        registry.JobKind(
            name=kind.value,
            label=kind.label,
            roles=frozenset(roles),
            task=task,
            count_labels=COUNT_LABELS,
            follow_up=FOLLOW_UPS.get(kind),
        )
    )
