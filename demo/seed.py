"""The demo county (``seed_demo``): a county shaped like the Hunjiang example (DOMAIN.md §1) with
a published 2023 round, a 2024 round in the evaluation-group stage and a published 2024
township round (镇街), every record written
through the same services a user's action goes through (so the audit log is real too)."""

from __future__ import annotations

import json
import random
import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from assessments import services
from assessments.models import Assessment, HistoryImport, ReviewDepartment, Round, Stage
from indicators.models import Catalogue, Item
from indicators.services import catalogue_copy, catalogue_load_file
from ledgers.models import SupervisionVisit
from organizations.initials import name_initials
from organizations.models import Department, Organization, RatingTarget, Role, User
from orghealth.models import HealthSettings
from secretaries.models import ProjectOption, ReviewSession
from stars.models import PointsTable

from .fairness import build_fairness
from .followup import build_followup
from .groups import seed_groups
from .health import build_health
from .history import build_history
from .reviews import build_reviews
from .secretaries import build_secretary_projects
from .stars import build_star_links, build_stars
from .townships import build_township_round

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
HALF = Decimal("0.5")
PARTY_BODY = {
    "党委": Organization.PartyBody.COMMITTEE,
    "党总支": Organization.PartyBody.GENERAL_BRANCH,
    "党支部": Organization.PartyBody.BRANCH,
}


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    role: str
    scope: str


def load_tree(data: dict) -> Organization:
    """Create or update the province → city → county → township → village tree from its JSON
    form (the county and below; the province and city are Jilin and Baishan)."""

    def upsert(node: dict, parent: Organization | None) -> Organization:
        org, _ = Organization.objects.update_or_create(
            code=node["code"],
            defaults={
                "name": node["name"],
                "name_initials": name_initials(node["name"]),
                "kind": node["kind"],
                "parent": parent,
                "party_body": PARTY_BODY[node["party_body_type"]],
                "secretary_name": node.get("secretary_name", ""),
                "member_count": node.get("member_count", 0),
                "is_active": True,
            },
        )
        return org

    # Jilin province and Baishan city above the county: one installation for many counties.
    province, _ = Organization.objects.update_or_create(
        code="220000000000",
        defaults={"name": "吉林省", "name_initials": "jls", "kind": Organization.Kind.PROVINCE},
    )
    city, _ = Organization.objects.update_or_create(
        code="220600000000",
        defaults={
            "name": "白山市",
            "name_initials": "bss",
            "kind": Organization.Kind.CITY,
            "parent": province,
        },
    )
    county = upsert(data["county"], city)
    for township in data["townships"]:
        t = upsert(township, county)
        for village in township["villages"]:
            upsert(village, t)
    return county


def _account(
    username: str, role: str, org: Organization, *, full_name: str, staff: bool = False, **extra
) -> tuple[User, str]:
    password = secrets.token_urlsafe(9)
    user, _ = User.objects.update_or_create(
        username=username,
        defaults={
            "role": role,
            "organization": org,
            "full_name": full_name,
            "is_staff": staff,
            "is_superuser": False,
            **extra,
        },
    )
    user.set_password(password)
    user.password_changed_at = timezone.now()
    user.save()
    return user, password


class Scorer:
    """Plausible points: each village has a quality and weaker categories; villages rate
    themselves a little higher than the township, the township a little higher than the county."""

    STAGE_BIAS = {Stage.SELF: 0.06, Stage.TOWNSHIP: 0.02, Stage.COUNTY: 0.0}

    def __init__(self, seed: int, catalogue: Catalogue) -> None:
        self.rng = random.Random(seed)
        self.items = list(
            Item.objects.filter(
                catalogue=catalogue, kind__in=[Item.Kind.SCORED, Item.Kind.DEDUCTION]
            ).select_related("category")
        )
        self.profiles: dict[str, tuple[float, dict[str, float]]] = {}

    def profile(self, code: str) -> tuple[float, dict[str, float]]:
        if code not in self.profiles:
            quality = self.rng.triangular(0.82, 0.99, 0.9)
            weak = self.rng.sample(["SJ", "DW", "CY", "MS", "ZL"], k=self.rng.choice([0, 1, 1, 2]))
            offsets = {c: -self.rng.uniform(0.06, 0.16) for c in weak}
            self.profiles[code] = (quality, offsets)
        return self.profiles[code]

    def sheet(self, village: Organization, stage: str, shift: float = 0.0) -> dict[str, str]:
        quality, offsets = self.profile(village.code)
        values = {}
        for item in self.items:
            if item.kind == Item.Kind.DEDUCTION:
                hit = self.rng.random() < 0.06
                points = min(item.max_points, Decimal(self.rng.choice([1, 2, 3]))) if hit else 0
                values[item.code] = str(points)
                continue
            share = quality + offsets.get(item.category.code, 0.0) + shift
            share += self.STAGE_BIAS[stage] + self.rng.uniform(-0.06, 0.04)
            share = min(1.0, max(0.3, share))
            points = (item.max_points * Decimal(str(share)) / HALF).quantize(Decimal("1")) * HALF
            values[item.code] = str(min(points, item.max_points))
        return values


