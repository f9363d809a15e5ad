"""The home page of each role: what waits for the user in the current round."""

from __future__ import annotations

import pytest
from django.urls import reverse

from assessments import services
from assessments.models import Finding, Round
from tests.conftest import move_to
from tests.support.web import as_user

pytestmark = pytest.mark.django_db


def test_anonymous_home_redirects_to_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_home_of_township_assessor_lists_own_villages_to_score(client, assessor_a, round_2024):
    move_to(round_2024, Round.Status.TOWNSHIP_REVIEW)
    html = as_user(client, assessor_a).get(reverse("home")).content.decode()
    assert "镇街初评" in html
    assert "七道江村" in html and "新兴村" in html
    assert "六道江村" not in html
    assert "去评分" in html


def test_home_of_village_secretary_shows_self_assessment_and_deadline(
    client, secretary_a1, round_2024
):
    from datetime import timedelta

    from django.utils import timezone

    Round.objects.filter(pk=round_2024.pk).update(
        self_deadline=timezone.now() + timedelta(days=3, hours=1)
    )
    html = as_user(client, secretary_a1).get(reverse("home")).content.decode()
    assert "村自评" in html and "七道江村" in html
    assert "<strong>4</strong> 天" in html
    assert "新兴村" not in html


def test_home_of_county_admin_counts_findings_to_confirm(
    client, county_admin, reviewer, assessment_a1
):
    services.finding_create(
        actor=reviewer, assessment=assessment_a1, item_code="FJ01", evidence="违纪"
    )
    response = as_user(client, county_admin).get(reverse("home"))
    assert response.context["pending_findings"] == 1
    assert Finding.objects.count() == 1


def test_home_of_department_reviewer_counts_villages_left(client, reviewer, round_2024):
    response = as_user(client, reviewer).get(reverse("home"))
    assert response.context["review_left"] == 3


def test_home_without_round_or_role(client, maintainer, auditor, county):
    assert "指标维护" in as_user(client, maintainer).get(reverse("home")).content.decode()
    assert "没有评定轮次" in as_user(client, auditor).get(reverse("home")).content.decode()


def test_home_wrong_method(client, county_admin):
    assert as_user(client, county_admin).post(reverse("home")).status_code == 405


def test_evaluator_home_lists_only_the_groups_villages(client, evaluator, round_2024):
    move_to(round_2024, Round.Status.COUNTY_REVIEW)
    response = as_user(client, evaluator).get(reverse("home"))
    names = [r["assessment"].organization.name for r in response.context["todo"]]
    assert names == ["七道江村"]
    assert "去评分" in response.content.decode()


def test_home_query_budget(client, county_admin, round_2024, django_assert_max_num_queries):
    as_user(client, county_admin)
    with django_assert_max_num_queries(14):
        client.get(reverse("home"))


def test_excel_links_where_the_role_may_use_them(client, county_admin, secretary_a1, round_2024):
    html = as_user(client, county_admin).get(reverse("home")).content.decode()
    assert reverse("job_list") in html
    assert reverse("job_scores_upload", args=[round_2024.pk]) in html
    html = as_user(client, secretary_a1).get(reverse("home")).content.decode()
    assert reverse("job_list") not in html
