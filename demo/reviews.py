"""The demo county's 述职评议考核 in the Hanzhong shape (seed 002), scaled down: last year's
review of the six township and street secretaries by the county — written reports, 同题共答 and
加试题, 现场测评 by leaders, Party-member and public representatives, 三随机 on-site checks
linked to the 2024 round's spot checks, 3 common and 8 individual problems on the ledger (21
entries, a few already closed), closed with all four grades; and this year's village-secretary
review of the demo village's township, still open.

Last year's, not a fixed 2024: the secretaries' 书记项目 are last year's and this year's (see
``demo.secretaries``), and their year-end grades feed the review (docs/scoring.md §11.4).
Everything goes through the services."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from assessments.models import SpotCheck
from ledgers import services as ledger_services
from organizations.models import Organization, User
from secretaries import selectors, services
from secretaries.models import ReviewScore, ReviewSession
from secretaries.rules import GRADES

COMMON_QUESTIONS = [
    "如何以“五星创建、双强争优”为抓手推动基层党建与中心工作深度融合？",
    "本年度抓党建促乡村振兴取得了哪些可感可及的成效？",
]
COMMON_PROBLEMS = [
    (
        "一些村级活动场所管理不够规范，党群服务中心利用率不高",
        "制定活动场所使用清单，每季度通报利用情况",
    ),
    ("村级集体经济发展办法不多，增收渠道单一", "每村制定一套集体经济发展方案，明确年度增收目标"),
    ("发展党员工作重数量轻质量，青年党员储备不足", "建立入党积极分子人才库，落实培养联系人制度"),
]
INDIVIDUAL_PROBLEMS = [
    "书记项目推进较慢，月度调度存在欠报",
    "软弱涣散村整顿成效不明显",
    "“第一议题”制度落实不够经常",
    "两委班子中缺少女性成员，后备力量薄弱",
    "党建与业务“两张皮”，融合载体不多",
    "换届后新任村干部培训不到位",
    "组织生活会查摆问题不够深刻",
    "社区网格党支部作用发挥不充分",
]
# The centres of the secretaries' scores, best projects first: three 好 by the scores (the
# third may be capped to 较好 by a 一般 project), one 较好, one 一般, one 差.
CENTRES = [94, 93, 92, 84, 72, 56]
GROUP_NAMES = {"leaders": "领导", "members": "党员代表", "public": "群众代表"}


def build_reviews(county: Organization, townships, users: dict[str, User], *, seed: int) -> None:
    rng = random.Random(seed + 16)
    today = timezone.localdate()
    year = today.year - 1
    admin = users["county_admin"]
    session = services.session_create(
        actor=admin,
        level="township",
        year=year,
        title=f"{year}年度乡镇（街道）党（工）委书记抓基层党建述职评议考核",
        held_on=min(today, date(year + 1, 1, 20)).isoformat(),
        weight_leaders="0.4",
        weight_members="0.3",
        weight_public="0.3",
        # A 书记项目 graded 一般 caps the review at 较好 here (the default caps nothing).
        cap_project_fair="good",
    )
    reviewees = list(
        session.reviewees.select_related("organization").order_by("organization__code")
    )
    questions = [
        services.question_add(actor=admin, session=session, kind="common", text=text)
        for text in COMMON_QUESTIONS
    ]
    questions.append(
        services.question_add(
            actor=admin,
            session=session,
            kind="extra",
            domain="street",
            text="老旧小区无物业管理问题，社区党组织如何牵头解决？",
        )
    )
    questions.append(
        services.question_add(
            actor=admin,
            session=session,
            kind="extra",
            domain="township",
            text="集体经济薄弱村“清零”还差哪几个村？时间表是什么？",
        )
    )
    assessor_of = {t.pk: users[f"township_{i}"] for i, t in enumerate(townships, start=1)}
    for r in reviewees:
        actor = assessor_of[r.organization_id]
        services.report_save(
            actor=actor,
            reviewee=r,
            report=(
                f"{year}年，{r.organization.name}党（工）委坚持以党建引领基层治理，"
                "落实“第一议题”制度，推进基层党建“三化”建设，领办书记项目，"
                "抓班子带队伍、抓阵地强服务。存在的不足：村级集体经济增收渠道仍然不宽……"
            ),
            report_evidence="述职报告原件（加盖公章）",
        )
        if r is not reviewees[-1]:  # one township handed in paper only
            services.report_file_upload(
                actor=actor, reviewee=r, upload=_pdf(f"{r.organization.name}书记述职报告.pdf")
            )
        for q in questions:
            if q.asks(r, r.organization.kind):
                services.answer_save(
                    actor=actor,
                    reviewee=r,
                    question=q.pk,
                    text="一是压实责任，二是项目化推进，三是每月调度、年底考核。",
                )
    services.session_open(actor=admin, session=session)
    # The best scores to the secretaries whose projects went best, so that the cap shows on
    # one 好 by the scores at most (a 一般 project → 较好) and both 好 stay when it can.
    projects = selectors.project_grades_of(session, [r.organization_id for r in reviewees])
    worst = {
        r.pk: max((GRADES.index(g) for g in projects.get(r.organization_id, [])), default=0)
        for r in reviewees
    }
    ranked = sorted(reviewees, key=lambda r: (worst[r.pk], r.organization.code))
    for r, centre in zip(ranked, CENTRES, strict=False):
        for group, n, spread in (("leaders", 3, 2), ("members", 5, 3), ("public", 5, 4)):
            for k in range(1, n + 1):
                value = max(0, min(100, centre + rng.randint(-spread, spread)))
                slipped = r is ranked[0] and group == "public" and k == 1
                row = services.score_add(
                    actor=admin,
                    reviewee=r,
                    group=group,
                    reviewer=f"{GROUP_NAMES[group]}{k}",
                    score=str(Decimal(value) / 10 if slipped else Decimal(value)),
                    comment="" if rng.random() < 0.6 else "工作扎实，特色鲜明",
                )
                if slipped:
                    _correct_a_score(admin, row, Decimal(value))
    _checks(session, reviewees, admin)
    deadline = (today + timedelta(days=90)).isoformat()
    for (text, measures), chosen in zip(
        COMMON_PROBLEMS, (reviewees, reviewees[:4], reviewees[2:5]), strict=True
    ):
        services.problem_add(
            actor=admin,
            session=session,
            kind="common",
            text=text,
            measures=measures,
            deadline=deadline,
            reviewees=[r.pk for r in chosen],
        )
    for k, text in enumerate(INDIVIDUAL_PROBLEMS):
        services.problem_add(
            actor=admin,
            session=session,
            kind="individual",
            text=text,
            measures="制定整改方案，明确责任人和时限，整改完成后申请销号",
            deadline=deadline,
            reviewees=[reviewees[(k * 5) % len(reviewees)].pk],
        )
    services.session_close(actor=admin, session=session)
    _close_some(session, assessor_of)
    _village_review(townships, users, year=today.year)


def _pdf(name: str) -> SimpleUploadedFile:
    body = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    return SimpleUploadedFile(name, body)


def _correct_a_score(admin: User, wrong: ReviewScore, value: Decimal) -> None:
    """A score keyed in wrong at the meeting (the decimal point slipped): withdrawn with the
    reason and entered again as the sheet says."""
    services.score_withdraw(
        actor=admin,
        score=wrong,
        reason=f"录入错误：测评表为{value}分，误录为{wrong.score}分，撤回后重新登记",
    )
    services.score_add(
        actor=admin,
        reviewee=wrong.reviewee,
        group=wrong.group,
        reviewer=wrong.reviewer,
        score=str(value),
        comment=wrong.comment,
    )


def _checks(session: ReviewSession, reviewees, admin: User) -> None:
    """Two on-site checks linked to the 2024 round's 三随机 checks of the township's villages
    (where the draw picked one), one without."""
    linked = 0
    for r in reviewees:
        spot = (
            SpotCheck.objects.filter(
                assessment__organization__parent_id=r.organization_id,
                draw__superseded_at__isnull=True,
            )
            .order_by("position")
            .first()
        )
        if spot is None or linked == 2:
            continue
        services.check_add(
            actor=admin,
            reviewee=r,
            checked_on=min(timezone.localdate(), date(session.year, 12, 10)).isoformat(),
            checkers="第一实地核查组",
            findings=(
                f"“三随机”抽查{spot.assessment.organization.name}，随机访谈群众5人，"
                "对照问题清单、整改台账和书记项目清单逐项核查，情况基本属实"
            ),
            spot_check=spot.pk,
        )
        linked += 1
    services.check_add(
        actor=admin,
        reviewee=reviewees[-1],
        checked_on=min(timezone.localdate(), date(session.year, 12, 12)).isoformat(),
        checkers="第二实地核查组",
        findings="随机确定检查路线，实地查看党群服务中心，发现活动记录不全",
    )


def _close_some(session: ReviewSession, assessor_of: dict) -> None:
    """销号 on the ledger: the township follows up and closes a few of its own entries (the
    county recorded them, so the township is the second person)."""
    for problem in session.problems.order_by("pk")[:4]:
        for entry in problem.rectifications.select_related("organization")[:2]:
            actor = assessor_of[entry.organization_id]
            ledger_services.rectification_note_add(
                actor=actor, entry=entry, text="已制定整改方案并召开专题会议推进"
            )
            if problem.kind == "common":
                ledger_services.rectification_close(
                    actor=actor, entry=entry, closure_evidence="整改完成，附整改报告和现场照片"
                )


def _village_review(townships, users: dict[str, User], *, year: int) -> None:
    """This year's village-secretary review of the demo village's township: open, some scores."""
    secretary = users["village_secretary"]
    township = secretary.organization.parent
    index = next(i for i, t in enumerate(townships, start=1) if t.pk == township.pk)
    actor = users[f"township_{index}"]
    session = services.session_create(
        actor=actor,
        level="village",
        year=year,
        title=f"{year}年度{township.name}村党组织书记抓基层党建述职评议",
        held_on=timezone.localdate().isoformat(),
    )
    services.question_add(
        actor=actor, session=session, kind="common", text="本村“五星”创建还差哪颗星，怎么补？"
    )
    mine = session.reviewees.get(organization=secretary.organization)
    services.report_save(
        actor=secretary,
        reviewee=mine,
        report="今年村党支部围绕“五星”创建，落实“三会一课”，发展壮大村集体经济……",
    )
    services.report_file_upload(
        actor=secretary,
        reviewee=mine,
        upload=_pdf(f"{secretary.organization.name}书记述职报告.pdf"),
    )
    services.session_open(actor=actor, session=session)
    for r in session.reviewees.order_by("organization__code")[:3]:
        for group, value in (("leaders", "88"), ("members", "85")):
            services.score_add(
                actor=actor, reviewee=r, group=group, reviewer="评议人1", score=value
            )
