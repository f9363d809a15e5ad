"""Dashboard, village history with next-level advice, and the publicity list."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from assessments import services
from assessments.models import Assessment, Round
from tests.conftest import ROOT, move_to
from tests.factories import OrganizationFactory
from tests.support.web import as_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def with_2023(scored_round, county, catalogue, village_a1, village_a2):
    """A published 2023 round: A1 had 3 stars, A2 had 5 (B1 is new)."""
    old = Round.objects.create(
        county=county, year=2023, catalogue=catalogue, name="2023年度", status="published"
    )
    Assessment.objects.create(round=old, organization=village_a1, level=3, total=Decimal("75"))
    Assessment.objects.create(round=old, organization=village_a2, level=5, total=Decimal("92"))
    services.results_refresh(round_=scored_round)
    return scored_round


def dashboard_url(round_):
    return reverse("dashboard", args=[round_.pk])


def test_dashboard_numbers(client, county_admin, with_2023):
    response = as_user(client, county_admin).get(dashboard_url(with_2023))
    assert response.status_code == 200
    data = response.context["data"]
    levels = {a.organization.name: a.level for a in with_2023.assessments.all()}
    # A1 95 % → band 5 but promotion limit 3 + 1; A2 85 % → 4 (was 5); B1 70 % → 2 (stars 0).
    assert levels == {"七道江村": 4, "新兴村": 4, "六道江村": 0}
    assert data["rated"] == 3
    assert data["composite_at_least_80"] == 2 and data["composite_at_least_70"] == 3
    assert data["changes"]["promoted"] == 1 and data["changes"]["demoted"] == 1
    assert data["changes"]["new"] == 1
    html = response.content.decode()
    assert 'id="chart-data"' in html and "echarts.min.js" in html
    assert "保三" in html and "短板弱项" in html
    ranking = [a.organization.name for a in response.context["ranking"]]
    assert ranking == ["七道江村", "新兴村", "六道江村"]
    charts = response.context["charts"]
    assert sum(charts["histogram"]["counts"]) == 3
    assert charts["targets"]["actual"] == ["66.7", "66.7"]


def test_dashboard_filters_and_sorting(client, county_admin, township_b, with_2023):
    as_user(client, county_admin)
    response = client.get(dashboard_url(with_2023), {"township": township_b.pk})
    assert [a.organization.name for a in response.context["ranking"]] == ["六道江村"]
    response = client.get(dashboard_url(with_2023), {"sort": "composite"})
    assert response.context["ranking"][0].organization.name == "六道江村"
    response = client.get(dashboard_url(with_2023), {"level": "4", "sort": "name"})
    assert {a.organization.name for a in response.context["ranking"]} == {"七道江村", "新兴村"}


def test_dashboard_query_budget_does_not_grow(
    client, county_admin, with_2023, django_assert_max_num_queries
):
    as_user(client, county_admin)
    # Session, user and organization, round, the stored counts (and if they do not add up,
    # the assessments per township), the item sums, the catalogue until it is kept in memory,
    # the follow-up counts (ledger, visits: four), the ranking page (its length is in the
    # counts) — and none of them grows with villages (tests/starrating/test_hot_paths.py
    # pins the steady state: 11).
    with django_assert_max_num_queries(12):
        client.get(dashboard_url(with_2023))


def test_township_sees_its_own_slice(client, assessor_a, with_2023):
    response = as_user(client, assessor_a).get(dashboard_url(with_2023))
    assert response.status_code == 200
    assert response.context["data"]["rated"] == 2
    assert "六道江村" not in response.content.decode()
    assert [t["id"] for t in response.context["data"]["townships"]] == [assessor_a.organization_id]
    assert response.context["ranking"].paginator.count == 2
    assert len(response.context["form"].fields["township"].choices) == 2  # all, and its own


def test_dashboard_roles_and_scope(
    client, secretary_a1, reviewer, county_admin, scored_round, catalogue
):
    assert as_user(client, secretary_a1).get(dashboard_url(scored_round)).status_code == 403
    assert as_user(client, reviewer).get(dashboard_url(scored_round)).status_code == 403
    other = OrganizationFactory(code="220603000000", name="江源区", kind="county")
    foreign = Round.objects.create(county=other, year=2024, catalogue=catalogue, name="江源区")
    assert as_user(client, county_admin).get(dashboard_url(foreign)).status_code == 404
    assert client.post(dashboard_url(scored_round)).status_code == 405
    client.logout()
    assert client.get(dashboard_url(scored_round)).status_code == 302


# --- village --------------------------------------------------------------------------------


def test_village_page_shows_years_and_what_is_needed(client, county_admin, with_2023, village_b1):
    response = as_user(client, county_admin).get(reverse("village", args=[village_b1.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    # B1 scored 70 % of every item: each category 14 (pass 16), total 70 → 3 stars needs
    # 3 categories to pass.
    advice = response.context["latest"]["advice"]
    assert advice.target == 1
    assert advice.text == "书记星差2分达标，即可达一星"
    assert advice.text in html and "2024" in html


def test_village_history_for_secretary_only_published(client, secretary_a1, with_2023, village_a1):
    response = as_user(client, secretary_a1).get(reverse("village", args=[village_a1.pk]))
    assert response.status_code == 200
    years = [r["assessment"].round.year for r in response.context["rows"]]
    assert years == [2023]


def test_village_scope_and_roles(
    client, secretary_a1, assessor_b, maintainer, village_a1, village_b1, round_2024
):
    assert (
        as_user(client, secretary_a1).get(reverse("village", args=[village_b1.pk])).status_code
        == 404
    )
    assert (
        as_user(client, assessor_b).get(reverse("village", args=[village_a1.pk])).status_code == 404
    )
    assert (
        as_user(client, maintainer).get(reverse("village", args=[village_a1.pk])).status_code == 403
    )
    assert client.post(reverse("village", args=[village_a1.pk])).status_code == 405


def test_an_evaluator_opens_only_the_villages_of_their_groups(
    client, evaluator, with_2023, village_a1, village_a2, village_b1
):
    """2023 is published for the whole county, yet village B1 was never in the evaluator's
    group: its page is not found; village A1 (their group in 2024) opens."""
    as_user(client, evaluator)

    assert client.get(reverse("village", args=[village_b1.pk])).status_code == 404
    assert client.get(reverse("village", args=[village_a2.pk])).status_code == 404  # 2023 published
    assert client.get(reverse("village", args=[village_a1.pk])).status_code == 200


# --- publicity ------------------------------------------------------------------------------


def test_publicity_list_is_printable(client, county_admin, secretary_a1, scored_round):
    Round.objects.filter(pk=scored_round.pk).update(
        supervision_phone="0439-3210000", publicity_start="2024-12-20", publicity_end="2024-12-24"
    )
    url = reverse("publicity", args=[scored_round.pk])
    draft = as_user(client, county_admin).get(url)
    assert draft.status_code == 200 and "草案" in draft.content.decode()
    assert as_user(client, secretary_a1).get(url).status_code == 403
    move_to(scored_round, Round.Status.PUBLICITY)
    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200 and "草案" not in html
    assert "0439-3210000" in html and "2024年12月20日至2024年12月24日" in html
    assert "<th>乡镇（街道）</th>" in html and "拟定星级" in html
    names = [a.organization.name for a in response.context["entries"]]
    assert names == ["七道江村", "新兴村", "六道江村"]
    css = (ROOT / "static" / "css" / "app.css").read_text(encoding="utf-8")
    assert "@page { size: A4" in css


def test_publicity_scope(client, county_admin, catalogue, round_2024):
    other = OrganizationFactory(code="220603000000", name="江源区", kind="county")
    foreign = Round.objects.create(county=other, year=2024, catalogue=catalogue, name="江源区")
    as_user(client, county_admin)
    assert client.get(reverse("publicity", args=[foreign.pk])).status_code == 404
    assert client.post(reverse("publicity", args=[round_2024.pk])).status_code == 405


def test_histogram_counts_equal_scores_separately(
    client, county_admin, round_2024, catalogue, assessment_a1, assessment_a2
):
    from tests.conftest import full_sheet

    move_to(round_2024, Round.Status.COUNTY_REVIEW)
    for assessment in (assessment_a1, assessment_a2):
        services.scores_save(
            actor=county_admin,
            assessment=assessment,
            stage="county",
            scores=full_sheet(catalogue),
            submit=True,
        )
    response = as_user(client, county_admin).get(dashboard_url(round_2024))
    assert sum(response.context["charts"]["histogram"]["counts"]) == 2


def test_village_page_explains_the_promotion_limit_instead_of_saying_five_stars(
    client, county_admin, with_2023, village_a1
):
    """A1 scores 95 % (every category passes, band 5) but had 3 stars: it is rated 4."""
    response = as_user(client, county_admin).get(reverse("village", args=[village_a1.pk]))

    text = response.context["latest"]["advice"].text
    assert text == "按规则10，较上年（3星）最多晋升一级：预计4星（分数已达五星线）"
    assert "已达五星，保持即可" not in response.content.decode()


def test_a_reprinted_list_is_signed_with_its_own_years_date(client, county_admin, scored_round):
    """Defect 6: the signature date is the round's publicity start (or its publishing day),
    not today."""
    Round.objects.filter(pk=scored_round.pk).update(
        year=2023, publicity_start="2023-12-20", publicity_end="2023-12-24"
    )
    move_to(scored_round, Round.Status.ARCHIVED)

    html = as_user(client, county_admin).get(reverse("publicity", args=[scored_round.pk]))
    html = html.content.decode()

    assert "委组织部<br>2023年12月20日" in html


def test_a_list_without_dates_is_signed_with_the_publishing_day_or_left_blank(
    client, county_admin, scored_round
):
    from datetime import UTC, datetime

    url = reverse("publicity", args=[scored_round.pk])
    draft = as_user(client, county_admin).get(url).content.decode()
    assert "委组织部<br>＿＿＿＿年＿＿月＿＿日" in draft
    # 2023-12-31 17:00 UTC is 2024-01-01 in Beijing.
    Round.objects.filter(pk=scored_round.pk).update(
        status=Round.Status.PUBLISHED, published_at=datetime(2023, 12, 31, 17, 0, tzinfo=UTC)
    )
    assert "委组织部<br>2024年1月1日" in client.get(url).content.decode()


def test_a_draft_says_which_villages_have_no_result(
    client, county_admin, secretary_a1, round_2024, catalogue, village_a1
):
    """Defect 6: a draft silently omitted the villages without a result — it names them."""
    from tests.conftest import submit_county

    move_to(round_2024, Round.Status.COUNTY_REVIEW)
    submit_county(county_admin, round_2024, village_a1, catalogue)
    services.results_refresh(round_=round_2024)

    response = as_user(client, county_admin).get(reverse("publicity", args=[round_2024.pk]))

    html = response.content.decode()
    assert [a.organization.name for a in response.context["entries"]] == ["七道江村"]
    assert "2 个村尚无评定结果，未列入草案" in html
    assert "新兴村" in html and "六道江村" in html
