"""The merges and splits page and API (issue 14, item 5) with the STYLE checklist."""

from __future__ import annotations

import pytest
from django.urls import reverse

from organizations.models import Succession
from tests.factories import OrganizationFactory
from tests.support.api import problems
from tests.support.web import as_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def merged(township_a):
    return OrganizationFactory(code="220602100399", name="新合并村", parent=township_a)


def test_page_records_a_merge(client, county_admin, village_a1, village_a2, merged):
    as_user(client, county_admin)
    page = client.get(reverse("successions"))
    assert page.status_code == 200 and 'id="succession-form"' in page.content.decode()
    response = client.post(
        reverse("successions"),
        {
            "kind": "merge",
            "predecessors": [village_a1.code, village_a2.code],
            "successors": [merged.code],
            "effective_date": "2024-03-01",
            "note": "浑政复〔2024〕5号",
        },
        follow=True,
    )
    html = response.content.decode()
    assert "撤并已登记" in html and "浑政复〔2024〕5号" in html
    assert Succession.objects.filter(successor=merged).count() == 2


def test_page_bad_input_is_named(client, county_admin, village_a1):
    as_user(client, county_admin)
    response = client.post(
        reverse("successions"),
        {"kind": "split", "predecessors": [village_a1.code], "effective_date": ""},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "拆分后须至少两个村" in html and "日期不正确" in html
    assert not Succession.objects.exists()


def test_page_checklist(client, assessor_a, auditor, county_admin, village_a1, village_a2):
    url = reverse("successions")
    assert client.get(url).status_code == 302
    as_user(client, assessor_a)
    assert client.get(url).status_code == 403
    client.logout()
    as_user(client, auditor)  # reads, cannot record
    assert client.get(url).status_code == 200
    refused = client.post(
        url,
        {
            "kind": "merge",
            "predecessors": [village_a1.code],
            "successors": [village_a2.code],
            "effective_date": "2024-03-01",
        },
    )
    assert refused.status_code == 403 and not Succession.objects.exists()
    client.logout()
    as_user(client, county_admin)
    assert client.put(url).status_code == 405


def test_api_records_lists_and_scopes(
    api, county_admin, county_admin2, assessor_a, village_a1, village_a2, merged, village2
):
    body = {
        "kind": "merge",
        "predecessors": [village_a1.code, village_a2.code],
        "successors": [merged.code],
        "effective_date": "2024-03-01",
    }
    assert api.post("/api/v1/successions/", body, format="json").status_code in (401, 403)
    assert api.as_(assessor_a).post("/api/v1/successions/", body, format="json").status_code == 403
    # The other county's administrator names villages it does not have: 400, nothing written.
    other = api.as_(county_admin2).post("/api/v1/successions/", body, format="json")
    assert other.status_code == 400 and not Succession.objects.exists()
    bad = api.as_(county_admin).post(
        "/api/v1/successions/", {**body, "successors": [village2.code]}, format="json"
    )
    assert bad.status_code == 400
    assert {e["field"] for e in problems(bad)} == {"successors"}
    created = api.as_(county_admin).post("/api/v1/successions/", body, format="json")
    assert created.status_code == 201 and len(created.json()) == 2
    listed = api.as_(county_admin).get("/api/v1/successions/").json()
    assert listed["count"] == 2 and listed["results"][0]["predecessor_members"] == 30
    assert api.as_(county_admin2).get("/api/v1/successions/").json()["count"] == 0
    assert api.as_(county_admin).delete("/api/v1/successions/").status_code == 405


def test_village_page_shows_the_merge_and_the_inherited_level(
    client, county_admin, published_2024, village_a1, village_a2, merged
):
    """A1 (95 %: 5 stars, 30 members) and A2 (85 %: 4 stars, 30 members) merge: the merged
    village's previous level in 2025 is 5 (equal members: the higher level)."""
    from assessments import services

    services.succession_record(
        actor=county_admin,
        kind="merge",
        predecessor_codes=[village_a1.code, village_a2.code],
        successor_codes=[merged.code],
        effective_date="2025-01-01",
    )
    as_user(client, county_admin)
    html = client.get(reverse("village", args=[merged.pk])).content.decode()
    assert 'id="successions"' in html and village_a1.name in html
    assert "2025年度评定时的上年星级：<strong>5星</strong>" in html
