"""The pages of a township (镇街) round: the same round overview, dashboard, publicity list and
organization page as a village round's, labelled 镇街, scoped as docs/scoring.md "Township
rounds" says (a township reads its own published result only; a village and another county
nothing)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from assessments.models import Round
from tests.support.web import as_user

pytestmark = pytest.mark.django_db


def test_the_round_form_creates_a_township_round(
    client, county_admin, county, township_catalogue, township_a, township_b
):
    response = as_user(client, county_admin).post(
        reverse("round_create"),
        {
            "year": "2024",
            "target": "township",
            "catalogue": township_catalogue.pk,
            # The browser sends the checkbox ticked: meaningless for a township round.
            "self_assessment_enabled": "on",
            **_rule_defaults(),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    round_ = Round.objects.get(county=county, year=2024, target="township")
    assert not round_.self_assessment_enabled and round_.name.endswith("镇街党（工）委星级评定")


def _rule_defaults() -> dict:
    return {
        "authoritative_stage": "county",
        "weight_self": "0",
        "weight_township": "0",
        "weight_county": "0",
        "satisfaction_weight": "0",
        "band_min_5": "90",
        "band_min_4": "80",
        "band_min_3": "70",
        "band_min_2": "60",
        "band_min_1": "0",
        "pass_ratio": "0.8",
        "level_mode": "both",
        "satisfaction_floor": "0.6",
        "satisfaction_cap_level": "2",
        "max_promotion": "1",
        "first_year_max": "5",
        "target_share_3": "1",
        "target_share_4": "0.2",
        "appeal_window_days": "15",
    }


def test_the_settings_page_shows_the_target_locked_once_opened(client, county_admin, tw_round):
    page = as_user(client, county_admin).get(reverse("round_settings", args=[tw_round.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="target"' in html and "disabled" in html.split('name="target"')[1][:200]


def test_overview_and_dashboard_say_township(
    client, county_admin, tw_published, township_a, township_b
):
    c = as_user(client, county_admin)
    overview = c.get(reverse("round_overview", args=[tw_published.pk])).content.decode()
    assert "镇街列表" in overview and township_a.name in overview and township_b.name in overview
    assert "村自评" not in overview and "镇街初评</th>" not in overview  # the county stage only
    dashboard = c.get(reverse("dashboard", args=[tw_published.pk])).content.decode()
    assert "已出结果的镇街" in dashboard and "镇街党（工）委" in dashboard
    assert township_a.name in dashboard and township_b.name in dashboard


def test_the_publicity_list_of_a_township_round(
    client, county_admin, assessor_a, secretary_a1, county_admin2, tw_published, township_a
):
    url = reverse("publicity", args=[tw_published.pk])
    full = as_user(client, county_admin).get(url).content.decode()
    assert "年度星级镇街党（工）委拟定名单公示" in full and "经区考评组评定和部门联查联审" in full
    assert full.count("星级</td>") == 2
    own = as_user(client, assessor_a).get(url).content.decode()
    assert township_a.name in own and own.count("星级</td>") == 1
    # A township round is none of a village's business: not even listed for it.
    assert as_user(client, secretary_a1).get(url).status_code == 404
    assert as_user(client, county_admin2).get(url).status_code == 404


def test_the_organization_page_of_a_township(
    client,
    county_admin,
    assessor_a,
    assessor_b,
    secretary_a1,
    county_admin2,
    tw_round,
    township_a,
):
    url = reverse("village", args=[township_a.pk])
    # Before publishing: the county sees the working result, the township itself nothing yet.
    assert as_user(client, county_admin).get(url).status_code == 200
    before = as_user(client, assessor_a).get(url)
    assert before.status_code == 200 and "暂无已发布的评定结果" in before.content.decode()
    Round.objects.filter(pk=tw_round.pk).update(status=Round.Status.PUBLISHED)
    after = as_user(client, assessor_a).get(url).content.decode()
    assert "暂无已发布的评定结果" not in after and "已发布" in after
    assert as_user(client, assessor_b).get(url).status_code == 404
    assert as_user(client, secretary_a1).get(url).status_code == 404
    assert as_user(client, county_admin2).get(url).status_code == 404


def test_the_township_page_shows_its_score_history(client, county_admin, tw_published, township_a):
    """The audit rows of a township's sheets are filed under the township (as a village's are
    under the village), so its page lists who changed which item."""
    page = as_user(client, county_admin).get(reverse("village", args=[township_a.pk]))
    html = page.content.decode()
    assert "政治引领星" in html  # the township catalogue's categories in the results table
    assert "ZZ01" in html  # the score history of its county sheet


def test_the_round_tabs_of_a_township_round_say_township(
    client, county_admin, tw_round, township_a
):
    c = as_user(client, county_admin)
    findings = c.get(reverse("findings", args=[tw_round.pk])).content.decode()
    assert "各镇街审查情况" in findings and township_a.name in findings
    surveys = c.get(reverse("surveys", args=[tw_round.pk])).content.decode()
    assert "录入每个镇街的测评人数" in surveys and township_a.name in surveys
    groups = c.get(reverse("groups", args=[tw_round.pk])).content.decode()
    assert "每个镇街必须恰好分配给一个考评组" in groups
