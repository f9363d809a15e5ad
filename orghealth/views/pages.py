"""Organization-health pages (组织建设): thin — parse the POST, call a service or selector,
render. A refused write is shown on its page with the service's message (400 / 409) or as the
plain 403 page; out of scope is a 404 from the selectors."""

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

from organizations.models import Organization
from orghealth import exports, policies, rules, selectors, services
from orghealth.models import STATUS_LABELS, Commitment, CommitteeMember, Posting
from starrating.client import client_ip
from starrating.errors import DomainError
from starrating.pages import error_context, forbid_if_not_permitted, require_role

READ = policies.READ_ROLES


def _year(request: HttpRequest) -> int:
    try:
        year = int(request.GET.get("year") or request.POST.get("year") or 0)
    except ValueError:
        year = 0
    return year if 2000 <= year <= 2100 else timezone.localdate().year


def _fields(request: HttpRequest, names) -> dict:
    return {n: request.POST.get(n, "") for n in names}


def _write(
    request: HttpRequest, write: Callable[[], tuple[str, str]], template: str, context: Callable
) -> HttpResponse:
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


# --- overview and settings ------------------------------------------------------------------


def _home_context(request) -> dict:
    year = _year(request)
    return {
        "year": year,
        "summary": selectors.summary(request.user, year=year, today=timezone.localdate()),
        "settings": selectors.settings_for(request.user.county_id),
        "may_manage": policies.can_manage(request.user),
        "may_export": request.user.has_role(*policies.EXPORT_ROLES),
    }


@login_required
@require_GET
def health_home(request: HttpRequest) -> HttpResponse:
    require_role(request.user, READ)
    return render(request, "orghealth/home.html", _home_context(request))


@login_required
@require_POST
def health_settings(request: HttpRequest) -> HttpResponse:
    require_role(request.user, READ)

    def write():
        services.settings_save(
            actor=request.user,
            ip=client_ip(request),
            **_fields(request, services.registers.SETTINGS_FIELDS),
        )
        return _("组织建设设置已保存。"), reverse("health_home")

    return _write(request, write, "orghealth/home.html", lambda: _home_context(request))


@login_required
@require_GET
def health_export(request: HttpRequest) -> HttpResponse:
    require_role(request.user, policies.EXPORT_ROLES)
    year = _year(request)
    data = exports.health_workbook(request.user, year=year, today=timezone.localdate())
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="orghealth-{year}.xlsx"'
    return response


# --- 换届 -----------------------------------------------------------------------------------


def _elections_context(request) -> dict:
    status = request.GET.get("status", "")
    rows, counts = selectors.election_rows(request.user, today=timezone.localdate(), status=status)
    return {
        "rows": rows,
        "counts": counts,
        "status": status,
        "statuses": _status_choices(),
        "organizations": selectors.organizations_for_user(request.user),
        "may_write": request.user.has_role(*policies.REGISTER_WRITERS),
        "term_years": selectors.settings_for(request.user.county_id).term_years,
    }


def _status_choices() -> list[tuple[str, str]]:
    order = (rules.OVERDUE, rules.DUE_SOON, rules.ON_TERM, rules.UNRECORDED)
    return [(s, str(STATUS_LABELS[s])) for s in order]


@login_required
@require_GET
def health_elections(request: HttpRequest) -> HttpResponse:
    require_role(request.user, READ)
    return render(request, "orghealth/elections.html", _elections_context(request))


@login_required
@require_POST
def health_election_create(request: HttpRequest) -> HttpResponse:
    require_role(request.user, READ)

    def write():
        org = selectors.organization_get_for_user(
            user=request.user, pk=_int(request.POST.get("organization"))
        )
        services.election_record(
            actor=request.user,
            organization=org,
            ip=client_ip(request),
            **_fields(request, ("elected_on", "term_years", "note")),
        )
        return _("已登记%(org)s的换届。") % {"org": org.name}, reverse("health_elections")

    return _write(request, write, "orghealth/elections.html", lambda: _elections_context(request))


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


# --- Party body type ------------------------------------------------------------------------


def _body_context(request) -> dict:
    return {
        "flags": selectors.body_flags(request.user),
        "adjustments": selectors.body_adjustments_for_user(request.user)[:200],
        "settings": selectors.settings_for(request.user.county_id),
        "bodies": Organization.PartyBody.choices,
        "organizations": selectors.organizations_for_user(request.user),
        "may_manage": policies.can_manage(request.user),
    }


@login_required
@require_GET
def health_body(request: HttpRequest) -> HttpResponse:
    require_role(request.user, READ)
    return render(request, "orghealth/body.html", _body_context(request))


