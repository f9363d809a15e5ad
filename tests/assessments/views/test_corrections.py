"""The corrections page and the village page's published / current level and trail (issue 14,
item 4), with the STYLE checklist."""

from __future__ import annotations

import pytest
from django.urls import reverse

from assessments import services
from assessments.models import ResultCorrection
from tests.conftest import assessment_of
from tests.support.web import as_user

pytestmark = pytest.mark.django_db


def test_propose_on_the_page_and_approve_as_another_admin(
    client, published_2024, village_a1, county_admin, county_admin_b
):
    a1 = assessment_of(published_2024, village_a1)
    as_user(client, county_admin)
    page = client.get(reverse("corrections", args=[a1.pk]))
    assert page.status_code == 200 and 'id="propose"' in page.content.decode()
    response = client.post(
        reverse("corrections", args=[a1.pk]),
        {"kind": "strip", "reason": "村书记受到党纪处分"},
        follow=True,
    )
    assert "须由另一名县级管理员审批" in response.content.decode()
    correction = ResultCorrection.objects.get()
    # The proposer is offered no approve button, and a forged post is refused.
    assert "待另一名管理员审批" in response.content.decode()
    refused = client.post(
        reverse("correction_decide", args=[correction.pk]), {"decision": "approve"}
    )
    assert refused.status_code == 403
    client.logout()

    as_user(client, county_admin_b)
    client.post(
        reverse("correction_decide", args=[correction.pk]),
        {"decision": "approve", "note": "同意"},
    )
    correction.refresh_from_db()
    assert correction.status == "approved"
    html = client.get(reverse("village", args=[village_a1.pk])).content.decode()
    assert 'id="correction-trail"' in html and "村书记受到党纪处分" in html
    assert "已更正" in html  # current level 0 beside the published 5


def test_bad_input_is_named_and_nothing_written(client, published_2024, village_a1, county_admin):
    as_user(client, county_admin)
    response = client.post(
        reverse("corrections", args=[assessment_of(published_2024, village_a1).pk]),
        {"kind": "correct", "new_level": "", "reason": ""},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "须为0到5的整数" in html and "必须填写更正原因" in html
    assert not ResultCorrection.objects.exists()


def test_checklist(
    client, published_2024, round_2024, village_a1, county_admin, county_admin2, assessor_b
):
    a1 = assessment_of(published_2024, village_a1)
    target = reverse("corrections", args=[a1.pk])
    assert client.get(target).status_code == 302  # anonymous → login
    as_user(client, county_admin2)
    assert client.get(target).status_code == 404
    client.logout()
    as_user(client, assessor_b)  # another township's village
    assert client.get(target).status_code == 404
    client.logout()
    as_user(client, county_admin)
    assert client.put(target).status_code == 405
    assert client.get(reverse("correction_decide", args=[1])).status_code == 405


def test_wrong_role_cannot_propose(client, published_2024, village_a1, auditor):
    as_user(client, auditor)
    response = client.post(
        reverse("corrections", args=[assessment_of(published_2024, village_a1).pk]),
        {"kind": "strip", "reason": "x"},
    )
    assert response.status_code == 403
    assert not ResultCorrection.objects.exists()


def test_unpublished_round_is_refused(client, round_2024, village_a1, county_admin):
    as_user(client, county_admin)
    response = client.post(
        reverse("corrections", args=[assessment_of(round_2024, village_a1).pk]),
        {"kind": "strip", "reason": "x"},
    )
    assert response.status_code == 409


def test_dashboard_lists_the_corrections(
    client, published_2024, village_a1, county_admin, county_admin_b, api
):
    correction = services.correction_propose(
        actor=county_admin,
        assessment=assessment_of(published_2024, village_a1),
        kind="strip",
        reason="查实否决情形",
    )
    services.correction_approve(actor=county_admin_b, correction=correction)
    as_user(client, county_admin)
    html = client.get(reverse("dashboard", args=[published_2024.pk])).content.decode()
    assert 'id="corrections"' in html and "查实否决情形" in html
    body = api.as_(county_admin).get(f"/api/v1/rounds/{published_2024.pk}/dashboard/").json()
    [row] = body["corrections"]
    assert (row["published_level"], row["new_level"], row["status"]) == (5, 0, "approved")
