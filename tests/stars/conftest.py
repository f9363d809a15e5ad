"""The 创星晋级 cast: this year's tables (the seed 001 defaults), members in both townships,
a second county admin who approves, and the other county's table and member."""

from __future__ import annotations

import pytest
from django.utils import timezone

from organizations.models import Role
from stars import services
from stars.models import Ladder, MemberCategory, PointsItem
from tests.factories import UserFactory

YEAR = timezone.localdate().year


@pytest.fixture
def tables(county_admin):
    return {t.ladder: t for t in services.tables_copy(actor=county_admin, year=YEAR)}


@pytest.fixture
def approver(county):
    return UserFactory(username="approver", role=Role.COUNTY_ADMIN, organization=county)


@pytest.fixture
def member_a1(county_admin, village_a1):
    return services.member_create(
        actor=county_admin, branch=village_a1, name="王红", category=MemberCategory.RURAL
    )


@pytest.fixture
def member_b1(county_admin, village_b1):
    return services.member_create(
        actor=county_admin, branch=village_b1, name="李明", category=MemberCategory.RURAL
    )


@pytest.fixture
def member2(county_admin2, village2):
    services.tables_copy(actor=county_admin2, year=YEAR)
    return services.member_create(
        actor=county_admin2, branch=village2, name="赵强", category=MemberCategory.RURAL
    )


def item(tables, ladder: str, code: str) -> PointsItem:
    return tables[ladder].items.get(code=code)


def record(actor, tables, code, *, member=None, organization=None, day=None, ladder=None):
    ladder = ladder or (Ladder.MEMBER if member is not None else Ladder.BRANCH)
    return services.entry_record(
        actor=actor,
        item=item(tables, ladder, code),
        member=member,
        organization=organization,
        occurred_on=day or timezone.localdate(),
        description="参加主题党日",
    )


@pytest.fixture
def pending_a1(tables, assessor_a, member_a1):
    return record(assessor_a, tables, "G04", member=member_a1)
