"""Excel in: filled score-sheet templates and the organization tree.

Files are checked before any XML is parsed (size, zip entry count, uncompressed size and
compression ratio: a zip bomb is refused unopened), then read with openpyxl in read-only mode
with defusedxml installed (no entity expansion). Every cell is checked and every problem is
reported at once — sheet, row, column, village code, item code, value, reason — and nothing is
written unless the whole file is valid; the write is one service call.
"""

from __future__ import annotations

import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import openpyxl.xml
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from assessments import services
from assessments.models import Round, Stage
from organizations.models import User
from organizations.services import OrganizationRow, organizations_import
from starrating.errors import InvalidInput

from .template import HEADER_ROWS, INSTRUCTIONS_SHEET, META_LABELS

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_ZIP_ENTRIES = 2000  # a province-wide template has a sheet per township (~600)
MAX_UNCOMPRESSED_BYTES = 300 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200  # spreadsheet XML compresses 10–30×; bombs compress 1000×


def _limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def check_archive(path: str | Path) -> None:
    """Refuse, before parsing, anything that is not a reasonably sized .xlsx archive."""
    if not openpyxl.xml.DEFUSEDXML:
        raise ImproperlyConfigured("defusedxml must be installed to read uploaded Excel files")
    path = Path(path)
    max_bytes = _limit("EXCEL_MAX_UPLOAD_BYTES", MAX_UPLOAD_BYTES)
    size = path.stat().st_size
    if size > max_bytes:
        raise InvalidInput(
            _("文件过大（%(size).1f MB），上限为%(max).0f MB。")
            % {"size": size / 1048576, "max": max_bytes / 1048576}
        )
    if not zipfile.is_zipfile(path):
        raise InvalidInput(_("不是有效的Excel文件，请上传 .xlsx 格式（不支持 .xls 和 .csv）。"))
    try:
        with zipfile.ZipFile(path) as zf:
            entries = zf.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise InvalidInput(_("文件已损坏，无法读取。")) from exc
    if len(entries) > _limit("EXCEL_MAX_ZIP_ENTRIES", MAX_ZIP_ENTRIES):
        raise InvalidInput(_("文件包含的内部条目过多（%(n)d个），拒绝读取。") % {"n": len(entries)})
    total = sum(e.file_size for e in entries)
    if total > _limit("EXCEL_MAX_UNCOMPRESSED_BYTES", MAX_UNCOMPRESSED_BYTES):
        raise InvalidInput(
            _("文件解压后过大（%(size).0f MB），拒绝读取。") % {"size": total / 1048576}
        )
    for e in entries:
        if e.file_size > 1024 * 1024 and e.file_size > MAX_COMPRESSION_RATIO * max(
            e.compress_size, 1
        ):
            raise InvalidInput(_("文件压缩比异常，疑似恶意文件，拒绝读取。"))
    if "[Content_Types].xml" not in {e.filename for e in entries}:
        raise InvalidInput(_("不是有效的Excel文件，请上传 .xlsx 格式。"))


def _open(path: str | Path):
    check_archive(path)
    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds on malformed files
        raise InvalidInput(_("无法读取该Excel文件：%(e)s") % {"e": exc.__class__.__name__}) from exc


def _file_error(sheet: str, row: int | None, column: str, message: str, **more: Any) -> dict:
    return {
        "sheet": sheet,
        "row": row,
        "column": column,
        "organization": more.get("organization", ""),
        "organization_name": "",
        "stage": more.get("stage", ""),
        "item": more.get("item", ""),
        "value": "" if more.get("value") is None else str(more.get("value")),
        "message": message,
    }


