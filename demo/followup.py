"""The demo county's year-round follow-up, in the Hunjiang shape (seed 000): 73 supervision
visits that found 18 weaknesses, every one on the ledger with deadline, measures, standard and
responsible person, in every status; each village paired with a contact leader and a
department; a few evidence files. Everything through the services, as a person would."""

from __future__ import annotations

import io
import random
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from assessments.models import Assessment
from indicators.models import Item
from ledgers import services
from organizations.models import Organization, User

LEADERS = [
    ("王志刚", "区委副书记"),
    ("李红梅", "区委常委、组织部部长"),
    ("张建国", "区委常委、宣传部部长"),
    ("刘海涛", "副区长"),
    ("陈晓东", "区人大常委会副主任"),
    ("杨丽华", "区政协副主席"),
]
DEPARTMENTS = [
    "区财政局",
    "区农业农村局",
    "区民政局",
    "区住建局",
    "区交通运输局",
    "区卫健局",
    "区教育局",
    "区人社局",
    "区自然资源局",
    "区市场监管局",
    "区文旅局",
]
VISITORS = [
    "区委组织部 李红梅",
    "区委组织部组织科 赵磊",
    "第一考评组",
    "第二考评组",
    "第三考评组",
    "区财政局包保组",
    "区农业农村局包保组",
]
METHODS = ["home_visit", "forum", "on_site"]
# The seed's five fields of weakness: political function, the team, staffing, results, role.
WEAKNESSES = [
    (
        "三会一课记录不完整，主题党日活动内容单一",
        "规范会议记录，每月制定主题党日计划",
        "记录完整、内容符合要求",
    ),
    ("党员活动室设施陈旧，制度上墙不规范", "更新桌椅和宣传栏，统一制度版面", "阵地达到“七有”标准"),
    ("村“两委”班子成员平均年龄偏大", "选拔35岁以下后备干部2名", "后备干部储备到位"),
    ("连续两年未发展党员", "确定入党积极分子并落实培养联系人", "当年确定发展对象1名以上"),
    ("流动党员底数不清、联系不畅", "建立流动党员台账，按月联系", "台账准确、每月有联系记录"),
    ("村集体经济收入不足10万元", "盘活闲置资产，发展林下经济项目", "年收入达到10万元以上"),
    ("村务公开不及时，季度公开缺项", "按季度公开党务村务财务", "四个季度公开齐全"),
    ("便民服务站代办事项少、无人值守", "明确专人值守，公开代办清单", "工作日有人值守"),
    ("矛盾纠纷排查台账不全", "每月开展排查，建立调处台账", "台账完整、调处及时"),
    ("人居环境整治存在死角", "清理房前屋后垃圾，建立保洁制度", "保洁覆盖率100%"),
    ("村规民约未及时修订", "召开村民代表会议修订村规民约", "修订并公示"),
    ("书记项目推进缓慢", "细化项目节点，包保部门跟踪指导", "按节点完成"),
    ("党员积分管理未落实", "建立积分档案，每季度公示", "积分公示四次"),
    ("网格员履职不到位", "调整网格员，开展业务培训", "网格事项及时上报"),
    ("“四议两公开”程序执行不严", "重大事项严格履行程序并留存资料", "资料齐全可查"),
    ("监委会作用发挥不明显", "制定监委会监督清单，列席两委会议", "监督记录完整"),
    (
        "组织生活会批评与自我批评不深入",
        "会前深入谈心谈话，严格会议程序",
        "会议质量经镇党委审核合格",
    ),
    ("困难群众走访慰问不到位", "建立走访台账，两委成员分片包户", "困难户每月走访一次"),
]


def _png() -> SimpleUploadedFile:
    image = Image.new("RGB", (64, 48), (200, 60, 50))
    out = io.BytesIO()
    image.save(out, "PNG")
    return SimpleUploadedFile("整改现场照片.png", out.getvalue())


def _pdf(name: str) -> SimpleUploadedFile:
    body = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    return SimpleUploadedFile(name, body)