def seed(*, seed: int = 2024) -> list[DemoAccount]:
    """Build the demo county (once) and (re)set the demo accounts' passwords."""
    data = json.loads((FIXTURES / "demo_county.json").read_text(encoding="utf-8"))
    with transaction.atomic():
        county = load_tree(data)
        townships = list(Organization.objects.filter(parent=county).order_by("code"))
        accounts = _accounts(county, townships)
        users = {a.username: u for a, u in accounts}
        if not Round.objects.filter(county=county).exists():
            _build_rounds(county, townships, users, seed)
        if not SupervisionVisit.objects.filter(county=county).exists():
            build_followup(county, townships, users, seed=seed, year=2024)
        if not ReviewDepartment.objects.filter(round__county=county).exists():
            build_fairness(county, users, seed=seed)
        if not HistoryImport.objects.filter(county=county).exists():
            build_history(county, townships, users, seed=seed)
        if not HealthSettings.objects.filter(county=county).exists():
            build_health(county, townships, users, seed=seed)
        if not ProjectOption.objects.filter(county=county).exists():
            build_secretary_projects(county, townships, users, seed=seed)
        if not ReviewSession.objects.filter(county=county).exists():
            build_reviews(county, townships, users, seed=seed)
        if not PointsTable.objects.filter(county=county).exists():
            build_stars(county, townships, users, seed=seed)
            build_star_links(county, townships, users, seed=seed)
        if not Round.objects.filter(county=county, target=RatingTarget.TOWNSHIP).exists():
            build_township_round(county, townships, users, seed=seed)
    return [a for a, _ in accounts]


def _accounts(county, townships) -> list[tuple[DemoAccount, User]]:
    first_village = Organization.objects.filter(parent=townships[2]).order_by("code").first()
    specs = [
        ("county_admin", Role.COUNTY_ADMIN, county, "组织部 李明", True, {}),
        # The second person who approves corrections after publishing (动态管理).
        ("county_admin_b", Role.COUNTY_ADMIN, county, "组织部 周婷（审核）", True, {}),
        ("evaluator", Role.EVALUATOR, county, "第一考评组 王强", False, {}),
        ("evaluator_2", Role.EVALUATOR, county, "第二考评组 刘洋", False, {}),
        ("evaluator_3", Role.EVALUATOR, county, "第三考评组 陈静", False, {}),
        ("evaluator_4", Role.EVALUATOR, county, "第四考评组 杨帆", False, {}),
        ("evaluator_5", Role.EVALUATOR, county, "第五考评组 黄磊", False, {}),
        (
            "reviewer",
            Role.DEPARTMENT_REVIEWER,
            county,
            "区纪委监委 赵敏",
            False,
            {"department": Department.DISCIPLINE},
        ),
        ("auditor", Role.AUDITOR, county, "审计 孙丽", True, {}),
        ("maintainer", Role.INDICATOR_MAINTAINER, county, "指标维护 周洋", True, {}),
        # 三员: accounts, security policy, audit log (docs/security-accounts.md)
        ("sysadmin", Role.SYSTEM_ADMIN, county, "系统管理员 吴刚", True, {}),
        ("secadmin", Role.SECURITY_ADMIN, county, "安全管理员 郑华", True, {}),
        ("auditadmin", Role.AUDIT_ADMIN, county, "安全审计员 冯静", True, {}),
        (
            "village_secretary",
            Role.VILLAGE_SECRETARY,
            first_village,
            f"{first_village.name}书记 {first_village.secretary_name}",
            False,
            {},
        ),
    ]
    specs.append(("city", Role.REGION_VIEWER, county.parent, "白山市委组织部 吴刚", False, {}))
    specs += [
        (f"township_{i}", Role.TOWNSHIP_ASSESSOR, t, f"{t.name}组织委员", False, {})
        for i, t in enumerate(townships, start=1)
    ]
    result = []
    for username, role, org, name, staff, extra in specs:
        user, password = _account(username, role, org, full_name=name, staff=staff, **extra)
        result.append((DemoAccount(username, password, Role(role).label, org.name), user))
    return result


