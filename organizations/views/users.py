"""User management for the system administrator (三员): list, create one or many from Excel,
change, disable, reset the password. Parse → service → render; initial passwords appear on the
response that created them only (never cached, never stored in clear)."""

from __future__ import annotations

import base64

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from organizations import selectors, services
from organizations.forms import (
    parse_users_workbook,
    passwords_workbook,
    user_row_from_post,
    users_template,
)
from organizations.models import Department, Role
from starrating.client import client_ip
from starrating.errors import DomainError, InvalidInput
from starrating.pages import error_context, forbid_if_not_permitted

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require_manager(request: HttpRequest) -> None:
    if not services.is_account_manager(request.user):
        raise PermissionDenied(_("只有系统管理员可以管理用户账号。"))


def _choices(request: HttpRequest) -> dict:
    user = request.user
    allowed = set(services.assignable_roles(user))
    return {
        "roles": [c for c in Role.choices if c[0] in allowed],
        "all_roles": Role.choices,
        "departments": Department.choices,
        "organizations": selectors.organizations_for_accounts(user).order_by("code"),
        "townships": selectors.townships_in_county(user.county_id).order_by("code")
        if user.county_id
        else [],
    }


def _created_page(request, created, status=200) -> HttpResponse:
    data = base64.b64encode(passwords_workbook(created)).decode()
    return render(
        request,
        "organizations/user_created.html",
        {"created": created, "download": f"data:{XLSX};base64,{data}"},
        status=status,
    )


@login_required
@require_GET
def user_list(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    active = {"1": True, "0": False}.get(request.GET.get("active", ""))
    township = request.GET.get("township", "")
    qs = selectors.users_search(
        request.user,
        search=request.GET.get("q", ""),
        role=request.GET.get("role", ""),
        township=int(township) if township.isdigit() else None,
        active=active,
    )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "organizations/user_list.html",
        {"page": page, "users": page.object_list, "filters": request.GET} | _choices(request),
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def user_create(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    error = None
    if request.method == "POST":
        try:
            row = user_row_from_post(request.POST)
            created = services.users_create(actor=request.user, rows=[row], ip=client_ip(request))
        except DomainError as exc:
            forbid_if_not_permitted(exc)
            error = exc
        else:
            return _created_page(request, created, status=201)
    return render(
        request,
        "organizations/user_form.html",
        {"error": error_context(error) if error else None, "values": request.POST}
        | _choices(request),
        status=error.status_code if error else 200,
    )


@login_required
@require_GET
def user_template(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    response = HttpResponse(users_template(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="users-template.xlsx"'
    return response


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def user_bulk(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    error = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise InvalidInput(_("请选择要上传的Excel文件。"))
            rows = parse_users_workbook(upload.read())
            created = services.users_create(actor=request.user, rows=rows, ip=client_ip(request))
        except DomainError as exc:
            forbid_if_not_permitted(exc)
            error = exc
        else:
            return _created_page(request, created, status=201)
    return render(
        request,
        "organizations/user_bulk.html",
        {"error": error_context(error) if error else None},
        status=error.status_code if error else 200,
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_manager(request)
    target = selectors.user_get_for_user(user=request.user, pk=pk)
    error = None
    if request.method == "POST":
        try:
            row = user_row_from_post(request.POST)
            services.user_update(
                actor=request.user,
                user=target,
                full_name=row.full_name,
                phone=row.phone,
                role=row.role,
                organization=row.organization,
                department=row.department,
                expires_on=row.expires_on,
                ip=client_ip(request),
            )
        except DomainError as exc:
            forbid_if_not_permitted(exc)
            error = exc
        else:
            messages.success(request, _("账号已保存。"))
            return redirect("user_detail", pk=target.pk)
    return render(
        request,
        "organizations/user_detail.html",
        {"target": target, "error": error_context(error) if error else None} | _choices(request),
        status=error.status_code if error else 200,
    )


@login_required
@require_POST
def user_set_active(request: HttpRequest, pk: int) -> HttpResponse:
    _require_manager(request)
    target = selectors.user_get_for_user(user=request.user, pk=pk)
    active = request.POST.get("active") == "1"
    try:
        services.user_set_active(
            actor=request.user, user=target, active=active, ip=client_ip(request)
        )
    except DomainError as exc:
        forbid_if_not_permitted(exc)
        raise
    messages.success(
        request, _("账号已启用。") if active else _("账号已停用，会话和API令牌已失效。")
    )
    return redirect("user_detail", pk=target.pk)


@never_cache
@login_required
@require_POST
def user_reset_password(request: HttpRequest, pk: int) -> HttpResponse:
    _require_manager(request)
    target = selectors.user_get_for_user(user=request.user, pk=pk)
    try:
        password = services.user_reset_password(
            actor=request.user, user=target, ip=client_ip(request)
        )
    except DomainError as exc:
        forbid_if_not_permitted(exc)
        raise
    target.refresh_from_db()
    return _created_page(request, [(target, password)])
