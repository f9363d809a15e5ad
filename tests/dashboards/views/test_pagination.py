"""Long lists come in pages with their filters kept; the printable publicity list is whole."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from assessments.models import Assessment, Round
from assessments.services.tallies import tallies_rebuild
from organizations.models import Organization
from tests.conftest import move_to
from tests.support.web import as_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def big_round(round_2024, township_a):
    """130 more villages of township A, each with a stored result."""
    villages = Organization.objects.bulk_create(
        Organization(
            code=f"22060210{n:04d}",
            name=f"第{n}村",
            kind=Organization.Kind.VILLAGE,
            parent=township_a,
        )
        for n in range(300, 430)
    )
    Assessment.objects.bulk_create(
        Assessment(
            round=round_2024,
            organization=v,
            code=v.code,
            level=3,
            level_before_quota=3,
            total=Decimal("75"),
            composite=Decimal("75"),
            category_scores={},
        )
        for v in villages
    )
    tallies_rebuild(round_2024)
    return move_to(round_2024, Round.Status.PUBLICITY)


def test_publicity_comes_in_pages_of_100_and_whole_for_printing(client, county_admin, big_round):
    url = reverse("publicity", args=[big_round.pk])
    client = as_user(client, county_admin)

    first = client.get(url)
    second = client.get(url, {"page": 2})
    whole = client.get(url, {"all": 1})

    assert len(first.context["entries"]) == 100
    assert len(second.context["entries"]) == 30
    assert "第 101–130 条，共 130 条" in second.content.decode()
    assert whole.content.decode().count('<tr><td class="num">') == 130
    assert "打印全部名单" in first.content.decode()


def test_ranking_pages_keep_the_filters(client, county_admin, big_round, township_a):
    url = reverse("dashboard", args=[big_round.pk])
    client = as_user(client, county_admin)

    response = client.get(url, {"township": township_a.pk, "sort": "name", "page": 2})

    ranking = response.context["ranking"]
    assert ranking.number == 2
    assert len(ranking) == 50
    html = response.content.decode()
    assert f"township={township_a.pk}" in html and "sort=name" in html and "page=3" in html


def test_histogram_counts_every_stored_result(client, county_admin, big_round):
    response = as_user(client, county_admin).get(reverse("dashboard", args=[big_round.pk]))

    bins = {h["label"]: h["count"] for h in response.context["histogram"]}
    assert bins["75–80"] == 130
    assert sum(bins.values()) == 130


def test_an_out_of_range_page_shows_the_last(client, county_admin, big_round):
    response = as_user(client, county_admin).get(
        reverse("publicity", args=[big_round.pk]), {"page": 99}
    )
    assert response.context["entries"].number == 2
