"""The 述职评议 API walks STYLE.md's checklist: works · anonymous 401 · other township 404 ·
other county 404 · wrong role 403 · bad input 400 with the field · wrong method 405 · a closed
session refused (409); the export keeps formulas as text."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
from django.utils import timezone

from ledgers.models import Rectification
from secretaries.models import ReviewScore
from tests.secretaries.conftest import reviewee_of
from tests.support.api import problems

pytestmark = pytest.mark.django_db

BASE = "/api/v1/secretary-reviews/"
LATER = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()


def test_list_by_role(
    api,
    review,
    county_admin,
    auditor,
    assessor_a,
    secretary_a1,
    maintainer,
    county_admin2,
    django_assert_max_num_queries,
):
    assert api.get(BASE).status_code == 401
    for user in (county_admin, auditor, assessor_a):
        with django_assert_max_num_queries(8):
            body = api.as_(user).get(BASE).json()
        assert [s["id"] for s in body] == [review.pk]
    assert api.as_(secretary_a1).get(BASE).json() == []  # no village-level session of A yet
    assert api.as_(county_admin2).get(BASE).json() == []
    assert api.as_(maintainer).get(BASE).status_code == 403
    assert api.as_(county_admin).delete(BASE).status_code == 405


def test_create_and_settings(api, county_admin, assessor_a, township_b, year):
    body = {"level": "township", "year": year, "title": "述职评议", "held_on": "2024-01-20"}
    assert api.as_(assessor_a).post(BASE, body, format="json").status_code == 403
    bad = api.as_(county_admin).post(BASE, body | {"weight_public": "0.5"}, format="json")
    assert bad.status_code == 400 and problems(bad)[0]["field"] == "weight_leaders"
    created = api.as_(county_admin).post(BASE, body, format="json")
    assert created.status_code == 201 and len(created.json()["results"]) == 2
    pk = created.json()["id"]
    patch = api.as_(county_admin).patch(
        f"{BASE}{pk}/",
        {"weight_leaders": "0.5", "weight_members": "0.25", "weight_public": "0.25"},
        format="json",
    )
    assert patch.status_code == 200 and patch.json()["weight_leaders"] == "0.500"
    assert (
        api.as_(assessor_a).patch(f"{BASE}{pk}/", {"title": "x"}, format="json").status_code == 403
    )


def test_the_whole_review_through_the_api(
    api,
    review,
    county_admin,
    assessor_a,
    assessor_b,
    county_admin2,
    township_a,
    township_b,
    django_assert_max_num_queries,
):
    a, b = reviewee_of(review, township_a), reviewee_of(review, township_b)
    s = f"{BASE}{review.pk}/"
    q = api.as_(county_admin).post(
        f"{s}questions/", {"kind": "common", "text": "如何抓党建促发展？"}, format="json"
    )
    assert q.status_code == 201
    assert (
        api.as_(assessor_a)
        .post(f"{s}questions/", {"kind": "common", "text": "x"}, format="json")
        .status_code
        == 403
    )
    # The township writes its own report and answers; another township's secretary is a 404.
    mine = f"{BASE}secretaries/{a.pk}/"
    assert api.as_(assessor_b).get(mine).status_code == 404
    assert api.as_(county_admin2).get(mine).status_code == 404
    assert (
        api.as_(assessor_b).post(f"{mine}report/", {"report": "x"}, format="json").status_code
        == 404
    )
    done = api.as_(assessor_a).post(f"{mine}report/", {"report": "述职报告全文"}, format="json")
    assert done.status_code == 200 and done.json()["report"] == "述职报告全文"
    answer = api.as_(assessor_a).post(
        f"{mine}answers/", {"question": q.json()["id"], "text": "抓班子"}, format="json"
    )
    assert answer.status_code == 200
    # Scores only once open.
    score = {"group": "leaders", "reviewer": "县委书记", "score": "91.5"}
    assert api.as_(county_admin).post(f"{mine}scores/", score, format="json").status_code == 409
    assert api.as_(county_admin).post(f"{s}open/").status_code == 200
    assert api.as_(assessor_a).post(f"{mine}scores/", score, format="json").status_code == 403
    bad = api.as_(county_admin).post(f"{mine}scores/", score | {"score": "120"}, format="json")
    assert bad.status_code == 400 and problems(bad)[0]["field"] == "score"
    for group, value in (("leaders", "91.5"), ("members", "88"), ("public", "86")):
        row = api.as_(county_admin).post(
            f"{mine}scores/",
            {"group": group, "reviewer": f"{group}1", "score": value},
            format="json",
        )
        assert row.status_code == 201
    problem = api.as_(county_admin).post(
        f"{s}problems/",
        {
            "kind": "common",
            "text": "阵地利用率不高",
            "measures": "建立清单",
            "deadline": LATER,
            "reviewees": [a.pk, b.pk],
        },
        format="json",
    )
    assert problem.status_code == 201 and len(problem.json()["rectifications"]) == 2
    bad = api.as_(county_admin).post(
        f"{s}problems/",
        {
            "kind": "individual",
            "text": "x",
            "measures": "y",
            "deadline": LATER,
            "reviewees": [a.pk, b.pk],
        },
        format="json",
    )
    assert bad.status_code == 400 and problems(bad)[0]["field"] == "reviewees"
    # A township sees the problems naming it; the county all.
    seen = api.as_(assessor_a).get(f"{s}problems/").json()
    assert len(seen) == 1 and seen[0]["organizations"] == [township_a.name]
    assert [e["organization"] for e in seen[0]["rectifications"]] == [township_a.name]
    with django_assert_max_num_queries(10):
        detail = api.as_(county_admin).get(s).json()
    result = {r["organization"]: r for r in detail["results"]}[township_a.pk]
    # 0.4×91.5 + 0.3×88 + 0.3×86 = 88.80 → 较好
    assert (result["score"], result["grade"], result["problems"]) == ("88.80", "good", 1)
    assert [r["organization"] for r in api.as_(assessor_a).get(s).json()["results"]] == [
        township_a.pk
    ]
    assert api.as_(assessor_a).post(f"{s}close/").status_code == 403
    assert api.as_(county_admin2).post(f"{s}close/").status_code == 404
    closed = api.as_(county_admin).post(f"{s}close/")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert (
        api.as_(county_admin)
        .post(f"{mine}scores/", score | {"reviewer": "x"}, format="json")
        .status_code
        == 409
    )
    assert (
        api.as_(assessor_a).post(f"{mine}report/", {"report": "y"}, format="json").status_code
        == 409
    )
    assert ReviewScore.objects.count() == 3
    assert Rectification.objects.filter(source="review").count() == 2
    assert api.as_(county_admin).put(s, {}, format="json").status_code == 405


def test_checks_route(api, review, county_admin, township_a, assessor_a):
    a = reviewee_of(review, township_a)
    url = f"{BASE}secretaries/{a.pk}/checks/"
    body = {"checked_on": timezone.localdate().isoformat(), "checkers": "第一组", "findings": "好"}
    assert api.as_(assessor_a).post(url, body, format="json").status_code == 403
    bad = api.as_(county_admin).post(url, body | {"spot_check": 999999}, format="json")
    assert bad.status_code == 400 and problems(bad)[0]["field"] == "spot_check"
    assert api.as_(county_admin).post(url, body, format="json").status_code == 201
    assert len(api.as_(county_admin).get(f"{BASE}secretaries/{a.pk}/").json()["checks"]) == 1


def test_export_keeps_formulas_as_text(
    api, open_review, county_admin, assessor_a, secretary_a1, township_a, township_b
):
    from secretaries import services

    a, b = reviewee_of(open_review, township_a), reviewee_of(open_review, township_b)
    a.secretary_name = "=1+1"
    a.save()
    services.problem_add(
        actor=county_admin,
        session=open_review,
        kind="individual",
        text='=HYPERLINK("x")',
        measures="y",
        deadline=LATER,
        reviewees=[b.pk],
    )
    url = f"{BASE}{open_review.pk}/export/"
    assert api.as_(secretary_a1).get(url).status_code == 403
    wb = openpyxl.load_workbook(io.BytesIO(api.as_(county_admin).get(url).content))
    assert wb.sheetnames == ["评议结果", "问题清单"]
    cell = wb["评议结果"]["B2"]
    assert cell.value == "=1+1" and cell.data_type == "s"
    cell = wb["问题清单"]["B2"]
    assert cell.value.startswith("=HYPERLINK") and cell.data_type == "s"
    # A township's export holds its own row and no problem of another township.
    wb = openpyxl.load_workbook(io.BytesIO(api.as_(assessor_a).get(url).content))
    assert wb["评议结果"].max_row == 2 and wb["问题清单"].max_row == 1
