"""The members register (per branch) with Excel import, and the county's 定星 tables."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from organizations.selectors import villages_for_user
from starrating.client import client_ip
from starrating.errors import InvalidInput
from starrating.pages import paginate, require_role
from stars import policies, selectors, services
from stars.models import MemberCategory, PointsItem
from stars.services import REGISTER_HEADER

from .common import READ_ROLES, int_or_none, write_then_redirect


def _members_context(request: HttpRequest) -> dict:
    user = request.user
    members = selectors.members_for_user(user)
    branch = int_or_none(request.GET.get("branch"))
    if branch:
        members = members.filter(branch_id=branch)
    return {
        "page": paginate(request, members),
        "branches": villages_for_user(user).select_related("parent").order_by("code"),
        "branch": branch,
        "categories": MemberCategory.choices,
        "may_edit": user.has_role(*policies.REGISTER_ROLES),
        "header": " | ".join(REGISTER_HEADER),
        "year": timezone.localdate().year,
        "form": request.POST,
    }


@login_required
@require_GET
def member_list(request: HttpRequest) -> HttpResponse:
    require_role(request.user, READ_ROLES)
    return render(request, "stars/members.html", _members_context(request))


@login_required
@require_POST
def member_create(request: HttpRequest) -> HttpResponse:
    require_role(request.user, policies.REGISTER_ROLES)
    post = request.POST

    def write():
        branch = (
            villages_for_user(request.user)
            .select_related("parent")
            .filter(pk=int_or_none(post.get("branch")) or 0)
            .first()
        )
        if branch is None:
            raise InvalidInput(
                _("支部不存在。"), [{"field": "所在支部", "message": _("请选择支部")}]
            )
        member = services.member_create(
            actor=request.user,
            branch=branch,
            name=post.get("name", ""),
            category=post.get("category", ""),
            ip=client_ip(request),
        )
        return _("已登记党员：%(n)s。") % {"n": member.name}, reverse("star_members")

    return write_then_redirect(
        request, write, template="stars/members.html", context=lambda: _members_context(request)
    )


@login_required
@require_POST
def member_import(request: HttpRequest) -> HttpResponse:
    require_role(request.user, policies.REGISTER_ROLES)

    def write():
        upload = request.FILES.get("file")
        if upload is None:
            raise InvalidInput(
                _("请选择Excel文件。"), [{"field": "文件", "message": _("请选择文件")}]
            )
        n = services.members_import(actor=request.user, file=upload, ip=client_ip(request))
        return _("已导入%(n)s名党员。") % {"n": n}, reverse("star_members")

    return write_then_redirect(
        request, write, template="stars/members.html", context=lambda: _members_context(request)
    )


def _tables_context(request: HttpRequest) -> dict:
    user = request.user
    tables = selectors.tables_for_user(user).prefetch_related("items")
    return {
        "tables": tables,
        "may_edit": policies.can_manage_tables(user),
        "kinds": PointsItem.Kind.choices,
        "categories": MemberCategory.choices,
        "next_year": max([t.year for t in tables], default=timezone.localdate().year - 1) + 1,
        "form": request.POST,
    }


@login_required
@require_GET
def table_list(request: HttpRequest) -> HttpResponse:
    require_role(request.user, READ_ROLES)
    return render(request, "stars/tables.html", _tables_context(request))


@login_required
@require_POST
def tables_copy(request: HttpRequest) -> HttpResponse:
    require_role(request.user, READ_ROLES)
    post = request.POST

    def write():
        year = int_or_none(post.get("year"))
        if year is None:
            raise InvalidInput(_("年度有误。"), [{"field": "年度", "message": _("请填写年度")}])
        services.tables_copy(
            actor=request.user,
            year=year,
            from_year=int_or_none(post.get("from_year")),
            ip=client_ip(request),
        )
        return _("已建立%(y)s年记分表。") % {"y": year}, reverse("star_tables")

    return write_then_redirect(
        request, write, template="stars/tables.html", context=lambda: _tables_context(request)
    )


@login_required
@require_POST
def table_thresholds(request: HttpRequest, pk: int) -> HttpResponse:
    require_role(request.user, READ_ROLES)
    table = selectors.table_get_for_user(user=request.user, pk=pk)

    def write():
        services.table_set_thresholds(
            actor=request.user,
            table=table,
            thresholds=[request.POST.get(f"star_{n}", "") for n in range(1, 6)],
            ip=client_ip(request),
        )
        return _("分数线已保存，星级已重新计算。"), reverse("star_tables")

    return write_then_redirect(
        request, write, template="stars/tables.html", context=lambda: _tables_context(request)
    )


@login_required
@require_POST
def item_create(request: HttpRequest, pk: int) -> HttpResponse:
    require_role(request.user, READ_ROLES)
    table = selectors.table_get_for_user(user=request.user, pk=pk)
    post = request.POST

    def write():
        item = services.item_create(
            actor=request.user,
            table=table,
            code=post.get("code", ""),
            name=post.get("name", ""),
            kind=post.get("kind", ""),
            points=post.get("points", ""),
            category=post.get("category", ""),
            ip=client_ip(request),
        )
        return _("已添加记分项 %(c)s。") % {"c": item.code}, reverse("star_tables")

    return write_then_redirect(
        request, write, template="stars/tables.html", context=lambda: _tables_context(request)
    )
