"""Pages that start an Excel job: the score template and import, the annual report, the
organization import.

Thin: parse → ``jobs.services.job_create`` (which enqueues the task after commit) → redirect to
the job's status page (``jobs``), which htmx refreshes until the job has finished.
"""

from __future__ import annotations

import io
import tempfile
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assessments import selectors
from assessments.models import Stage
from assessments.services import ROLE_STAGES
from jobs import selectors as job_selectors
from organizations import services as audit_services
from organizations.forms import audit_rows_for
from organizations.models import Role
from organizations.selectors import can_read_audit, townships_for_user, villages_in_county
from starrating.client import client_ip
from starrating.errors import DomainError
from starrating.pages import error_context, forbid_if_not_permitted, paginate, require_role

from . import services
from .audit import audit_log_export
from .history import history_import_start, write_history_template
from .kinds import Kind
from .organizations import write_blank_template


def _stages_for(user) -> list[Stage]:
    allowed = ROLE_STAGES.get(user.role, set())
    return [s for s in Stage if s.value in allowed]


@login_required
@require_http_methods(["GET", "POST"])
def scores_upload(request: HttpRequest, round_id: int) -> HttpResponse:
    """Download the template and upload it filled (one page for both)."""
    round_ = selectors.round_get_for_user(user=request.user, pk=round_id)
    stages = _stages_for(request.user)
    context = {
        "round": round_,
        "stages": stages,
        "open_stage": round_.open_stage,
        "townships": townships_for_user(request.user).order_by("code"),
        "max_mb": settings.EXCEL_MAX_UPLOAD_BYTES // (1024 * 1024),
    }
    if not stages:
        return render(
            request,
            "workbooks/upload_scores.html",
            {**context, "error": {"message": _("您的角色不能导入或导出评分表。")}},
            status=403,
        )
    if request.method == "GET":
        return render(request, "workbooks/upload_scores.html", context)
    stage = request.POST.get("stage", "")
    action = request.POST.get("action", "import")
    errors = []
    if stage not in {s.value for s in stages}:
        errors.append({"field": "stage", "message": _("请选择您可以填写的评分阶段")})
    upload = request.FILES.get("file")
    if action == "import":
        if upload is None:
            errors.append({"field": "file", "message": _("请选择要上传的Excel文件")})
        elif upload.size > settings.EXCEL_MAX_UPLOAD_BYTES:
            errors.append(
                {
                    "field": "file",
                    "message": _("文件过大（%(size).1f MB），上限为%(max)d MB")
                    % {"size": upload.size / 1048576, "max": context["max_mb"]},
                }
            )
    if errors:
        error = {"message": _("请检查填写的内容。"), "errors": errors}
        return render(
            request, "workbooks/upload_scores.html", {**context, "error": error}, status=400
        )
    try:
        if action == "template":
            job = services.template_export_start(
                actor=request.user,
                round_=round_,
                stage=stage,
                township=request.POST.get("township", ""),
                ip=client_ip(request),
            )
        else:
            job = services.scores_import_start(
                actor=request.user, round_=round_, stage=stage, upload=upload, ip=client_ip(request)
            )
        return redirect("job_status", pk=job.pk)
    except DomainError as exc:
        error = {"message": exc.message, "errors": exc.errors}
        return render(
            request,
            "workbooks/upload_scores.html",
            {**context, "error": error},
            status=exc.status_code,
        )


@login_required
@require_POST
def ledger_export(request: HttpRequest) -> HttpResponse:
    """The 整改台账 the user may see, as Excel (a job: the file waits on the job page)."""
    try:
        job = services.ledger_export_start(
            actor=request.user,
            township=request.POST.get("township", "")[:12],
            status=request.POST.get("status", "")[:16],
            ip=client_ip(request),
        )
        return redirect("job_status", pk=job.pk)
    except DomainError as exc:
        return render(
            request,
            "jobs/list.html",
            {"jobs": [], "error": {"message": exc.message, "errors": exc.errors}},
            status=exc.status_code,
        )


@login_required
@require_POST
def report_export(request: HttpRequest, round_id: int) -> HttpResponse:
    round_ = selectors.round_get_for_user(user=request.user, pk=round_id)
    try:
        job = services.report_export_start(
            actor=request.user,
            round_=round_,
            township=request.POST.get("township", ""),
            ip=client_ip(request),
        )
        return redirect("job_status", pk=job.pk)
    except DomainError as exc:
        return render(
            request,
            "jobs/list.html",
            {"jobs": [], "error": {"message": exc.message, "errors": exc.errors}},
            status=exc.status_code,
        )


