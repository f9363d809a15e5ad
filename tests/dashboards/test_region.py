"""A city's or province's organization department reads roll-ups of its own counties only:
page and API, numbers equal to each county's own dashboard, reads that do not grow with the
number of counties."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments import services
from assessments.models import Assessment, Round
from dashboards.selectors import dashboard_summary, region_summary
from organizations.models import Organization, Role
from tests.conftest import full_sheet, move_to
from tests.factories import OrganizationFactory, UserFactory
from tests.support.web import as_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def city(county):
    """Baishan city (2206) over the cast's county, in Jilin province (22)."""
    province = OrganizationFactory(
        code="220000000000", name="吉林省", kind=Organization.Kind.PROVINCE
    )
    city = OrganizationFactory(
        code="220600000000", name="白山市", kind=Organization.Kind.CITY, parent=province
    )
    Organization.objects.filter(pk=county.pk).update(parent=city)
    return city


@pytest.fixture
def city_viewer(city):
    return UserFactory(username="baishan", role=Role.REGION_VIEWER, organization=city)


@pytest.fixture
def other_city():
    """Another city with its own county and round: never in Baishan's roll-up."""
    city = OrganizationFactory(code="220500000000", name="通化市", kind=Organization.Kind.CITY)
    return OrganizationFactory(
        code="220502000000", name="东昌区", kind=Organization.Kind.COUNTY, parent=city
    )


@pytest.fixture
def scored(round_2024, county_admin, catalogue, villages):
    round_ = move_to(round_2024, Round.Status.COUNTY_REVIEW)
    for village, share in zip(villages, ("0.95", "0.85", "0.75"), strict=True):
        services.scores_save(
            actor=county_admin,
            assessment=Assessment.objects.get(round=round_, organization=village),
            stage="county",
            scores=full_sheet(catalogue, Decimal(share)),
            submit=True,
        )
    return round_


def test_the_roll_up_equals_the_county_dashboard(city_viewer, scored, county_admin, county):
    summary = region_summary(city_viewer, year=scored.year)
    own = dashboard_summary(scored, county_admin)

    (row,) = summary["counties"]
    assert row["id"] == county.pk
    for key in ("assessments", "rated", "levels", "level_3_plus", "level_4_plus", "changes"):
        assert row[key] == own[key], key
        assert summary[key] == own[key], key
    assert [w["code"] for w in summary["weakest_items"]] == [
        w["code"] for w in own["weakest_items"]
    ]


def test_another_citys_county_is_never_counted(city_viewer, scored, other_city):
    Round.objects.create(
        county=other_city,
        year=scored.year,
        name="东昌区2024",
        catalogue=scored.catalogue,
        status=Round.Status.COUNTY_REVIEW,
    )
    summary = region_summary(city_viewer, year=scored.year)

    assert [c["name"] for c in summary["counties"]] == ["浑江区"]


def test_reads_do_not_grow_with_counties(city_viewer, scored, city, catalogue):
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            region_summary(city_viewer, year=scored.year)
        return len(ctx.captured_queries)

    before = count()
    for n in range(3):
        county = OrganizationFactory(
            code=f"22060{n + 5}000000", kind=Organization.Kind.COUNTY, parent=city
        )
        Round.objects.create(
            county=county,
            year=scored.year,
            name=f"区{n}",
            catalogue=catalogue,
            status=Round.Status.TOWNSHIP_REVIEW,
        )
    assert count() == before


def test_page_shows_the_counties_and_home_leads_there(client, city_viewer, scored):
    client = as_user(client, city_viewer)

    assert client.get(reverse("home")).url == reverse("region")
    response = client.get(reverse("region"), {"year": scored.year})
    assert response.status_code == 200
    assert "浑江区" in response.content.decode()


def test_county_roles_cannot_open_the_region_page(client, county_admin, scored):
    assert as_user(client, county_admin).get(reverse("region")).status_code == 403


def test_api_roll_up_and_refusals(api, city_viewer, county_admin, scored):
    ok = api.as_(city_viewer).get("/api/v1/regions/summary/")
    assert ok.status_code == 200
    assert ok.json()["counties"][0]["name"] == "浑江区"
    assert ok.json()["year"] == scored.year

    assert api.as_(county_admin).get("/api/v1/regions/summary/").status_code == 403
    assert api.get("/api/v1/regions/summary/").status_code == 401
    bad = api.as_(city_viewer).get("/api/v1/regions/summary/?year=abc")
    assert bad.status_code == 400
    assert [e["field"] for e in bad.json()["errors"]] == ["year"]
    assert api.as_(city_viewer).post("/api/v1/regions/summary/").status_code == 405