@login_required
@require_POST
def health_body_adjust(request: HttpRequest) -> HttpResponse:
    require_role(request.user, READ)

    def write():
        org = selectors.organization_get_for_user(
            user=request.user, pk=_int(request.POST.get("organization"))
        )
        services.body_adjust(
            actor=request.user,
            organization=org,
            ip=client_ip(request),
            **_fields(request, services.registers.ADJUST_FIELDS),
        )
        return _("已调整%(org)s的党组织设置。") % {"org": org.name}, reverse("health_body")

    return _write(request, write, "orghealth/body.html", lambda: _body_context(request))


# --- 双承诺 ---------------------------------------------------------------------------------


def _commitments_context(request) -> dict:
    year = _year(request)
    return {
        "year": year,
        "rates": selectors.commitment_rates(request.user, year=year),
        "commitments": selectors.commitments_for_user(request.user, year=year)[:500],
        "kinds": Commitment.Kind.choices,
        "villages": selectors.villages_for_user(request.user),
        "may_write": request.user.has_role(*policies.VILLAGE_WRITERS),
        "today": timezone.localdate(),
    }


@login_required
@require_GET
def health_commitments(request: HttpRequest) -> HttpResponse:
    require_role(request.user, READ)
    return render(request, "orghealth/commitments.html", _commitments_context(request))


@login_required
@require_POST
def health_commitment_create(request: HttpRequest) -> HttpResponse:
    require_role(request.user, READ)

    def write():
        village = selectors.village_get_for_user(
            user=request.user, pk=_int(request.POST.get("organization"))
        )
        row = services.commitment_create(
            actor=request.user,
            organization=village,
            ip=client_ip(request),
            **_fields(request, services.villages.COMMITMENT_FIELDS),
        )
        return _("已登记承诺。"), reverse("health_commitments") + f"?year={row.year}"

    return _write(
        request, write, "orghealth/commitments.html", lambda: _commitments_context(request)
    )


@login_required
@require_POST
def health_commitment_complete(request: HttpRequest, pk: int) -> HttpResponse:
    require_role(request.user, READ)
    row = selectors.commitment_get_for_user(user=request.user, pk=pk)

    def write():
        services.commitment_complete(
            actor=request.user,
            commitment=row,
            ip=client_ip(request),
            **_fields(request, ("done_on", "evidence")),
        )
        return _("承诺已标记完成。"), reverse("health_commitments") + f"?year={row.year}"

    return _write(
        request, write, "orghealth/commitments.html", lambda: _commitments_context(request)
    )


# --- 驻村力量 -------------------------------------------------------------------------------


def _postings_context(request) -> dict:
    return {
        "postings": selectors.postings_for_user(request.user)[:500],
        "kinds": Posting.Kind.choices,
        "villages": selectors.villages_for_user(request.user),
        "may_write": request.user.has_role(*policies.REGISTER_WRITERS),
        "today": timezone.localdate(),
    }


@login_required
@require_GET
def health_postings(request: HttpRequest) -> HttpResponse:
    require_role(request.user, READ)
    return render(request, "orghealth/postings.html", _postings_context(request))


@login_required
@require_POST
def health_posting_create(request: HttpRequest) -> HttpResponse:
    require_role(request.user, READ)

    def write():
        village = selectors.village_get_for_user(
            user=request.user, pk=_int(request.POST.get("organization"))
        )
        services.posting_create(
            actor=request.user,
            organization=village,
            ip=client_ip(request),
            **_fields(request, services.villages.POSTING_FIELDS),
        )
        return _("已登记驻村力量。"), reverse("health_postings")

    return _write(request, write, "orghealth/postings.html", lambda: _postings_context(request))


@login_required
@require_POST
def health_posting_extend(request: HttpRequest, pk: int) -> HttpResponse:
    require_role(request.user, READ)
    posting = selectors.posting_get_for_user(user=request.user, pk=pk)

    def write():
        services.posting_extend(
            actor=request.user,
            posting=posting,
            ip=client_ip(request),
            **_fields(request, ("new_end", "reason")),
        )
        return _("已延长%(name)s的派驻期限。") % {"name": posting.person_name}, reverse(
            "health_postings"
        )

    return _write(request, write, "orghealth/postings.html", lambda: _postings_context(request))


# --- 两委 roster and the 队伍星 facts -------------------------------------------------------


