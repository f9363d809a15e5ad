"""Parse what the user-management pages send: one account's fields, and the bulk-creation
workbook (its template too). Checks of meaning (role, county, duplicates) are the service's."""

from __future__ import annotations

import io
from datetime import date, datetime
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook

from organizations.models import Department, Organization, Role
from organizations.services import UserRow
from starrating.errors import InvalidInput

COLUMNS = [
    ("username", _("用户名")),
    ("full_name", _("姓名")),
    ("role", _("角色")),
    ("organization", _("所属组织代码")),
    ("department", _("所属部门")),
    ("phone", _("联系电话")),
    ("expires_on", _("有效期至")),
]
MAX_ROWS = 2000


def _role(value: str) -> str:
    value = (value or "").strip()
    by_label = {str(label): code for code, label in Role.choices}
    return by_label.get(value, value)


def _department(value: str) -> str:
    value = (value or "").strip()
    by_label = {str(label): code for code, label in Department.choices}
    return by_label.get(value, value)


def parse_date(value: Any, *, where: str = "") -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError as exc:
        raise InvalidInput(
            _("日期格式错误。"),
            [{"field": "expires_on", "message": where + _("日期应为“2025-12-31”的格式")}],
        ) from exc


def user_row_from_post(data) -> UserRow:
    org = None
    org_id = (data.get("organization") or "").strip()
    if org_id.isdigit():
        org = Organization.objects.filter(pk=int(org_id)).first()
    return UserRow(
        username=data.get("username", ""),
        full_name=data.get("full_name", ""),
        role=_role(data.get("role", "")),
        organization=org,
        department=_department(data.get("department", "")),
        phone=data.get("phone", ""),
        expires_on=parse_date(data.get("expires_on")),
    )


def users_template() -> bytes:
    """The bulk-creation workbook: headers, one example row and the role names."""
    wb = Workbook()
    ws = wb.active
    ws.title = _("账号")
    ws.append([label for _f, label in COLUMNS])
    ws.append(
        [
            "secretary_220602100201",
            "张三",
            str(Role.VILLAGE_SECRETARY.label),
            "220602100201",
            "",
            "13900000000",
            "",
        ]
    )
    roles = wb.create_sheet(_("角色"))
    roles.append([_("角色名称"), _("说明")])
    for code, label in Role.choices:
        roles.append([str(label), code])
    depts = wb.create_sheet(_("部门"))
    for _code, label in Department.choices:
        depts.append([str(label)])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def parse_users_workbook(content: bytes) -> list[UserRow]:
    """Read every row, naming each problem by row and column (in Chinese); the service then
    checks meaning. Rows refer to organizations by their 12-digit code."""
    try:
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a file that is not a workbook
        raise InvalidInput(_("无法读取文件：请上传由模板填写的 .xlsx 文件。")) from exc
    ws = wb.worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    if not rows:
        raise InvalidInput(_("文件是空的。"))
    header = [str(c or "").strip() for c in rows[0]]
    expected = [label for _f, label in COLUMNS]
    if header[: len(expected)] != expected:
        raise InvalidInput(
            _("表头与模板不一致：第1行应为 %(cols)s。") % {"cols": "、".join(expected)}
        )
    if len(rows) - 1 > MAX_ROWS:
        raise InvalidInput(_("一次最多导入%(n)d个账号。") % {"n": MAX_ROWS})
    codes = {str(r[3]).strip() for r in rows[1:] if r and len(r) > 3 and r[3]}
    orgs = {o.code: o for o in Organization.objects.filter(code__in=codes)}
    result: list[UserRow] = []
    errors: list[dict[str, Any]] = []
    for number, raw in enumerate(rows[1:], start=2):
        cells = [("" if c is None else c) for c in (list(raw) + [None] * len(COLUMNS))]
        if not any(str(c).strip() for c in cells[: len(COLUMNS)]):
            continue
        where = _("第%(row)d行") % {"row": number}
        code = str(cells[3]).strip()
        org = orgs.get(code)
        if code and org is None:
            errors.append(
                {
                    "row": number,
                    "field": "organization",
                    "message": _("%(where)s“所属组织代码”列：找不到组织代码%(code)s")
                    % {"where": where, "code": code},
                }
            )
        try:
            expires = parse_date(cells[6], where=f"{where}“有效期至”列：")
        except InvalidInput as exc:
            errors += [e | {"row": number} for e in exc.errors]
            expires = None
        result.append(
            UserRow(
                username=str(cells[0]).strip(),
                full_name=str(cells[1]).strip(),
                role=_role(str(cells[2])),
                organization=org,
                department=_department(str(cells[4])),
                phone=str(cells[5]).strip(),
                expires_on=expires,
                row=number,
            )
        )
    if errors:
        raise InvalidInput(_("账号未创建：请改正以下问题后重新上传。"), errors)
    if not result:
        raise InvalidInput(_("文件中没有账号。"))
    return result


def passwords_workbook(created) -> bytes:
    """The initial passwords, for the administrator to hand out (built in memory, never kept)."""
    wb = Workbook()
    ws = wb.active
    ws.title = _("初始密码")
    ws.append([_("用户名"), _("姓名"), _("所属组织"), _("初始密码")])
    for user, password in created:
        ws.append([user.username, user.full_name, str(user.organization or ""), password])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
