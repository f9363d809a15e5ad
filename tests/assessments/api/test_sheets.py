"""GET/PUT/PATCH /api/v1/assessments/{id}/sheets/{stage}/ — the STYLE.md checklist, PUT vs
PATCH semantics, optimistic versions, stage locks, JSON numbers as Decimal, query budgets."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from assessments.models import Assessment, Round, Score, Sheet
from organizations.models import AuditLog
from tests.conftest import full_sheet, move_to
from tests.support.api import problems

pytestmark = pytest.mark.django_db


@pytest.fixture
def a1(round_2024, village_a1):
    return Assessment.objects.get(round=round_2024, organization=village_a1)


@pytest.fixture
def b1(round_2024, village_b1):
    return Assessment.objects.get(round=round_2024, organization=village_b1)


def url(assessment, stage="self"):
    return f"/api/v1/assessments/{assessment.pk}/sheets/{stage}/"


def stored(assessment, stage="self"):
    return dict(
        Score.objects.filter(sheet__assessment=assessment, sheet__stage=stage).values_list(
            "item__code", "points"
        )
    )


# --- works -----------------------------------------------------------------------------------


def test_secretary_reads_an_empty_sheet_then_saves_a_draft(api, a1, secretary_a1):
    client = api.as_(secretary_a1)

    empty = client.get(url(a1))
    assert empty.status_code == 200
    assert empty.json() | {"updated_at": None} == {
        "assessment": a1.pk,
        "stage": "self",
        "status": "draft",
        "version": 0,
        "scores": {},
        "notes": {},
        "submitted_at": None,
        "updated_by": None,
        "updated_at": None,
        "stage_open": True,
        "deadline": None,
    }

    saved = client.patch(
        url(a1),
        {"version": 0, "scores": {"SJ01": "2.50", "SJ02": 1}, "notes": {"SJ01": "台账齐全"}},
        format="json",
    )

    assert saved.status_code == 200, saved.json()
    assert saved.json()["version"] == 1
    assert saved.json()["scores"] == {"SJ01": "2.50", "SJ02": "1.00"}
    assert saved.json()["notes"] == {"SJ01": "台账齐全"}
    assert stored(a1) == {"SJ01": Decimal("2.50"), "SJ02": Decimal("1.00")}
    assert AuditLog.objects.filter(action=AuditLog.Action.SCORES_SAVE, actor=secretary_a1).exists()


def test_patch_merges_and_put_replaces(api, a1, secretary_a1):
    client = api.as_(secretary_a1)
    client.patch(url(a1), {"version": 0, "scores": {"SJ01": "2", "SJ02": "1"}}, format="json")

    merged = client.patch(url(a1), {"version": 1, "scores": {"SJ03": "1"}}, format="json")
    assert merged.status_code == 200
    assert set(stored(a1)) == {"SJ01", "SJ02", "SJ03"}

    replaced = client.put(url(a1), {"version": 2, "scores": {"SJ02": "1.50"}}, format="json")
    assert replaced.status_code == 200, replaced.json()
    assert stored(a1) == {"SJ02": Decimal("1.50")}
    assert replaced.json()["version"] == 3


def test_null_or_empty_clears_an_item(api, a1, secretary_a1):
    client = api.as_(secretary_a1)
    client.patch(url(a1), {"version": 0, "scores": {"SJ01": "2", "SJ02": "1"}}, format="json")

    response = client.patch(
        url(a1), {"version": 1, "scores": {"SJ01": None, "SJ02": ""}}, format="json"
    )

    assert response.status_code == 200
    assert stored(a1) == {}


def test_json_numbers_are_read_as_decimals_not_floats(api, a1, secretary_a1):
    """1.1 and 2.3 are not exact in binary; the parser reads them as Decimal text."""
    response = api.as_(secretary_a1).patch(
        url(a1),
        data=b'{"version": 0, "scores": {"SJ01": 1.1, "SJ02": 0.3, "SJ03": 1}}',
        content_type="application/json",
    )

    assert response.status_code == 200, response.json()
    assert stored(a1) == {
        "SJ01": Decimal("1.10"),
        "SJ02": Decimal("0.30"),
        "SJ03": Decimal("1.00"),
    }


def test_submit_a_full_sheet(api, a1, secretary_a1, catalogue):
    response = api.as_(secretary_a1).put(
        url(a1), {"version": 0, "scores": full_sheet(catalogue), "submit": True}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["status"] == "submitted"
    assert Sheet.objects.get(assessment=a1, stage="self").is_submitted


def test_admin_returns_a_submitted_sheet_with_a_reason(
    api, a1, secretary_a1, county_admin, catalogue
):
    api.as_(secretary_a1).put(
        url(a1), {"version": 0, "scores": full_sheet(catalogue), "submit": True}, format="json"
    )
    client = api.as_(county_admin)

    missing = client.post(url(a1) + "return/", {"reason": " "}, format="json")
    assert missing.status_code == 400
    assert problems(missing) == [{"field": "reason", "message": "必填"}]

    response = client.post(url(a1) + "return/", {"reason": "分数有误"}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "draft"
    assert not Sheet.objects.get(assessment=a1, stage="self").is_submitted
    denied = api.as_(secretary_a1).post(url(a1) + "return/", {"reason": "x"}, format="json")
    assert denied.status_code == 403


# --- rejected --------------------------------------------------------------------------------


def test_anonymous_is_401(api, a1):
    assert api.get(url(a1)).status_code == 401
    response = api.put(url(a1), {"version": 0, "scores": {}}, format="json")
    assert response.status_code == 401
    assert response.json()["message"]
    assert "Bearer" in response["WWW-Authenticate"]


def test_other_township_is_404_and_nothing_written(api, b1, assessor_a):
    client = api.as_(assessor_a)
    move_to(b1.round, Round.Status.TOWNSHIP_REVIEW)

    assert client.get(url(b1, "township")).status_code == 404
    response = client.put(
        url(b1, "township"), {"version": 0, "scores": {"SJ01": "1"}}, format="json"
    )

    assert response.status_code == 404
    assert problems(response) == []
    assert stored(b1, "township") == {}


def test_wrong_role_is_403(api, a1, auditor, reviewer):
    for user in (auditor, reviewer):
        response = api.as_(user).patch(
            url(a1), {"version": 0, "scores": {"SJ01": "1"}}, format="json"
        )
        assert response.status_code == 403
        assert "无权" in response.json()["message"]
    assert stored(a1) == {}


def test_unknown_stage_is_404(api, a1, county_admin):
    assert api.as_(county_admin).get(url(a1, "final")).status_code == 404


def test_bad_input_lists_every_problem_and_writes_nothing(api, a1, secretary_a1):
    response = api.as_(secretary_a1).patch(
        url(a1),
        {
            "version": 0,
            "scores": {"SJ01": "99", "SJ02": "-1", "SJ03": "1.234", "XX99": "1", "SJ04": "abc"},
        },
        format="json",
    )

    assert response.status_code == 400
    errors = problems(response)
    assert {(e["item"], e["value"]) for e in errors} == {
        ("SJ01", "99"),
        ("SJ02", "-1"),
        ("SJ03", "1.234"),
        ("XX99", "1"),
        ("SJ04", "abc"),
    }
    assert all(e["message"] and e["stage"] == "self" for e in errors)
    assert stored(a1) == {}
    assert not Sheet.objects.filter(assessment=a1, stage="self", version__gt=0).exists()


def test_malformed_body_lists_each_field(api, a1, secretary_a1):
    response = api.as_(secretary_a1).patch(
        url(a1),
        {"version": "x", "scores": {"SJ01": [1], "SJ02": True}, "submit": "maybe"},
        format="json",
    )

    assert response.status_code == 400
    fields = {e["field"] for e in problems(response)}
    assert fields == {"version", "scores.SJ01", "scores.SJ02", "submit"}


def test_version_is_required(api, a1, secretary_a1):
    response = api.as_(secretary_a1).patch(url(a1), {"scores": {"SJ01": "1"}}, format="json")

    assert response.status_code == 400
    assert [e["field"] for e in problems(response)] == ["version"]


def test_invalid_json_is_400(api, a1, secretary_a1):
    response = api.as_(secretary_a1).patch(
        url(a1), data=b'{"version": 0, "scores": {', content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["message"]


def test_wrong_method_is_405(api, a1, secretary_a1):
    for method in ("post", "delete"):
        response = getattr(api.as_(secretary_a1), method)(url(a1))
        assert response.status_code == 405
        assert response.json()["errors"] == []


def test_stale_version_is_409_with_the_current_values(api, a1, secretary_a1, county_admin):
    api.as_(secretary_a1).patch(url(a1), {"version": 0, "scores": {"SJ01": "2"}}, format="json")

    response = api.as_(county_admin).patch(
        url(a1), {"version": 0, "scores": {"SJ01": "1"}}, format="json"
    )

    assert response.status_code == 409
    body = response.json()
    assert body["current_version"] == 1
    assert body["current_scores"] == {"SJ01": "2.00"}
    assert stored(a1) == {"SJ01": Decimal("2.00")}


def test_stage_not_open_is_409_naming_the_stage(api, a1, secretary_a1, round_2024):
    move_to(round_2024, Round.Status.TOWNSHIP_REVIEW)

    response = api.as_(secretary_a1).patch(
        url(a1), {"version": 0, "scores": {"SJ01": "1"}}, format="json"
    )

    assert response.status_code == 409
    body = response.json()
    assert body["stage"] == "self"
    assert "村自评" in body["message"]
    assert stored(a1) == {}


def test_passed_deadline_is_409_saying_since_when(api, a1, secretary_a1, round_2024):
    deadline = timezone.now() - timedelta(hours=1)
    Round.objects.filter(pk=round_2024.pk).update(self_deadline=deadline)

    response = api.as_(secretary_a1).patch(
        url(a1), {"version": 0, "scores": {"SJ01": "1"}}, format="json"
    )

    assert response.status_code == 409
    body = response.json()
    assert body["stage"] == "self"
    assert body["locked_since"] == deadline.isoformat()
    assert "截止" in body["message"]


# --- query budget ----------------------------------------------------------------------------


def test_saving_does_not_grow_with_the_number_of_items(
    api, a1, secretary_a1, catalogue, django_assert_max_num_queries
):
    client = api.as_(secretary_a1)
    every = full_sheet(catalogue)
    few = dict(list(every.items())[:3])

    with django_assert_max_num_queries(30) as few_ctx:
        assert client.put(url(a1), {"version": 0, "scores": few}, format="json").status_code == 200
    with django_assert_max_num_queries(30) as all_ctx:
        response = client.put(url(a1), {"version": 1, "scores": every}, format="json")
        assert response.status_code == 200

    assert len(all_ctx.captured_queries) <= len(few_ctx.captured_queries) + 2


def test_stage_left_by_the_round_is_409_saying_since_when(
    api, a1, secretary_a1, county_admin, round_2024
):
    advanced = api.as_(county_admin).post(f"/api/v1/rounds/{round_2024.pk}/advance/")
    assert advanced.status_code == 200
    left_at = AuditLog.objects.get(
        action=AuditLog.Action.ROUND_TRANSITION, after__status="township_review"
    ).at

    response = api.as_(secretary_a1).patch(
        url(a1), {"version": 0, "scores": {"SJ01": "1"}}, format="json"
    )

    assert response.status_code == 409
    body = response.json()
    assert body["stage"] == "self"
    assert body["round_status"] == "township_review"
    assert body["locked_since"] == left_at.isoformat()
    local = timezone.localtime(left_at)
    assert f"已于{local:%Y-%m-%d %H:%M}结束" in body["message"]
    assert stored(a1) == {}
