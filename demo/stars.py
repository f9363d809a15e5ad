"""创星晋级 demo data: last year's and this year's tables (the seed 001 defaults), a register of
party members in every branch, and a year of point entries for each ladder — recorded by the
township (the county for committees) and approved by a second county account, through the
same services a user's action goes through; and each year's 奖惩凭星 table (the default ratios).
Then the links to the rest of the year: 2024's 堡垒星 and (in two townships) 先锋星, so that the
2024 round's DW07 takes its points from the share of members at three stars or more (S11) and
the 2024 report has its 奖惩凭星 sheet; and one 软弱涣散 suggestion dismissed with a reason."""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.utils import timezone

from assessments.models import Round
from organizations.models import Organization, RatingTarget, User
from orghealth import selectors as health_selectors
from orghealth import services as health_services
from stars import rules, services
from stars.models import Ladder, MemberCategory, PartyMember, PointsItem

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = [
    "红",
    "明",
    "强",
    "丽",
    "平",
    "军",
    "华",
    "芳",
    "伟",
    "静",
    "磊",
    "敏",
    "涛",
    "燕",
    "刚",
    "霞",
]
DOING = {
    "member": ["参加主题党日", "入户走访困难群众", "参加义务清扫", "参加集中学习", "结对帮扶"],
    "branch": [
        "召开支部党员大会",
        "组织主题党日",
        "开展环境整治",
        "便民服务站代办事项",
        "四议两公开决策",
    ],
    "committee": [
        "书记领办党建项目推进会",
        "便民服务中心代办",
        "村级后备干部培训",
        "党建责任状督查",
    ],
}


def _day(rng: random.Random, year: int, today: date) -> date:
    last = today if year == today.year else date(year, 12, 31)
    start = date(year, 1, 1)
    return start + timedelta(days=rng.randrange((last - start).days + 1))


def _pick(items: dict, ladder: str, category: str = "") -> list[PointsItem]:
    adds = [i for i in items[ladder] if i.kind == "add" and i.category in ("", category)]
    rare = [i for i in items[ladder] if i.kind != "add"]
    return adds * 12 + rare  # 减星 and 否决 are rare


def _entries(rng, *, recorder, approver, items, subject: dict, ladder, year, today, n, pending):
    for k in range(n):
        item = rng.choice(items)
        entry = services.entry_record(
            actor=recorder,
            item=item,
            occurred_on=_day(rng, year, today),
            description=rng.choice(DOING[ladder]),
            evidence="会议记录、照片" if rng.random() < 0.5 else "",
            **subject,
        )
        if year < today.year or k >= pending:
            services.entry_approve(actor=approver, entry=entry)


def build_stars(
    county: Organization, townships: list[Organization], users: dict[str, User], *, seed: int
) -> None:
    rng = random.Random(seed + 15)
    admin, approver = users["county_admin"], users["county_admin_b"]
    assessor_of = {t.pk: users[f"township_{i}"] for i, t in enumerate(townships, start=1)}
    today = timezone.localdate()
    villages = list(
        Organization.objects.filter(parent__parent=county, is_active=True)
        .select_related("parent")
        .order_by("code")
    )
    members = []
    for village in villages:
        base = (
            MemberCategory.COMMUNITY
            if village.kind == Organization.Kind.COMMUNITY
            else MemberCategory.RURAL
        )
        names = set()
        while len(names) < 4:
            names.add(rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(["", *GIVEN]))
        for n, name in enumerate(sorted(names)):
            category = (
                base
                if n < 3
                else rng.choice([MemberCategory.INSTITUTION, MemberCategory.ENTERPRISE])
            )
            members.append(
                services.member_create(actor=admin, branch=village, name=name, category=category)
            )
    for year in (today.year - 1, today.year):
        tables = {t.ladder: t for t in services.tables_copy(actor=admin, year=year)}
        services.consequences_set(actor=admin, year=year, pay=list(rules.DEFAULT_PAY))
        items = {
            ladder: list(PointsItem.objects.filter(table=t).order_by("code"))
            for ladder, t in tables.items()
        }

        for member in members:
            _entries(
                rng,
                recorder=assessor_of[member.branch.parent_id],
                approver=approver,
                items=_pick(items, Ladder.MEMBER, member.category),
                subject={"member": member},
                ladder="member",
                year=year,
                today=today,
                n=rng.randint(2, 14),
                pending=1,
            )
        for village in villages:
            _entries(
                rng,
                recorder=assessor_of[village.parent_id],
                approver=approver,
                items=_pick(items, Ladder.BRANCH),
                subject={"organization": village},
                ladder="branch",
                year=year,
                today=today,
                n=rng.randint(4, 16),
                pending=1,
            )
        for township in townships:
            _entries(
                rng,
                recorder=admin,
                approver=approver,
                items=_pick(items, Ladder.COMMITTEE),
                subject={"organization": township},
                ladder="committee",
                year=year,
                today=today,
                n=rng.randint(6, 20),
                pending=1,
            )


def build_star_links(
    county: Organization, townships: list[Organization], users: dict[str, User], *, seed: int
) -> None:
    rng = random.Random(seed + 151)
    admin, approver = users["county_admin"], users["county_admin_b"]
    assessor_of = {t.pk: users[f"township_{i}"] for i, t in enumerate(townships, start=1)}
    today = timezone.localdate()
    year = 2024
    tables = {t.ladder: t for t in services.tables_copy(actor=admin, year=year)}
    services.consequences_set(actor=admin, year=year, pay=list(rules.DEFAULT_PAY))
    items = {
        ladder: list(PointsItem.objects.filter(table=t).order_by("code"))
        for ladder, t in tables.items()
    }
    villages = list(
        Organization.objects.filter(parent__parent=county, is_active=True)
        .select_related("parent")
        .order_by("code")
    )
    for village in villages:
        _entries(
            rng,
            recorder=assessor_of[village.parent_id],
            approver=approver,
            items=_pick(items, Ladder.BRANCH),
            subject={"organization": village},
            ladder="branch",
            year=year,
            today=today,
            n=rng.randint(6, 16),
            pending=0,
        )
    for member in PartyMember.objects.filter(
        branch__parent__in=[townships[0], townships[2]]
    ).select_related("branch"):
        _entries(
            rng,
            recorder=assessor_of[member.branch.parent_id],
            approver=approver,
            items=_pick(items, Ladder.MEMBER, member.category),
            subject={"member": member},
            ladder="member",
            year=year,
            today=today,
            n=rng.randint(4, 16),
            pending=0,
        )
    r24 = Round.objects.filter(county=county, year=year, target=RatingTarget.VILLAGE).first()
    if r24 is not None and r24.status not in (Round.Status.PUBLISHED, Round.Status.ARCHIVED):
        services.ladder_input_set(actor=admin, round_=r24, item_code="DW07", min_stars=3)
    # 软弱涣散: this year's 堡垒星 suggests villages; the county has looked at one and decided
    # not to designate it, with its reason.
    suggestions = health_selectors.weak_suggestions(admin, year=today.year)["suggestions"]
    if suggestions:
        health_services.weak_suggestion_dismiss(
            actor=admin,
            organization=suggestions[-1]["organization"],
            year=today.year,
            reason="新班子三月刚调整到位，组织生活已恢复，列入观察",
        )
