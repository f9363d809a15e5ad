"""Reads of evaluation groups (考评组) and recusal relations (回避): scoped lookups, the
one-group-per-village check, each group's progress, and the 回避 conflicts of an assignment."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from assessments.models import (
    Assessment,
    EvaluationGroup,
    RecusalRelation,
    Round,
    Sheet,
    Stage,
)
from organizations.models import Organization, Role, User

from .rounds import rounds_for_user

GROUP_READERS = (Role.COUNTY_ADMIN, Role.AUDITOR)


def groups_for_user(user: User, *, round_: Round | None = None) -> QuerySet[EvaluationGroup]:
    """Groups of the user's county rounds: all of them for the county admin and the auditor,
    an evaluator's own groups, nothing for anyone else."""
    qs = EvaluationGroup.objects.filter(round__in=rounds_for_user(user).values("pk"))
    if user.has_role(Role.EVALUATOR):
        qs = qs.filter(members=user)
    elif not user.has_role(*GROUP_READERS):
        return EvaluationGroup.objects.none()
    if round_ is not None:
        qs = qs.filter(round=round_)
    return qs.select_related("round").prefetch_related(
        Prefetch("members", queryset=User.objects.select_related("organization").order_by("pk")),
        Prefetch(
            "villages",
            queryset=Organization.objects.select_related("parent").order_by("code"),
        ),
    )


