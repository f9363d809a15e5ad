"""Demo data for the joint review roll, random spot checks, objections and appeals (issue 14):
the 2024 round lists the seven departments of the Hunjiang article with uneven progress (some
at 0 %), has a spot-check draw redone once with its reason, and the published 2023 round has
objections from its publicity and a village's appeal — all through the services."""

from __future__ import annotations

import random

from assessments import services
from assessments.models import STANDARD_REVIEW_DEPARTMENTS, Finding, Objection, Round
from organizations.models import Department, Organization, RatingTarget, User

INTERVIEWEES = [
    "王秀兰", "李建国", "张桂芝", "刘德福", "陈玉梅", "杨树林",
    "赵春华", "黄志刚", "周淑琴", "吴永利", "徐海燕", "孙宝山",
]  # fmt: skip


def build_fairness(county: Organization, users: dict[str, User], *, seed: int) -> None:
    admin = users["county_admin"]
    reviewer = users["reviewer"]
    rng = random.Random(seed + 14)
    r24 = Round.objects.get(county=county, year=2024, target=RatingTarget.VILLAGE)
    r23 = Round.objects.get(county=county, year=2023, target=RatingTarget.VILLAGE)

    # --- 联查联审: seven departments, some done, some part-way, some not started -----------
    services.review_departments_set(
        actor=admin, round_=r24, departments=list(STANDARD_REVIEW_DEPARTMENTS)
    )
    assessments = list(r24.assessments.select_related("round", "organization").order_by("pk"))
    found = {
        (f.assessment_id, f.department)
        for f in Finding.objects.filter(assessment__round=r24).exclude(status="withdrawn")
    }
    shares = {
        Department.ORGANIZATION: 1.0,
        Department.DISCIPLINE: 0.9,
        Department.POLITICAL_LEGAL: 0.6,
        Department.PETITIONS: 0.35,
        # 统战, 应急管理, 农业农村: nothing yet (0 % on the pages)
    }
    for department, share in shares.items():
        for a in assessments[: int(len(assessments) * share)]:
            if (a.pk, department) in found:
                continue
            actor = reviewer if department == reviewer.department else admin
            services.clearance_record(
                actor=actor,
                assessment=a,
                department=None if actor is reviewer else department,
            )
    # One conclusion entered by mistake and withdrawn, with its reason.
    slip = r24.assessments.get(pk=assessments[-1].pk).clearances.filter(
        department=Department.ORGANIZATION
    )
    if slip.exists():
        services.clearance_withdraw(
            actor=admin, clearance=slip.get(), reason="误登记：该村材料尚未报送，待组织科复核"
        )

    # --- 三随机: a draw, redone once with its reason; checkers and outcomes ----------------
    services.spot_draw(
        actor=admin,
        round_=r24,
        size_kind="share",
        size_value="0.1",
        seed=20241101,
        interviewee_pool=INTERVIEWEES,
        interviewee_count=4,
    )
    draw = services.spot_draw(
        actor=admin,
        round_=r24,
        size_kind="share",
        size_value="0.1",
        seed=20241108,
        interviewee_pool=INTERVIEWEES,
        interviewee_count=4,
        reason="首次抽中的村中有两个正在进行换届选举，经部务会研究同意重新抽取。",
    )
    checks = list(draw.checks.select_related("draw__round").order_by("position"))
    for i, check in enumerate(checks):
        checker = users["evaluator"] if i % 2 == 0 else reviewer
        services.spot_check_assign(actor=admin, check=check, checker=checker)
    if checks:
        services.spot_check_record(
            actor=users["evaluator"],
            check=checks[0],
            outcome="confirmed",
            note="查阅三会一课记录和村务公开栏，入户走访4户，与评分一致。",
        )
    if len(checks) > 2:
        services.spot_check_record(
            actor=users["evaluator"],
            check=checks[2],
            outcome="differences",
            item_code="ZL02",
            points=f"{rng.choice([1, 1.5, 2])}",
            note="第三季度村务公开未按时上墙，与考评组评分不一致。",
        )

    # --- 公示异议 of 2023 (handled) and a village's 复核 of the published result ----------
    a23 = list(r23.assessments.select_related("organization").order_by("pk"))
    township_user = users["township_1"]
    # 2023's publicity is over: its objections are recorded as they were handled then.
    for a, issue, status, reply in (
        (
            a23[4],
            "该村集体经济收入含一次性征地补偿款，应剔除后计分。",
            Objection.Status.UPHELD,
            "经核实属实，考评组已按剔除后的收入重新评分，公示结果已更正。",
        ),
        (
            a23[12],
            "该村党务公开栏长期未更新。",
            Objection.Status.REJECTED,
            "经实地核查，该村按季度更新党务公开内容，有照片和台账为证，异议不成立。",
        ),
    ):
        Objection.objects.create(
            round=r23,
            assessment=a,
            kind=Objection.Kind.OBJECTION,
            issue=issue,
            lodged_by=township_user,
            status=status,
            reply=reply,
            handled_by=admin,
            handled_at=r23.published_at,
        )
    secretary = users["village_secretary"]
    own = r23.assessments.filter(organization_id=secretary.organization_id).first()
    if own is not None:
        services.objection_lodge(
            actor=secretary,
            round_=r23,
            assessment=own,
            kind=Objection.Kind.APPEAL,
            issue="本村2023年获评市级文明村，产业星有关项目评分偏低，申请复核。",
        )
