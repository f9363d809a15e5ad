"""GET /api/v1/villages/search/: the top bar's autocomplete, the same search as the page."""

from __future__ import annotations

import pytest

from tests.support.api import problems

pytestmark = pytest.mark.django_db

URL = "/api/v1/villages/search/"


def test_matches_by_initials_with_the_village_page(api, county_admin, villages):
    response = api.as_(county_admin).get(URL, {"q": "qdj"})

    assert response.status_code == 200
    [match] = response.json()["results"]
    assert match["name"] == "七道江村" and match["name_initials"] == "qdjc"
    assert match["township"] == "七道江镇" and match["url"] == f"/villages/{match['id']}/"


def test_scoped_to_the_township_and_county(api, assessor_b, county_admin2, villages):
    assert [r["name"] for r in api.as_(assessor_b).get(URL, {"q": "江"}).json()["results"]] == [
        "六道江村"
    ]
    assert api.as_(county_admin2).get(URL, {"q": "江"}).json()["count"] == 0


def test_pages_and_few_queries(api, county_admin, villages, django_assert_max_num_queries):
    client = api.as_(county_admin)
    with django_assert_max_num_queries(4):
        response = client.get(URL, {"q": "村", "page_size": 2})

    assert response.json()["count"] == 3 and len(response.json()["results"]) == 2


def test_refusals(api, maintainer, county_admin, villages):
    assert api.get(URL).status_code == 401
    response = api.as_(maintainer).get(URL)
    assert response.status_code == 403 and problems(response) == []
    assert api.as_(county_admin).post(URL, {}).status_code == 405
    bad = api.as_(county_admin).get(URL, {"township": "abc"})
    assert bad.status_code == 400 and problems(bad)[0]["field"] == "township"


def test_in_the_openapi_schema(api, county_admin):
    schema = api.as_(county_admin).get("/api/schema/", {"format": "json"}).json()

    operation = schema["paths"]["/api/v1/villages/search/"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"q", "township", "page"}