def _organizations_page(request: HttpRequest, context: dict, error=None, status=200):
    return render(
        request,
        "workbooks/upload_organizations.html",
        {**context, "error": error} if error else context,
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def organizations_upload(request: HttpRequest) -> HttpResponse:
    """Upload the organization file: a preview job first; nothing changes until confirmed."""
    max_mb = settings.EXCEL_MAX_UPLOAD_BYTES // (1024 * 1024)
    context = {"max_mb": max_mb}
    if not request.user.has_role(Role.COUNTY_ADMIN):
        error = {"message": _("只有县级管理员可以导入组织机构。")}
        return _organizations_page(request, context, error, 403)
    if request.method == "GET":
        return _organizations_page(request, context)
    upload = request.FILES.get("file")
    if upload is None or upload.size > settings.EXCEL_MAX_UPLOAD_BYTES:
        message = (
            _("请选择要上传的Excel文件")
            if upload is None
            else _("文件过大（%(size).1f MB），上限为%(max)d MB")
            % {"size": upload.size / 1048576, "max": max_mb}
        )
        error = {
            "message": _("请检查填写的内容。"),
            "errors": [{"field": "file", "message": message}],
        }
        return _organizations_page(request, context, error, 400)
    try:
        job = services.organizations_preview_start(
            actor=request.user, upload=upload, ip=client_ip(request)
        )
        return redirect("job_status", pk=job.pk)
    except DomainError as exc:
        error = {"message": exc.message, "errors": exc.errors}
        return _organizations_page(request, context, error, exc.status_code)


@login_required
@require_http_methods(["GET", "POST"])
def organizations_confirm(request: HttpRequest, job_id: int) -> HttpResponse:
    """The preview of an organization file (new, changed, deactivated); POST imports the
    same file. A deactivation past the configured share needs the extra checkbox."""
    preview = job_selectors.job_get_for_user(user=request.user, pk=job_id)
    if preview.kind != Kind.PREVIEW_ORGANIZATIONS or preview.status != preview.Status.SUCCEEDED:
        return redirect("job_status", pk=preview.pk)
    plan = preview.counts
    context = {"preview": preview, "plan": plan}
    if request.method == "GET":
        return render(request, "workbooks/confirm_organizations.html", context)
    confirm = request.POST.get("confirm_deactivation") == "1"
    if plan.get("needs_confirmation") and not confirm:
        error = {
            "message": _("请勾选“确认停用”：本次将停用%(n)d个村。") % {"n": plan["deactivated"]},
            "errors": [{"field": "confirm_deactivation", "message": _("必须确认")}],
        }
        return render(
            request,
            "workbooks/confirm_organizations.html",
            {**context, "error": error},
            status=400,
        )
    if not preview.upload:
        error = {"message": _("上传的文件已过期，请重新上传。")}
        return render(
            request,
            "workbooks/confirm_organizations.html",
            {**context, "error": error},
            status=400,
        )
    try:
        job = services.organizations_import_confirm(
            actor=request.user,
            preview=preview,
            confirm_deactivation=confirm,
            ip=client_ip(request),
        )
        return redirect("job_status", pk=job.pk)
    except DomainError as exc:
        error = {"message": exc.message, "errors": exc.errors}
        return render(
            request,
            "workbooks/confirm_organizations.html",
            {**context, "error": error},
            status=exc.status_code,
        )


@login_required
@require_http_methods(["GET"])
def organizations_template(request: HttpRequest) -> HttpResponse:
    """The blank organization file to fill (county admins)."""
    if not request.user.has_role(Role.COUNTY_ADMIN):
        context = {"max_mb": settings.EXCEL_MAX_UPLOAD_BYTES // (1024 * 1024)}
        error = {"message": _("只有县级管理员可以导入组织机构。")}
        return _organizations_page(request, context, error, 403)
    out = io.BytesIO()
    org = request.user.organization  # a county admin's organization is the county
    write_blank_template(out, county_code=org.code if org else "")
    response = HttpResponse(
        out.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = "attachment; filename*=UTF-8''" + quote(
        "组织机构导入模板.xlsx"
    )
    return response


@login_required
@require_GET
def audit_export(request: HttpRequest) -> HttpResponse:
    """The audit page's rows as Excel, streamed now rather than as a job: the rows are one
    county's, already filtered; XlsxWriter's constant memory keeps the server flat and a
    temporary file is streamed out. The export itself is audited."""
    if not can_read_audit(request.user):
        raise PermissionDenied(_("只有审计员和审计管理员可以导出审计日志。"))
    form, rows = audit_rows_for(request.user, request.GET)
    out = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 (FileResponse closes it)
    count = audit_log_export(out, rows)
    audit_services.audit_export_record(
        actor=request.user, filters=form.filters(), rows=count, ip=client_ip(request)
    )
    out.seek(0)
    name = f"审计日志_{timezone.localtime():%Y%m%d_%H%M}.xlsx"
    return FileResponse(out, as_attachment=True, filename=name)


# --- previous years' published levels (历年星级, issue 14 item 5) ----------------------------


def _history_page(request: HttpRequest, error=None, status=200) -> HttpResponse:
    imports = selectors.history_imports_for_user(request.user).order_by("-imported_at", "-pk")
    levels = selectors.published_levels_for_user(request.user).order_by(
        "-year", "organization__code"
    )
    return render(
        request,
        "workbooks/history.html",
        {
            "imports": imports[:50],
            "levels": paginate(request, levels, per_page=100),
            "max_mb": settings.EXCEL_MAX_UPLOAD_BYTES // (1024 * 1024),
            "error": error,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def history_import(request: HttpRequest) -> HttpResponse:
    """Previous years' published levels: what was imported (with its source), the template and
    the upload, which starts a job (every row checked, all or nothing)."""
    require_role(request.user, (Role.COUNTY_ADMIN, Role.AUDITOR))
    if request.method == "GET":
        return _history_page(request)
    try:
        job = history_import_start(
            actor=request.user, upload=request.FILES.get("file"), ip=client_ip(request)
        )
    except DomainError as exc:
        forbid_if_not_permitted(exc)
        return _history_page(request, error_context(exc), exc.status_code)
    return redirect("job_status", pk=job.pk)


@login_required
@require_GET
def history_template(request: HttpRequest) -> HttpResponse:
    """The history template, pre-filled with the county's villages (active or not)."""
    require_role(request.user, (Role.COUNTY_ADMIN,))
    villages = list(villages_in_county(request.user.county_id).order_by("code"))
    out = io.BytesIO()
    write_history_template(out, villages=villages)
    response = HttpResponse(
        out.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = "attachment; filename*=UTF-8''" + quote(
        "历年星级导入模板.xlsx"
    )
    return response
