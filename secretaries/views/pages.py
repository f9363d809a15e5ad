"""Secretary-project pages (书记项目): the year's list with its dashboard, the list of
projects to claim, one project with its plan, review, monthly reports, visits and grade. Thin:
parse → service or selector → render."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from secretaries import exports, policies, selectors, services
from secretaries.models import ProjectOption, ProjectVisit, SecretaryProject
from starrating.client import client_ip
from starrating.errors import DomainError
from starrating.pages import error_context, forbid_if_not_permitted, require_role

READ = policies.READ_ROLES


def _year(request) -> int:
    try:
        year = int(request.GET.get("year") or request.POST.get("year") or 0)
    except ValueError:
        year = 0
    return year if 2000 <= year <= 2100 else timezone.localdate().year


def _fields(request, names) -> dict:
    return {n: request.POST[n] for n in names if n in request.POST}


def _write(request, write: Callable[[], tuple[str, str]], template: str, context: Callable):
    try:
        message, url = write()
    except DomainError as error:
        forbid_if_not_permitted(error)
        page = context()
        page["error"] = error_context(error)
        page["form"] = request.POST
        return render(request, template, page, status=error.status_code)
    messages.success(request, message)
    return redirect(url)


def _object_write(
    request, obj, run: Callable, message: str, url_name: str, template: str, context: Callable
) -> HttpResponse:
    """A write on one object from its page (``run(obj)``): back to that page with ``message``,
    or the page again with the refusal (``context(request, obj)``)."""

    def write():
        run(obj)
        return message, reverse(url_name, args=[obj.pk])

    return _write(request, write, template, lambda: context(request, obj))


def _list_context(request) -> dict:
    year = _year(request)
    today = timezone.localdate()
    projects = list(selectors.projects_for_user(request.user, year=year))
    committee = request.user.organization if policies.can_propose(request.user) else None
    return {
        "year": year,
        "rows": [(p, selectors.lateness(p, today=today)) for p in projects],
        "dashboard": selectors.dashboard(request.user, year=year, today=today),
        "statuses": SecretaryProject.Status.choices,
        "options": [
            o
            for o in selectors.options_for_user(request.user, year=year)
            if committee is None or o.applies(committee)
        ],
        "kinds": ProjectOption.Kind.choices,
        "applies": ProjectOption.AppliesTo.choices,
        "may_manage": policies.can_manage(request.user),
        "may_propose": committee is not None,
        "committee": committee,
    }


@login_required
@require_GET
def project_list(request: HttpRequest) -> HttpResponse:
    require_role(request.user, READ)
    return render(request, "secretaries/list.html", _list_context(request))


@login_required
@require_POST
def option_create(request: HttpRequest) -> HttpResponse:
    require_role(request.user, READ)

    def write():
        option = services.option_create(
            actor=request.user,
            ip=client_ip(request),
            **_fields(request, ("year", "title", "kind", "applies_to", "description")),
        )
        return _("已加入项目清单。"), reverse("sp_list") + f"?year={option.year}"

    return _write(request, write, "secretaries/list.html", lambda: _list_context(request))


@login_required
@require_POST
def project_claim(request: HttpRequest) -> HttpResponse:
    require_role(request.user, READ)

    def write():
        try:
            option_id = int(request.POST.get("option") or 0)
        except ValueError:
            option_id = 0
        option = selectors.option_get_for_user(user=request.user, pk=option_id)
        project = services.project_claim(
            actor=request.user,
            option=option,
            ip=client_ip(request),
            **_fields(request, ("secretary_name", "goal", "plan", "team")),
        )
        return _("已认领项目，请完善实施方案后提交审核。"), reverse("sp_detail", args=[project.pk])

    return _write(request, write, "secretaries/list.html", lambda: _list_context(request))


@login_required
@require_GET
def project_export(request: HttpRequest) -> HttpResponse:
    require_role(request.user, policies.EXPORT_ROLES)
    year = _year(request)
    data = exports.projects_workbook(request.user, year=year, today=timezone.localdate())
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="secretary-projects-{year}.xlsx"'
    return response


def _detail_context(request, project) -> dict:
    return {
        "project": project,
        "late": selectors.lateness(project, today=timezone.localdate()),
        "visits": project.visits.select_related("spot_check__assessment__organization"),
        "spot_checks": list(selectors.project_spot_checks(project)[:50]),
        "grades": SecretaryProject.Grade.choices,
        "methods": ProjectVisit.Method.choices,
        "may_manage": policies.can_manage(request.user),
        "may_propose": policies.can_propose(request.user, project),
        "due_day": selectors.due_day(),
        "this_month": timezone.localdate().strftime("%Y-%m"),
    }


@login_required
@require_GET
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_role(request.user, READ)
    project = selectors.project_get_for_user(user=request.user, pk=pk)
    return render(request, "secretaries/detail.html", _detail_context(request, project))


def _action(request, pk: int, run: Callable, message: str) -> HttpResponse:
    require_role(request.user, READ)
    project = selectors.project_get_for_user(user=request.user, pk=pk)
    return _object_write(
        request, project, run, message, "sp_detail", "secretaries/detail.html", _detail_context
    )


@login_required
@require_POST
def project_update(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        lambda p: services.project_update(
            actor=request.user,
            project=p,
            ip=client_ip(request),
            **_fields(request, ("secretary_name", "goal", "plan", "team")),
        ),
        _("已保存项目方案。"),
    )


@login_required
@require_POST
def project_submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        lambda p: services.project_submit(actor=request.user, project=p, ip=client_ip(request)),
        _("已提交县委组织部审核。"),
    )


@login_required
@require_POST
def project_review(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        lambda p: services.project_review(
            actor=request.user,
            project=p,
            decision=request.POST.get("decision", ""),
            reason=request.POST.get("reason", ""),
            ip=client_ip(request),
        ),
        _("审核意见已保存。"),
    )


@login_required
@require_POST
def project_report(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        lambda p: services.report_add(
            actor=request.user,
            project=p,
            ip=client_ip(request),
            **_fields(request, ("month", "progress", "evidence")),
        ),
        _("已报送月度调度。"),
    )


@login_required
@require_POST
def project_visit(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        lambda p: services.visit_add(
            actor=request.user,
            project=p,
            ip=client_ip(request),
            **_fields(request, ("visited_on", "method", "visitors", "findings", "spot_check")),
        ),
        _("已登记项目走访。"),
    )


@login_required
@require_POST
def project_grade(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        lambda p: services.project_grade(
            actor=request.user,
            project=p,
            grade=request.POST.get("grade", ""),
            comment=request.POST.get("comment", ""),
            ip=client_ip(request),
        ),
        _("年终考核已保存。"),
    )
