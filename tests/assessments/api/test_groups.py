"""Evaluation groups and 回避 over the API (issue 14, items 6 and 8): create, rename, members,
villages, the check, relations — scoped, audited, refused in Chinese. Roles × scopes are in the
permission matrix (tests/starrating/api/test_permissions.py)."""

from __future__ import annotations

import pytest

from assessments.models import EvaluationGroup, RecusalRelation, Round
from organizations.models import AuditLog, Role
from tests.conftest import move_to
from tests.factories import UserFactory
from tests.support.api import problems

pytestmark = pytest.mark.django_db


@pytest.fixture
def group(round_2024):
    return EvaluationGroup.objects.get(round=round_2024, name="第一考评组")


@pytest.fixture
def member(county):
    return UserFactory(username="ev2", full_name="王考评", role=Role.EVALUATOR, organization=county)


def json_client(api, user):
    client = api.as_(user)
    client.default_format = "json"
    return client


def test_a_round_driven_over_the_api(
    api, county_admin, round_2024, group, member, village_a1, village_a2, village_b1
):
    client = json_client(api, county_admin)
    created = client.post(f"/api/v1/rounds/{round_2024.pk}/groups/", {"name": "第二考评组"})
    assert created.status_code == 201
    second = created.json()["id"]

    response = client.put(f"/api/v1/groups/{second}/members/", {"members": [member.pk]})
    assert response.status_code == 200
    assert [m["username"] for m in response.json()["members"]] == ["ev2"]
    response = client.put(
        f"/api/v1/groups/{second}/villages/",
        {"villages": [village_a2.code, str(village_b1.pk)]},
        format="json",
    )
    assert response.status_code == 200
    assert [v["name"] for v in response.json()["villages"]] == ["新兴村", "六道江村"]

    coverage = client.get(f"/api/v1/rounds/{round_2024.pk}/groups/coverage/").json()
    assert coverage == {"ok": True, "unassigned": [], "double": []}
    listed = client.get(f"/api/v1/rounds/{round_2024.pk}/groups/").json()
    assert [(g["name"], g["progress"]["villages"]) for g in listed] == [
        ("第一考评组", 1),
        ("第二考评组", 2),
    ]
    assert (
        AuditLog.objects.filter(
            object_type="assessments.EvaluationGroup", object_id=str(second)
        ).count()
        == 3
    )

    move_to(round_2024, Round.Status.TOWNSHIP_REVIEW)
    assert client.post(f"/api/v1/rounds/{round_2024.pk}/advance/").status_code == 200


def test_advance_refused_listing_villages_without_a_group(api, county_admin, round_2024):
    move_to(round_2024, Round.Status.TOWNSHIP_REVIEW)
    response = api.as_(county_admin).post(f"/api/v1/rounds/{round_2024.pk}/advance/")
    assert response.status_code == 409
    assert {e["organization_name"] for e in problems(response)} == {"新兴村", "六道江村"}


def test_recusal_over_the_api_blocks_the_assignment(
    api, county_admin, group, evaluator, township_b, village_b1
):
    client = json_client(api, county_admin)
    response = client.post(
        "/api/v1/recusals/",
        {"user": evaluator.pk, "organization": township_b.code, "reason": "在六道江镇工作"},
    )
    assert response.status_code == 201
    assert response.json()["organization"]["name"] == "六道江镇"

    response = client.put(
        f"/api/v1/groups/{group.pk}/villages/", {"villages": [village_b1.code]}, format="json"
    )
    assert response.status_code == 400
    (problem,) = problems(response)
    assert "回避" in problem["message"] and "六道江村" in problem["message"]
    assert problem["member"] == "evaluator"
    assert not group.villages.filter(pk=village_b1.pk).exists()

    relation = RecusalRelation.objects.get()
    assert client.post(f"/api/v1/recusals/{relation.pk}/end/", {"reason": ""}).status_code == 400
    response = client.post(f"/api/v1/recusals/{relation.pk}/end/", {"reason": "已调离"})
    assert response.status_code == 200 and response.json()["is_active"] is False
    assert client.get("/api/v1/recusals/").json()[0]["ended_by"] == "组织部管理员"


def test_bad_input_names_the_field(api, county_admin, round_2024, group, village2, evaluator):
    client = json_client(api, county_admin)
    response = client.put(
        f"/api/v1/groups/{group.pk}/villages/", {"villages": [village2.code]}, format="json"
    )
    assert response.status_code == 400
    assert problems(response)[0] == {
        "field": "villages",
        "value": village2.code,
        "message": "不存在或不在本区县",
    }
    response = client.put(f"/api/v1/groups/{group.pk}/members/", {"members": "x"}, format="json")
    assert response.status_code == 400 and problems(response)[0]["field"] == "members"
    response = client.post(f"/api/v1/rounds/{round_2024.pk}/groups/", {"name": ""})
    assert response.status_code == 400 and problems(response)[0]["field"] == "name"
    response = client.post(
        "/api/v1/recusals/", {"user": evaluator.pk, "organization": "999999999999", "reason": "x"}
    )
    assert response.status_code == 400 and problems(response)[0]["field"] == "organization"


def test_methods_and_anonymous(api, county_admin, round_2024, group):
    assert api.get(f"/api/v1/groups/{group.pk}/").status_code == 401
    client = json_client(api, county_admin)
    assert client.post(f"/api/v1/groups/{group.pk}/members/", {}).status_code == 405
    assert client.get(f"/api/v1/groups/{group.pk}/villages/").status_code == 405
    assert client.delete(f"/api/v1/rounds/{round_2024.pk}/groups/coverage/").status_code == 405


def test_locked_stage_refused(api, county_admin, round_2024, group, village_a2):
    move_to(round_2024, Round.Status.PUBLISHED)
    response = api.as_(county_admin).put(
        f"/api/v1/groups/{group.pk}/villages/", {"villages": [village_a2.code]}, format="json"
    )
    assert response.status_code == 409
    assert "不能再修改" in response.json()["message"]
    assert list(group.villages.values_list("code", flat=True)) == ["220602100201"]


def test_delete_an_empty_group(api, county_admin, round_2024):
    client = json_client(api, county_admin)
    pk = client.post(f"/api/v1/rounds/{round_2024.pk}/groups/", {"name": "多余的组"}).json()["id"]
    assert client.delete(f"/api/v1/groups/{pk}/").status_code == 204
    assert not EvaluationGroup.objects.filter(pk=pk).exists()


def test_group_list_query_budget(
    api, county_admin, round_2024, county, django_assert_max_num_queries
):
    client = json_client(api, county_admin)
    for i in range(6):
        client.post(f"/api/v1/rounds/{round_2024.pk}/groups/", {"name": f"组{i}"})
    with django_assert_max_num_queries(12):
        assert client.get(f"/api/v1/rounds/{round_2024.pk}/groups/").status_code == 200
