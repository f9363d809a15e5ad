"""Organization import: all or nothing; villages missing from a new import are deactivated."""

from __future__ import annotations

import openpyxl
import pytest

from organizations.models import AuditLog, Organization
from starrating.errors import InvalidInput, NotPermitted
from workbooks import imports

HEADER = ["区划代码", "名称", "类型", "上级代码", "党组织类型", "书记姓名", "党员人数"]


def _file(tmp_path, rows, name="orgs.xlsx"):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "组织机构"
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    path = tmp_path / name
    wb.save(path)
    return path


def test_the_tree_is_created_updated_and_absent_villages_deactivated(
    county_admin, county, township_a, village_a1, village_a2, tmp_path
):
    path = _file(
        tmp_path,
        [
            [township_a.code, "七道江镇", "镇", county.code, "党委", "王镇", 120],
            [village_a1.code, "七道江村（新）", "村", township_a.code, "党总支", "李书记", 45],
            ["220602102000", "新设街道", "街道", county.code, "党委", "", None],
            ["220602102201", "幸福社区", "社区", "220602102000", "党支部", "赵书记", 30],
        ],
    )

    counts = imports.import_organizations_file(path, actor=county_admin, confirm=True)

    assert counts == {"created": 2, "updated": 2, "unchanged": 0, "deactivated": 1}
    village_a1.refresh_from_db()
    assert village_a1.name == "七道江村（新）"
    assert village_a1.party_body == Organization.PartyBody.GENERAL_BRANCH
    assert village_a1.member_count == 45
    village_a2.refresh_from_db()
    assert village_a2.is_active is False  # deactivated, never deleted
    community = Organization.objects.get(code="220602102201")
    assert community.kind == Organization.Kind.COMMUNITY
    assert community.parent.code == "220602102000"
    assert AuditLog.objects.filter(action=AuditLog.Action.DEACTIVATE).count() == 1
    assert AuditLog.objects.filter(action=AuditLog.Action.IMPORT).count() == 1

    again = imports.import_organizations_file(path, actor=county_admin)
    assert again == {"created": 0, "updated": 0, "unchanged": 4, "deactivated": 0}


def test_every_problem_is_reported_and_nothing_written(
    county_admin, county, township_a, village_a1, tmp_path
):
    path = _file(
        tmp_path,
        [
            ["12345", "短代码村", "村", township_a.code, "党支部", "", None],
            [village_a1.code, "", "村", township_a.code, "党支部", "", None],
            ["220602100209", "未知类型", "农场", township_a.code, "党支部", "", None],
            ["220602100210", "无上级", "村", "220602999000", "党支部", "", None],
            ["220602100211", "错党组织", "村", township_a.code, "党小组", "", None],
            ["220602100212", "负党员", "村", township_a.code, "党支部", "", -3],
            ["220602100213", "重复村", "村", township_a.code, "党支部", "", None],
            ["220602100213", "重复村", "村", township_a.code, "党支部", "", None],
        ],
    )
    before = list(Organization.objects.values_list("code", "name", "is_active"))

    with pytest.raises(InvalidInput) as caught:
        imports.import_organizations_file(path, actor=county_admin)

    errors = caught.value.errors
    by_row = {e["row"]: e for e in errors}
    assert set(by_row) == {2, 3, 4, 5, 6, 7, 9}
    assert by_row[2]["column"] == "A" and "12位" in by_row[2]["message"]
    assert "名称" in by_row[3]["message"]
    assert "类型" in by_row[4]["message"]
    assert "上级代码不存在" in by_row[5]["message"]
    assert "党组织类型" in by_row[6]["message"]
    assert "党员人数" in by_row[7]["message"]
    assert "重复" in by_row[9]["message"]
    assert list(Organization.objects.values_list("code", "name", "is_active")) == before


def test_only_a_county_admin_imports_organizations(assessor_a, tmp_path):
    with pytest.raises(NotPermitted):
        imports.import_organizations_file(_file(tmp_path, []), actor=assessor_a)


def test_a_missing_column_is_reported(county_admin, tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append(["区划代码", "名称"])
    wb.save(tmp_path / "cols.xlsx")
    with pytest.raises(InvalidInput) as caught:
        imports.import_organizations_file(tmp_path / "cols.xlsx", actor=county_admin)
    assert "类型" in caught.value.errors[0]["message"]


def test_new_and_renamed_organizations_get_their_pinyin_initials(
    county_admin, county, township_a, village_a1, village_a2, tmp_path
):
    """The village search matches the initials stored by the import (issue 12, deliver 3)."""
    path = _file(
        tmp_path,
        [
            [township_a.code, "七道江镇", "镇", county.code, "党委", "王镇", 120],
            [village_a1.code, "红旗村", "村", township_a.code, "党支部", "李书记", 45],
            [village_a2.code, "新兴村", "村", township_a.code, "党支部", "", 30],
            ["220602100203", "长青社区", "社区", township_a.code, "党支部", "", 30],
        ],
    )

    imports.import_organizations_file(path, actor=county_admin, confirm=True)

    village_a1.refresh_from_db()
    assert village_a1.name_initials == "hqc"
    assert Organization.objects.get(code="220602100203").name_initials == "cqsq"
    # The audit row of the rename names what people changed, not the derived initials.
    rename = AuditLog.objects.get(action=AuditLog.Action.UPDATE, object_id=str(village_a1.pk))
    assert "name_initials" not in rename.after
