"""List and dashboard pages: the number of queries does not grow with the number of villages."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments import services
from assessments.models import Assessment, Round
from tests.conftest import full_sheet, move_to
from tests.factories import OrganizationFactory
from tests.support.web import as_user

pytestmark = pytest.mark.django_db

PAGES = ["round_overview", "dashboard", "findings", "surveys", "publicity"]


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def add_villages(round_, township, admin, catalogue, n):
    """Villages added to the round and scored; the round then recomputed, as opening a round
    does after creating its assessments (the stored counts then count them)."""
    base = int(township.code[:9]) * 1000 + 900
    for i in range(n):
        village = OrganizationFactory(
            code=str(base + i), name=f"新村{township.pk}-{i}", parent=township
        )
        assessment = Assessment.objects.create(round=round_, organization=village)
        services.scores_save(
            actor=admin,
            assessment=assessment,
            stage="county",
            scores=full_sheet(catalogue),
            submit=True,
        )
    services.results_refresh(round_=round_)


@pytest.mark.parametrize("page", PAGES)
def test_queries_do_not_grow_with_villages(
    client, county_admin, scored_round, township_a, township_b, catalogue, page
):
    as_user(client, county_admin)
    url = reverse(page, args=[scored_round.pk])
    if page == "round_overview":
        url += f"?township={township_a.pk}"
    before = count_queries(client, url)
    add_villages(scored_round, township_a, county_admin, catalogue, 4)
    add_villages(scored_round, township_b, county_admin, catalogue, 2)
    assert count_queries(client, url) == before


def test_sheet_page_budget(
    client, secretary_a1, assessment_a1, catalogue, django_assert_max_num_queries
):
    services.scores_save(
        actor=secretary_a1, assessment=assessment_a1, stage="self", scores=full_sheet(catalogue)
    )
    as_user(client, secretary_a1)
    with django_assert_max_num_queries(20):
        client.get(reverse("sheet", args=[assessment_a1.pk, "self"]))
    with django_assert_max_num_queries(20):
        client.post(
            reverse("sheet_preview", args=[assessment_a1.pk, "self"]),
            {f"p_{c}": v for c, v in full_sheet(catalogue).items()},
        )


def test_survey_locked_after_publication(client, county_admin, assessment_a1):
    move_to(assessment_a1.round, Round.Status.PUBLISHED)
    response = as_user(client, county_admin).post(
        reverse("survey_save", args=[assessment_a1.pk]), {"respondents": "9", "satisfied": "9"}
    )
    assert response.status_code == 409
    assert "不能登记或修改联审问题和满意度测评" in response.content.decode()


def _strip(admin, approver, round_, village):
    correction = services.correction_propose(
        actor=admin,
        assessment=Assessment.objects.select_related("round").get(
            round=round_, organization=village
        ),
        kind="strip",
        reason="查实否决情形",
    )
    services.correction_approve(actor=approver, correction=correction)


def test_corrections_do_not_grow_the_dashboard_nor_the_village_page(
    client, county_admin, county_admin_b, published_2024, village_a1, village_a2, village_b1
):
    """Issue 14: the dashboard's corrections and the village page's trail are one read each."""
    as_user(client, county_admin)
    dashboard = reverse("dashboard", args=[published_2024.pk])
    village = reverse("village", args=[village_a1.pk])
    _strip(county_admin, county_admin_b, published_2024, village_a1)
    before = (count_queries(client, dashboard), count_queries(client, village))
    _strip(county_admin, county_admin_b, published_2024, village_a2)
    _strip(county_admin, county_admin_b, published_2024, village_b1)
    correction = services.correction_propose(
        actor=county_admin_b,
        assessment=Assessment.objects.select_related("round").get(
            round=published_2024, organization=village_a1
        ),
        kind="correct",
        new_level=3,
        reason="更正",
    )
    services.correction_approve(actor=county_admin, correction=correction)
    assert (count_queries(client, dashboard), count_queries(client, village)) == before


def test_history_and_successions_pages_do_not_grow(
    client, county_admin, township_a, village_a1, village_a2
):
    from assessments.services import HistoryRow

    as_user(client, county_admin)
    pages = [reverse("history_import"), reverse("successions")]

    def rows(codes, year):
        return [
            HistoryRow(sheet="s", row=i + 2, code=c, name="", year=year, level=3)
            for i, c in enumerate(codes)
        ]

    services.history_import(actor=county_admin, rows=rows([village_a1.code], 2021), source="a")
    first = OrganizationFactory(code="220602100397", name="并入村", parent=township_a)
    services.succession_record(
        actor=county_admin,
        kind="merge",
        predecessor_codes=[village_a1.code],
        successor_codes=[first.code],
        effective_date="2024-01-01",
    )
    before = [count_queries(client, url) for url in pages]
    services.history_import(
        actor=county_admin, rows=rows([village_a1.code, village_a2.code], 2022), source="b"
    )
    merged = OrganizationFactory(code="220602100398", name="合并村", parent=township_a)
    other = OrganizationFactory(code="220602100399", name="邻村", parent=township_a)
    services.succession_record(
        actor=county_admin,
        kind="merge",
        predecessor_codes=[village_a2.code, other.code],
        successor_codes=[merged.code],
        effective_date="2024-01-01",
    )
    assert [count_queries(client, url) for url in pages] == before
