"""Excel for previous years' published levels (历年星级): the template to download, pre-filled
with the county's villages, and its reader. The reader passes ``limits`` like every upload;
columns are found by their Chinese header labels; what it reads goes to
``assessments.services.history_import``, which checks every row and writes all or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any

import xlsxwriter
from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from assessments.services import HistoryRow, history_import
from jobs.services import job_create
from organizations.models import Organization, Role, User
from starrating.errors import InvalidInput, NotPermitted

from . import limits
from .cells import WORKBOOK_OPTIONS, formats, put
from .kinds import Kind

SHEET = "历年星级"
INSTRUCTIONS_SHEET = "填写说明"
COLUMNS = {
    "code": ("区划代码", "代码"),
    "name": ("村（社区）名称", "名称", "村名称", "村（社区）"),
    "year": ("年度", "评定年度"),
    "level": ("星级", "评定星级"),
}
REQUIRED = ("code", "year", "level")
LABELS = {"code": "区划代码", "name": "村（社区）名称", "year": "年度", "level": "星级"}


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _error(sheet: str, row: int | None, message: str) -> dict:
    return {"sheet": sheet, "row": row, "column": "", "message": message}


def read_history(path: str | Path) -> tuple[list[HistoryRow], list[dict]]:
    """The rows of the first sheet that is not the instructions (header on its first row)."""
    wb = limits.open_workbook(path)
    rows: list[HistoryRow] = []
    try:
        names = [n for n in wb.sheetnames if n != INSTRUCTIONS_SHEET]
        if not names:
            return rows, [_error("", None, _("文件中没有工作表"))]
        name = SHEET if SHEET in names else names[0]
        lines = list(
            limits.sheet_rows(
                wb[name],
                max_rows=limits.limit("EXCEL_MAX_ROWS", limits.MAX_ROWS) + 1,
                max_cols=limits.limit("EXCEL_MAX_COLUMNS", limits.MAX_COLUMNS),
            )
        )
        if not lines:
            return rows, [_error(name, None, _("文件是空的：没有任何历年星级数据"))]
        header_row, header = lines[0]
        labels = [_text(v) for v in header]
        positions = {}
        for key, accepted in COLUMNS.items():
            for index, label in enumerate(labels):
                if label in accepted:
                    positions[key] = index
                    break
        missing = [LABELS[k] for k in REQUIRED if k not in positions]
        if missing:
            return rows, [
                _error(
                    name,
                    header_row,
                    _("第%(row)d行表头缺少必需的列：%(cols)s")
                    % {"row": header_row, "cols": "、".join(missing)},
                )
            ]
        letters = {k: get_column_letter(i + 1) for k, i in positions.items()}
        for number, values in lines[1:]:
            if all(v is None or str(v).strip() == "" for v in values):
                continue

            def cell(key: str, values=values) -> Any:
                index = positions.get(key)
                return values[index] if index is not None and index < len(values) else None

            code, year, level = _text(cell("code")), cell("year"), cell("level")
            if not _text(year) and not _text(level):
                continue  # a village of the pre-filled list left blank: no history for it
            rows.append(
                HistoryRow(
                    sheet=name,
                    row=number,
                    code=code,
                    name=_text(cell("name")),
                    year=year,
                    level=level,
                    columns=letters,
                )
            )
    finally:
        wb.close()
    return rows, []


def import_history_file(
    path: str | Path, *, actor: User, source: str = "", ip: str | None = None
) -> dict[str, int]:
    rows, errors = read_history(path)
    return history_import(
        actor=actor, rows=rows, errors=errors, source=source or Path(path).name, ip=ip
    )


def write_history_template(
    out: str | IO[bytes], *, villages: list[Organization], year: int | None = None
) -> None:
    """The county's villages (code, name), with the year and level to fill in; an
    instructions sheet."""
    wb = xlsxwriter.Workbook(out, WORKBOOK_OPTIONS)
    fmt = formats(wb)
    ws = wb.add_worksheet(SHEET)
    text = wb.add_format({"num_format": "@"})
    for col, (key, width) in enumerate((("code", 16), ("name", 24), ("year", 10), ("level", 10))):
        put(ws, 0, col, COLUMNS[key][0], fmt["header"])
        ws.set_column(col, col, width, text if key == "code" else None)
    for row, village in enumerate(villages, start=1):
        put(ws, row, 0, village.code)
        put(ws, row, 1, village.name)
        if year:
            put(ws, row, 2, year)
    ws.freeze_panes(1, 0)
    last = max(len(villages), 1) + 2000
    ws.data_validation(
        1, 3, last, 3, {"validate": "list", "source": ["0", "1", "2", "3", "4", "5"]}
    )
    info = wb.add_worksheet(INSTRUCTIONS_SHEET)
    info.set_column(0, 0, 100)
    notes = [
        _("历年星级导入模板（县级管理员使用）"),
        _("1. 每行一个村（社区）一个年度的已发布星级；同一村多个年度请分行填写（可复制该行）。"),
        _("2. 区划代码按文本填写；名称可留空，填写时须与区划代码对应的名称一致。"),
        _("3. 年度：本系统启用前已发布评定的年份；星级：0到5的整数（可写“3星”）。"),
        _("4. 年度和星级都留空的行不导入。任何一行有问题时整个文件不导入，并逐行逐列列出问题。"),
        _("5. 已导入的年度不会被覆盖；撤并前的村请按原区划代码填写，"),
        _("   合并或拆分后的村按撤并规则（docs/scoring.md）继承上年星级。"),
    ]
    for row, note in enumerate(notes):
        put(info, row, 0, note, fmt["note"])
    wb.close()


def history_import_start(*, actor: User, upload: Any, ip: str | None = None):
    """Start the import of a history workbook as a job (the page and the API): who and the
    file are checked now, the rows by the job (all or nothing)."""
    if not actor.has_role(Role.COUNTY_ADMIN):
        raise NotPermitted(_("只有县级管理员可以导入历年星级。"))
    if upload is None:
        raise InvalidInput(
            _("请检查填写的内容。"), [{"field": "file", "message": _("请选择要上传的Excel文件")}]
        )
    if upload.size > settings.EXCEL_MAX_UPLOAD_BYTES:
        raise InvalidInput(
            _("请检查填写的内容。"),
            [
                {
                    "field": "file",
                    "message": _("文件过大（%(size).1f MB），上限为%(max)d MB")
                    % {
                        "size": upload.size / 1048576,
                        "max": settings.EXCEL_MAX_UPLOAD_BYTES // 1048576,
                    },
                }
            ],
        )
    name = (getattr(upload, "name", "") or "history.xlsx").rsplit("/", 1)[-1]
    return job_create(
        actor=actor,
        kind=Kind.IMPORT_HISTORY,
        parameters={"filename": name[:200]},
        upload=upload,
        ip=ip,
    )
