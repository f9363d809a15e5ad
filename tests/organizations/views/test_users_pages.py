"""The system administrator's user-management pages, through the STYLE.md checklist: works ·
anonymous · other county 404 · wrong role 403 · bad input 400 with the Chinese message · wrong
method 405; and the bulk creation from Excel, all or nothing."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from organizations.models import AuditLog, PasswordHistory, Role, User

pytestmark = pytest.mark.django_db


def workbook(rows) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.append(["用户名", "姓名", "角色", "所属组织代码", "所属部门", "联系电话", "有效期至"])
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    out.name = "users.xlsx"
    return out


# --- list ---------------------------------------------------------------------------------


def test_list_shows_the_countys_accounts_only(client, system_admin, assessor_a, assessor2):
    client.force_login(system_admin)
    page = client.get(reverse("user_list")).content.decode()
    assert "assessor_a" in page and "assessor2" not in page


def test_list_searches_and_filters(client, system_admin, assessor_a, assessor_b, township_a):
    client.force_login(system_admin)
    page = client.get(reverse("user_list"), {"township": township_a.pk}).content.decode()
    assert "assessor_a" in page and "assessor_b" not in page
    page = client.get(reverse("user_list"), {"q": "assessor_b", "role": "township_assessor"})
    assert "assessor_b" in page.content.decode()


def test_pages_need_sign_in_and_the_system_admin_role(client, county_admin, security_admin):
    assert client.get(reverse("user_list")).status_code == 302
    for user in (county_admin, security_admin):
        client.force_login(user)
        assert client.get(reverse("user_list")).status_code == 403
        assert client.get(reverse("user_create")).status_code == 403
        assert client.get(reverse("user_bulk")).status_code == 403


def test_wrong_method(client, system_admin, assessor_a):
    client.force_login(system_admin)
    assert client.post(reverse("user_list")).status_code == 405
    assert client.get(reverse("user_reset_password", args=[assessor_a.pk])).status_code == 405
    assert client.get(reverse("user_set_active", args=[assessor_a.pk])).status_code == 405


# --- create -------------------------------------------------------------------------------


def test_create_shows_the_initial_password_once(client, system_admin, village_a2):
    client.force_login(system_admin)
    response = client.post(
        reverse("user_create"),
        {
            "username": "secretary_a2",
            "full_name": "王五",
            "role": "village_secretary",
            "organization": village_a2.pk,
        },
    )
    assert response.status_code == 201
    user = User.objects.get(username="secretary_a2")
    password = response.context["created"][0][1]
    assert password in response.content.decode() and user.check_password(password)
    assert user.must_change_password and not user.is_staff
    assert password not in str(list(AuditLog.objects.values_list("after", flat=True)))
    assert "no-store" in response["Cache-Control"]  # the password page is never cached
    assert PasswordHistory.objects.filter(user=user).count() == 1


def test_create_refuses_another_county_and_a_higher_role(client, system_admin, village2, county):
    client.force_login(system_admin)
    response = client.post(
        reverse("user_create"),
        {"username": "x1", "role": "village_secretary", "organization": village2.pk},
    )
    assert response.status_code == 400 and "所属组织不在本区县" in response.content.decode()
    response = client.post(
        reverse("user_create"),
        {"username": "x2", "role": "security_admin", "organization": county.pk},
    )
    assert response.status_code == 400 and "您不能授予该角色" in response.content.decode()
    assert not User.objects.filter(username__in=["x1", "x2"]).exists()


def test_create_bad_input_names_each_problem(client, system_admin, township_a):
    client.force_login(system_admin)
    response = client.post(
        reverse("user_create"),
        {"username": "", "role": "village_secretary", "organization": township_a.pk},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "用户名必填" in page and "所属组织的层级与角色不符" in page


# --- bulk ---------------------------------------------------------------------------------


def test_template_downloads(client, system_admin):
    client.force_login(system_admin)
    response = client.get(reverse("user_template"))
    assert response.status_code == 200
    header = next(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert header[0] == "用户名"


def test_bulk_creates_all_rows_at_once(client, system_admin, village_a1, village_a2, village_b1):
    client.force_login(system_admin)
    rows = [
        [f"sec_{v.code}", f"书记{i}", "村党组织书记", v.code, "", "", ""]
        for i, v in enumerate([village_a1, village_a2, village_b1])
    ]
    response = client.post(reverse("user_bulk"), {"file": workbook(rows)})
    assert response.status_code == 201
    assert User.objects.filter(username__startswith="sec_").count() == 3
    assert len(response.context["created"]) == 3
    assert "data:application/vnd.openxmlformats" in response.content.decode()
    assert AuditLog.objects.filter(action=AuditLog.Action.CREATE, actor=system_admin).count() == 3


def test_bulk_is_all_or_nothing_and_names_row_and_column(
    client, system_admin, village_a1, village2, assessor_a
):
    client.force_login(system_admin)
    rows = [
        ["sec_ok", "书记", "村党组织书记", village_a1.code, "", "", ""],
        ["assessor_a", "重名", "村党组织书记", village_a1.code, "", "", ""],
        ["sec_far", "外县", "村党组织书记", village2.code, "", "", ""],
        ["sec_bad", "无码", "村党组织书记", "999999999999", "", "", "明天"],
    ]
    response = client.post(reverse("user_bulk"), {"file": workbook(rows)})
    page = response.content.decode()
    assert response.status_code == 400
    assert not User.objects.filter(username__startswith="sec_").exists()
    assert "第4行“用户名”列：用户名已存在" not in page  # row numbers follow the sheet
    assert "第5行“所属组织代码”列：找不到组织代码999999999999" in page
    assert "第5行“有效期至”列" in page


def test_bulk_checks_meaning_after_the_format(
    client, system_admin, village_a1, village2, assessor_a
):
    client.force_login(system_admin)
    rows = [
        ["sec_ok", "书记", "村党组织书记", village_a1.code, "", "", ""],
        ["assessor_a", "重名", "村党组织书记", village_a1.code, "", "", ""],
        ["sec_far", "外县", "村党组织书记", village2.code, "", "", ""],
    ]
    page = client.post(reverse("user_bulk"), {"file": workbook(rows)}).content.decode()
    assert "第3行“用户名”列：用户名已存在" in page
    assert "第4行“所属组织代码”列：所属组织不在本区县" in page
    assert not User.objects.filter(username__startswith="sec_").exists()


def test_bulk_refuses_a_file_that_is_not_a_workbook(client, system_admin):
    client.force_login(system_admin)
    bad = io.BytesIO(b"not excel")
    bad.name = "x.xlsx"
    response = client.post(reverse("user_bulk"), {"file": bad})
    assert response.status_code == 400 and "无法读取文件" in response.content.decode()


# --- one account --------------------------------------------------------------------------


def test_detail_of_another_county_is_not_found(client, system_admin, assessor2):
    client.force_login(system_admin)
    assert client.get(reverse("user_detail", args=[assessor2.pk])).status_code == 404
    assert client.post(reverse("user_reset_password", args=[assessor2.pk])).status_code == 404
    assert client.post(reverse("user_set_active", args=[assessor2.pk])).status_code == 404


def test_set_expiry_and_disable(client, system_admin, assessor_a, township_a):
    client.force_login(system_admin)
    response = client.post(
        reverse("user_detail", args=[assessor_a.pk]),
        {"role": "township_assessor", "organization": township_a.pk, "expires_on": "2031-12-31"},
    )
    assert response.status_code == 302
    assessor_a.refresh_from_db()
    assert str(assessor_a.expires_on) == "2031-12-31"
    client.post(reverse("user_set_active", args=[assessor_a.pk]), {"active": "0"})
    assessor_a.refresh_from_db()
    assert not assessor_a.is_active


def test_a_past_expiry_date_is_bad_input(client, system_admin, assessor_a, township_a):
    client.force_login(system_admin)
    response = client.post(
        reverse("user_detail", args=[assessor_a.pk]),
        {"role": "township_assessor", "organization": township_a.pk, "expires_on": "2001-01-01"},
    )
    assert response.status_code == 400 and "有效期不能早于今天" in response.content.decode()


def test_no_one_manages_their_own_account(client, system_admin, county):
    client.force_login(system_admin)
    response = client.post(reverse("user_set_active", args=[system_admin.pk]), {"active": "0"})
    assert response.status_code == 403
    response = client.post(
        reverse("user_detail", args=[system_admin.pk]),
        {"role": "county_admin", "organization": county.pk},
    )
    assert response.status_code == 403
    system_admin.refresh_from_db()
    assert system_admin.role == Role.SYSTEM_ADMIN and system_admin.is_active


def test_reset_password_page_shows_it_once(client, system_admin, assessor_a):
    client.force_login(system_admin)
    response = client.post(reverse("user_reset_password", args=[assessor_a.pk]))
    password = response.context["created"][0][1]
    assessor_a.refresh_from_db()
    assert response.status_code == 200 and assessor_a.check_password(password)
    assert assessor_a.must_change_password


def test_the_list_does_not_grow_queries_with_accounts(
    client, system_admin, village_a1, django_assert_max_num_queries
):
    from tests.factories import UserFactory

    for i in range(60):
        UserFactory(username=f"bulk{i}", role=Role.VILLAGE_SECRETARY, organization=village_a1)
    client.force_login(system_admin)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("user_list"))
    assert response.status_code == 200 and len(response.context["users"]) == 50
