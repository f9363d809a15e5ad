"""Realistic, reproducible synthetic data at province scale (for benchmarks and load tests).

A county with townships and villages (12-digit codes), the real 2024 catalogue, and a round
in county review with all three stages' sheets submitted: scores mostly 65–92 with one weak
category per village, a few confirmed vetoes and star deductions, and some satisfaction
surveys; results computed. Same seed, same data.

Bulk writes bypass the per-sheet services on purpose (10,000 villages in under a minute):
nothing here is user input, and the results still come from ``results_refresh``.
"""

from __future__ import annotations

import dataclasses
import io
import random
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from assessments.models import Assessment, Finding, Round, SatisfactionSurvey, Score, Sheet, Stage
from assessments.services import results_refresh
from indicators.models import Catalogue, Item
from indicators.services import catalogue_load_file
from organizations.initials import name_initials
from organizations.models import Department, Organization, Role, User

CATALOGUE_FILE = Path(settings.BASE_DIR) / "fixtures" / "catalogue_2024.json"
VILLAGES_PER_TOWNSHIP = 17  # a province: ~600 townships, ~10,000 villages
BATCH = 5000
SYLLABLES = (
    "东西南北安宁兴旺和平丰收建新长青龙泉柳河松江白山"
    "红星光明团结前进胜利幸福永安太平青山绿水金沙银河"
)


@dataclasses.dataclass
class Generated:
    county: Organization
    round: Round
    admin: User
    townships: int
    villages: int
    scores: int


def _name(rng: random.Random, suffix: str) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(2)) + suffix


def county_code(seed: int) -> str:
    return f"2299{seed % 100:02d}000000"


