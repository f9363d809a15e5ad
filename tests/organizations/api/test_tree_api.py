"""The tree over the API, one node at a time (county admin): create, rename, move, deactivate
and reactivate townships and villages — the STYLE.md checklist, the audit trail, and the rules
that keep the tree whole (a township with villages is not deactivated, a village hangs under a
township of the same county)."""

from __future__ import annotations

import pytest

from organizations.models import AuditLog, Organization
from organizations.selectors import organizations_for_user
from tests.conftest import audit_rows
from tests.support.api import problems

pytestmark = pytest.mark.django_db

URL = "/api/v1/organizations/"


def _create(client, **body):
    return client.post(URL, body, format="json", REMOTE_ADDR="10.0.0.7")


def test_a_township_and_its_village_are_created_and_audited(api, county_admin, county):
    client = api.as_(county_admin)

    township = _create(
        client, code="220602102000", name="新设街道", kind="street", parent=county.pk
    )
    assert township.status_code == 201, township.json()
    village = _create(
        client,
        code="220602102201",
        name="幸福社区",
        kind="community",
        parent=township.json()["id"],
        party_body="general_branch",
        secretary_name="赵书记",
        member_count=30,
    )

    assert village.status_code == 201, village.json()
    org = Organization.objects.get(code="220602102201")
    assert (org.parent.code, org.kind, org.member_count) == ("220602102000", "community", 30)
    entry = audit_rows(org, AuditLog.Action.CREATE).get()
    assert entry.after["name"] == "幸福社区" and entry.ip_address == "10.0.0.7"
    assert entry.actor == county_admin


def test_anonymous_is_401(api, county):
    response = _create(api, code="220602102000", name="x", kind="street", parent=county.pk)
    assert response.status_code == 401
    assert problems(response) == []


def test_a_wrong_role_is_403_whatever_the_body(api, assessor_a, auditor, system_admin):
    for user in (assessor_a, auditor, system_admin):
        response = _create(api.as_(user), code="bad")
        assert response.status_code == 403, user.role
        assert "县级管理员" in response.json()["message"]
    assert not Organization.objects.filter(name="x").exists()


def test_bad_input_lists_every_problem_and_writes_nothing(api, county_admin, county, village_a1):
    count = Organization.objects.count()
    response = _create(
        api.as_(county_admin),
        code="12345",
        name="",
        kind="county",
        parent=village_a1.pk,
        member_count=-1,
    )

    assert response.status_code == 400
    fields = {e["field"] for e in problems(response)}
    assert {"code", "name", "kind", "member_count"} <= fields
    assert Organization.objects.count() == count

    # The serializer passed; the rules of the tree did not.
    response = _create(
        api.as_(county_admin),
        code=village_a1.code,
        name="=HYPERLINK()",
        kind="village",
        parent=county.pk,
    )
    errors = {e["field"]: e["message"] for e in problems(response)}
    assert response.status_code == 400
    assert errors["code"] == "该区划代码已存在"
    assert "乡镇（街道）" in errors["parent"]
    assert "公式" in errors["name"] or "=" in errors["name"]
    assert Organization.objects.count() == count


def test_the_other_county_is_not_found_or_not_accepted(
    api, county_admin, township2, village2, village_a1
):
    client = api.as_(county_admin)

    # Another county's township as the parent: refused like an id that does not exist.
    response = _create(
        client, code="220602100299", name="越界村", kind="village", parent=township2.pk
    )
    assert response.status_code == 400
    assert [e["field"] for e in problems(response)] == ["parent"]
    # Another county's village: 404 on every write.
    assert client.patch(f"{URL}{village2.pk}/", {"name": "x"}, format="json").status_code == 404
    response = client.post(
        f"{URL}{village2.pk}/active/", {"active": False, "reason": "x"}, format="json"
    )
    assert response.status_code == 404
    # Moving one's own village under the other county's township.
    response = client.patch(f"{URL}{village_a1.pk}/", {"parent": township2.pk}, format="json")
    assert response.status_code == 400
    village2.refresh_from_db()
    village_a1.refresh_from_db()
    assert village2.name == "东岗村" and village2.is_active
    assert village_a1.parent.code == "220602100000"


