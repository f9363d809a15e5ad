"""A township's weak category or item of a township round (镇街评定) onto the 整改台账, through
the page (短板弱项 / the township's page) and the API: the county and that township's own
users; another township a 404 (not in its scope), a village a 404, another county a 404."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ledgers.models import Rectification
from tests.support.townships import township_assessment
from tests.support.web import as_user

pytestmark = pytest.mark.django_db


def test_the_township_records_its_weak_category_from_the_page(
    client, assessor_b, tw_published, township_b
):
    assessment = township_assessment(tw_published, township_b)
    response = as_user(client, assessor_b).post(
        reverse("ledger_from_weakness", args=[assessment.pk]), {"code": "ZZ"}
    )
    assert response.status_code == 302
    entry = Rectification.objects.get()
    assert entry.organization == township_b and entry.assessment == assessment
    assert response.url == reverse("ledger_detail", args=[entry.pk])


def test_the_township_page_offers_its_weak_categories(client, assessor_b, tw_published, township_b):
    page = as_user(client, assessor_b).get(reverse("village", args=[township_b.pk]))
    assert page.status_code == 200 and "列入整改台账" in page.content.decode()


@pytest.mark.parametrize("who", ["assessor_a", "secretary_a1", "county_admin2"])
def test_others_cannot_reach_a_townships_weakness(request, client, who, tw_published, township_b):
    assessment = township_assessment(tw_published, township_b)
    response = as_user(client, request.getfixturevalue(who)).post(
        reverse("ledger_from_weakness", args=[assessment.pk]), {"code": "ZZ"}
    )
    assert response.status_code == 404
    assert not Rectification.objects.exists()


def test_the_api_records_a_townships_weak_item(api, county_admin, tw_published, township_b):
    assessment = township_assessment(tw_published, township_b)
    url = reverse("api-assessment-rectification", args=[assessment.pk])
    response = api.as_(county_admin).post(url, {"code": "ZZ01"}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["organization"] == township_b.pk
    again = api.as_(county_admin).post(url, {"code": "ZZ01"}, format="json")
    assert again.status_code == 409
    bad = api.as_(county_admin).post(url, {"code": "XX99"}, format="json")
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "code"
    assert Rectification.objects.count() == 1
