"""The demo's evaluation groups (考评组): five groups per round, one member each (the demo
evaluators; 王强 leads the first), each village in exactly one group, and recorded 回避 relations —
made through the same services as the groups pages, so the demo obeys the same rules."""

from __future__ import annotations

from assessments import selectors, services
from assessments.models import RecusalRelation, Round
from organizations.models import User

GROUP_NAMES = ["第一考评组", "第二考评组", "第三考评组", "第四考评组", "第五考评组"]


def seed_groups(*, round_: Round, admin: User, members: list[User]) -> None:
    """Five groups over the round's villages (every fifth village each) with one member each;
    each member recorded as related to a village of the next group (回避), so the pages show
    real relations that the assignment respects."""
    villages = list(selectors.round_villages(round_).order_by("code"))
    split = [villages[i :: len(GROUP_NAMES)] for i in range(len(GROUP_NAMES))]
    if not RecusalRelation.objects.filter(user__in=members).exists():
        reasons = ["配偶户籍在该村", "曾在该村驻村工作", "近亲属任该村村委委员", "曾任该村第一书记"]
        for i, member in enumerate(members):
            following = split[(i + 1) % len(split)]
            if not following:
                continue
            services.recusal_create(
                actor=admin,
                user=member,
                organization=following[0],
                kind=RecusalRelation.Kind.RELATIVE
                if i % 2 == 0
                else RecusalRelation.Kind.FORMER_POST,
                reason=reasons[i % len(reasons)],
            )
    for name, member, assigned in zip(GROUP_NAMES, members, split, strict=True):
        group = services.group_create(actor=admin, round_=round_, name=name)
        services.group_members_set(actor=admin, group=group, members=[member])
        services.group_villages_set(actor=admin, group=group, villages=assigned)
