"""Fixtures of the tests of what happens after publishing (issue 14, items 4 and 5): a published
2024 round with results, a second county administrator (the second person), and an opened 2025
round whose rule 10 reads 2024."""

from __future__ import annotations

import pytest

from assessments import services
from assessments.models import Round
from organizations.models import Role
from tests.conftest import move_to, submit_county
from tests.factories import UserFactory


@pytest.fixture
def county_admin_b(county):
    """Another county administrator of the same county: the second person who approves."""
    return UserFactory(
        username="admin_b", full_name="组织部审核人", role=Role.COUNTY_ADMIN, organization=county
    )


@pytest.fixture
def published_2024(round_2024, county_admin, catalogue, village_a1, village_a2, village_b1):
    """The 2024 round published: A1 at 5 stars (95 %), A2 at 4 (85 %), B1 at 5 (92 %)."""
    move_to(round_2024, Round.Status.COUNTY_REVIEW)
    for village, share in ((village_a1, "0.95"), (village_a2, "0.85"), (village_b1, "0.92")):
        submit_county(county_admin, round_2024, village, catalogue, share)
    return move_to(round_2024, Round.Status.PUBLISHED)


@pytest.fixture
def round_2025(published_2024, county, catalogue, county_admin):
    """An opened 2025 round in county review (its results read 2024 as the previous year)."""
    round_ = services.round_create(
        actor=county_admin, county=county, year=2025, catalogue=catalogue
    )
    services.round_open(actor=county_admin, round_=round_)
    return move_to(round_, Round.Status.COUNTY_REVIEW)
