"""Accounts in bulk from the page's Excel template over the API (system administrator, 三员):
all or none, every problem named by row and column, the passwords answered once."""

from __future__ import annotations

import pytest

from organizations.models import AuditLog, User
from tests.support.api import problems
from tests.support.files import users_xlsx

pytestmark = pytest.mark.django_db

URL = "/api/v1/users/bulk/"


def _post(client, upload):
    return client.post(URL, {"file": upload}, format="multipart")


def test_accounts_are_created_with_their_passwords_once(
    api, system_admin, village_a1, village_a2, township_a
):
    upload = users_xlsx(
        [
            ["sec_a1b", "李书记", "村党组织书记", village_a1.code, "", "13800000000", ""],
            ["sec_a2", "王书记", "village_secretary", village_a2.code, "", "", ""],
            ["town_a", "镇评分员", "township_assessor", township_a.code, "", "", ""],
        ]
    )

    response = _post(api.as_(system_admin), upload)

    assert response.status_code == 201, response.json()
    created = response.json()["created"]
    assert [c["username"] for c in created] == ["sec_a1b", "sec_a2", "town_a"]
    user = User.objects.get(username="town_a")
    assert user.check_password(created[2]["password"]) and user.must_change_password
    assert AuditLog.objects.filter(action=AuditLog.Action.CREATE, object_id=str(user.pk)).exists()


def test_anonymous_401_and_wrong_role_403(api, county_admin, security_admin):
    assert _post(api, users_xlsx()).status_code == 401
    for user in (county_admin, security_admin):  # 三员: accounts are the system admin's only
        response = _post(api.as_(user), users_xlsx())
        assert response.status_code == 403
        assert response.json()["message"] == "只有系统管理员可以管理用户账号。"
    assert not User.objects.filter(username__startswith="bulk").exists()


def test_every_problem_is_named_and_nothing_is_created(
    api, system_admin, village_a1, village2, secretary_a1
):
    upload = users_xlsx(
        [
            ["new_one", "新人", "village_secretary", village_a1.code, "", "", ""],
            [secretary_a1.username, "重名", "village_secretary", village_a1.code, "", "", ""],
            ["other", "外县", "village_secretary", village2.code, "", "", ""],
            ["boss", "越权", "system_admin", village_a1.code, "", "", ""],
        ]
    )

    response = _post(api.as_(system_admin), upload)

    assert response.status_code == 400
    messages = [e["message"] for e in problems(response)]
    assert any("第3行" in m and "用户名已存在" in m for m in messages)
    assert any("第4行" in m and "不在本区县" in m for m in messages)
    assert any("第5行" in m and "不能授予该角色" in m for m in messages)
    assert not User.objects.filter(username__in=["new_one", "other", "boss"]).exists()


def test_not_a_workbook_or_no_file_is_400(api, system_admin):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = api.as_(system_admin)
    response = _post(client, SimpleUploadedFile("x.xlsx", b"not a workbook"))
    assert response.status_code == 400 and "xlsx" in response.json()["message"]
    response = client.post(URL, {}, format="multipart")
    assert response.status_code == 400 and problems(response)[0]["field"] == "file"


def test_wrong_method_is_405(api, system_admin):
    assert api.as_(system_admin).get(URL).status_code == 405
