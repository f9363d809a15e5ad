"""奖惩凭星 (S8–S10): the county's table, each village's outcome, the member lists, the finance
office's Excel list — services, API and page, with STYLE.md's checklist."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from starrating.errors import InvalidInput, NotPermitted
from stars import selectors, services
from stars.models import ConsequenceTable, Ladder
from tests.support.api import problems
from tests.support.web import as_user

from .conftest import YEAR, record

pytestmark = pytest.mark.django_db

PAY = ["0", "0.5", "0.8", "1", "1.1", "1.2"]


@pytest.fixture
def strong_a1(tables, assessor_a, approver, village_a1, member_a1):
    """七道江村's branch at four stars (84 points), its member at four stars (40 points)."""
    for _n in range(14):
        services.entry_approve(
            actor=approver, entry=record(assessor_a, tables, "B03", organization=village_a1)
        )
    for _n in range(8):
        services.entry_approve(
            actor=approver, entry=record(assessor_a, tables, "R02", member=member_a1)
        )
    return village_a1


def test_consequences_set_validates_and_is_the_county_admins(county_admin, assessor_a):
    with pytest.raises(NotPermitted):
        services.consequences_set(actor=assessor_a, year=YEAR, pay=PAY)
    with pytest.raises(InvalidInput) as bad:
        services.consequences_set(
            actor=county_admin, year=YEAR, pay=["1", "0.5", "x", "1", "1", "1"], weak_max_stars=9
        )
    assert {e["field"] for e in bad.value.errors} == {"pay_2", "weak_max_stars"}
    table = services.consequences_set(actor=county_admin, year=YEAR, pay=PAY, weak_max_stars=2)
    again = services.consequences_set(actor=county_admin, year=YEAR, pay=PAY, weak_max_stars=1)
    assert table.pk == again.pk and ConsequenceTable.objects.get().weak_max_stars == 1


def test_outcomes_of_villages_and_members(county_admin, strong_a1, village_a2, member_b1):
    services.consequences_set(actor=county_admin, year=YEAR, pay=PAY)
    data = selectors.outcomes(user=county_admin, year=YEAR)
    by_name = {v["name"]: v for v in data["villages"]}
    assert (by_name["七道江村"]["stars"], by_name["七道江村"]["pay_ratio"]) == (4, Decimal("1.10"))
    assert by_name["七道江村"]["award"] and not by_name["七道江村"]["weak"]
    assert by_name["新兴村"]["pay_ratio"] == Decimal("0.00") and by_name["新兴村"]["weak"]
    assert [m["name"] for m in data["members_award"]] == ["王红"]
    assert [m["name"] for m in data["members_review"]] == ["李明"]


def test_outcomes_api_checklist(
    api,
    county_admin,
    assessor_a,
    assessor_b,
    maintainer,
    township2,
    strong_a1,
    village_a2,
    village_b1,
):
    url = "/api/v1/stars/outcomes/"
    assert api.get(url).status_code == 401
    body = api.as_(assessor_a).get(url, {"year": YEAR}).json()
    assert body["configured"] is False and {v["name"] for v in body["villages"]} == {
        "七道江村",
        "新兴村",
    }
    assert api.as_(assessor_b).get(url, {"year": YEAR}).json()["members_award"] == []
    assert api.as_(assessor_a).get(url, {"township": township2.pk}).status_code == 404
    assert api.as_(maintainer).get(url).status_code == 403
    assert api.as_(assessor_a).post(url).status_code == 405
    set_url = "/api/v1/stars/consequences/"
    assert (
        api.as_(assessor_a).post(set_url, {"year": YEAR, "pay": PAY}, format="json").status_code
        == 403
    )
    response = api.as_(county_admin).post(set_url, {"year": YEAR, "pay": PAY[::-1]}, format="json")
    assert (
        response.status_code == 400 and problems(response)[0]["message"] == "星级越高，系数不能越低"
    )
    assert (
        api.as_(county_admin).post(set_url, {"year": YEAR, "pay": PAY}, format="json").status_code
        == 200
    )
    response = api.as_(county_admin).get("/api/v1/stars/outcomes/pay.xlsx", {"year": YEAR})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = {r[1]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["七道江村"][4] == 1.1 and rows["六道江村"][6] == "是"


def test_outcomes_page_checklist(
    client,
    county_admin,
    assessor_a,
    auditor,
    county_admin2,
    maintainer,
    strong_a1,
    django_assert_max_num_queries,
):
    url = reverse("star_outcomes")
    assert client.get(url).status_code == 302
    as_user(client, assessor_a)
    with django_assert_max_num_queries(20):
        response = client.get(url, {"year": YEAR})
    assert response.status_code == 200 and "尚未设置奖惩凭星表" in response.content.decode()
    assert as_user(client, maintainer).get(url).status_code == 403
    post = {
        "year": YEAR,
        **{f"pay_{n}": p for n, p in enumerate(PAY)},
        "award_min_stars": 4,
        "unqualified_max_stars": 1,
        "weak_max_stars": 1,
    }
    assert as_user(client, auditor).post(reverse("star_consequences_set"), post).status_code == 403
    response = as_user(client, county_admin).post(
        reverse("star_consequences_set"), {**post, "pay_0": "-1"}
    )
    assert response.status_code == 400 and "系数必须在0到2之间" in response.content.decode()
    assert client.post(reverse("star_consequences_set"), post).status_code == 302
    assert ConsequenceTable.objects.filter(county=strong_a1.parent.parent).exists()
    assert client.get(reverse("star_pay_list"), {"year": YEAR})["Content-Type"].endswith("sheet")
    assert client.get(url, {"ladder": Ladder.MEMBER}).status_code == 200
    # the other county sees none of it
    html = as_user(client, county_admin2).get(url, {"year": YEAR}).content.decode()
    assert "七道江村" not in html
