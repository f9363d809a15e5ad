"""Excel in: filled score-sheet templates.

Files pass ``limits`` first (archive, XML, dimensions, row and column caps), then each sheet's
header rows are verified by content — a shifted, deleted or foreign header is an error naming
its row, never a silently skipped village — and every cell is checked; every problem is
reported at once (sheet, row, column, village code, item code, value, reason) and nothing is
written unless the whole file is valid; the write is one service call. The organization
tree's reader is in ``workbooks.organizations``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from assessments import services
from assessments.models import Round, Stage
from organizations.models import User
from starrating.errors import InvalidInput

from . import limits
from .limits import check_archive, open_workbook
from .organizations import import_organizations_file, read_organizations
from .template import (
    CODE_LABELS,
    HEADER_LABELS,
    HEADER_ROWS,
    INSTRUCTIONS_SHEET,
    META_LABELS,
    VERSION,
)

__all__ = [
    "check_archive",
    "import_organizations_file",
    "import_scores_file",
    "read_organizations",
    "read_scores",
]

CODE_PATTERN = re.compile(r"^\d{12}$")
NUMBER_PATTERN = re.compile(r"^[+]?(\d+(\.\d*)?|\.\d+)$")


def file_error(sheet: str, row: int | None, column: str, message: str, **more: Any) -> dict:
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


def code_text(value: Any) -> str:
    """A code cell: Excel may have turned a 12-digit text into a number."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


class _Errors(list):
    """The reader's problems, capped: past the cap reading stops with what was found."""

    def append(self, error: dict) -> None:
        super().append(error)
        if len(self) >= limits.max_errors():
            raise InvalidInput(
                _("文件错误过多（已列出前%(n)d处），未导入任何数据。请按列出的错误修改后重新上传。")
                % {"n": len(self)},
                list(self),
            )


# --- scores -----------------------------------------------------------------------------------