def _code_text(value: Any) -> str:
    """A code cell: Excel may have turned a 12-digit text into a number."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


# --- scores -----------------------------------------------------------------------------------


def read_scores(
    path: str | Path, *, year: int | None = None, stage: str | None = None
) -> tuple[list[services.ScoreRow], list[dict]]:
    """Read a filled template: rows for ``scores_import`` and the problems only the file can
    show (formulas or text in number cells, bad headers, a template of another stage)."""
    wb = _open(path)
    rows: list[services.ScoreRow] = []
    errors: list[dict] = []
    try:
        names = wb.sheetnames
        if INSTRUCTIONS_SHEET in names:
            meta = {}
            for values in wb[INSTRUCTIONS_SHEET].iter_rows(max_row=10, values_only=True):
                if values and values[0]:
                    meta[str(values[0]).strip()] = values[1] if len(values) > 1 else None
            file_stage = meta.get(META_LABELS["stage"])
            if stage and file_stage and str(file_stage).strip() != stage:
                errors.append(
                    _file_error(
                        INSTRUCTIONS_SHEET,
                        None,
                        "",
                        _("该模板是“%(f)s”阶段的，与所选的“%(s)s”不一致")
                        % {"f": _stage_label(file_stage), "s": _stage_label(stage)},
                    )
                )
            file_year = meta.get(META_LABELS["year"])
            if year and file_year and _code_text(file_year) != str(year):
                errors.append(
                    _file_error(
                        INSTRUCTIONS_SHEET,
                        None,
                        "",
                        _("该模板是%(f)s年度的，与所选的%(y)s年度不一致")
                        % {"f": _code_text(file_year), "y": year},
                    )
                )
        sheets = [n for n in names if n != INSTRUCTIONS_SHEET]
        if not sheets:
            errors.append(_file_error("", None, "", _("文件中没有评分工作表")))
        for name in sheets:
            _read_score_sheet(wb[name], name, rows, errors)
    finally:
        wb.close()
    return rows, errors


def _stage_label(value: Any) -> str:
    try:
        return str(Stage(str(value).strip()).label)
    except ValueError:
        return str(value)


def _read_score_sheet(ws, name: str, rows: list, errors: list) -> None:
    lines = ws.iter_rows(values_only=True)
    header = next(lines, None)
    if not header or _code_text(header[0]) != "村代码":
        errors.append(
            _file_error(name, 1, "A", _("表头不正确：第1行A列应为“村代码”，请使用系统下载的模板"))
        )
        return
    columns: dict[int, str] = {}
    letters: dict[str, str] = {}
    for index, value in enumerate(header[2:], start=2):
        code = _code_text(value)
        if not code:
            continue
        letter = get_column_letter(index + 1)
        if code in letters:
            errors.append(
                _file_error(
                    name,
                    1,
                    letter,
                    _("指标代码重复（与%(col)s列相同）") % {"col": letters[code]},
                    item=code,
                )
            )
            continue
        columns[index] = code
        letters[code] = letter
    for _skip in range(HEADER_ROWS - 1):
        next(lines, None)
    for number, values in enumerate(lines, start=HEADER_ROWS + 1):
        if not values or all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        code = _code_text(values[0])
        if not code:
            errors.append(_file_error(name, number, "A", _("缺少村代码")))
            continue
        row = services.ScoreRow(sheet=name, row=number, organization=code, columns=letters)
        for index, item in columns.items():
            value = values[index] if index < len(values) else None
            if value is None:
                continue
            if isinstance(value, bool | datetime | date):
                problem = _("不是数字")
            elif isinstance(value, str):
                text = value.strip()
                if not text:
                    continue
                problem = (
                    _("不能使用公式，请填写数字") if text.startswith("=") else _("是文字，不是数字")
                )
            else:
                row.values[item] = value
                continue
            errors.append(
                _file_error(
                    name, number, letters[item], problem, organization=code, item=item, value=value
                )
            )
        rows.append(row)


def import_scores_file(
    path: str | Path,
    *,
    actor: User,
    round_: Round,
    stage: str,
    source: str = "",
    ip: str | None = None,
) -> dict[str, int]:
    """Check the whole file, then write it with one ``scores_import`` call (all or nothing)."""
    rows, errors = read_scores(path, year=round_.year, stage=stage)
    return services.scores_import(
        actor=actor,
        round_=round_,
        stage=stage,
        rows=rows,
        errors=errors,
        source=source or Path(path).name,
        ip=ip,
    )


# --- organizations ----------------------------------------------------------------------------

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


def read_organizations(path: str | Path) -> tuple[list[OrganizationRow], list[dict]]:
    """Read the organization sheet (the first sheet that is not the instructions): one row per
    township or village, columns found by their header labels."""
    wb = _open(path)
    rows: list[OrganizationRow] = []
    errors: list[dict] = []
    try:
        names = [n for n in wb.sheetnames if n != INSTRUCTIONS_SHEET]
        if not names:
            return rows, [_file_error("", None, "", _("文件中没有工作表"))]
        name = names[0]
        lines = wb[name].iter_rows(values_only=True)
        header = [_code_text(v) for v in (next(lines, None) or ())]
        positions: dict[str, int] = {}
        for field, labels in ORGANIZATION_COLUMNS.items():
            for index, label in enumerate(header):
                if label in labels:
                    positions[field] = index
                    break
        missing = [ORGANIZATION_COLUMNS[f][0] for f in REQUIRED_COLUMNS if f not in positions]
        if missing:
            errors.append(
                _file_error(name, 1, "", _("缺少必需的列：%(cols)s") % {"cols": "、".join(missing)})
            )
            return rows, errors
        for number, values in enumerate(lines, start=2):
            if not values or all(v is None or str(v).strip() == "" for v in values):
                continue

            def cell(field: str, values=values) -> Any:
                index = positions.get(field)
                return values[index] if index is not None and index < len(values) else None

            rows.append(
                OrganizationRow(
                    sheet=name,
                    row=number,
                    code=_code_text(cell("code")),
                    name=_code_text(cell("name")),
                    kind=_code_text(cell("kind")),
                    parent_code=_code_text(cell("parent_code")),
                    party_body=_code_text(cell("party_body")),
                    secretary_name=_code_text(cell("secretary_name")),
                    member_count=cell("member_count"),
                    columns={f: get_column_letter(i + 1) for f, i in positions.items()},
                )
            )
    finally:
        wb.close()
    return rows, errors


def import_organizations_file(
    path: str | Path, *, actor: User, source: str = "", ip: str | None = None
) -> dict[str, int]:
    rows, errors = read_organizations(path)
    return organizations_import(
        actor=actor, rows=rows, errors=errors, source=source or Path(path).name, ip=ip
    )
