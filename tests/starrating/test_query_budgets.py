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
