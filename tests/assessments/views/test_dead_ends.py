"""No dead ends after a refused write (issue 12, defect 4): the problems name the fields in
Chinese, the filters of the page shown at a write's address go to the page's own address, and
a form address opened directly is the product's Chinese 405 page, not a blank one."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.support.web import as_user

pytestmark = pytest.mark.django_db


def _refused_finding(client, reviewer, assessment):
    return as_user(client, reviewer).post(
        reverse("finding_create", args=[assessment.pk]),
        {"item_code": "FJ01", "evidence": "", "township": ""},
    )


def test_a_refused_finding_names_the_field_in_chinese(client, reviewer, assessment_a1):
    response = _refused_finding(client, reviewer, assessment_a1)

    html = response.content.decode()
    assert response.status_code == 400
    assert "问题事实与依据：请填写问题事实与依据" in html
    assert (
        "evidence：" not in html
        and "evidence" not in response.context["error"]["errors"][0]["label"]
    )


def test_the_township_filter_after_a_refused_finding_goes_to_the_findings_page(
    client, reviewer, assessment_a1, township_a
):
    response = _refused_finding(client, reviewer, assessment_a1)

    html = response.content.decode()
    form = re.search(r'<form method="get" action="([^"]+)"[^>]*class="filters', html)
    assert form is not None, "the filter form has no action: it would GET the write's URL"
    url = form.group(1)
    assert url == reverse("findings", args=[assessment_a1.round_id])
    filtered = client.get(url, {"township": township_a.pk})
    assert filtered.status_code == 200


@pytest.mark.parametrize(
    ("page", "write"),
    [("surveys", "survey_save"), ("findings", "clearance_create")],
)
def test_other_pages_shown_at_a_writes_address_filter_at_their_own(
    client, county_admin, assessment_a1, page, write
):
    response = as_user(client, county_admin).post(
        reverse(write, args=[assessment_a1.pk]), {"respondents": "x", "department": "nope"}
    )

    assert response.status_code in (400, 403, 409)
    if response.status_code != 403:
        html = response.content.decode()
        assert f'action="{reverse(page, args=[assessment_a1.round_id])}"' in html


def test_opening_a_form_address_is_a_chinese_page_with_a_way_back(client, reviewer, assessment_a1):
    response = as_user(client, reviewer).get(reverse("finding_create", args=[assessment_a1.pk]))

    html = response.content.decode()
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert "无法直接打开此地址（405）" in html and "返回首页" in html


def test_the_api_keeps_its_json_405(client, reviewer):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(reviewer)
    response = api.delete("/api/v1/rounds/")

    assert response.status_code == 405
    assert response["Content-Type"].startswith("application/json")
