"""Excel for the organization tree: the blank template to download and its reader.

The reader passes ``limits`` like every upload; columns are found by their Chinese header
labels (in any order). What it reads goes to ``organizations.services.organizations_import``,
the one validator the web and the command line share: it previews the change first and asks
for confirmation before deactivating a large share of the county's villages.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any

import xlsxwriter
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from organizations.models import User
from organizations.services import OrganizationRow, organizations_import
from organizations.services.tree import FIELD_LABELS

from . import limits
from .cells import WORKBOOK_OPTIONS, formats, put

INSTRUCTIONS_SHEET = "填写说明"
SHEET = "组织机构"

ORGANIZATION_COLUMNS = {
    "code": ("区划代码", "代码", "组织代码"),
    "name": ("名称", "组织名称"),
    "kind": ("类型", "组织类型"),
    "parent_code": ("上级代码", "上级区划代码", "上级组织代码"),
    "party_body": ("党组织类型", "党组织设置"),
    "secretary_name": ("书记姓名", "书记", "党组织书记"),
    "member_count": ("党员人数",),
}
REQUIRED_COLUMNS = ("code", "name", "kind", "parent_code")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _error(sheet: str, row: int | None, column: str, message: str) -> dict:
    return {"sheet": sheet, "row": row, "column": column, "message": message}


def read_organizations(path: str | Path) -> tuple[list[OrganizationRow], list[dict]]:
    """Read the organization sheet (the first sheet whose first row has the required
    labels, or else the first that is not the instructions): one row per township or
    village, columns found by their header labels."""
    wb = limits.open_workbook(path)
    rows: list[OrganizationRow] = []
    errors: list[dict] = []
    max_rows = limits.limit("EXCEL_MAX_ROWS", limits.MAX_ROWS) + 1
    max_cols = limits.limit("EXCEL_MAX_COLUMNS", limits.MAX_COLUMNS)
    try:
        names = [n for n in wb.sheetnames if n != INSTRUCTIONS_SHEET]
        if not names:
            return rows, [_error("", None, "", _("文件中没有工作表"))]
        chosen = None
        for name in names:
            lines = list(limits.sheet_rows(wb[name], max_rows=max_rows, max_cols=max_cols))
            if lines:
                chosen = (name, lines)
                if _positions(lines[0][1]).keys() >= set(REQUIRED_COLUMNS):
                    break
        if chosen is None:
            return rows, [_error(names[0], None, "", _("文件是空的：没有任何组织数据"))]
        name, lines = chosen
        header_row, header = lines[0]
        positions = _positions(header)
        missing = [FIELD_LABELS[f] for f in REQUIRED_COLUMNS if f not in positions]
        if missing:
            return rows, [
                _error(
                    name,
                    header_row,
                    "",
                    _("第%(row)d行表头缺少必需的列：%(cols)s")
                    % {"row": header_row, "cols": "、".join(missing)},
                )
            ]
        letters = {f: get_column_letter(i + 1) for f, i in positions.items()}
        for number, values in lines[1:]:
            if all(v is None or str(v).strip() == "" for v in values):
                continue

            def cell(field: str, values=values) -> Any:
                index = positions.get(field)
                return values[index] if index is not None and index < len(values) else None

            rows.append(
                OrganizationRow(
                    sheet=name,
                    row=number,
                    code=_text(cell("code")),
                    name=_text(cell("name")),
                    kind=_text(cell("kind")),
                    parent_code=_text(cell("parent_code")),
                    party_body=_text(cell("party_body")),
                    secretary_name=_text(cell("secretary_name")),
                    member_count=cell("member_count"),
                    columns=letters,
                )
            )
        if not rows:
            errors.append(_error(name, None, "", _("文件只有表头，没有任何组织数据，未做任何修改")))
    finally:
        wb.close()
    return rows, errors


def _positions(header: tuple) -> dict[str, int]:
    labels = [_text(v) for v in header]
    positions: dict[str, int] = {}
    for field, accepted in ORGANIZATION_COLUMNS.items():
        for index, label in enumerate(labels):
            if label in accepted:
                positions[field] = index
                break
    return positions


def import_organizations_file(
    path: str | Path,
    *,
    actor: User | None,
    source: str = "",
    ip: str | None = None,
    confirm: bool = False,
    preview: bool = False,
) -> dict[str, Any]:
    """Read and validate the file; ``preview``: return the plan without writing; otherwise
    write it (a large deactivation needs ``confirm``)."""
    rows, errors = read_organizations(path)
    return organizations_import(
        actor=actor,
        rows=rows,
        errors=errors,
        source=source or Path(path).name,
        ip=ip,
        confirm=confirm,
        preview=preview,
    )


def write_blank_template(out: str | IO[bytes], *, county_code: str = "") -> None:
    """A blank organization file: the header in Chinese, one example row per level, and an
    instructions sheet."""
    wb = xlsxwriter.Workbook(out, WORKBOOK_OPTIONS)
    fmt = formats(wb)
    ws = wb.add_worksheet(SHEET)
    labels = [ORGANIZATION_COLUMNS[f][0] for f in ORGANIZATION_COLUMNS]
    widths = [16, 24, 8, 16, 12, 12, 10]
    for col, (label, width) in enumerate(zip(labels, widths, strict=True)):
        put(ws, 0, col, label, fmt["header"])
        ws.set_column(col, col, width)
    text = wb.add_format({"num_format": "@"})
    ws.set_column(0, 0, 16, text)  # codes as text: Excel would turn 12 digits into 2.2E+11
    ws.set_column(3, 3, 16, text)
    ws.freeze_panes(1, 0)
    ws.data_validation(
        1,
        2,
        5000,
        2,
        {"validate": "list", "source": ["乡", "镇", "街道", "村", "社区", "区", "县"]},
    )
    ws.data_validation(1, 4, 5000, 4, {"validate": "list", "source": ["党委", "党总支", "党支部"]})
    info = wb.add_worksheet(INSTRUCTIONS_SHEET)
    info.set_column(0, 0, 100)
    notes = [
        _("组织机构导入模板（县级管理员使用）"),
        _("1. 在“组织机构”工作表中每行填写一个乡镇（街道）或村（社区），不要修改第1行表头。"),
        _(
            "2. 区划代码：12位统计用区划代码，按文本填写；"
            "上级代码：村填所属乡镇（街道）的代码，乡镇填本区县的代码%(county)s。"
        )
        % {"county": f"（{county_code}）" if county_code else ""},
        _("3. 类型：乡、镇、街道、村或社区；党组织类型：党委、党总支或党支部（留空为党支部）。"),
        _("4. 书记姓名可空；党员人数可空，填写时为非负整数。名称不能以 = + - @ 开头。"),
        _(
            "5. 文件中没有出现的村将被停用（不会删除）。"
            "上传后系统先显示将新增、修改、停用的数量，确认后才导入。"
        ),
        _("6. 请一次上传全县的完整名单：只上传一个乡镇会停用其他乡镇的村，系统会要求再次确认。"),
    ]
    for row, note in enumerate(notes):
        put(info, row, 0, note, fmt["note"])
    info.set_paper(9)
    info.fit_to_pages(1, 1)
    wb.close()