def read_scores(
    path: str | Path,
    *,
    year: int | None = None,
    stage: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> tuple[list[services.ScoreRow], list[dict]]:
    """Read a filled template: rows for ``scores_import`` and the problems only the file can
    show (formulas or text in number cells, bad or shifted headers, a template of another
    stage, year or version). Empty sheets and sheets that are plainly notes are skipped."""
    wb = open_workbook(path)
    rows: list[services.ScoreRow] = []
    errors = _Errors()
    max_rows = limits.limit("EXCEL_MAX_ROWS", limits.MAX_ROWS)
    max_cols = limits.limit("EXCEL_MAX_COLUMNS", limits.MAX_COLUMNS)
    try:
        names = wb.sheetnames
        if INSTRUCTIONS_SHEET in names:
            _check_identity(wb[INSTRUCTIONS_SHEET], errors, year=year, stage=stage)
        sheets = [n for n in names if n != INSTRUCTIONS_SHEET]
        read = 0
        for number, name in enumerate(sheets, start=1):
            budget = max_rows + HEADER_ROWS - len(rows)
            lines = list(limits.sheet_rows(wb[name], max_rows=budget, max_cols=max_cols))
            if _is_score_sheet(lines):
                _read_score_sheet(lines, name, rows, errors)
                read += 1
            if progress:
                progress(10 + 30 * number // len(sheets))
        if not read:
            errors.append(
                file_error(
                    "",
                    None,
                    "",
                    _(
                        "文件中没有评分工作表（第1行A列为“村代码”或“镇街代码”的工作表），"
                        "请使用系统下载的模板"
                    ),
                )
            )
    finally:
        wb.close()
    return rows, list(errors)


def _check_identity(ws, errors: list, *, year: int | None, stage: str | None) -> None:
    """The template names its round, stage, township and version on the instructions sheet;
    a template of another stage, year or format version is refused as a whole."""
    meta: dict[str, Any] = {}
    for _index, values in limits.sheet_rows(ws, max_rows=40, max_cols=4):
        if values and values[0]:
            meta[str(values[0]).strip()] = values[1] if len(values) > 1 else None
    file_stage = meta.get(META_LABELS["stage"])
    if stage and file_stage and str(file_stage).strip() != stage:
        errors.append(
            file_error(
                INSTRUCTIONS_SHEET,
                None,
                "",
                _("该模板是“%(f)s”阶段的，与所选的“%(s)s”不一致")
                % {"f": _stage_label(file_stage), "s": _stage_label(stage)},
            )
        )
    file_year = meta.get(META_LABELS["year"])
    if year and file_year and code_text(file_year) != str(year):
        errors.append(
            file_error(
                INSTRUCTIONS_SHEET,
                None,
                "",
                _("该模板是%(f)s年度的，与所选的%(y)s年度不一致")
                % {"f": code_text(file_year), "y": year},
            )
        )
    version = code_text(meta.get(META_LABELS["version"]))
    if version and version != VERSION:
        errors.append(
            file_error(
                INSTRUCTIONS_SHEET,
                None,
                "",
                _("模板格式版本为“%(f)s”，系统当前为“%(v)s”，请重新下载模板后填写")
                % {"f": version, "v": VERSION},
            )
        )


def _stage_label(value: Any) -> str:
    try:
        return str(Stage(str(value).strip()).label)
    except ValueError:
        return str(value)


def _is_score_sheet(lines: list[tuple[int, tuple]]) -> bool:
    """A sheet meant to hold scores: a header label or a village code in column A. Anything
    else (an empty sheet, someone's notes) is skipped rather than failing the import."""
    labels = set(HEADER_LABELS) | set(CODE_LABELS)
    for _index, values in lines[: HEADER_ROWS + 20]:
        first = code_text(values[0]) if values else ""
        if first in labels or CODE_PATTERN.match(first):
            return True
    return False


def _check_header(lines: list[tuple[int, tuple]], name: str, errors: list) -> bool:
    """The header rows, verified by content: each of rows 1–4 must carry its label in column A
    (and row 1 “村名称” in B). One deleted or inserted row shifts them and is named here."""
    by_row = {index: values for index, values in lines if index <= HEADER_ROWS}
    ok = True
    for row, label in enumerate(HEADER_LABELS, start=1):
        values = by_row.get(row, ())
        found = code_text(values[0]) if values else ""
        # Row 1 names the rows' organizations: 村代码, or 镇街代码 on a township round's.
        if found == label or (row == 1 and found in CODE_LABELS):
            continue
        errors.append(
            file_error(
                name,
                row,
                "A",
                _(
                    "第%(row)d行应为表头“%(label)s”，实际是“%(found)s”：表头行被删除、插入或移动，请使用系统下载的模板，不要改动前%(n)d行"
                )
                % {"row": row, "label": label, "found": found, "n": HEADER_ROWS},
                value=found,
            )
        )
        ok = False
    return ok


def _read_score_sheet(lines: list[tuple[int, tuple]], name: str, rows: list, errors: list) -> None:
    if not _check_header(lines, name, errors):
        return
    header = lines[0][1]
    columns: dict[int, str] = {}
    letters: dict[str, str] = {}
    for index, value in enumerate(header[2:], start=2):
        code = code_text(value)
        if not code:
            continue
        letter = get_column_letter(index + 1)
        if code in letters:
            errors.append(
                file_error(
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
    width = max(columns, default=1) + 1
    labels = set(HEADER_LABELS) | set(CODE_LABELS)
    for number, values in lines:
        if number <= HEADER_ROWS:
            continue
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        code = code_text(values[0])
        if not code:  # named as the sheet's own header names it: 村代码 or 镇街代码
            errors.append(file_error(name, number, "A", _("缺少%(label)s") % {"label": header[0]}))
            continue
        if code in labels:
            errors.append(
                file_error(
                    name,
                    number,
                    "A",
                    _("表头行出现在数据区（第%(row)d行），请勿移动表头") % {"row": number},
                    value=code,
                )
            )
            continue
        for index in range(width, len(values)):
            if values[index] not in (None, ""):
                errors.append(
                    file_error(
                        name,
                        number,
                        get_column_letter(index + 1),
                        _("该列没有指标代码（超出模板范围），请不要在表格右侧填写内容"),
                        organization=code,
                        value=values[index],
                    )
                )
                break
        row = services.ScoreRow(sheet=name, row=number, organization=code, columns=letters)
        for index, item in columns.items():
            value = values[index] if index < len(values) else None
            if value is None:
                continue
            value, problem = _number(value)
            if problem is None:
                if value is not None:
                    row.values[item] = value
                continue
            errors.append(
                file_error(
                    name, number, letters[item], problem, organization=code, item=item, value=value
                )
            )
        rows.append(row)


def _number(value: Any) -> tuple[Any, str | None]:
    """A cell's points: a number, or a number saved as text (WPS often does) — (value, None);
    (None, None) for blank text; (value, reason) otherwise."""
    if isinstance(value, bool | datetime | date):
        return value, _("不是数字")
    if not isinstance(value, str):
        return value, None
    text = value.strip().replace("\u3000", "")
    if not text:
        return None, None
    if text.startswith("="):
        return value, _("不能使用公式，请填写数字")
    if NUMBER_PATTERN.match(text):
        try:
            return Decimal(text), None
        except InvalidOperation:
            pass
    return value, _("是文字，不是数字")


def import_scores_file(
    path: str | Path,
    *,
    actor: User | None,
    round_: Round,
    stage: str,
    source: str = "",
    ip: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> dict[str, int]:
    """Check the whole file, then write it with one ``scores_import`` call (all or nothing)."""
    rows, errors = read_scores(path, year=round_.year, stage=stage, progress=progress)
    counts = services.scores_import(
        actor=actor,
        round_=round_,
        stage=stage,
        rows=rows,
        errors=errors,
        source=source or Path(path).name,
        ip=ip,
    )
    if progress:
        progress(95)
    return counts
