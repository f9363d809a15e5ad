"""The village search (top bar, results page): name, code, pinyin initials; scoped to the user;
paginated with the filters kept in the URL (issue 12, deliver 3)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from organizations.initials import name_initials
from tests.factories import OrganizationFactory
from tests.support.web import as_user

pytestmark = pytest.mark.django_db

URL = "/villages/"


def names(response) -> list[str]:
    return [v.name for v in response.context["page"]]


def test_the_initials_of_a_name():
    assert name_initials("红旗村") == "hqc"
    assert name_initials("七道江村") == "qdjc"
    assert name_initials("A区3村（新）") == "aq3cx"


def test_search_by_name_code_and_pinyin_initials(client, county_admin, villages):
    as_user(client, county_admin)

    assert names(client.get(URL, {"q": "江"})) == ["七道江村", "六道江村"]
    assert names(client.get(URL, {"q": "2206021002"})) == ["七道江村", "新兴村"]
    assert names(client.get(URL, {"q": "QDJ", "page": "1"})) == ["七道江村"]
    # A single match typed on the top bar opens the village at once.
    response = client.get(URL, {"q": "xx"})
    assert response.status_code == 302 and response.url == reverse("village", args=[villages[1].pk])


def test_a_township_finds_only_its_own_villages(client, assessor_a, assessor_b, villages):
    assert names(as_user(client, assessor_a).get(URL, {"q": "江", "page": "1"})) == ["七道江村"]
    assert names(as_user(client, assessor_b).get(URL, {"q": "qdj", "page": "1"})) == []


def test_another_county_gets_nothing(client, county_admin2, villages, village2):
    response = as_user(client, county_admin2).get(URL, {"q": "村", "page": "1"})

    assert village2.name in names(response)
    assert not {v.name for v in villages} & set(names(response))


def test_an_evaluator_finds_the_villages_of_their_groups(client, evaluator, round_2024):
    response = as_user(client, evaluator).get(URL, {"q": "江", "page": "1"})

    assert names(response) == ["七道江村"]  # 六道江村 is in no group of theirs


def test_pages_keep_the_filters(client, county_admin, township_a, django_assert_max_num_queries):
    for n in range(55):
        OrganizationFactory(code=f"220602100{300 + n}", name=f"红旗{n}村", parent=township_a)
    as_user(client, county_admin)

    with django_assert_max_num_queries(12):
        first = client.get(URL, {"q": "hq", "township": township_a.pk})
    second = client.get(URL, {"q": "hq", "township": township_a.pk, "page": 2})

    assert first.context["page"].paginator.count == 55
    assert len(second.context["page"]) == 5
    assert f"q=hq&amp;township={township_a.pk}&amp;page=2" in first.content.decode()


def test_the_top_bar_has_the_search_for_county_roles_not_for_secretaries(
    client, county_admin, secretary_a1, villages
):
    html = as_user(client, county_admin).get(reverse("home")).content.decode()
    assert 'id="village-search"' in html and "js/village-search.js" in html
    html = as_user(client, secretary_a1).get(reverse("home")).content.decode()
    assert 'id="village-search"' not in html


def test_anonymous_wrong_role_and_wrong_method(client, maintainer, county_admin):
    assert client.get(URL).status_code == 302
    assert as_user(client, maintainer).get(URL).status_code == 403
    assert as_user(client, county_admin).post(URL).status_code == 405


def test_bad_input_is_ignored_not_an_error(client, county_admin, villages):
    response = as_user(client, county_admin).get(URL, {"q": "x" * 80, "township": "abc"})

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"q", "township"}
    assert "乡镇：" in response.content.decode()  # the problem is named beside its field
    assert response.context["page"].paginator.count == 3  # the filters left out, not a 500
