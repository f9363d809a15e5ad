"""The fixed cast every test can use (STYLE.md): a county with two townships, one account per
role, the real 2024 catalogue and an opened 2024 round; and a second county (issue 9: many
counties in one system) with its own township, village and accounts, so every protection is
tested against the other county too."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django.core.cache import cache

from assessments import services
from assessments.models import Assessment, EvaluationGroup, Round, Stage
from indicators.models import Item
from indicators.services import catalogue_load_file
from organizations.models import AuditLog, Department, Organization, Role
from tests.factories import OrganizationFactory, UserFactory

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE_FILE = ROOT / "fixtures" / "catalogue_2024.json"

# Fixtures of the API, page and Excel tests, wherever those tests live in the tree.
pytest_plugins = [
    "tests.support.api",
    "tests.support.web",
    "tests.support.excel",
    "tests.support.published",
    "tests.support.townships",
]


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttle counters live in the cache: each test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def county(db, request):
    """The county of the cast. The second county (its township, village, county admin and
    auditor) is always there beside it, so that a leak across counties shows anywhere."""
    request.getfixturevalue("county_admin2")
    request.getfixturevalue("auditor2")
    request.getfixturevalue("secretary2")
    return OrganizationFactory(code="220602000000", name="浑江区", kind=Organization.Kind.COUNTY)


@pytest.fixture
def township_a(county):
    return OrganizationFactory(
        code="220602100000", name="七道江镇", kind=Organization.Kind.TOWNSHIP, parent=county
    )


@pytest.fixture
def township_b(county):
    return OrganizationFactory(
        code="220602101000", name="六道江镇", kind=Organization.Kind.TOWNSHIP, parent=county
    )


@pytest.fixture
def village_a1(township_a):
    return OrganizationFactory(code="220602100201", name="七道江村", parent=township_a)


@pytest.fixture
def village_a2(township_a):
    return OrganizationFactory(code="220602100202", name="新兴村", parent=township_a)


@pytest.fixture
def village_b1(township_b):
    return OrganizationFactory(code="220602101201", name="六道江村", parent=township_b)


@pytest.fixture
def villages(village_a1, village_a2, village_b1):
    return [village_a1, village_a2, village_b1]


@pytest.fixture
def county_admin(county):
    return UserFactory(
        username="admin", full_name="组织部管理员", role=Role.COUNTY_ADMIN, organization=county
    )


@pytest.fixture
def assessor_a(township_a):
    return UserFactory(username="assessor_a", role=Role.TOWNSHIP_ASSESSOR, organization=township_a)


@pytest.fixture
def assessor_b(township_b):
    return UserFactory(username="assessor_b", role=Role.TOWNSHIP_ASSESSOR, organization=township_b)


@pytest.fixture
def secretary_a1(village_a1):
    return UserFactory(
        username="secretary_a1", role=Role.VILLAGE_SECRETARY, organization=village_a1
    )


@pytest.fixture
def reviewer(county):
    return UserFactory(
        username="reviewer",
        role=Role.DEPARTMENT_REVIEWER,
        organization=county,
        department=Department.DISCIPLINE,
    )


@pytest.fixture
def auditor(county):
    return UserFactory(username="auditor", role=Role.AUDITOR, organization=county)


@pytest.fixture
def maintainer(county):
    return UserFactory(username="maintainer", role=Role.INDICATOR_MAINTAINER, organization=county)


@pytest.fixture
def evaluator(county):
    return UserFactory(username="evaluator", role=Role.EVALUATOR, organization=county)


@pytest.fixture
def system_admin(county):
    """三员: accounts, roles, catalogues of the county."""
    return UserFactory(
        username="sysadmin", role=Role.SYSTEM_ADMIN, organization=county, is_staff=True
    )


@pytest.fixture
def security_admin(county):
    """三员: policies, unlocks, sessions of the county."""
    return UserFactory(
        username="secadmin", role=Role.SECURITY_ADMIN, organization=county, is_staff=True
    )


@pytest.fixture
def audit_admin(county):
    """三员: reads the audit log, nothing else."""
    return UserFactory(
        username="auditadmin", role=Role.AUDIT_ADMIN, organization=county, is_staff=True
    )


# --- the second county -------------------------------------------------------------------


@pytest.fixture
def county2(db):
    return OrganizationFactory(code="220621000000", name="抚松县", kind=Organization.Kind.COUNTY)


@pytest.fixture
def township2(county2):
    return OrganizationFactory(
        code="220621100000", name="抚松镇", kind=Organization.Kind.TOWNSHIP, parent=county2
    )


@pytest.fixture
def village2(township2):
    return OrganizationFactory(code="220621100201", name="东岗村", parent=township2)


@pytest.fixture
def county_admin2(county2):
    return UserFactory(
        username="admin2", full_name="抚松组织部", role=Role.COUNTY_ADMIN, organization=county2
    )


@pytest.fixture
def auditor2(county2):
    return UserFactory(username="auditor2", role=Role.AUDITOR, organization=county2)


@pytest.fixture
def assessor2(township2):
    return UserFactory(username="assessor2", role=Role.TOWNSHIP_ASSESSOR, organization=township2)


@pytest.fixture
def secretary2(village2):
    return UserFactory(username="secretary2", role=Role.VILLAGE_SECRETARY, organization=village2)


@pytest.fixture
def system_admin2(county2):
    return UserFactory(
        username="sysadmin2", role=Role.SYSTEM_ADMIN, organization=county2, is_staff=True
    )


@pytest.fixture
def security_admin2(county2):
    return UserFactory(
        username="secadmin2", role=Role.SECURITY_ADMIN, organization=county2, is_staff=True
    )


@pytest.fixture
def round2(county2, catalogue, village2, county_admin2):
    """An opened 2024 round of the second county."""
    round_ = services.round_create(
        actor=county_admin2, county=county2, year=2024, catalogue=catalogue
    )
    services.round_open(actor=county_admin2, round_=round_)
    round_.refresh_from_db()
    return round_


@pytest.fixture
def catalogue(db):
    return catalogue_load_file(CATALOGUE_FILE)


@pytest.fixture
def round_2024(county, catalogue, villages, county_admin, evaluator, village_a1, round2):
    """An opened 2024 round in self-assessment, with an evaluation group owning village A1
    (and the second county's own 2024 round beside it)."""
    round_ = services.round_create(
        actor=county_admin, county=county, year=2024, catalogue=catalogue
    )
    services.round_open(actor=county_admin, round_=round_)
    group = EvaluationGroup.objects.create(round=round_, name="第一考评组")
    group.members.add(evaluator)
    group.villages.add(village_a1)
    round_.refresh_from_db()
    return round_


def move_to(round_: Round, status: str) -> Round:
    """Put a round in a status directly (tests of later stages start there)."""
    Round.objects.filter(pk=round_.pk).update(status=status)
    round_.refresh_from_db()
    return round_


def full_sheet(catalogue, share: Decimal = Decimal("0.9")) -> dict[str, str]:
    """Points for every scored item at ``share`` of its maximum (deductions left at 0)."""
    return {
        item.code: str((item.max_points * share).quantize(Decimal("0.01")))
        for item in Item.objects.filter(catalogue=catalogue, kind=Item.Kind.SCORED)
    }


def assessment_of(round_: Round, village: Organization) -> Assessment:
    return Assessment.objects.select_related("round", "organization").get(
        round=round_, organization=village
    )


def submit_county(actor, round_: Round, village: Organization, catalogue, share="0.9") -> None:
    """Submit a complete county sheet at ``share`` of every scored item's maximum."""
    services.scores_save(
        actor=actor,
        assessment=assessment_of(round_, village),
        stage="county",
        scores=full_sheet(catalogue, Decimal(share)),
        submit=True,
    )


def audit_rows(obj, action: str):
    return AuditLog.objects.filter(
        object_type=obj._meta.label, object_id=str(obj.pk), action=action
    ).order_by("pk")


STAGES = [s.value for s in Stage]