def group_get_for_user(*, user: User, pk: int) -> EvaluationGroup:
    try:
        return groups_for_user(user).get(pk=pk)
    except (EvaluationGroup.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def group_coverage(round_: Round) -> dict:
    """Rule of the groups: every village of the round in exactly one group. Returns the
    villages with none (``unassigned``) and those in more than one (``double``, each with the
    groups' names). Two queries whatever the size (three on a township round, where groups are
    optional: ``optional`` is true when it has none, and the check then passes)."""
    names: dict[int, list[str]] = defaultdict(list)
    for org_id, name in EvaluationGroup.villages.through.objects.filter(
        evaluationgroup__round=round_
    ).values_list("organization_id", "evaluationgroup__name"):
        names[org_id].append(name)
    unassigned, double = [], []
    for org in (
        Organization.objects.filter(assessments__round=round_)
        .select_related("parent")
        .order_by("code")
    ):
        groups = sorted(names.get(org.pk, []))
        if not groups:
            unassigned.append(org)
        elif len(groups) > 1:
            double.append({"village": org, "groups": groups})
    # A township round may go without groups (the county admin scores every township): the
    # check then has nothing to say. Once a group exists the rule holds as for villages.
    optional = round_.rates_townships and not EvaluationGroup.objects.filter(round=round_).exists()
    return {
        "unassigned": [] if optional else unassigned,
        "double": double,
        "ok": optional or (not unassigned and not double),
        "optional": optional,
    }


def group_progress(round_: Round, groups: Iterable[EvaluationGroup] | None = None) -> list[dict]:
    """Per group of the round: members, villages assigned and how many of them have a
    submitted county-stage sheet (考评组评定). Three queries whatever the size."""
    if groups is None:
        groups = EvaluationGroup.objects.filter(round=round_).order_by("name")
    groups = list(groups)
    assigned: dict[int, set[int]] = defaultdict(set)
    for group_id, org_id in EvaluationGroup.villages.through.objects.filter(
        evaluationgroup_id__in=[g.pk for g in groups]
    ).values_list("evaluationgroup_id", "organization_id"):
        assigned[group_id].add(org_id)
    members: dict[int, int] = defaultdict(int)
    for group_id in EvaluationGroup.members.through.objects.filter(
        evaluationgroup_id__in=[g.pk for g in groups]
    ).values_list("evaluationgroup_id", flat=True):
        members[group_id] += 1
    scored = set(
        Sheet.objects.filter(
            assessment__round=round_, stage=Stage.COUNTY, status=Sheet.Status.SUBMITTED
        ).values_list("assessment__organization_id", flat=True)
    )
    rows = []
    for group in groups:
        villages = assigned.get(group.pk, set())
        done = len(villages & scored)
        total = len(villages)
        rows.append(
            {
                "group": group,
                "members": members.get(group.pk, 0),
                "villages": total,
                "scored": done,
                "percent": round(100 * done / total) if total else 0,
            }
        )
    return rows


def recusals_for_user(user: User) -> QuerySet[RecusalRelation]:
    """Recusal relations of the user's county (the county admin and the auditor only)."""
    if not user.has_role(*GROUP_READERS) or user.county_id is None:
        return RecusalRelation.objects.none()
    return RecusalRelation.objects.filter(
        Q(organization__parent_id=user.county_id)
        | Q(organization__parent__parent_id=user.county_id)
    ).select_related("user", "organization", "organization__parent", "recorded_by", "ended_by")


def recusal_get_for_user(*, user: User, pk: int) -> RecusalRelation:
    try:
        return recusals_for_user(user).get(pk=pk)
    except (RecusalRelation.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def evaluators_of_county(county_id: int) -> QuerySet[User]:
    """The accounts that may be group members: active evaluators of the county."""
    return User.objects.filter(
        role=Role.EVALUATOR, organization_id=county_id, is_active=True
    ).order_by("full_name", "username")


def round_villages(round_: Round) -> QuerySet[Organization]:
    """The villages of the round (those with an assessment), with their township."""
    return (
        Organization.objects.filter(
            pk__in=Assessment.objects.filter(round=round_).values("organization_id")
        )
        .select_related("parent")
        .order_by("parent__code", "code")
    )


def recusal_conflicts(
    members: Iterable[User], villages: Iterable[Organization]
) -> list[tuple[User, Organization, RecusalRelation]]:
    """(member, village, relation) for every pair that 回避 forbids: the member has an active
    relation to the village itself or to its township. One query."""
    members = {m.pk: m for m in members}
    villages = list(villages)
    if not members or not villages:
        return []
    relations: dict[int, list[RecusalRelation]] = defaultdict(list)
    wanted = {v.pk for v in villages} | {v.parent_id for v in villages if v.parent_id}
    for relation in RecusalRelation.objects.filter(
        user_id__in=list(members), organization_id__in=wanted, is_active=True
    ).select_related("organization"):
        relations[relation.user_id].append(relation)
    conflicts = []
    for member_id, member in members.items():
        for relation in relations.get(member_id, []):
            for village in villages:
                if relation.organization_id in (village.pk, village.parent_id):
                    conflicts.append((member, village, relation))
    return conflicts


def county_users_by_ids(county_id: int, ids: Iterable) -> tuple[list[User], list[str]]:
    """Accounts of the county's tree by id, and the ids not found there (another county's
    account is "not found", never shown)."""
    wanted = {str(i).strip() for i in ids if str(i).strip()}
    numeric = {int(i) for i in wanted if i.isdigit() and len(i) <= 18}
    found = list(
        User.objects.filter(pk__in=numeric)
        .filter(
            Q(organization_id=county_id)
            | Q(organization__parent_id=county_id)
            | Q(organization__parent__parent_id=county_id)
        )
        .select_related("organization")
        .order_by("pk")
    )
    known = {str(u.pk) for u in found}
    return found, sorted(wanted - known)


def round_villages_by_ids(round_: Round, ids: Iterable) -> tuple[list[Organization], list[str]]:
    """Villages of the round by id or 12-digit code, and the values not found among them."""
    wanted = {str(i).strip() for i in ids if str(i).strip()}
    numeric = {int(i) for i in wanted if i.isdigit() and len(i) < 12}
    codes = {i for i in wanted if len(i) == 12}
    found = list(round_villages(round_).filter(Q(pk__in=numeric) | Q(code__in=codes)))
    known = {str(o.pk) for o in found} | {o.code for o in found}
    return found, sorted(wanted - known)


def county_places(county_id: int) -> QuerySet[Organization]:
    """Townships and villages of the county: what a recusal relation may name."""
    return (
        Organization.objects.filter(Q(parent_id=county_id) | Q(parent__parent_id=county_id))
        .exclude(kind=Organization.Kind.COUNTY)
        .select_related("parent")
        .order_by("code")
    )
