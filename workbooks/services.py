"""Starting the Excel jobs, for the API (and any page): who may start which, with what, checked
now — the rows themselves are checked by the job, all or none. Each start is audited by
``jobs.services.job_create`` (an export or an import, who and from where).

The kinds and their tasks are registered by ``workbooks.tasks``; here only their names.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files import File
from django.utils.translation import gettext as _

from assessments.models import Round, Stage
from assessments.services import ROLE_STAGES
from jobs.models import Job
from jobs.services import job_create
from ledgers.selectors import STATUS_FILTERS
from organizations.models import Role, User
from organizations.selectors import townships_for_user
from starrating.errors import Conflict, InvalidInput, NotPermitted

from .kinds import Kind

EXPORT_REPORT_ROLES = (Role.COUNTY_ADMIN, Role.AUDITOR, Role.TOWNSHIP_ASSESSOR)
EXPORT_LEDGER_ROLES = (Role.COUNTY_ADMIN, Role.AUDITOR, Role.TOWNSHIP_ASSESSOR, Role.EVALUATOR)


def _stage_errors(actor: User, stage: str) -> list[dict[str, Any]]:
    if stage not in Stage.values:
        return [{"field": "stage", "value": stage, "message": _("评分阶段无效")}]
    return []


def _require_stage_role(actor: User, stage: str) -> None:
    """Who fills a stage exports its template and imports it (DOMAIN.md §1)."""
    allowed = ROLE_STAGES.get(actor.role, set())
    if not allowed:
        raise NotPermitted(_("您的角色不能导入或导出评分表。"))
    if stage in Stage.values and stage not in allowed:
        raise NotPermitted(_("您不能填写该评分阶段。"))


def _township(actor: User, code: str) -> tuple[str, list[dict[str, Any]]]:
    """A township assessor's exports are always of their own township; anyone else may
    narrow to one township of their scope (another one is a 400 naming the field)."""
    code = (code or "").strip()
    if actor.role == Role.TOWNSHIP_ASSESSOR and actor.organization_id:
        return actor.organization.code, []
    if code and not townships_for_user(actor).filter(code=code).exists():
        return code, [
            {"field": "township", "value": code, "message": _("镇（街道）不存在或不在您的范围内")}
        ]
    return code, []


def _upload_errors(upload: Any) -> list[dict[str, Any]]:
    if upload is None:
        return [{"field": "file", "message": _("请选择要上传的Excel文件")}]
    if upload.size > settings.EXCEL_MAX_UPLOAD_BYTES:
        return [
            {
                "field": "file",
                "message": _("文件过大（%(size).1f MB），上限为%(max)d MB")
                % {
                    "size": upload.size / 1048576,
                    "max": settings.EXCEL_MAX_UPLOAD_BYTES // 1048576,
                },
            }
        ]
    return []


def _raise(errors: list[dict[str, Any]]) -> None:
    if errors:
        raise InvalidInput(_("请检查填写的内容。"), errors)


def _name(upload: Any, default: str) -> str:
    return ((getattr(upload, "name", "") or default).rsplit("/", 1)[-1])[:200]


def template_export_start(
    *, actor: User, round_: Round, stage: str, township: str = "", ip: str | None = None
) -> Job:
    """The score template of one stage (the villages the actor may fill), as a job."""
    _require_stage_role(actor, stage)
    township, errors = _township(actor, township)
    _raise(_stage_errors(actor, stage) + errors)
    return job_create(
        actor=actor,
        kind=Kind.EXPORT_TEMPLATE,
        parameters={"round": round_.pk, "stage": stage, "township": township},
        ip=ip,
    )


def scores_import_start(
    *, actor: User, round_: Round, stage: str, upload: Any, ip: str | None = None
) -> Job:
    """A filled score template imported by a job: every cell checked, all or none, through
    ``scores_import`` (the stage must be open; the job's errors name sheet, row and item)."""
    _require_stage_role(actor, stage)
    _raise(_stage_errors(actor, stage) + _upload_errors(upload))
    return job_create(
        actor=actor,
        kind=Kind.IMPORT_SCORES,
        parameters={"round": round_.pk, "stage": stage, "filename": _name(upload, "scores.xlsx")},
        upload=upload,
        ip=ip,
    )


def report_export_start(
    *, actor: User, round_: Round, township: str = "", ip: str | None = None
) -> Job:
    """The annual report (年度报表) of the round, or of one township, as a job."""
    if actor.role not in EXPORT_REPORT_ROLES:
        raise NotPermitted(_("您的角色不能导出年度报表。"))
    township, errors = _township(actor, township)
    _raise(errors)
    return job_create(
        actor=actor,
        kind=Kind.EXPORT_REPORT,
        parameters={"round": round_.pk, "township": township},
        ip=ip,
    )


def ledger_export_start(
    *, actor: User, township: str = "", status: str = "", ip: str | None = None
) -> Job:
    """The 整改台账 the actor may see, as Excel, by a job."""
    if actor.role not in EXPORT_LEDGER_ROLES:
        raise NotPermitted(_("您的角色不能导出整改台账。"))
    township, errors = _township(actor, township)
    if status and status not in STATUS_FILTERS:
        errors.append({"field": "status", "value": status, "message": _("状态无效")})
    _raise(errors)
    return job_create(
        actor=actor,
        kind=Kind.EXPORT_LEDGER,
        parameters={"township": township, "status": status},
        ip=ip,
    )


def organizations_preview_start(*, actor: User, upload: Any, ip: str | None = None) -> Job:
    """The first step of an organization import: a job that checks the file and lists what
    would change (new, changed, deactivated). Nothing changes until it is confirmed."""
    if not actor.has_role(Role.COUNTY_ADMIN):
        raise NotPermitted(_("只有县级管理员可以导入组织机构。"))
    _raise(_upload_errors(upload))
    return job_create(
        actor=actor,
        kind=Kind.PREVIEW_ORGANIZATIONS,
        parameters={"filename": _name(upload, "organizations.xlsx")},
        upload=upload,
        ip=ip,
    )


def organizations_import_confirm(
    *, actor: User, preview: Job, confirm_deactivation: bool = False, ip: str | None = None
) -> Job:
    """The second step: import the very file of a succeeded preview (the actor's own job).
    Deactivating more villages than the configured share needs ``confirm_deactivation``."""
    if not actor.has_role(Role.COUNTY_ADMIN):
        raise NotPermitted(_("只有县级管理员可以导入组织机构。"))
    if preview.kind != Kind.PREVIEW_ORGANIZATIONS:
        raise InvalidInput(
            _("该任务不是组织导入预览。"),
            [{"field": "preview", "message": _("请给出组织导入预览任务")}],
        )
    if preview.status != Job.Status.SUCCEEDED:
        raise Conflict(
            _("预览尚未成功完成（当前：%(s)s），不能确认导入。")
            % {"s": preview.get_status_display()}
        )
    plan = preview.counts or {}
    if plan.get("needs_confirmation") and not confirm_deactivation:
        raise InvalidInput(
            _("请确认停用：本次将停用%(n)d个村。") % {"n": plan.get("deactivated", 0)},
            [{"field": "confirm_deactivation", "message": _("必须确认")}],
        )
    if not preview.upload:
        raise Conflict(_("上传的文件已过期，请重新上传。"))
    filename = preview.parameters.get("filename") or "organizations.xlsx"
    with preview.upload.open("rb") as f:
        return job_create(
            actor=actor,
            kind=Kind.IMPORT_ORGANIZATIONS,
            parameters={
                "filename": filename,
                "preview": preview.pk,
                "confirm": bool(confirm_deactivation),
            },
            upload=File(f, name=filename),
            ip=ip,
        )
