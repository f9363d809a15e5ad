"""The ledger pages: the township / county list with filters (overdue first), one entry with
its progress notes, closure (销号) and reopening; entries from a finding or a weakness."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from assessments import selectors as assessment_selectors
from ledgers import policies, selectors, services
from ledgers.models import Rectification
from ledgers.models.rectifications import OVERDUE, OVERDUE_LABEL
from organizations.selectors import townships_for_user, villages_for_user
from starrating.client import client_ip
from starrating.errors import InvalidInput
from starrating.pages import paginate, require_role

from .common import LEDGER_ROLES, int_or_none, write_then_redirect

FIELDS = ("problem", "measures", "standard", "deadline", "responsible_person")


def _list_context(request: HttpRequest) -> dict:
    user = request.user
    params = request.GET
    township = int_or_none(params.get("township"))
    status = params.get("status", "")
    source = params.get("source", "")
    entries = selectors.rectifications_filtered(
        user,
        township=township,
        village=int_or_none(params.get("village")),
        status=status if status in selectors.STATUS_FILTERS else "",
        source=source if source in Rectification.Source.values else "",
        department=params.get("department", "")[:100],
    )
    may_record = user.has_role(*policies.LEDGER_WRITERS)
    return {
        "entries": paginate(request, entries),
        "counts": selectors.ledger_counts(user),
        "townships": townships_for_user(user).order_by("code"),
        "villages": villages_for_user(user).order_by("code") if may_record else [],
        "statuses": [*Rectification.Status.choices, (OVERDUE, OVERDUE_LABEL)],
        "sources": Rectification.Source.choices,
        "filters": {
            "township": township,
            "status": status,
            "source": source,
            "department": params.get("department", "")[:100],
        },
        "departments": selectors.pairing_departments(user, timezone.localdate().year),
        "may_record": may_record,
        "may_export": user.has_role(*policies.EXPORT_ROLES),
        "township_code": next((t.code for t in townships_for_user(user) if t.pk == township), "")
        if township
        else "",
        "form": {k: request.POST.get(k, "") for k in (*FIELDS, "organization")},
        "today": timezone.localdate(),
    }


@login_required
@require_GET
def ledger_list(request: HttpRequest) -> HttpResponse:
    require_role(request.user, LEDGER_ROLES)
    return render(request, "ledgers/ledger_list.html", _list_context(request))


@login_required
@require_POST
def ledger_create(request: HttpRequest) -> HttpResponse:
    require_role(request.user, LEDGER_ROLES)
    post = request.POST

    def write():
        village = (
            villages_for_user(request.user).filter(pk=int_or_none(post.get("organization"))).first()
        )
        if village is None:
            raise InvalidInput(
                _("请选择村（社区）。"),
                [{"field": "organization", "message": _("请选择村（社区）")}],
            )
        entry = services.rectification_create(
            actor=request.user,
            organization=village,
            ip=client_ip(request),
            **{k: post.get(k, "") for k in FIELDS},
        )
        return _("已登记整改台账。"), reverse("ledger_detail", args=[entry.pk])

    return write_then_redirect(
        request, write, template="ledgers/ledger_list.html", context=lambda: _list_context(request)
    )


def _detail_context(request: HttpRequest, entry: Rectification) -> dict:
    user = request.user
    year = entry.assessment.round.year if entry.assessment_id else timezone.localdate().year
    return {
        "entry": entry,
        "notes": entry.notes.select_related("by").order_by("on", "pk"),
        "pairing": selectors.pairing_of(entry.organization_id, year),
        "may_edit": policies.can_record_ledger(user, entry.organization) and not entry.is_closed,
        "may_note": policies.can_follow_up(user, entry) and not entry.is_closed,
        "may_close": policies.can_close(user, entry)
        and not entry.is_closed
        and entry.recorded_by_id != user.pk,
        "closer_is_recorder": policies.can_close(user, entry) and entry.recorded_by_id == user.pk,
        "may_reopen": policies.can_reopen(user, entry) and entry.is_closed,
        "visit_problem": getattr(entry, "visit_problem", None) if entry.source == "visit" else None,
        "today": timezone.localdate(),
    }


@login_required
@require_GET
def ledger_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_role(request.user, LEDGER_ROLES)
    entry = selectors.rectification_get_for_user(user=request.user, pk=pk)
    return render(request, "ledgers/ledger_detail.html", _detail_context(request, entry))


def _entry_write(request: HttpRequest, pk: int, write) -> HttpResponse:
    require_role(request.user, LEDGER_ROLES)
    entry = selectors.rectification_get_for_user(user=request.user, pk=pk)
    url = reverse("ledger_detail", args=[entry.pk])
    return write_then_redirect(
        request,
        lambda: (write(entry), url),
        template="ledgers/ledger_detail.html",
        context=lambda: _detail_context(request, entry),
    )


@login_required
@require_POST
def ledger_update(request: HttpRequest, pk: int) -> HttpResponse:
    def write(entry):
        services.rectification_update(
            actor=request.user,
            entry=entry,
            ip=client_ip(request),
            **{k: request.POST[k] for k in FIELDS if k in request.POST},
        )
        return _("整改台账已修改。")

    return _entry_write(request, pk, write)


@login_required
@require_POST
def ledger_note(request: HttpRequest, pk: int) -> HttpResponse:
    def write(entry):
        services.rectification_note_add(
            actor=request.user,
            entry=entry,
            text=request.POST.get("text", ""),
            on=request.POST.get("on") or None,
            ip=client_ip(request),
        )
        return _("已记录整改进展。")

    return _entry_write(request, pk, write)


@login_required
@require_POST
def ledger_close(request: HttpRequest, pk: int) -> HttpResponse:
    def write(entry):
        services.rectification_close(
            actor=request.user,
            entry=entry,
            closure_evidence=request.POST.get("closure_evidence", ""),
            ip=client_ip(request),
        )
        return _("已销号。")

    return _entry_write(request, pk, write)


@login_required
@require_POST
def ledger_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    def write(entry):
        services.rectification_reopen(
            actor=request.user,
            entry=entry,
            reason=request.POST.get("reason", ""),
            ip=client_ip(request),
        )
        return _("已重新打开。")

    return _entry_write(request, pk, write)


def _created(entry: Rectification) -> tuple[str, str]:
    return _("已列入整改台账。"), reverse("ledger_detail", args=[entry.pk])


@login_required
@require_POST
def ledger_from_finding(request: HttpRequest, pk: int) -> HttpResponse:
    require_role(request.user, LEDGER_ROLES)
    finding = assessment_selectors.finding_get_for_user(user=request.user, pk=pk)
    return write_then_redirect(
        request,
        lambda: _created(
            services.rectification_from_finding(
                actor=request.user, finding=finding, ip=client_ip(request)
            )
        ),
        template="ledgers/ledger_list.html",
        context=lambda: _list_context(request),
    )


@login_required
@require_POST
def ledger_from_weakness(request: HttpRequest, pk: int) -> HttpResponse:
    """One click on a weak category or item of a village's result (village page)."""
    require_role(request.user, LEDGER_ROLES)
    assessment = assessment_selectors.assessment_get_for_user(user=request.user, pk=pk)
    if assessment.level is None and not assessment.category_scores:
        raise Http404
    return write_then_redirect(
        request,
        lambda: _created(
            services.rectification_from_weakness(
                actor=request.user,
                assessment=assessment,
                code=request.POST.get("code", "")[:16],
                ip=client_ip(request),
            )
        ),
        template="ledgers/ledger_list.html",
        context=lambda: _list_context(request),
    )


@login_required
@require_GET
def weak_list(request: HttpRequest, round_id: int, code: str) -> HttpResponse:
    """短板弱项 of one category or item: the villages below the line, one click each."""
    require_role(request.user, LEDGER_ROLES)
    round_ = assessment_selectors.round_get_for_user(user=request.user, pk=round_id)
    rows = selectors.weak_villages(request.user, round_, code[:16])
    may = request.user.has_role(*policies.LEDGER_WRITERS)
    for r in rows:
        r["may_record"] = may and policies.can_record_ledger(
            request.user, r["assessment"].organization
        )
    return render(
        request,
        "ledgers/weak_list.html",
        {
            "round": round_,
            "code": code,
            "rows": rows,
            "subject_label": _subject_label(rows),
        },
    )


def _subject_label(rows: list[dict]) -> str:
    if not rows:
        return ""
    subject = rows[0]["subject"]
    return getattr(subject, "title", None) or subject.name
