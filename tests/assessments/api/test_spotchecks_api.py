"""三随机 over the API: draw, list, redraw with a reason, assign, record; the checklist."""

from __future__ import annotations

import pytest

from assessments.models import SpotCheck, SpotCheckDraw
from tests.conftest import move_to
from tests.support.api import problems

pytestmark = pytest.mark.django_db


def _draw(api, user, round_, **body):
    data = {"size_kind": "count", "size_value": "2", "seed": 9} | body
    return api.as_(user).post(f"/api/v1/rounds/{round_.pk}/spot-draws/", data, format="json")


def test_draw_list_redraw(api, round_2024, county_admin, auditor, django_assert_max_num_queries):
    first = _draw(api, county_admin, round_2024, interviewee_pool=["甲", "乙"], interviewee_count=1)
    assert first.status_code == 201, first.json()
    body = first.json()
    assert body["seed"] == 9 and len(body["checks"]) == 2 and len(body["interviewees"]) == 1

    refused = _draw(api, county_admin, round_2024)
    assert refused.status_code == 409 and problems(refused)[0]["field"] == "reason"

    again = _draw(api, county_admin, round_2024, reason="原抽取村遇洪灾")
    assert again.status_code == 201 and again.json()["number"] == 2

    with django_assert_max_num_queries(10):
        listed = api.as_(auditor).get(f"/api/v1/rounds/{round_2024.pk}/spot-draws/").json()
    assert [(d["number"], d["current"]) for d in listed] == [(2, True), (1, False)]
    # the same seed and population give the same villages
    assert [c["assessment"] for c in listed[0]["checks"]] == [
        c["assessment"] for c in body["checks"]
    ]


def test_draw_checklist(api, round_2024, round2, county_admin, county_admin2, evaluator):
    assert _draw(api, None, round_2024).status_code in (401, 403)
    assert _draw(api, county_admin2, round_2024).status_code == 404
    assert _draw(api, evaluator, round_2024).status_code == 403
    bad = _draw(api, county_admin, round_2024, size_kind="share", size_value="3")
    assert bad.status_code == 400 and problems(bad)[0]["field"] == "size_value"
    url = f"/api/v1/rounds/{round_2024.pk}/spot-draws/"
    assert api.as_(county_admin).delete(url).status_code == 405
    move_to(round_2024, "archived")
    assert _draw(api, county_admin, round_2024).status_code == 409
    assert not SpotCheckDraw.objects.filter(round=round_2024).exists()


def test_assign_and_record(api, round_2024, county_admin, county_admin2, evaluator, secretary_a1):
    check = _draw(api, county_admin, round_2024).json()["checks"][0]
    assign = f"/api/v1/spot-checks/{check['id']}/assign/"
    outcome = f"/api/v1/spot-checks/{check['id']}/outcome/"

    assert (
        api.as_(county_admin).post(assign, {"checker": county_admin2.pk}, format="json").status_code
        == 400
    )
    assert (
        api.as_(evaluator).post(assign, {"checker": evaluator.pk}, format="json").status_code == 403
    )
    assert api.as_(county_admin2).post(assign, {"checker": None}, format="json").status_code == 404
    assert (
        api.as_(secretary_a1).post(outcome, {"outcome": "confirmed"}, format="json").status_code
        == 404
    )
    ok = api.as_(county_admin).post(assign, {"checker": evaluator.pk}, format="json")
    assert ok.status_code == 200 and ok.json()["checker"] == evaluator.pk

    bad = api.as_(evaluator).post(
        outcome, {"outcome": "differences", "item": "SJ01"}, format="json"
    )
    assert bad.status_code == 400 and {e["field"] for e in problems(bad)} == {"points", "note"}
    done = api.as_(evaluator).post(
        outcome,
        {"outcome": "differences", "item": "SJ01", "points": "1", "note": "台账不全"},
        format="json",
    )
    assert done.status_code == 200, done.json()
    assert SpotCheck.objects.get(pk=check["id"]).outcome == "differences"
    assert api.as_(evaluator).get(outcome).status_code == 405
