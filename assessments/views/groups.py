"""Evaluation group pages (考评组): a round's groups with the one-group-per-village check and each
group's progress; one group's name, members and villages; the county's 回避 relations."""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from assessments import policies, selectors, services
from assessments.models import EvaluationGroup, RecusalRelation, Round
from organizations.models import Role
from starrating.client import client_ip
from starrating.errors import DomainError, InvalidInput
from starrating.pages import error_context, forbid_if_not_permitted, require_role

from .common import GROUP_ROLES, round_context

RECUSAL_ROLES = (Role.COUNTY_ADMIN, Role.AUDITOR)


def _not_found(field: str, values: list[str], label: str) -> InvalidInput:
    return InvalidInput(
        _("%(what)s有误，未保存。") % {"what": label},
        [{"field": field, "value": v, "message": _("不存在或不在本区县")} for v in values],
    )


# --- a round's groups -------------------------------------------------------------------------


def _groups_context(request: HttpRequest, round_: Round) -> dict:
    user = request.user
    groups = list(selectors.groups_for_user(user, round_=round_).order_by("name"))
    county_staff = user.has_role(*RECUSAL_ROLES)
    return {
        **round_context(request, round_, "groups"),
        "progress": selectors.group_progress(round_, groups),
        "coverage": selectors.group_coverage(round_) if county_staff else None,
        "can_manage": policies.can_manage_round(user, round_.county_id),
        "editable": round_.status not in services.GROUPS_LOCKED,
    }


@login_required
@require_http_methods(["GET", "POST"])
def groups(request: HttpRequest, round_id: int) -> HttpResponse:
    require_role(request.user, GROUP_ROLES)
    round_ = selectors.round_get_for_user(user=request.user, pk=round_id)
    if request.method == "GET":
        return render(request, "assessments/groups.html", _groups_context(request, round_))
    try:
        group = services.group_create(
            actor=request.user,
            round_=round_,
            name=request.POST.get("name", ""),
            ip=client_ip(request),
        )
    except DomainError as error:
        forbid_if_not_permitted(error)
        round_.refresh_from_db()
        context = _groups_context(request, round_)
        context["error"] = error_context(error)
        return render(request, "assessments/groups.html", context, status=error.status_code)
    messages.success(request, _("已建立“%(g)s”，请分配成员和负责的村。") % {"g": group.name})
    return redirect("group_edit", pk=group.pk)


# --- one group ----------------------------------------------------------------------------


def _group_context(request: HttpRequest, group: EvaluationGroup) -> dict:
    round_ = group.round
    members = {u.pk for u in group.members.all()}
    villages = {o.pk for o in group.villages.all()}
    others = EvaluationGroup.objects.filter(round=round_).exclude(pk=group.pk)
    member_group = dict(
        EvaluationGroup.members.through.objects.filter(evaluationgroup__in=others).values_list(
            "user_id", "evaluationgroup__name"
        )
    )
    village_groups: dict[int, list[str]] = defaultdict(list)
    for org_id, name in EvaluationGroup.villages.through.objects.filter(
        evaluationgroup__in=others
    ).values_list("organization_id", "evaluationgroup__name"):
        village_groups[org_id].append(name)
    relations: dict[int, list[RecusalRelation]] = defaultdict(list)
    for relation in RecusalRelation.objects.filter(
        user__in=selectors.evaluators_of_county(round_.county_id), is_active=True
    ).select_related("organization"):
        relations[relation.user_id].append(relation)
    recused = {
        village.pk: [member.display_name for member, _v, _r in found]
        for village, found in _by_village(
            selectors.recusal_conflicts(group.members.all(), selectors.round_villages(round_))
        ).items()
    }
    candidates = [
        {
            "user": u,
            "checked": u.pk in members,
            "elsewhere": member_group.get(u.pk),
            "relations": relations.get(u.pk, []),
        }
        for u in selectors.evaluators_of_county(round_.county_id)
    ]
    townships: dict[int, dict] = {}
    for org in selectors.round_villages(round_):
        township = townships.setdefault(org.parent_id, {"township": org.parent, "villages": []})
        township["villages"].append(
            {
                "village": org,
                "checked": org.pk in villages,
                "elsewhere": village_groups.get(org.pk, []),
                "recused": recused.get(org.pk, []),
            }
        )
    return {
        **round_context(request, round_, "groups"),
        "group": group,
        "candidates": candidates,
        "townships": list(townships.values()),
        "can_manage": policies.can_manage_round(request.user, round_.county_id),
        "editable": round_.status not in services.GROUPS_LOCKED,
        "progress": selectors.group_progress(round_, [group])[0],
    }


def _by_village(conflicts) -> dict:
    found: dict = defaultdict(list)
    for member, village, relation in conflicts:
        found[village].append((member, village, relation))
    return found


