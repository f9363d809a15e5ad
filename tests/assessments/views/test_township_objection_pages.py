"""The 异议与复核 page of a township (镇街) round: a township objects to its own line only, a
department to any township; a village does not reach the page; after publishing the township
itself appeals (docs/scoring.md "Township rounds")."""

from __future__ import annotations

import pytest
from django.urls import reverse

from assessments.models import Objection
from tests.support.townships import township_assessment
from tests.support.web import as_user

pytestmark = pytest.mark.django_db


def options(html: str) -> str:
    return html.split('id="assessment"', 1)[1].split("</select>", 1)[0]


def test_a_township_is_offered_its_own_line_only(
    client, assessor_a, tw_publicity, township_a, township_b
):
    page = as_user(client, assessor_a).get(reverse("objections", args=[tw_publicity.pk]))
    html = page.content.decode()
    assert "镇街可对本镇街" in html
    assert township_a.name in options(html) and township_b.name not in options(html)


def test_a_department_is_offered_every_township(
    client, reviewer, tw_publicity, township_a, township_b
):
    html = as_user(client, reviewer).get(reverse("objections", args=[tw_publicity.pk]))
    listed = options(html.content.decode())
    assert township_a.name in listed and township_b.name in listed


def test_a_township_posting_against_another_is_refused_with_the_reason(
    client, assessor_a, tw_publicity, township_b
):
    response = as_user(client, assessor_a).post(
        reverse("objection_lodge", args=[tw_publicity.pk]),
        {
            "kind": "objection",
            "assessment": township_assessment(tw_publicity, township_b).pk,
            "issue": "对方得分偏高",
        },
    )
    assert response.status_code == 403
    assert "只能对本镇街" in response.content.decode()
    assert not Objection.objects.exists()


def test_a_village_does_not_reach_a_township_rounds_objections(client, secretary_a1, tw_publicity):
    response = as_user(client, secretary_a1).get(reverse("objections", args=[tw_publicity.pk]))
    assert response.status_code == 404


def test_the_township_appeals_its_own_result_after_publishing(
    client, assessor_a, tw_published, township_a, township_b
):
    url = reverse("objections", args=[tw_published.pk])
    html = as_user(client, assessor_a).get(url).content.decode()
    assert "申请复核" in html
    assert township_a.name in options(html) and township_b.name not in options(html)
    response = as_user(client, assessor_a).post(
        reverse("objection_lodge", args=[tw_published.pk]),
        {
            "kind": "appeal",
            "assessment": township_assessment(tw_published, township_a).pk,
            "issue": "组织建设星扣分依据不足",
        },
    )
    assert response.status_code == 302
    assert Objection.objects.get().kind == Objection.Kind.APPEAL