def _team_context(request, village) -> dict:
    return {
        "village": village,
        "members": selectors.members_for_user(request.user, village=village),
        "team": selectors.team_facts(village, today=timezone.localdate()),
        "bodies": CommitteeMember.Body.choices,
        "genders": CommitteeMember.Gender.choices,
        "educations": CommitteeMember.Education.choices,
        "may_write": policies.can_edit_village(request.user, village),
    }


@login_required
@require_GET
def health_team(request: HttpRequest, pk: int) -> HttpResponse:
    require_role(request.user, READ)
    village = selectors.village_get_for_user(user=request.user, pk=pk)
    return render(request, "orghealth/team.html", _team_context(request, village))


@login_required
@require_GET
def health_teams(request: HttpRequest) -> HttpResponse:
    """The villages in reach, each linking to its 两委 roster."""
    require_role(request.user, READ)
    return render(
        request,
        "orghealth/teams.html",
        {"villages": selectors.villages_for_user(request.user).order_by("code")},
    )


@login_required
@require_POST
def health_member_add(request: HttpRequest, pk: int) -> HttpResponse:
    require_role(request.user, READ)
    village = selectors.village_get_for_user(user=request.user, pk=pk)

    def write():
        services.member_add(
            actor=request.user,
            organization=village,
            ip=client_ip(request),
            **_fields(request, services.villages.MEMBER_FIELDS),
        )
        return _("已添加两委成员。"), reverse("health_team", args=[village.pk])

    return _write(request, write, "orghealth/team.html", lambda: _team_context(request, village))


@login_required
@require_POST
def health_member_leave(request: HttpRequest, pk: int) -> HttpResponse:
    require_role(request.user, READ)
    member = selectors.member_get_for_user(user=request.user, pk=pk)
    village = member.organization

    def write():
        services.member_leave(
            actor=request.user,
            member=member,
            ip=client_ip(request),
            **_fields(request, ("left_on",)),
        )
        return _("已登记%(name)s离任。") % {"name": member.name}, reverse(
            "health_team", args=[village.pk]
        )

    return _write(request, write, "orghealth/team.html", lambda: _team_context(request, village))


# --- 软弱涣散 -------------------------------------------------------------------------------


def _weak_context(request) -> dict:
    year = _year(request)
    return {
        "year": year,
        "designations": selectors.weak_for_user(request.user, year=year),
        "summary": selectors.weak_summary(request.user, year=year),
        "villages": selectors.villages_for_user(request.user),
        "may_manage": policies.can_manage(request.user),
        **selectors.weak_suggestions(request.user, year=year),
    }


@login_required
@require_GET
def health_weak(request: HttpRequest) -> HttpResponse:
    require_role(request.user, READ)
    return render(request, "orghealth/weak.html", _weak_context(request))


@login_required
@require_POST
def health_weak_create(request: HttpRequest) -> HttpResponse:
    require_role(request.user, READ)

    def write():
        village = selectors.village_get_for_user(
            user=request.user, pk=_int(request.POST.get("organization"))
        )
        row = services.weak_designate(
            actor=request.user,
            organization=village,
            ip=client_ip(request),
            **_fields(request, services.villages.WEAK_FIELDS),
        )
        return _("已认定%(org)s为软弱涣散党组织，整顿已列入整改台账。") % {
            "org": village.name
        }, reverse("health_weak") + f"?year={row.year}"

    return _write(request, write, "orghealth/weak.html", lambda: _weak_context(request))


@login_required
@require_POST
def health_weak_suggestion_designate(request: HttpRequest, pk: int) -> HttpResponse:
    """建议列为软弱涣散 → 认定: one action, the ledger entry opened as for any designation."""
    require_role(request.user, READ)
    village = selectors.village_get_for_user(user=request.user, pk=pk)

    def write():
        row = services.weak_designate_suggested(
            actor=request.user, organization=village, year=_year(request), ip=client_ip(request)
        )
        return _("已认定%(org)s为软弱涣散党组织，整顿已列入整改台账。") % {
            "org": village.name
        }, reverse("health_weak") + f"?year={row.year}"

    return _write(request, write, "orghealth/weak.html", lambda: _weak_context(request))


@login_required
@require_POST
def health_weak_suggestion_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    require_role(request.user, READ)
    village = selectors.village_get_for_user(user=request.user, pk=pk)

    def write():
        row = services.weak_suggestion_dismiss(
            actor=request.user,
            organization=village,
            year=request.POST.get("year", ""),
            reason=request.POST.get("reason", ""),
            ip=client_ip(request),
        )
        return _("已不予认定%(org)s，理由已记录。") % {"org": village.name}, reverse(
            "health_weak"
        ) + f"?year={row.year}"

    return _write(request, write, "orghealth/weak.html", lambda: _weak_context(request))
