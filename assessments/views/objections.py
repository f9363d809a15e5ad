"""The objections page (公示异议 / 复核): lodge one during publicity (or an appeal after
publishing, within the window), the county's handling, the counted, printable list."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from assessments import policies, selectors, services
from assessments.models import Objection, Round
from organizations.models import Role
from starrating.client import client_ip
from starrating.errors import DomainError
from starrating.pages import error_context, forbid_if_not_permitted, require_role

from .common import OBJECTION_PAGE_ROLES, int_or_none, round_context


def _context(request: HttpRequest, round_: Round) -> dict:
    user = request.user
    scoped = selectors.objections_for_user(user).filter(round=round_)
    kind = request.GET.get("kind", "")
    listed = scoped.filter(kind=kind) if kind in Objection.Kind.values else scoped
    is_admin = policies.can_manage_round(user, round_.county_id)
    deadline = services.appeal_deadline(round_)
    may_object = round_.status == Round.Status.PUBLICITY and user.has_role(
        *services.OBJECTION_ROLES
    )
    if round_.rates_townships and user.role == Role.VILLAGE_SECRETARY:
        may_object = False  # a township round is not publicised to the villages
    may_appeal = (
        round_.is_published
        and deadline is not None
        and timezone.localdate() <= deadline
        and (is_admin or services.is_appellant(user, round_))
    )
    own_only = round_.rates_townships and user.role == Role.TOWNSHIP_ASSESSOR
    targets = []
    if (may_object and not own_only) or (may_appeal and is_admin):
        targets = list(selectors.objection_targets(round_))
    elif may_appeal or may_object:
        targets = list(selectors.objection_targets(round_).filter(organization=user.organization))
    return {
        **round_context(request, round_, "objections"),
        "objections": list(listed.order_by("-lodged_at", "-id")),
        "counts": selectors.objection_counts(scoped),
        "kind": kind,
        "kinds": Objection.Kind.choices,
        "is_admin": is_admin,
        "may_object": may_object,
        "may_appeal": may_appeal,
        "appeal_deadline": deadline,
        "targets": targets,
        "decisions": [
            (Objection.Status.UPHELD, Objection.Status.UPHELD.label),
            (Objection.Status.REJECTED, Objection.Status.REJECTED.label),
        ],
        "form": request.POST if request.method == "POST" else {},
    }


@login_required
@require_GET
def objections(request: HttpRequest, round_id: int) -> HttpResponse:
    require_role(request.user, OBJECTION_PAGE_ROLES)
    round_ = selectors.round_get_for_user(user=request.user, pk=round_id)
    return render(request, "assessments/objections.html", _context(request, round_))


def _write(request: HttpRequest, round_: Round, write) -> HttpResponse:
    try:
        message = write()
    except DomainError as error:
        forbid_if_not_permitted(error)
        round_.refresh_from_db()
        context = _context(request, round_)
        context["error"] = error_context(error)
        return render(request, "assessments/objections.html", context, status=error.status_code)
    messages.success(request, message)
    return redirect("objections", round_id=round_.pk)


@login_required
@require_POST
def objection_lodge(request: HttpRequest, round_id: int) -> HttpResponse:
    require_role(request.user, OBJECTION_PAGE_ROLES)
    round_ = selectors.round_get_for_user(user=request.user, pk=round_id)
    assessment_id = int_or_none(request.POST.get("assessment"))
    assessment = (
        selectors.objection_targets(round_).filter(pk=assessment_id).first()
        if assessment_id is not None
        else None
    )
    if assessment is None:
        raise Http404

    def write():
        objection = services.objection_lodge(
            actor=request.user,
            round_=round_,
            assessment=assessment,
            issue=request.POST.get("issue", ""),
            kind=request.POST.get("kind", Objection.Kind.OBJECTION),
            ip=client_ip(request),
        )
        return _("已提交对%(v)s的%(k)s，县级组织部门将答复。") % {
            "v": assessment.organization.name,
            "k": objection.get_kind_display(),
        }

    return _write(request, round_, write)


@login_required
@require_POST
def objection_handle(request: HttpRequest, pk: int) -> HttpResponse:
    require_role(request.user, OBJECTION_PAGE_ROLES)
    objection = selectors.objection_get_for_user(user=request.user, pk=pk)

    def write():
        services.objection_handle(
            actor=request.user,
            objection=objection,
            decision=request.POST.get("decision", ""),
            reply=request.POST.get("reply", ""),
            reopen=request.POST.get("reopen") == "1",
            ip=client_ip(request),
        )
        if objection.reopened:
            return _("已处理，%(v)s已退回考评组重新评定。") % {
                "v": objection.assessment.organization.name
            }
        return _("已处理并答复。")

    return _write(request, objection.round, write)
