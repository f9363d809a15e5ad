"""Supervision visits (督导): the list with counts per township and visitor, recording a visit
with its problems, and putting a problem on the ledger in one step."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ledgers import policies, selectors, services
from ledgers.models import SupervisionVisit
from organizations.selectors import villages_for_user
from starrating.client import client_ip
from starrating.pages import paginate, require_role

from .common import LEDGER_ROLES, int_or_none, write_then_redirect

PROBLEM_ROWS = 5


def _list_context(request: HttpRequest) -> dict:
    user = request.user
    may_record = user.has_role(*policies.VISIT_WRITERS)
    return {
        "visits": paginate(
            request,
            selectors.visits_for_user(user)
            .select_related("recorded_by")
            .prefetch_related("organizations", "problems"),
        ),
        "counts": selectors.visit_counts(user),
        "methods": SupervisionVisit.Method.choices,
        "villages": villages_for_user(user).select_related("parent").order_by("code")
        if may_record
        else [],
        "may_record": may_record,
        "problem_rows": range(PROBLEM_ROWS),
        "today": timezone.localdate(),
        "form": request.POST,
    }


@login_required
@require_GET
def visit_list(request: HttpRequest) -> HttpResponse:
    require_role(request.user, LEDGER_ROLES)
    return render(request, "ledgers/visit_list.html", _list_context(request))


@login_required
@require_POST
def visit_create(request: HttpRequest) -> HttpResponse:
    require_role(request.user, LEDGER_ROLES)
    post = request.POST
    scope = villages_for_user(request.user).select_related("parent")

    def write():
        ids = [i for i in (int_or_none(v) for v in post.getlist("organizations")) if i]
        villages = {v.pk: v for v in scope.filter(pk__in=ids)}
        problems = []
        for n in range(PROBLEM_ROWS):
            text = post.get(f"problem_{n}", "").strip()
            org = villages.get(int_or_none(post.get(f"problem_org_{n}")))
            if text:
                problems.append((org or next(iter(villages.values()), None), text))
        visit = services.visit_create(
            actor=request.user,
            visited_on=post.get("visited_on", ""),
            visitors=post.get("visitors", ""),
            organizations=list(villages.values()),
            method=post.get("method", ""),
            summary=post.get("summary", ""),
            problems=[(o, t) for o, t in problems if o is not None],
            ip=client_ip(request),
        )
        return _("已登记督导记录。"), reverse("visit_detail", args=[visit.pk])

    return write_then_redirect(
        request, write, template="ledgers/visit_list.html", context=lambda: _list_context(request)
    )


def _detail_context(request: HttpRequest, visit: SupervisionVisit) -> dict:
    user = request.user
    problems = visit.problems.select_related("organization", "rectification").order_by("pk")
    return {
        "visit": visit,
        "villages": visit.organizations.select_related("parent").order_by("code"),
        "problems": [
            {"problem": p, "may_assign": policies.can_record_ledger(user, p.organization)}
            for p in problems
        ],
    }


@login_required
@require_GET
def visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_role(request.user, LEDGER_ROLES)
    visit = selectors.visit_get_for_user(user=request.user, pk=pk)
    return render(request, "ledgers/visit_detail.html", _detail_context(request, visit))


@login_required
@require_POST
def visit_problem_to_ledger(request: HttpRequest, pk: int) -> HttpResponse:
    require_role(request.user, LEDGER_ROLES)
    problem = selectors.visit_problem_get_for_user(user=request.user, pk=pk)

    def write():
        entry = services.visit_problem_to_ledger(
            actor=request.user,
            problem=problem,
            deadline=request.POST.get("deadline") or None,
            responsible_person=request.POST.get("responsible_person") or None,
            measures=request.POST.get("measures") or None,
            ip=client_ip(request),
        )
        return _("已列入整改台账。"), reverse("ledger_detail", args=[entry.pk])

    return write_then_redirect(
        request,
        write,
        template="ledgers/visit_detail.html",
        context=lambda: _detail_context(request, problem.visit),
    )