def generate(
    *,
    villages: int,
    seed: int = 1,
    year: int = 2024,
    code: str | None = None,
    parent: Organization | None = None,
    name: str | None = None,
    statistics: bool = True,
) -> Generated:
    """Create the county, its tree, the round and all its sheets; returns what was made.
    The data depends on ``seed`` only; ``code`` (the county's, default from the seed),
    ``parent`` (its city) and ``name`` just place it in the tree. ``statistics``: refresh the
    planner's statistics at the end (a province does it once, after its last county)."""
    rng = random.Random(seed)
    code = code or county_code(seed)
    if Organization.objects.filter(code=code).exists():
        raise ValueError(f"区县代码 {code} 已存在（种子 {seed} 已生成过），请换一个 --seed")
    catalogue = Catalogue.objects.filter(name__startswith="2024版").first() or catalogue_load_file(
        CATALOGUE_FILE
    )
    items = list(
        Item.objects.filter(catalogue=catalogue).select_related("category").order_by("position")
    )
    points_items = [i for i in items if i.is_points_item]
    special = {
        k: [i for i in items if i.kind == k] for k in (Item.Kind.VETO, Item.Kind.STAR_DEDUCTION)
    }
    categories = sorted({i.category.code for i in points_items})
    now = timezone.now()

    with transaction.atomic():
        county = Organization.objects.create(
            code=code,
            name=name or f"合成{seed}区",
            kind=Organization.Kind.COUNTY,
            parent=parent,
            secretary_name="合成",
        )
        n_townships = max(1, -(-villages // VILLAGES_PER_TOWNSHIP))
        townships = [
            Organization(
                code=f"{code[:6]}{100 + t:03d}000",
                name=_name(rng, rng.choice(["镇", "镇", "乡", "街道"])),
                kind=Organization.Kind.TOWNSHIP,
                parent=county,
                party_body=Organization.PartyBody.COMMITTEE,
                secretary_name=_name(rng, ""),
            )
            for t in range(n_townships)
        ]
        for org in townships:
            org.name_initials = name_initials(org.name)
        Organization.objects.bulk_create(townships, batch_size=BATCH)
        village_rows = []
        for v in range(villages):
            township = townships[v % n_townships]
            number = 201 + v // n_townships
            village_rows.append(
                Organization(
                    code=f"{township.code[:9]}{number:03d}",
                    name=_name(rng, rng.choice(["村", "村", "村", "社区"])),
                    kind=Organization.Kind.VILLAGE,
                    parent=township,
                    party_body=Organization.PartyBody.BRANCH,
                    secretary_name=_name(rng, ""),
                    member_count=rng.randint(15, 90),
                )
            )
        for org in village_rows:
            org.name_initials = name_initials(org.name)
        Organization.objects.bulk_create(village_rows, batch_size=BATCH)
        admin = User.objects.create(
            username=f"synthetic{code[:6]}",
            full_name=f"合成{seed}区管理员",
            role=Role.COUNTY_ADMIN,
            organization=county,
        )
        admin.set_unusable_password()
        admin.save(update_fields=["password"])
        round_ = Round.objects.create(
            county=county,
            year=year,
            name=f"{county.name}{year}年度村党组织星级评定",
            catalogue=catalogue,
            status=Round.Status.COUNTY_REVIEW,
            opened_at=now,
        )
        Assessment.objects.bulk_create(
            [Assessment(round=round_, organization=v, code=v.code) for v in village_rows],
            batch_size=BATCH,
        )
        assessments = list(round_.assessments.values_list("pk", flat=True))
        sheets = [
            Sheet(
                assessment_id=a,
                stage=stage,
                status=Sheet.Status.SUBMITTED,
                version=1,
                submitted_at=now,
                submitted_by=admin,
                updated_by=admin,
            )
            for a in assessments
            for stage in Stage.values
        ]
        Sheet.objects.bulk_create(sheets, batch_size=BATCH)
        sheet_ids = {
            (a, s): pk
            for pk, a, s in Sheet.objects.filter(assessment__round=round_).values_list(
                "pk", "assessment_id", "stage"
            )
        }
        # Points move in quarter steps of an item's maximum: five values per item, made once.
        steps = {
            i.pk: [(i.max_points * Decimal(q) / 4).quantize(Decimal("0.01")) for q in range(5)]
            for i in points_items
        }
        plan = [(i.pk, i.kind == Item.Kind.DEDUCTION, i.category.code) for i in points_items]
        rows = []
        uniform, chance = rng.uniform, rng.random
        for a in assessments:
            quality = min(0.98, max(0.6, rng.gauss(0.87, 0.06)))
            weak = rng.choice(categories)
            for stage, shift in ((Stage.SELF, 0.05), (Stage.TOWNSHIP, 0.01), (Stage.COUNTY, 0.0)):
                sheet = sheet_ids[(a, stage)]
                for item_id, deduction, category in plan:
                    if deduction:
                        step = 0 if chance() > 0.06 else 1
                    else:
                        base = quality - (0.3 if category == weak else 0.0) + shift
                        step = round(min(1.0, max(0.0, base + uniform(-0.1, 0.1))) * 4)
                    rows.append((sheet, item_id, steps[item_id][step]))
        _insert_scores(rows, now)

        findings = []
        for a in rng.sample(assessments, k=max(1, len(assessments) // 200)):
            findings.append((a, rng.choice(special[Item.Kind.VETO])))
        for a in rng.sample(assessments, k=max(1, len(assessments) // 100)):
            findings.append((a, rng.choice(special[Item.Kind.STAR_DEDUCTION])))
        Finding.objects.bulk_create(
            [
                Finding(
                    assessment_id=a,
                    item=item,
                    department=Department.DISCIPLINE,
                    evidence="合成数据：联审发现的问题。",
                    status=Finding.Status.CONFIRMED,
                    recorded_by=admin,
                    confirmed_by=admin,
                    confirmed_at=now,
                )
                for a, item in findings
            ],
            batch_size=BATCH,
        )
        surveys = []
        for a in rng.sample(assessments, k=max(1, len(assessments) // 20)):
            respondents = rng.randint(30, 60)
            satisfied = round(respondents * rng.uniform(0.5, 1.0))
            surveys.append(
                SatisfactionSurvey(
                    assessment_id=a,
                    respondents=respondents,
                    satisfied=satisfied,
                    recorded_by=admin,
                )
            )
        SatisfactionSurvey.objects.bulk_create(surveys, batch_size=BATCH)
        _store_results(round_)
    if statistics:
        analyze()
    return Generated(county, round_, admin, n_townships, villages, len(rows))


@dataclasses.dataclass
class ProvinceGenerated:
    province: Organization
    cities: list[Organization]
    counties: list[Generated]
    viewer: User  # the province's organization department (read-only roll-ups)

    @property
    def villages(self) -> int:
        return sum(c.villages for c in self.counties)

    @property
    def scores(self) -> int:
        return sum(c.scores for c in self.counties)


def province_code(seed: int) -> str:
    """A province code no real province uses (9x), so a synthetic tree never meets the demo's."""
    return f"9{seed % 10}0000000000"


def generate_province(
    *, villages: int, cities: int = 3, counties_per_city: int = 3, seed: int = 1, year: int = 2024
) -> ProvinceGenerated:
    """A province of ``cities`` cities of ``counties_per_city`` counties each, ``villages``
    villages in all (shared evenly; each county as ``generate`` makes one, with its round),
    a region viewer for the province and one for each city. Same seed, same data."""
    if not 1 <= cities <= 99 or not 1 <= counties_per_city <= 99:
        raise ValueError("市的数量和每市区县数量须在1到99之间")
    n_counties = cities * counties_per_city
    if villages < n_counties:
        raise ValueError(f"村的数量（{villages}）少于区县数量（{n_counties}）")
    code = province_code(seed)
    if Organization.objects.filter(code=code).exists():
        raise ValueError(f"省代码 {code} 已存在（种子 {seed} 已生成过），请换一个 --seed")
    rng = random.Random(seed)
    province = Organization.objects.create(
        code=code, name=f"合成{seed}省", kind=Organization.Kind.PROVINCE, secretary_name="合成"
    )
    made_cities, counties = [], []
    share, extra = divmod(villages, n_counties)
    for c in range(cities):
        city = Organization.objects.create(
            code=f"{code[:2]}{c + 1:02d}00000000",
            name=_name(rng, rng.choice(["市", "市", "州"])),
            kind=Organization.Kind.CITY,
            parent=province,
            secretary_name="合成",
        )
        made_cities.append(city)
        _viewer(city)
        for k in range(counties_per_city):
            index = c * counties_per_city + k
            counties.append(
                generate(
                    villages=share + (1 if index < extra else 0),
                    seed=seed * 1000 + index,
                    year=year,
                    code=f"{city.code[:4]}{k + 1:02d}000000",
                    parent=city,
                    name=_name(rng, rng.choice(["区", "县", "县"])),
                    statistics=False,
                )
            )
    analyze()
    return ProvinceGenerated(province, made_cities, counties, _viewer(province))


def _viewer(region: Organization) -> User:
    user = User.objects.create(
        username=f"synthetic{region.code[:4]}",
        full_name=f"{region.name}组织部",
        role=Role.REGION_VIEWER,
        organization=region,
    )
    user.set_unusable_password()
    user.save(update_fields=["password"])
    return user


def _insert_scores(rows: list[tuple[int, int, Decimal]], now) -> None:
    """The score rows (1.95M for 10,000 villages) with the driver's fastest bulk insert."""
    table = Score._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY: several times faster than multi-row INSERTs at this size.
            stamp = now.isoformat()
            for start in range(0, len(rows), 200_000):
                buffer = io.StringIO(
                    "".join(
                        f"{s}\t{i}\t{p}\t\t{stamp}\n" for s, i, p in rows[start : start + 200_000]
                    )
                )
                cursor.cursor.copy_expert(
                    f"COPY {table} (sheet_id, item_id, points, note, updated_at) FROM STDIN",
                    buffer,
                )
        else:
            stamp = connection.ops.adapt_datetimefield_value(now)
            for start in range(0, len(rows), 100_000):
                cursor.executemany(
                    f"INSERT INTO {table} (sheet_id, item_id, points, note, updated_at) "
                    "VALUES (%s, %s, %s, '', %s)",
                    [(s, i, str(p), stamp) for s, i, p in rows[start : start + 100_000]],
                )


def _store_results(round_: Round) -> None:
    """The results, computed and written by the same service as every save (one set-based
    write; the audit trail records them as computed by the system)."""
    results_refresh(round_=round_)


def analyze() -> None:
    """Fresh planner statistics after a bulk load (PostgreSQL and SQLite both have ANALYZE)."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
