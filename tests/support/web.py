"""Fixtures of the web-page tests, built on the cast of tests/conftest.py."""

from __future__ import annotations

from decimal import Decimal

import pytest

from assessments import services
from assessments.models import Assessment, Round
from tests.conftest import full_sheet, move_to


@pytest.fixture
def assessment_a1(round_2024, village_a1):
    return Assessment.objects.get(round=round_2024, organization=village_a1)


@pytest.fixture
def assessment_a2(round_2024, village_a2):
    return Assessment.objects.get(round=round_2024, organization=village_a2)


@pytest.fixture
def assessment_b1(round_2024, village_b1):
    return Assessment.objects.get(round=round_2024, organization=village_b1)


def as_user(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def scored_round(round_2024, county_admin, catalogue, assessment_a1, assessment_a2, assessment_b1):
    """The 2024 round in county review with every county sheet submitted (results computed)."""
    move_to(round_2024, Round.Status.COUNTY_REVIEW)
    for assessment, share in (
        (assessment_a1, Decimal("0.95")),
        (assessment_a2, Decimal("0.85")),
        (assessment_b1, Decimal("0.7")),
    ):
        services.scores_save(
            actor=county_admin,
            assessment=assessment,
            stage="county",
            scores=full_sheet(catalogue, share),
            submit=True,
        )
    round_2024.refresh_from_db()
    return round_2024