def build_followup(
    county: Organization,
    townships: list[Organization],
    users: dict[str, User],
    *,
    seed: int,
    year: int,
) -> None:
    rng = random.Random(seed + 13)
    admin = users["county_admin"]
    assessor_of = {t.pk: users[f"township_{i}"] for i, t in enumerate(townships, start=1)}
    villages = list(
        Organization.objects.filter(parent__parent=county).select_related("parent").order_by("code")
    )
    today = timezone.localdate()

    # 包保: every village, this year and the round's year.
    for y in sorted({year, today.year}):
        rows = [
            services.PairingRow(
                code=v.code,
                leader_name=LEADERS[i % len(LEADERS)][0],
                leader_title=LEADERS[i % len(LEADERS)][1],
                department=DEPARTMENTS[i % len(DEPARTMENTS)],
                leader_username="county_admin" if i == 0 else "",
                row=i + 2,
            )
            for i, v in enumerate(villages)
        ]
        services.pairings_import(actor=admin, year=y, rows=rows)

    # 督导: 73 visits over the last five months; 18 weaknesses found on 18 of them.
    found_on = set(rng.sample(range(73), 18))
    problems = []
    for n in range(73):
        visited = rng.sample(villages, rng.choice([1, 1, 2]))
        day = today - timedelta(days=150 - 2 * n)
        weak = []
        if n in found_on:
            text = WEAKNESSES[len(problems)][0]
            weak = [(visited[0], text)]
        visit = services.visit_create(
            actor=admin,
            visited_on=day,
            visitors=VISITORS[n % len(VISITORS)],
            organizations=visited,
            method=METHODS[n % 3],
            summary="查阅台账资料，与村“两委”成员和党员群众座谈，实地查看活动阵地。",
            problems=weak,
        )
        if weak:
            problems.append((visit.problems.get(), len(problems)))

    # Every weakness on the ledger, recorded by its township; the county closes (second person).
    statuses = (
        ["closed"] * 5 + ["in_progress"] * 4 + ["open"] * 3 + ["overdue"] * 4 + ["reopened"] * 2
    )
    entries = []
    for (problem, k), status in zip(problems, statuses, strict=True):
        village = problem.organization
        recorder = assessor_of[village.parent_id]
        _text, measures, standard = WEAKNESSES[k]
        if status == "overdue":
            deadline = today - timedelta(days=rng.randint(3, 30))
        elif status == "closed":
            deadline = today - timedelta(days=rng.randint(0, 40))
        else:
            deadline = today + timedelta(days=rng.choice([5, 20, 45, 90]))
        entry = services.visit_problem_to_ledger(
            actor=recorder,
            problem=problem,
            measures=measures,
            standard=standard,
            deadline=deadline,
            responsible_person=f"{village.secretary_name or village.name}书记",
        )
        if status in ("in_progress", "overdue", "closed", "reopened"):
            services.rectification_note_add(
                actor=recorder,
                entry=entry,
                text="已召开专题会议研究整改，明确分工和时间节点。",
                on=today - timedelta(days=rng.randint(5, 25)),
            )
        if status in ("closed", "reopened"):
            services.rectification_close(
                actor=admin,
                entry=entry,
                closure_evidence="区委组织部现场核查，整改措施落实到位，资料齐全，同意销号。",
            )
        if status == "reopened":
            services.rectification_reopen(
                actor=admin,
                entry=entry,
                reason="“回头看”发现问题反弹，重新整改。",
            )
        entries.append((entry, status))
    # Evidence: a photo on a closed entry, a plan on an open one, minutes on a visit.
    closed = next(e for e, s in entries if s == "closed")
    services.evidence_upload(actor=admin, upload=_png(), rectification=closed)
    open_entry = next(e for e, s in entries if s == "open")
    services.evidence_upload(
        actor=assessor_of[open_entry.organization.parent_id],
        upload=_pdf("整改方案.pdf"),
        rectification=open_entry,
    )
    visit_problem = entries[0][0].visit_problem
    services.evidence_upload(
        actor=admin,
        upload=_pdf("督导座谈记录.pdf"),
        visit=visit_problem.visit,
        organization=visit_problem.organization,
    )
    secretary = users["village_secretary"]
    a = (
        Assessment.objects.filter(organization=secretary.organization, round__year=year)
        .select_related("round", "organization")
        .first()
    )
    if a is not None:
        services.evidence_upload(
            actor=secretary, upload=_pdf("三会一课记录.pdf"), assessment=a, item=_item(a, "SJ01")
        )
    services.reminders_build()


def _item(assessment: Assessment, code: str) -> Item:
    return Item.objects.get(catalogue_id=assessment.round.catalogue_id, code=code)
