"""The fixed cast every test can use (STYLE.md): a county with two townships, one account per
role, the real 2024 catalogue and an opened 2024 round."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from assessments import services
from assessments.models import Assessment, EvaluationGroup, Round, Stage
from indicators.models import Item
from indicators.services import catalogue_load_file
from organizations.models import AuditLog, Department, Organization, Role
from tests.factories import OrganizationFactory, UserFactory

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE_FILE = ROOT / "fixtures" / "catalogue_2024.json"

# Fixtures of the API, page and Excel tests, wherever those tests live in the tree.
pytest_plugins = ["tests.support.api", "tests.support.web", "tests.support.excel"]


@pytest.fixture
def county(db):
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
def catalogue(db):
    return catalogue_load_file(CATALOGUE_FILE)


@pytest.fixture
def round_2024(county, catalogue, villages, county_admin, evaluator, village_a1):
    """An opened 2024 round in self-assessment, with an evaluation group owning village A1."""
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
