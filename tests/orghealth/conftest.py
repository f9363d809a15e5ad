"""Fixtures of the organization-health tests: a few records of township A's village A1 and
township B's village B1, written through the services."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from orghealth import services


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def election_a1(county_admin, village_a1):
    # Six years ago with a five-year term: overdue.
    return services.election_record(
        actor=county_admin,
        organization=village_a1,
        elected_on=timezone.localdate().replace(year=timezone.localdate().year - 6, day=1),
        term_years=5,
    )


@pytest.fixture
def election_b1(county_admin, village_b1):
    return services.election_record(
        actor=county_admin,
        organization=village_b1,
        elected_on=timezone.localdate().replace(year=timezone.localdate().year - 1, day=1),
        term_years=5,
    )


@pytest.fixture
def commitment_a1(secretary_a1, village_a1, today):
    return services.commitment_create(
        actor=secretary_a1,
        organization=village_a1,
        year=today.year,
        kind="organization",
        content="硬化村内道路1公里",
    )


@pytest.fixture
def commitment_b1(county_admin, village_b1, today):
    return services.commitment_create(
        actor=county_admin,
        organization=village_b1,
        year=today.year,
        kind="member",
        member_name="王五",
        content="帮扶两户困难群众",
    )


@pytest.fixture
def posting_a1(assessor_a, village_a1, today):
    return services.posting_create(
        actor=assessor_a,
        organization=village_a1,
        kind="first_secretary",
        person_name="赵第一",
        unit="区财政局",
        starts_on=today - datetime.timedelta(days=300),
        ends_on=today + datetime.timedelta(days=65),
    )


@pytest.fixture
def posting_b1(county_admin, village_b1, today):
    return services.posting_create(
        actor=county_admin,
        organization=village_b1,
        kind="township_cadre",
        person_name="钱包村",
        unit="六道江镇政府",
        starts_on=today - datetime.timedelta(days=30),
        ends_on=today + datetime.timedelta(days=335),
    )


def member(actor, village, **overrides):
    fields = {
        "name": "李四",
        "position": "党组织书记",
        "body": "both",
        "gender": "male",
        "birth_date": "1970-05-01",
        "education": "senior",
        "is_reserve_cadre": False,
    } | overrides
    return services.member_add(actor=actor, organization=village, **fields)


@pytest.fixture
def member_a1(secretary_a1, village_a1):
    return member(secretary_a1, village_a1)


@pytest.fixture
def member_b1(county_admin, village_b1):
    return member(county_admin, village_b1, name="孙六")


def weak(actor, village, year):
    return services.weak_designate(
        actor=actor,
        organization=village,
        year=year,
        reason="班子不团结，组织生活不正常",
        designated_on=f"{year}-03-01",
        measures="调整班子，县级领导包保",
        deadline=f"{year}-12-31",
        responsible_person="包保领导",
    )


@pytest.fixture
def weak_a1(county_admin, village_a1, today):
    return weak(county_admin, village_a1, today.year)


@pytest.fixture
def weak_b1(county_admin, village_b1, today):
    return weak(county_admin, village_b1, today.year)
