"""The 记分 pages: entries of the year (pending first for the county), recording an entry, and
approving or returning it (a second person, checked by the service)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from organizations.models import Role
from organizations.selectors import villages_for_user
from starrating.client import client_ip
from starrating.errors import InvalidInput
from starrating.pages import paginate, require_role
from stars import policies, selectors, services
from stars.models import PointEntry, PointsItem

from .common import READ_ROLES, write_then_redirect


def _context(request: HttpRequest) -> dict:
    user = request.user
    state = request.GET.get("status", "")
    entries = selectors.entries_for_user(user)
    if state in PointEntry.Status.values:
        entries = entries.filter(status=state)
    may_record = user.has_role(*policies.RECORD_ROLES)
    year = timezone.localdate().year
    items = (
        PointsItem.objects.filter(
            table__in=selectors.tables_for_user(user), table__year=year, is_active=True
        )
        .select_related("table")
        .order_by("table__ladder", "code")
        if may_record
        else []
    )
    subjects = []
    if may_record:
        subjects += [
            (f"m:{m.pk}", f"{m.branch.name} · {m.name}（{m.get_category_display()}）")
            for m in selectors.members_for_user(user).filter(is_active=True)[:2000]
        ]
        subjects += [
            (f"o:{v.pk}", f"{v.name}党支部") for v in villages_for_user(user).order_by("code")
        ]
        if user.has_role(Role.COUNTY_ADMIN):
            subjects += [
                (f"o:{t.pk}", f"{t.name}党委")
                for t in selectors.committees_for_user(user).order_by("code")
            ]
    return {
        "page": paginate(request, entries),
        "status": state,
        "statuses": PointEntry.Status.choices,
        "may_record": may_record,
        "may_approve": user.has_role(Role.COUNTY_ADMIN),
        "items": items,
        "subjects": subjects,
        "today": timezone.localdate(),
        "form": request.POST,
    }


@login_required
@require_GET
def entry_list(request: HttpRequest) -> HttpResponse:
    require_role(request.user, READ_ROLES)
    return render(request, "stars/entries.html", _context(request))


@login_required
@require_POST
def entry_create(request: HttpRequest) -> HttpResponse:
    require_role(request.user, policies.RECORD_ROLES)
    user, post = request.user, request.POST

    def write():
        item = (
            PointsItem.objects.filter(
                table__in=selectors.tables_for_user(user), pk=post.get("item") or 0
            )
            .select_related("table")
            .first()
            if (post.get("item") or "").isdigit()
            else None
        )
        if item is None:
            raise InvalidInput(
                _("记分项不存在。"), [{"field": "记分项", "message": _("请选择记分项")}]
            )
        kind, _sep, pk = (post.get("subject") or "").partition(":")
        if kind not in ("m", "o") or not pk.isdigit():
            raise InvalidInput(
                _("请选择记分对象。"), [{"field": "记分对象", "message": _("请选择")}]
            )
        member = selectors.member_get_for_user(user=user, pk=int(pk)) if kind == "m" else None
        org = selectors.subject_org_for_user(user=user, pk=int(pk)) if kind == "o" else None
        entry = services.entry_record(
            actor=user,
            item=item,
            member=member,
            organization=org,
            occurred_on=post.get("occurred_on", ""),
            description=post.get("description", ""),
            evidence=post.get("evidence", ""),
            evidence_file=request.FILES.get("evidence_file"),
            ip=client_ip(request),
        )
        return _("已记分：%(s)s，待县级审核。") % {"s": entry.subject_name}, reverse("star_entries")

    return write_then_redirect(
        request, write, template="stars/entries.html", context=lambda: _context(request)
    )


@login_required
@require_POST
def entry_approve(request: HttpRequest, pk: int) -> HttpResponse:
    require_role(request.user, READ_ROLES)
    entry = selectors.entry_get_for_user(user=request.user, pk=pk)

    def write():
        services.entry_approve(actor=request.user, entry=entry, ip=client_ip(request))
        return _("已审核通过，星级已更新。"), reverse("star_entries") + "?status=pending"

    return write_then_redirect(
        request, write, template="stars/entries.html", context=lambda: _context(request)
    )


@login_required
@require_POST
def entry_reject(request: HttpRequest, pk: int) -> HttpResponse:
    require_role(request.user, READ_ROLES)
    entry = selectors.entry_get_for_user(user=request.user, pk=pk)

    def write():
        services.entry_reject(
            actor=request.user,
            entry=entry,
            reason=request.POST.get("reason", ""),
            ip=client_ip(request),
        )
        return _("已退回。"), reverse("star_entries") + "?status=pending"

    return write_then_redirect(
        request, write, template="stars/entries.html", context=lambda: _context(request)
    )


@login_required
@require_GET
def entry_evidence(request: HttpRequest, pk: int) -> FileResponse:
    """The entry's evidence file, for whoever may see the entry (else 404)."""
    require_role(request.user, READ_ROLES)
    entry = selectors.entry_get_for_user(user=request.user, pk=pk)
    if not entry.evidence_file:
        raise Http404
    return FileResponse(entry.evidence_file.open("rb"), as_attachment=True)
