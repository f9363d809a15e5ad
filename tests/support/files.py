"""Files the API tests upload: an accounts workbook, an organization workbook, a whole
catalogue in its JSON form. Plain functions (not fixtures), each returning fresh content."""

from __future__ import annotations

import io
import itertools
import json

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.conftest import CATALOGUE_FILE

USERS_HEADER = ["用户名", "姓名", "角色", "所属组织代码", "所属部门", "联系电话", "有效期至"]
ORGANIZATIONS_HEADER = [
    "区划代码",
    "名称",
    "类型",
    "上级代码",
    "党组织类型",
    "书记姓名",
    "党员人数",
]
_serial = itertools.count(1)


def xlsx(header: list[str], rows: list[list], name: str = "file.xlsx") -> SimpleUploadedFile:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile(name, out.getvalue())


def users_xlsx(rows: list[list] | None = None, *, organization_code: str = "220602100201"):
    """Accounts to create; by default one village secretary with a username never used."""
    if rows is None:
        rows = [
            [f"bulk{next(_serial)}", "批量书记", "village_secretary", organization_code, "", "", ""]
        ]
    return xlsx(USERS_HEADER, rows, "users.xlsx")


def organizations_xlsx(rows: list[list]) -> SimpleUploadedFile:
    return xlsx(ORGANIZATIONS_HEADER, rows, "organizations.xlsx")


def catalogue_data(name: str | None = None, year: int = 2025) -> dict:
    """The shipped 2024 catalogue in its JSON form under a new (by default unique) name."""
    data = json.loads(CATALOGUE_FILE.read_text(encoding="utf-8"))
    return data | {"name": name or f"测试版{next(_serial)}", "year": year}


def unique_name(prefix: str = "新版") -> str:
    return f"{prefix}{next(_serial)}"


def unique_code(prefix: str = "2206021009") -> str:
    """A 12-digit statistical code not used by the cast."""
    return f"{prefix}{next(_serial) % 100:02d}"