def _build_rounds(county, townships, users, seed) -> None:
    admin = users["county_admin"]
    assessor_of = {t.pk: users[f"township_{i}"] for i, t in enumerate(townships, start=1)}
    catalogue_2024 = catalogue_load_file(FIXTURES / "catalogue_2024.json", actor=admin)
    catalogue_2023 = Catalogue.objects.filter(year=2023).first() or catalogue_copy(
        actor=admin, catalogue=catalogue_2024, name="2023版村党组织星级评定指标体系", year=2023
    )
    villages = list(
        Organization.objects.filter(parent__parent=county).select_related("parent").order_by("code")
    )
    scorer = Scorer(seed, catalogue_2024)
    rng = random.Random(seed + 1)

    # --- 2023: published -------------------------------------------------------------------
    r23 = services.round_create(
        actor=admin,
        county=county,
        year=2023,
        catalogue=catalogue_2023,
        self_assessment_enabled=False,
        publicity_start=date(2024, 1, 8),
        publicity_end=date(2024, 1, 12),
        supervision_phone="0439-3222000",
    )
    services.round_open(actor=admin, round_=r23)
    members = [users["evaluator"], *(users[f"evaluator_{i}"] for i in range(2, 6))]
    seed_groups(round_=r23, admin=admin, members=members)
    a23 = {a.organization_id: a for a in r23.assessments.select_related("round", "organization")}
    for v in villages:
        services.scores_save(
            actor=assessor_of[v.parent_id],
            assessment=a23[v.pk],
            stage=Stage.TOWNSHIP,
            scores=scorer.sheet(v, Stage.TOWNSHIP, -0.03),
            submit=True,
        )
    services.round_advance(actor=admin, round_=r23)
    for v in villages:
        services.scores_save(
            actor=admin,
            assessment=a23[v.pk],
            stage=Stage.COUNTY,
            scores=scorer.sheet(v, Stage.COUNTY, -0.03),
            submit=True,
        )
        n = rng.randint(12, 18)
        services.survey_save(
            actor=admin, assessment=a23[v.pk], respondents=n, satisfied=n - rng.choice([0, 0, 1])
        )
    services.round_advance(actor=admin, round_=r23)
    services.round_publish(actor=admin, round_=r23)

    # --- 2024: in the evaluation-group stage -------------------------------------------------
    now = timezone.now()
    r24 = services.round_create(
        actor=admin,
        county=county,
        year=2024,
        catalogue=catalogue_2024,
        supervision_phone="0439-3222000",
    )
    services.round_open(actor=admin, round_=r24)
    a24 = {a.organization_id: a for a in r24.assessments.select_related("round", "organization")}
    evaluator = users["evaluator"]
    seed_groups(round_=r24, admin=admin, members=members)
    secretary = users["village_secretary"]
    for k, v in enumerate(villages):
        actor = secretary if v.pk == secretary.organization_id else admin
        services.scores_save(
            actor=actor,
            assessment=a24[v.pk],
            stage=Stage.SELF,
            scores=scorer.sheet(v, Stage.SELF),
            submit=k % 11 != 5,
        )
    services.round_advance(actor=admin, round_=r24)
    for v in villages:
        services.scores_save(
            actor=assessor_of[v.parent_id],
            assessment=a24[v.pk],
            stage=Stage.TOWNSHIP,
            scores=scorer.sheet(v, Stage.TOWNSHIP),
            submit=True,
        )
    services.round_advance(actor=admin, round_=r24)
    group_one = set(villages[0::5])
    for k, v in enumerate(villages):
        if k % 11 == 7:
            continue  # not yet scored by its evaluation group
        actor = evaluator if v in group_one else admin
        services.scores_save(
            actor=actor,
            assessment=a24[v.pk],
            stage=Stage.COUNTY,
            scores=scorer.sheet(v, Stage.COUNTY),
            submit=k % 11 != 3,
        )
        n = rng.randint(12, 20)
        low = k == 17  # one village the people are not satisfied with (rule 8)
        services.survey_save(
            actor=admin,
            assessment=a24[v.pk],
            respondents=n,
            satisfied=(n // 2 if low else n - rng.choice([0, 0, 0, 1])),
        )

    reviewer = users["reviewer"]
    # The petitions bureau's written conclusion, entered by the organization department on its
    # behalf (a department reviewer records only as their own department).
    veto = services.finding_create(
        actor=admin,
        assessment=a24[villages[9].pk],
        item_code="FJ04",
        evidence="2024年8月该村发生越级集体上访，经区信访局认定属实。",
        department="petitions",
    )
    services.finding_confirm(actor=admin, finding=veto)
    deduction = services.finding_create(
        actor=reviewer,
        assessment=a24[villages[22].pk],
        item_code="JX01",
        evidence="该村在市委组织部2024年第3期通报中被点名批评（市组通〔2024〕15号）。",
    )
    services.finding_confirm(actor=admin, finding=deduction)
    services.finding_create(
        actor=reviewer,
        assessment=a24[villages[31].pk],
        item_code="JX02",
        evidence="软弱涣散村党组织整顿台账中“班子不团结”问题尚未销号，待组织部核实。",
    )
    exceptional = max(
        (a for a in r24.assessments.filter(level__isnull=False)),
        key=lambda a: a.composite,
        default=None,
    )
    if exceptional is not None:
        services.assessment_set_exceptional(
            actor=admin,
            assessment=Assessment.objects.select_related("round").get(pk=exceptional.pk),
            exceptional=True,
            reason="该村集体经济收入三年翻番，获评省级乡村振兴示范村，经区委组织部部务会研究同意破格。",
        )
    services.round_update(
        actor=admin,
        round_=r24,
        self_deadline=now - timedelta(days=40),
        township_deadline=now - timedelta(days=15),
        county_deadline=now + timedelta(days=14),
        publicity_start=(now + timedelta(days=16)).date(),
        publicity_end=(now + timedelta(days=20)).date(),
    )