@login_required
@require_http_methods(["GET", "POST"])
def group_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the group; POST ``action`` = rename / members / villages / delete."""
    require_role(request.user, GROUP_ROLES)
    group = selectors.group_get_for_user(user=request.user, pk=pk)
    if request.method == "GET":
        return render(request, "assessments/group_edit.html", _group_context(request, group))
    round_ = group.round
    if not policies.can_manage_round(request.user, round_.county_id):
        raise PermissionDenied(_("只有本区县的县级管理员可以管理考评组和回避关系。"))
    action = request.POST.get("action", "")
    kwargs = {"actor": request.user, "group": group, "ip": client_ip(request)}
    try:
        if action == "rename":
            services.group_rename(name=request.POST.get("name", ""), **kwargs)
            done = _("考评组名称已保存。")
        elif action == "members":
            users, missing = selectors.county_users_by_ids(
                round_.county_id, request.POST.getlist("members")
            )
            if missing:
                raise _not_found("members", missing, _("考评组成员"))
            services.group_members_set(members=users, **kwargs)
            done = _("考评组成员已保存。")
        elif action == "villages":
            villages, missing = selectors.round_villages_by_ids(
                round_, request.POST.getlist("villages")
            )
            if missing:
                raise _not_found("villages", missing, _("负责的村"))
            services.group_villages_set(
                villages=villages, move=request.POST.get("move") == "1", **kwargs
            )
            done = _("考评组负责的村已保存。")
        elif action == "delete":
            services.group_delete(**kwargs)
            messages.success(request, _("考评组已删除。"))
            return redirect("groups", round_id=round_.pk)
        else:
            raise InvalidInput(
                _("未知的操作。"), [{"field": "action", "value": action, "message": _("未知操作")}]
            )
    except DomainError as error:
        forbid_if_not_permitted(error)
        group = selectors.group_get_for_user(user=request.user, pk=pk)
        context = _group_context(request, group)
        context["error"] = error_context(error)
        return render(request, "assessments/group_edit.html", context, status=error.status_code)
    messages.success(request, done)
    return redirect("group_edit", pk=group.pk)


# --- 回避 relations -----------------------------------------------------------------------


def _recusals_context(request: HttpRequest) -> dict:
    county_id = request.user.county_id
    return {
        "relations": selectors.recusals_for_user(request.user).order_by(
            "-is_active", "user__full_name", "organization__code"
        ),
        "evaluators": selectors.evaluators_of_county(county_id),
        "places": selectors.county_places(county_id),
        "kinds": RecusalRelation.Kind.choices,
        "can_manage": policies.can_manage_round(request.user, county_id),
        "posted": request.POST if request.method == "POST" else {},
    }


def _recusal_refused(request: HttpRequest, error: DomainError) -> HttpResponse:
    forbid_if_not_permitted(error)
    context = _recusals_context(request)
    context["error"] = error_context(error)
    return render(request, "assessments/recusals.html", context, status=error.status_code)


@login_required
@require_http_methods(["GET", "POST"])
def recusals(request: HttpRequest) -> HttpResponse:
    require_role(request.user, RECUSAL_ROLES)
    if request.method == "GET":
        return render(request, "assessments/recusals.html", _recusals_context(request))
    county_id = request.user.county_id
    if not policies.can_manage_round(request.user, county_id):
        raise PermissionDenied(_("只有本区县的县级管理员可以管理考评组和回避关系。"))
    try:
        users, missing_users = selectors.county_users_by_ids(
            county_id, [request.POST.get("user", "")]
        )
        places = selectors.county_places(county_id).filter(
            pk__in=[v for v in [request.POST.get("organization", "")] if v.isdigit()]
        )
        errors = [
            {"field": "user", "value": v, "message": _("不存在或不在本区县")}
            for v in missing_users or ([] if users else [""])
        ]
        if not places:
            errors.append(
                {
                    "field": "organization",
                    "value": request.POST.get("organization", ""),
                    "message": _("请选择本区县的镇街或村"),
                }
            )
        if errors:
            raise InvalidInput(_("回避关系有误，未保存。"), errors)
        services.recusal_create(
            actor=request.user,
            user=users[0],
            organization=places[0],
            kind=request.POST.get("kind", RecusalRelation.Kind.WORKS_IN),
            reason=request.POST.get("reason", ""),
            ip=client_ip(request),
        )
    except DomainError as error:
        return _recusal_refused(request, error)
    messages.success(request, _("回避关系已登记。"))
    return redirect("recusals")


@login_required
@require_POST
def recusal_end(request: HttpRequest, pk: int) -> HttpResponse:
    require_role(request.user, RECUSAL_ROLES)
    relation = selectors.recusal_get_for_user(user=request.user, pk=pk)
    try:
        services.recusal_end(
            actor=request.user,
            relation=relation,
            reason=request.POST.get("reason", ""),
            ip=client_ip(request),
        )
    except DomainError as error:
        return _recusal_refused(request, error)
    messages.success(request, _("回避关系已解除。"))
    return redirect("recusals")
