"""Issue 14, item 9: the rules a round actually applies are shown where they are set — each
category's effective pass line and its source on the settings page and in the API, and a
warning when a setting changes nothing (the shipped catalogue sets every pass line, so the
round's pass_ratio has no effect)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from assessments import selectors
from assessments.models import Round
from indicators.models import Category
from tests.conftest import move_to
from tests.support.web import as_user

pytestmark = pytest.mark.django_db


def test_shipped_catalogue_overrides_the_ratio_and_says_so(round_2024):
    effective = selectors.effective_rules(round_2024)
    assert {line["source"] for line in effective["pass_lines"]} == {"catalogue"}
    assert [line["pass_points"] for line in effective["pass_lines"]] == [Decimal("16.00")] * 5
    fields = [w["field"] for w in effective["warnings"]]
    assert fields == ["pass_ratio"]
    assert "不起作用" in effective["warnings"][0]["message"]


def test_a_blank_pass_line_follows_the_ratio(round_2024, catalogue):
    Category.objects.filter(catalogue=catalogue, code="SJ").update(pass_points=None)
    round_2024.pass_ratio = Decimal("0.7")
    effective = selectors.effective_rules(round_2024)
    sj = next(line for line in effective["pass_lines"] if line["code"] == "SJ")
    assert sj["source"] == "round_ratio" and sj["pass_points"] == Decimal("14.00")
    # It matches what the engine applies (one resolution, two readers).
    rule = next(c for c in selectors.round_rules(round_2024).categories if c.code == "SJ")
    assert rule.pass_points == sj["pass_points"]
    # Four categories still ignore the ratio: the warning names them, not the whole setting.
    [warning] = [w for w in effective["warnings"] if w["field"] == "pass_ratio"]
    assert "书记星" not in warning["message"] and "队伍星" in warning["message"]


def test_every_pass_line_from_the_ratio_gives_no_warning(round_2024, catalogue):
    Category.objects.filter(catalogue=catalogue).update(pass_points=None)
    assert selectors.effective_rules(round_2024)["warnings"] == []


def test_other_settings_without_effect_are_named(round_2024):
    round_2024.weight_township = Decimal("0.3")
    round_2024.weight_county = Decimal("0.7")
    round_2024.satisfaction_cap_level = 5
    round_2024.max_promotion = 5
    round_2024.level_mode = "stars"
    fields = {w["field"] for w in selectors.effective_rules(round_2024)["warnings"]}
    expected = {"authoritative_stage", "satisfaction_cap_level", "max_promotion", "band_min_5"}
    assert expected <= fields


# --- the settings page ------------------------------------------------------------------------


def test_settings_page_shows_pass_lines_and_the_warning(
    client, county_admin, round_2024, django_assert_max_num_queries
):
    as_user(client, county_admin)
    with django_assert_max_num_queries(30):
        page = client.get(reverse("round_settings", args=[round_2024.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="effective-rules"' in html
    assert "指标体系设定的达标线" in html and "16.00" in html
    assert "类别达标比例（80%）不起作用" in html


def test_saving_a_ratio_that_changes_nothing_warns(client, county_admin, round_2024):
    from tests.assessments.views.test_round_form import posted

    as_user(client, county_admin)
    response = client.post(
        reverse("round_settings", args=[round_2024.pk]),
        posted(round_2024, pass_ratio="0.6"),
        follow=True,
    )
    assert response.status_code == 200
    round_2024.refresh_from_db()
    assert round_2024.pass_ratio == Decimal("0.6")
    texts = [str(m) for m in response.context["messages"]]
    assert any("类别达标比例（60%）不起作用" in t for t in texts), texts


def test_settings_page_checklist(client, round_2024, assessor_a, county_admin2):
    url = reverse("round_settings", args=[round_2024.pk])
    assert client.get(url).status_code == 302  # anonymous: to the login page
    assert as_user(client, assessor_a).get(url).status_code == 403
    client.logout()
    assert as_user(client, county_admin2).get(url).status_code == 404
    client.logout()


def test_published_round_still_shows_its_effective_rules(client, county_admin, round_2024):
    move_to(round_2024, Round.Status.PUBLISHED)
    as_user(client, county_admin)
    html = client.get(reverse("round_settings", args=[round_2024.pk])).content.decode()
    assert 'id="effective-rules"' in html


# --- the API ----------------------------------------------------------------------------------


def test_api_round_detail_shows_pass_lines_and_warnings(api, county_admin, round_2024):
    body = api.as_(county_admin).get(f"/api/v1/rounds/{round_2024.pk}/").json()
    assert [line["source"] for line in body["effective_pass_lines"]] == ["catalogue"] * 5
    assert body["effective_pass_lines"][0]["pass_points"] == "16.00"
    assert [w["field"] for w in body["rule_warnings"]] == ["pass_ratio"]


def test_api_patch_answers_with_the_warning(api, county_admin, round_2024):
    response = api.as_(county_admin).patch(
        f"/api/v1/rounds/{round_2024.pk}/", {"pass_ratio": "0.5"}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert "50%" in response.json()["rule_warnings"][0]["message"]


def test_api_round_detail_checklist(api, round_2024, county_admin2):
    url = f"/api/v1/rounds/{round_2024.pk}/"
    assert api.get(url).status_code in (401, 403)
    assert api.as_(county_admin2).get(url).status_code == 404
