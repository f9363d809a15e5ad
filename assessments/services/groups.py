"""Evaluation groups (考评组) and recusal (回避): groups created per round, their members
(evaluators of the county) and villages, and the recorded relations that keep a member away
from the villages of the township they work in or are related to.

The 回避 rule holds whichever write comes last: adding members checks the group's villages,
adding villages checks the group's members, and recording a relation is refused while it
contradicts an assignment of a round not yet published. Writes of one round's groups lock the
round row, so two administrators cannot interleave a member and a village into a conflict."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments import policies, selectors
from assessments.models import EvaluationGroup, RecusalRelation, Round
from organizations.models import TOWNSHIP_KINDS, VILLAGE_KINDS, AuditLog, Organization, Role, User
from organizations.services import audit_record
from starrating.errors import Conflict, InvalidInput, NotPermitted

from .common import lock_row

# Groups are set up before and during the county stage; afterwards they are the record.
GROUPS_LOCKED = (Round.Status.PUBLICITY, Round.Status.PUBLISHED, Round.Status.ARCHIVED)


def _ensure_admin(actor: User, county_id: int) -> None:
    if not policies.can_manage_round(actor, county_id):
        raise NotPermitted(_("只有本区县的县级管理员可以管理考评组和回避关系。"))


def _ensure_editable(round_: Round) -> None:
    if round_.status in GROUPS_LOCKED:
        raise Conflict(
            _("本轮已进入“%(s)s”，考评组不能再修改。") % {"s": round_.get_status_display()},
            round_status=round_.status,
        )


def _name_checked(name: str, round_: Round, *, exclude: int | None = None) -> str:
    name = (name or "").strip()
    if not name:
        raise InvalidInput(_("请填写考评组名称。"), [{"field": "name", "message": _("不能为空")}])
    if len(name) > 50:
        raise InvalidInput(_("考评组名称过长。"), [{"field": "name", "message": _("最多50个字")}])
    taken = EvaluationGroup.objects.filter(round=round_, name=name).exclude(pk=exclude)
    if taken.exists():
        raise InvalidInput(
            _("本轮已有名为“%(n)s”的考评组。") % {"n": name},
            [{"field": "name", "value": name, "message": _("名称重复")}],
        )
    return name


def _member_label(user: User) -> str:
    return f"{user.display_name}（{user.username}）"


def _snapshot(group: EvaluationGroup) -> dict:
    return {
        "name": group.name,
        "members": sorted(_member_label(u) for u in group.members.all()),
        "villages": sorted(f"{o.code} {o.name}" for o in group.villages.all()),
    }


def recusal_errors(members: Iterable[User], villages: Iterable[Organization]) -> list[dict]:
    """The 回避 conflicts of putting ``members`` on ``villages``, one message each in Chinese
    naming the member, the village and the relation."""
    errors = []
    for member, village, relation in selectors.recusal_conflicts(members, villages):
        where = relation.organization.name
        errors.append(
            {
                "field": "villages",
                "member": member.username,
                "organization": village.code,
                "message": _("回避：%(m)s与%(where)s有%(kind)s（%(reason)s），不能评定%(v)s。")
                % {
                    "m": _member_label(member),
                    "where": where,
                    "kind": relation.get_kind_display(),
                    "reason": relation.reason,
                    "v": village.name,
                },
            }
        )
    return errors


def group_create(
    *, actor: User, round_: Round, name: str, ip: str | None = None
) -> EvaluationGroup:
    """Create an empty group in a round that has not reached publicity."""
    _ensure_admin(actor, round_.county_id)
    with transaction.atomic():
        lock_row(round_)
        _ensure_editable(round_)
        name = _name_checked(name, round_)
        group = EvaluationGroup.objects.create(round=round_, name=name)
        audit_record(
            actor=actor,
            action=AuditLog.Action.CREATE,
            obj=group,
            after={"name": name, "round": round_.year},
            ip=ip,
        )
    return group


def group_rename(
    *, actor: User, group: EvaluationGroup, name: str, ip: str | None = None
) -> EvaluationGroup:
    round_ = group.round
    _ensure_admin(actor, round_.county_id)
    with transaction.atomic():
        lock_row(round_)
        _ensure_editable(round_)
        name = _name_checked(name, round_, exclude=group.pk)
        before = group.name
        if before != name:
            group.name = name
            group.save(update_fields=["name"])
            audit_record(
                actor=actor,
                action=AuditLog.Action.UPDATE,
                obj=group,
                before={"name": before},
                after={"name": name},
                ip=ip,
            )
    return group


def group_delete(*, actor: User, group: EvaluationGroup, ip: str | None = None) -> None:
    """Delete a group created by mistake: only an empty one (no members, no villages), in a
    round not yet in publicity — nothing of a past round is lost."""
    round_ = group.round
    _ensure_admin(actor, round_.county_id)
    with transaction.atomic():
        lock_row(round_)
        _ensure_editable(round_)
        if group.members.exists() or group.villages.exists():
            raise Conflict(
                _("考评组“%(n)s”还有成员或负责的村，请先移出后再删除。") % {"n": group.name}
            )
        audit_record(
            actor=actor,
            action=AuditLog.Action.DEACTIVATE,
            obj=group,
            before={"name": group.name},
            ip=ip,
        )
        group.delete()


def group_members_set(
    *, actor: User, group: EvaluationGroup, members: Iterable[User], ip: str | None = None
) -> EvaluationGroup:
    """Set a group's members: active evaluators of the round's county, each in one group of
    the round, none with a 回避 relation to a village of the group."""
    round_ = group.round
    _ensure_admin(actor, round_.county_id)
    members = list({m.pk: m for m in members}.values())
    errors = []
    for member in members:
        if not (
            member.is_active
            and member.role == Role.EVALUATOR
            and member.organization_id == round_.county_id
        ):
            errors.append(
                {
                    "field": "members",
                    "member": member.username,
                    "message": _("%(m)s不是本区县在用的考评组成员账号（角色须为考评组成员）。")
                    % {"m": _member_label(member)},
                }
            )
    if errors:
        raise InvalidInput(_("考评组成员有误，未保存。"), errors)
    with transaction.atomic():
        lock_row(round_)
        _ensure_editable(round_)
        taken = dict(
            EvaluationGroup.members.through.objects.filter(
                evaluationgroup__round=round_, user_id__in=[m.pk for m in members]
            )
            .exclude(evaluationgroup_id=group.pk)
            .values_list("user_id", "evaluationgroup__name")
        )
        for member in members:
            if member.pk in taken:
                errors.append(
                    {
                        "field": "members",
                        "member": member.username,
                        "message": _("%(m)s已是本轮“%(g)s”的成员，一人只能参加一个考评组。")
                        % {"m": _member_label(member), "g": taken[member.pk]},
                    }
                )
        errors += recusal_errors(members, group.villages.all())
        if errors:
            raise InvalidInput(_("考评组成员有误，未保存。"), errors)
        before = _snapshot(group)
        group.members.set(members)
        after = _snapshot(group)
        if before != after:
            audit_record(
                actor=actor,
                action=AuditLog.Action.UPDATE,
                obj=group,
                before={"members": before["members"]},
                after={"members": after["members"]},
                ip=ip,
            )
    return group


def group_villages_set(
    *,
    actor: User,
    group: EvaluationGroup,
    villages: Iterable[Organization],
    move: bool = False,
    ip: str | None = None,
) -> EvaluationGroup:
    """Set the villages a group scores: villages of the round, none 回避 for a member, each in
    one group — a village of another group is refused unless ``move`` takes it from there.
    While the county stage is open a village may not be left without a group."""
    round_ = group.round
    _ensure_admin(actor, round_.county_id)
    villages = list({v.pk: v for v in villages}.values())
    with transaction.atomic():
        lock_row(round_)
        _ensure_editable(round_)
        in_round = set(selectors.round_villages(round_).values_list("pk", flat=True))
        errors = [
            {
                "field": "villages",
                "organization": v.code,
                "message": _("%(v)s不是本轮的评定对象。") % {"v": v.name},
            }
            for v in villages
            if v.pk not in in_round
        ]
        others: dict[int, EvaluationGroup] = {}  # village → a group it is in now
        moves: dict[int, tuple[EvaluationGroup, list[int]]] = {}  # group → its villages to move
        placed = (
            EvaluationGroup.villages.through.objects.filter(
                evaluationgroup__round=round_, organization_id__in=[v.pk for v in villages]
            )
            .exclude(evaluationgroup_id=group.pk)
            .select_related("evaluationgroup__round")
        )
        for row in placed:
            others.setdefault(row.organization_id, row.evaluationgroup)
            moves.setdefault(row.evaluationgroup_id, (row.evaluationgroup, []))[1].append(
                row.organization_id
            )
        if not move:
            errors += [
                {
                    "field": "villages",
                    "organization": v.code,
                    "message": _("%(v)s已分配给“%(g)s”；如需调整，请选择“从原考评组移入”。")
                    % {"v": v.name, "g": others[v.pk].name},
                }
                for v in villages
                if v.pk in others
            ]
        errors += recusal_errors(group.members.all(), villages)
        if errors:
            raise InvalidInput(
                _("考评组负责的%(noun)s有误，未保存。") % {"noun": round_.rated_noun}, errors
            )
        chosen = {v.pk for v in villages}
        dropped = [v for v in group.villages.all() if v.pk not in chosen]
        # A township round sets its groups up while the county stage runs: the coverage check
        # guards leaving the stage instead (docs/scoring.md "Township rounds").
        if dropped and round_.status == Round.Status.COUNTY_REVIEW and not round_.rates_townships:
            still = set(
                EvaluationGroup.villages.through.objects.filter(
                    evaluationgroup__round=round_, organization_id__in=[v.pk for v in dropped]
                )
                .exclude(evaluationgroup_id=group.pk)
                .values_list("organization_id", flat=True)
            )
            orphaned = [v for v in dropped if v.pk not in still]
            if orphaned:
                raise Conflict(
                    _(
                        "考评组评定进行中，每个村都必须有考评组：请把%(v)s移入其他考评组，而不是直接移出。"
                    )
                    % {"v": "、".join(v.name for v in orphaned)},
                    [{"organization": v.code, "message": _("移出后没有考评组")} for v in orphaned],
                )
        for other, moved in moves.values():
            before = _snapshot(other)
            other.villages.remove(*moved)
            audit_record(
                actor=actor,
                action=AuditLog.Action.UPDATE,
                obj=other,
                before={"villages": before["villages"]},
                after={"villages": _snapshot(other)["villages"]},
                reason=_("移入“%(g)s”") % {"g": group.name},
                ip=ip,
            )
        before = _snapshot(group)
        group.villages.set(villages)
        after = _snapshot(group)
        if before != after:
            audit_record(
                actor=actor,
                action=AuditLog.Action.UPDATE,
                obj=group,
                before={"villages": before["villages"]},
                after={"villages": after["villages"]},
                ip=ip,
            )
    return group


def recusal_create(
    *,
    actor: User,
    user: User,
    organization: Organization,
    reason: str,
    kind: str = RecusalRelation.Kind.WORKS_IN,
    ip: str | None = None,
) -> RecusalRelation:
    """Record that ``user`` works in or is related to a township or village of the county.
    Refused while a group of an unpublished round puts the user on a village it concerns:
    the assignment is changed first, so no assignment ever breaks 回避."""
    county_id = actor.county_id
    _ensure_admin(actor, county_id)
    errors = []
    if user.role != Role.EVALUATOR or user.organization_id != county_id:
        errors.append({"field": "user", "message": _("只能为本区县的考评组成员账号登记回避关系。")})
    in_county = (organization.kind in TOWNSHIP_KINDS and organization.parent_id == county_id) or (
        organization.kind in VILLAGE_KINDS
        and organization.parent is not None
        and organization.parent.parent_id == county_id
    )
    if not in_county:
        errors.append(
            {
                "field": "organization",
                "value": organization.code,
                "message": _("回避对象须为本区县的镇街或村。"),
            }
        )
    if kind not in RecusalRelation.Kind.values:
        errors.append({"field": "kind", "value": kind, "message": _("关系类型不存在")})
    reason = (reason or "").strip()
    if not reason:
        errors.append({"field": "reason", "message": _("请填写回避的原因")})
    elif len(reason) > 200:
        errors.append({"field": "reason", "message": _("最多200个字")})
    if errors:
        raise InvalidInput(_("回避关系有误，未保存。"), errors)
    with transaction.atomic():
        # Lock the county's open rounds: a group write of those rounds waits for this one.
        list(
            Round.objects.select_for_update()
            .filter(county_id=county_id)
            .exclude(status__in=[Round.Status.PUBLISHED, Round.Status.ARCHIVED])
        )
        if RecusalRelation.objects.filter(
            user=user, organization=organization, is_active=True
        ).exists():
            raise InvalidInput(
                _("%(m)s与%(o)s的回避关系已登记。")
                % {"m": _member_label(user), "o": organization.name},
                [{"field": "organization", "value": organization.code, "message": _("已登记")}],
            )
        assigned = (
            EvaluationGroup.objects.filter(members=user)
            .exclude(round__status__in=[Round.Status.PUBLISHED, Round.Status.ARCHIVED])
            .prefetch_related("villages")
        )
        conflicts = [
            {
                "field": "organization",
                "organization": village.code,
                "message": _(
                    "%(m)s是“%(g)s”（%(y)s年度）的成员，该组负责%(v)s；请先调整考评组，再登记回避。"
                )
                % {
                    "m": _member_label(user),
                    "g": group.name,
                    "y": group.round.year,
                    "v": village.name,
                },
            }
            for group in assigned.select_related("round")
            for village in group.villages.all()
            if organization.pk in (village.pk, village.parent_id)
        ]
        if conflicts:
            raise Conflict(_("登记后将违反回避规定，未保存。"), conflicts)
        try:
            with transaction.atomic():
                relation = RecusalRelation.objects.create(
                    user=user,
                    organization=organization,
                    kind=kind,
                    reason=reason,
                    recorded_by=actor,
                )
        except IntegrityError as exc:  # a concurrent identical record
            raise Conflict(_("该回避关系已登记。")) from exc
        audit_record(
            actor=actor,
            action=AuditLog.Action.CREATE,
            obj=relation,
            after={
                "user": _member_label(user),
                "organization": f"{organization.code} {organization.name}",
                "kind": relation.get_kind_display(),
                "reason": reason,
            },
            ip=ip,
        )
    return relation


def recusal_end(
    *, actor: User, relation: RecusalRelation, reason: str, ip: str | None = None
) -> RecusalRelation:
    """End a relation that no longer holds (the member changed post): kept, not deleted."""
    county_id = actor.county_id
    _ensure_admin(actor, county_id)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(
            _("请填写解除回避关系的原因。"), [{"field": "reason", "message": _("不能为空")}]
        )
    with transaction.atomic():
        lock_row(relation)
        if not relation.is_active:
            raise Conflict(_("该回避关系已解除。"))
        relation.is_active = False
        relation.ended_by = actor
        relation.ended_at = timezone.now()
        relation.save(update_fields=["is_active", "ended_by", "ended_at"])
        audit_record(
            actor=actor,
            action=AuditLog.Action.DEACTIVATE,
            obj=relation,
            before={"is_active": True},
            after={"is_active": False},
            reason=reason,
            ip=ip,
        )
    return relation
