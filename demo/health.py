"""The demo county's organization health, in the shape of seed 003 (Xi'an district) scaled to
one county: a few organizations overdue for 换届 out of all, body types the member count no
longer fits (one adjusted), 双承诺 done at about 86 % (organizations) and 76 % (members), first
secretaries in seven villages with their stay extended a year, a 包村干部 per village, every
village's 两委 roster, and five 软弱涣散 villages of which two finished their 整顿. Everything
through the services, as a person would."""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.utils import timezone

from ledgers import services as ledger_services
from organizations.models import Organization, User
from orghealth import services

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = [
    "建国",
    "志强",
    "秀兰",
    "桂英",
    "海涛",
    "丽华",
    "德胜",
    "春梅",
    "长青",
    "玉芬",
    "晓东",
    "红霞",
]
ORG_PROMISES = [
    "硬化村内道路",
    "新建文化广场",
    "修缮党群服务中心",
    "发展集体经济项目",
    "整治人居环境",
]
MEMBER_PROMISES = ["帮扶困难户", "参与环境整治", "宣讲惠民政策", "调解邻里纠纷", "带动种植增收"]
UNITS = ["区财政局", "区农业农村局", "区民政局", "区住建局", "区卫健局", "区教育局", "区人社局"]
WEAK_REASONS = [
    "班子不团结、内耗严重",
    "组织生活不正常，三会一课落实不到位",
    "村级集体经济薄弱，服务群众能力不强",
    "书记长期空缺，工作处于停滞状态",
    "村务公开不及时，群众意见较大",
]


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def build_health(county: Organization, townships, users: dict[str, User], *, seed: int) -> None:
    rng = random.Random(seed + 16)
    today = timezone.localdate()
    admin = users["county_admin"]
    assessor_of = {t.pk: users[f"township_{i}"] for i, t in enumerate(townships, start=1)}
    villages = list(
        Organization.objects.filter(parent__in=townships, is_active=True).order_by("code")
    )
    # The demo county's own rule: 60 members and more make a 党委 (four 党总支 are over it).
    services.settings_save(
        actor=admin,
        term_years=5,
        remind_days=90,
        committee_above=60,
        branch_below=20,
        max_average_age="48",
    )

    # 换届: most on term, three overdue, two due within the reminder window, one unrecorded.
    for n, org in enumerate([*townships, *villages]):
        if n == len(townships) + 7:
            continue  # never recorded
        if n in (len(townships) + 3, len(townships) + 20, len(townships) + 41):
            elected = today - timedelta(days=5 * 365 + 60 + n)
        elif n in (len(townships) + 11, len(townships) + 30):
            elected = today - timedelta(days=5 * 365 - 40)
        else:
            elected = today - timedelta(days=365 * 2 + n * 3)
        services.election_record(
            actor=admin, organization=org, elected_on=elected, note="按期完成换届选举"
        )

    # Body type: the largest 党总支 became a 党委; the others over 60 stay flagged.
    biggest = max(
        (v for v in villages if v.party_body == Organization.PartyBody.GENERAL_BRANCH),
        key=lambda v: v.member_count,
    )
    services.body_adjust(
        actor=admin,
        organization=biggest,
        to_body=Organization.PartyBody.COMMITTEE,
        adjusted_on=today - timedelta(days=45),
        reason=f"党员人数{biggest.member_count}名，超过本县设党委标准",
    )

    # 双承诺 of this year.
    for village in villages:
        actor = assessor_of[village.parent_id]
        for k in range(2):
            c = services.commitment_create(
                actor=actor,
                organization=village,
                year=today.year,
                kind="organization",
                content=f"{ORG_PROMISES[(village.pk + k) % len(ORG_PROMISES)]}",
            )
            if rng.random() < 0.86:
                services.commitment_complete(
                    actor=actor,
                    commitment=c,
                    done_on=today - timedelta(days=rng.randint(5, 200)),
                    evidence="已完成，群众满意",
                )
        for _k in range(5):
            c = services.commitment_create(
                actor=actor,
                organization=village,
                year=today.year,
                kind="member",
                member_name=_name(rng),
                content=rng.choice(MEMBER_PROMISES),
            )
            if rng.random() < 0.76:
                services.commitment_complete(
                    actor=actor,
                    commitment=c,
                    done_on=today - timedelta(days=rng.randint(5, 200)),
                    evidence="已兑现",
                )

    # 驻村力量: seven first secretaries (four extended a year), their work teams, and a 包村干部
    # in every village.
    for n, village in enumerate(villages[::8][:7]):
        start = date(today.year - 2, 3, 1)
        posting = services.posting_create(
            actor=admin,
            organization=village,
            kind="first_secretary",
            person_name=_name(rng),
            unit=UNITS[n % len(UNITS)],
            starts_on=start,
            ends_on=date(today.year, 3, 1),
        )
        if n < 4:
            services.posting_extend(
                actor=admin,
                posting=posting,
                new_end=date(today.year + 1, 3, 1),
                reason="巩固脱贫成果、防止返贫，派驻时间延长一年",
            )
        services.posting_create(
            actor=admin,
            organization=village,
            kind="work_team",
            person_name=_name(rng),
            unit=UNITS[(n + 3) % len(UNITS)],
            starts_on=start,
            ends_on=date(today.year + 1, 3, 1),
        )
    for village in villages:
        services.posting_create(
            actor=assessor_of[village.parent_id],
            organization=village,
            kind="township_cadre",
            person_name=_name(rng),
            unit=f"{village.parent.name}人民政府",
            starts_on=date(today.year, 1, 1),
            ends_on=date(today.year, 12, 31),
        )

    # 两委 rosters: five to seven members; some villages without a woman, some older.
    for n, village in enumerate(villages):
        older = n % 6 == 0
        size = rng.randint(5, 7)
        for k in range(size):
            female = (k == 2 and n % 5 != 0) or (k == 4 and rng.random() < 0.3)
            age = rng.randint(46, 62) if older else rng.randint(30, 58)
            services.member_add(
                actor=assessor_of[village.parent_id],
                organization=village,
                name=(village.secretary_name or _name(rng)) if k == 0 else _name(rng),
                position=[
                    "党组织书记、村委会主任",
                    "副书记",
                    "委员",
                    "委员",
                    "妇联主席",
                    "委员",
                    "文书",
                ][k],
                body=["both", "party", "both", "village", "village", "party", "village"][k],
                gender="female" if female else "male",
                birth_date=date(today.year - age, rng.randint(1, 12), rng.randint(1, 28)),
                education=rng.choice(["senior", "senior", "college", "bachelor", "junior"]),
                is_reserve_cadre=k >= 5 or (k == 3 and rng.random() < 0.5),
            )

    # 软弱涣散: five designated this year, two done (销号 by the township, a second person).
    for n, village in enumerate(villages[2::11][:5]):
        row = services.weak_designate(
            actor=admin,
            organization=village,
            year=today.year,
            reason=WEAK_REASONS[n],
            designated_on=date(today.year, 3, 15),
            measures="落实县乡村三级领导包保，调整充实班子，规范组织生活",
            deadline=date(today.year, 12, 31),
            responsible_person=village.secretary_name or "村党组织书记",
        )
        if n < 2:
            ledger_services.rectification_close(
                actor=assessor_of[village.parent_id],
                entry=row.rectification,
                closure_evidence="班子调整到位，组织生活恢复正常，经镇街验收",
            )
    services.election_reminders_build(today=today)