def test_wrong_methods_are_405(api, county_admin, village_a1):
    client = api.as_(county_admin)
    assert client.delete(f"{URL}{village_a1.pk}/").status_code == 405
    assert client.put(f"{URL}{village_a1.pk}/", {}, format="json").status_code == 405
    assert client.get(f"{URL}{village_a1.pk}/active/").status_code == 405
    assert client.delete(URL).status_code == 405


def test_rename_and_move_a_village(api, county_admin, village_a1, township_b, assessor_b):
    assert not organizations_for_user(assessor_b).filter(pk=village_a1.pk).exists()

    response = api.as_(county_admin).patch(
        f"{URL}{village_a1.pk}/",
        {"name": "七道江村（合并后）", "parent": township_b.pk, "secretary_name": "钱书记"},
        format="json",
    )

    assert response.status_code == 200, response.json()
    village_a1.refresh_from_db()
    assert village_a1.name == "七道江村（合并后）" and village_a1.parent == township_b
    assert village_a1.code == "220602100201"  # the statistical identity never changes
    # The new township's assessor now sees it; the old one no longer does.
    assert organizations_for_user(assessor_b).filter(pk=village_a1.pk).exists()
    entry = audit_rows(village_a1, AuditLog.Action.UPDATE).get()
    assert entry.reason == "调整隶属关系"
    assert entry.before["name"] == "七道江村" and entry.after["parent_id"] == township_b.pk
    assert set(entry.after) == {"name", "parent_id", "secretary_name"}


def test_code_and_kind_cannot_be_patched(api, county_admin, village_a1):
    response = api.as_(county_admin).patch(
        f"{URL}{village_a1.pk}/", {"code": "220602100299", "kind": "community"}, format="json"
    )
    # Unknown to the update serializer: ignored, nothing changes.
    assert response.status_code == 200
    village_a1.refresh_from_db()
    assert (village_a1.code, village_a1.kind) == ("220602100201", "village")


def test_deactivate_needs_a_reason_and_never_deletes(api, county_admin, village_a2):
    client = api.as_(county_admin)
    url = f"{URL}{village_a2.pk}/active/"

    response = client.post(url, {"active": False, "reason": " "}, format="json")
    assert response.status_code == 400
    assert problems(response)[0]["field"] == "reason"

    response = client.post(url, {"active": False, "reason": "并入七道江村"}, format="json")
    assert response.status_code == 200 and response.json()["is_active"] is False
    village_a2.refresh_from_db()
    assert not village_a2.is_active
    entry = audit_rows(village_a2, AuditLog.Action.DEACTIVATE).get()
    assert entry.reason == "并入七道江村" and entry.after == {"is_active": False}

    response = client.post(url, {"active": True, "reason": "撤并取消"}, format="json")
    assert response.status_code == 200
    village_a2.refresh_from_db()
    assert village_a2.is_active


def test_a_township_with_active_villages_is_not_deactivated(
    api, county_admin, township_a, village_a1, village_a2
):
    response = api.as_(county_admin).post(
        f"{URL}{township_a.pk}/active/", {"active": False, "reason": "撤乡并镇"}, format="json"
    )

    assert response.status_code == 400
    message = problems(response)[0]["message"]
    assert "七道江村" in message and "新兴村" in message
    township_a.refresh_from_db()
    assert township_a.is_active


def test_the_county_itself_is_not_edited_over_the_api(api, county_admin, county):
    response = api.as_(county_admin).patch(f"{URL}{county.pk}/", {"name": "改名"}, format="json")
    assert response.status_code == 403
    county.refresh_from_db()
    assert county.name == "浑江区"
