"""Fixtures of the township (镇街) rounds (issue 15, item 1): the township catalogue of the demo
and a 2024 township round of the cast's county, opened (straight into the county stage) beside
the village round of the same year, and the same round scored and published."""

from __future__ import annotations

from decimal import Decimal

import pytest

from assessments import services
from assessments.models import Assessment, Round
from indicators.models import Item
from indicators.services import catalogue_load_file
from organizations.models import RatingTarget
from tests.conftest import ROOT

TOWNSHIP_CATALOGUE_FILE = ROOT / "fixtures" / "catalogue_township_2024.json"


@pytest.fixture
def township_catalogue(db):
    return catalogue_load_file(TOWNSHIP_CATALOGUE_FILE)


def township_sheet(catalogue, strong: tuple[str, ...]) -> dict[str, str]:
    """Every scored item at 90 % of its maximum in the ``strong`` categories and 70 % in the
    others: each strong category 18 of 20 (its star), each weak one 14."""
    return {
        item.code: str(
            (item.max_points * Decimal("0.9" if item.category.code in strong else "0.7")).quantize(
                Decimal("0.01")
            )
        )
        for item in Item.objects.filter(catalogue=catalogue, kind=Item.Kind.SCORED).select_related(
            "category"
        )
    }


def township_assessment(round_: Round, township) -> Assessment:
    return Assessment.objects.select_related("round", "organization").get(
        round=round_, organization=township
    )


@pytest.fixture
def tw_round(round_2024, county, county_admin, township_catalogue, township_a, township_b) -> Round:
    """The county's 2024 township round, opened (in county review), beside its village round."""
    round_ = services.round_create(
        actor=county_admin,
        county=county,
        year=2024,
        target=RatingTarget.TOWNSHIP,
        catalogue=township_catalogue,
    )
    services.round_open(actor=county_admin, round_=round_)
    round_.refresh_from_db()
    return round_


@pytest.fixture
def tw_published(tw_round, county_admin, township_catalogue, township_a, township_b):
    """The township round scored by the county admin and published: township A with three
    category stars (总分 82 → band 4, 3 stars → level 3), township B with two (78 → level 2)."""
    for township, strong in ((township_a, ("ZZ", "ZJ", "FZ")), (township_b, ("ZL", "ZF"))):
        services.scores_save(
            actor=county_admin,
            assessment=township_assessment(tw_round, township),
            stage="county",
            scores=township_sheet(township_catalogue, strong),
            submit=True,
        )
    services.round_advance(actor=county_admin, round_=tw_round)
    services.round_publish(actor=county_admin, round_=tw_round)
    tw_round.refresh_from_db()
    return tw_round


def score_township(round_, township, catalogue, strong, actor):
    services.scores_save(
        actor=actor,
        assessment=township_assessment(round_, township),
        stage="county",
        scores=township_sheet(catalogue, strong),
        submit=True,
    )


@pytest.fixture
def tw_scored(tw_round, county_admin, township_catalogue, township_a, township_b):
    """Both townships scored by the county admin, the round still in the county stage:
    A at level 3 (three strong categories), B at level 2."""
    score_township(tw_round, township_a, township_catalogue, ("ZZ", "ZJ", "FZ"), county_admin)
    score_township(tw_round, township_b, township_catalogue, ("ZL", "ZF"), county_admin)
    return tw_round


@pytest.fixture
def tw_publicity(tw_scored, county_admin):
    services.round_advance(actor=county_admin, round_=tw_scored)
    tw_scored.refresh_from_db()
    assert tw_scored.status == Round.Status.PUBLICITY
    return tw_scored
