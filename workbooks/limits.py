"""Limits checked before any work: an uploaded workbook is refused, with a Chinese reason,
before it can cost more than a couple of seconds or a few tens of MB.

1. The archive, unopened: empty, encrypted (an OLE2 container, not a zip), size, entry count,
   uncompressed size of the whole and of each non-sheet part (shared strings and styles are
   loaded whole by openpyxl), compression ratio.
2. The XML, with defusedxml (no entities, no DTD): a refused construct is named as such.
3. Each worksheet, streamed row by row: the declared dimension (``<dimension ref=…>``) and the
   actual rows and cells against a row cap and a column cap. openpyxl's read-only iterator
   pads every row to the declared width and fills every missing row, so one cell at
   XFD1048576 costs 17 billion empty cells; rows are read here from openpyxl's sheet parser
   instead, which yields only the rows and cells present, and reading stops at the first row
   or cell past the caps.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import openpyxl.xml
from defusedxml import DefusedXmlException
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet._reader import WorkSheetParser

from starrating.errors import InvalidInput

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_ZIP_ENTRIES = 2000  # a province-wide template has a sheet per township (~600)
MAX_UNCOMPRESSED_BYTES = 64 * 1024 * 1024  # 5,000 villages × 100 items is ~15 MB of XML
MAX_PART_BYTES = 8 * 1024 * 1024  # one non-sheet part (shared strings, styles): read whole
MAX_COMPRESSION_RATIO = 200  # spreadsheet XML compresses 10–30×; bombs compress 1000×
MAX_ROWS = 5000  # data rows in one upload: a county has at most a few thousand villages
MAX_COLUMNS = 300  # a catalogue has ~65 items; a template is two code columns wider
MAX_ERRORS = 200  # errors listed; beyond that a person fixes the pattern, not each cell

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_MARK = "EncryptionInfo".encode("utf-16-le")


def limit(name: str, default: int) -> int:
    """A limit from settings (``EXCEL_MAX_…``), so a deployment may adjust it."""
    return int(getattr(settings, name, default))


def max_errors() -> int:
    return limit("EXCEL_MAX_ERRORS", MAX_ERRORS)


def check_archive(path: str | Path) -> None:
    """Refuse, before parsing, anything that is not a reasonably sized .xlsx archive."""
    if not openpyxl.xml.DEFUSEDXML:
        raise ImproperlyConfigured("defusedxml must be installed to read uploaded Excel files")
    path = Path(path)
    max_bytes = limit("EXCEL_MAX_UPLOAD_BYTES", MAX_UPLOAD_BYTES)
    size = path.stat().st_size
    if size == 0:
        raise InvalidInput(_("文件是空的（0字节），请重新选择填写好的Excel文件。"))
    if size > max_bytes:
        raise InvalidInput(
            _("文件过大（%(size).1f MB），上限为%(max).0f MB。")
            % {"size": size / 1048576, "max": max_bytes / 1048576}
        )
    with path.open("rb") as f:
        head = f.read(64 * 1024)
    if head.startswith(OLE2_MAGIC):
        if ENCRYPTED_MARK in head or b"EncryptedPackage" in head:
            raise InvalidInput(
                _(
                    "文件设置了打开密码，系统无法读取。请在Excel中清除密码"
                    "（文件→信息→保护工作簿→用密码进行加密，删除密码）后保存，再上传。"
                )
            )
        raise InvalidInput(
            _("这是旧版Excel（.xls）文件，请在Excel中“另存为”Excel工作簿（.xlsx）后再上传。")
        )
    if not zipfile.is_zipfile(path):
        raise InvalidInput(_("不是有效的Excel文件，请上传 .xlsx 格式（不支持 .xls 和 .csv）。"))
    try:
        with zipfile.ZipFile(path) as zf:
            entries = zf.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise InvalidInput(_("文件已损坏，无法读取。")) from exc
    if len(entries) > limit("EXCEL_MAX_ZIP_ENTRIES", MAX_ZIP_ENTRIES):
        raise InvalidInput(_("文件包含的内部条目过多（%(n)d个），拒绝读取。") % {"n": len(entries)})
    total = sum(e.file_size for e in entries)
    if total > limit("EXCEL_MAX_UNCOMPRESSED_BYTES", MAX_UNCOMPRESSED_BYTES):
        raise InvalidInput(
            _("文件解压后过大（%(size).0f MB），拒绝读取。") % {"size": total / 1048576}
        )
    for e in entries:
        if e.file_size > 1024 * 1024 and e.file_size > MAX_COMPRESSION_RATIO * max(
            e.compress_size, 1
        ):
            raise InvalidInput(_("文件压缩比异常，疑似恶意文件，拒绝读取。"))
        if not e.filename.startswith("xl/worksheets/") and e.file_size > limit(
            "EXCEL_MAX_PART_BYTES", MAX_PART_BYTES
        ):
            raise InvalidInput(
                _("文件内部的“%(part)s”过大（%(size).0f MB），拒绝读取。")
                % {"part": e.filename, "size": e.file_size / 1048576}
            )
    if "[Content_Types].xml" not in {e.filename for e in entries}:
        raise InvalidInput(_("不是有效的Excel文件，请上传 .xlsx 格式。"))
    _count_sheet_elements(path, entries)


def _sheet_titles(zf: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet part name → sheet title, from workbook.xml and its relationships (small
    parts, parsed with defusedxml); empty when the file does not say."""
    from defusedxml import ElementTree

    try:
        rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
        book = ElementTree.fromstring(zf.read("xl/workbook.xml"))
    except (KeyError, ElementTree.ParseError, DefusedXmlException):
        return {}
    targets = {
        r.get("Id"): "xl/" + r.get("Target", "").lstrip("/").removeprefix("xl/") for r in rels
    }
    titles = {}
    for sheet in book.iter("{http://schemas.openxmlformats.org/spreadsheetml/2006/main}sheet"):
        rid = sheet.get(
            "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id", ""
        )
        if rid in targets:
            titles[targets[rid]] = sheet.get("name", "")
    return titles


def _count_sheet_elements(path: Path, entries: list[zipfile.ZipInfo]) -> None:
    """Count rows and cells in each worksheet's XML, unparsed (C-speed byte counting while
    decompressing): openpyxl scans a whole sheet for its dimension when it has none, so a
    million rows must be refused before openpyxl opens the file."""
    max_rows = limit("EXCEL_MAX_ROWS", MAX_ROWS) + 100  # headers, titles, blank lines
    max_cells = max_rows * limit("EXCEL_MAX_COLUMNS", MAX_COLUMNS)
    with zipfile.ZipFile(path) as zf:
        titles = None
        for entry in entries:
            name = entry.filename
            if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
                continue
            rows = cells = 0
            tail = b""
            with zf.open(entry) as f:
                while chunk := f.read(1 << 20):
                    block = tail + chunk
                    if b"<!ENTITY" in block or b"<!DOCTYPE" in block:
                        raise InvalidInput(
                            _(
                                "文件包含不允许的XML内容（实体或文档类型定义），疑似恶意文件，拒绝读取。"
                            )
                        )
                    # A tag cut at the chunk's end is counted in the next block only.
                    cut = max(block.rfind(b"<"), len(block) - 16)
                    head, tail = block[:cut], block[cut:]
                    rows += head.count(b"<row") + head.count(b":row ")
                    cells += head.count(b"<c ") + head.count(b":c ")
                    if rows > max_rows or cells > max_cells:
                        titles = _sheet_titles(zf) if titles is None else titles
                        raise InvalidInput(
                            _(
                                "工作表“%(sheet)s”的行数或单元格数超过上限（最多%(rows)d行），"
                                "请只保留需要导入的村，或使用系统下载的模板。"
                            )
                            % {"sheet": titles.get(name, name), "rows": max_rows - 100}
                        )


def open_workbook(path: str | Path):
    """The workbook in read-only mode, after ``check_archive``; any failure to parse is a
    Chinese message, never an exception class name."""
    check_archive(path)
    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds on malformed files
        cause: BaseException | None = exc
        while cause is not None:  # openpyxl wraps the parser's error in a ValueError
            if isinstance(cause, DefusedXmlException):
                raise InvalidInput(
                    _("文件包含不允许的XML内容（实体或文档类型定义），疑似恶意文件，拒绝读取。")
                ) from exc
            cause = cause.__cause__ or cause.__context__
        raise InvalidInput(
            _("无法读取该Excel文件：文件已损坏，或不是由Excel/WPS保存的 .xlsx 工作簿。")
        ) from exc


def _cell_name(row: int, column: int) -> str:
    return f"{get_column_letter(min(column, 16384))}{row}"


def _too_large(sheet: str, where: str, max_rows: int, max_cols: int) -> InvalidInput:
    return InvalidInput(
        _(
            "工作表“%(sheet)s”%(where)s超出允许的范围（最多%(rows)d行、%(cols)s列）。"
            "请删除多余的行列，或把数据复制到系统下载的新模板中再上传。"
        )
        % {"sheet": sheet, "where": where, "rows": max_rows, "cols": get_column_letter(max_cols)},
        [
            {
                "sheet": sheet,
                "row": None,
                "column": "",
                "message": _("超出允许的范围：%(where)s") % {"where": where},
            }
        ],
    )


def sheet_rows(ws, *, max_rows: int, max_cols: int) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """(row number, values) of the rows present in a read-only worksheet, each padded to its
    last non-empty cell only. Refuses at once a declared dimension, a row or a non-empty cell
    past ``max_rows`` × ``max_cols`` (naming it); empty styled cells past the width are
    ignored, but their number is capped too."""
    title = ws.title
    if not isinstance(ws, ReadOnlyWorksheet):  # a chartsheet or a normal worksheet
        return
    declared_rows, declared_cols = ws.max_row or 0, ws.max_column or 0
    if declared_rows > max_rows or declared_cols > max_cols:
        where = _("声明的使用范围 A1:%(cell)s") % {
            "cell": _cell_name(declared_rows or 1, declared_cols or 1)
        }
        raise _too_large(title, where, max_rows, max_cols)
    budget = max_rows * max_cols * 2  # cell elements read, empty ones included
    parent = ws.parent
    with ws._get_source() as src:
        parser = WorkSheetParser(
            src,
            ws._shared_strings,
            data_only=parent.data_only,
            epoch=parent.epoch,
            date_formats=parent._date_formats,
            timedelta_formats=parent._timedelta_formats,
        )
        for index, cells in parser.parse():
            if index > max_rows:
                where = _("第%(row)d行") % {"row": index}
                raise _too_large(title, where, max_rows, max_cols)
            budget -= len(cells)
            if budget < 0:
                raise _too_large(title, _("单元格数量"), max_rows, max_cols)
            width = 0
            for cell in cells:
                if cell["value"] is None or cell["value"] == "":
                    continue
                if cell["column"] > max_cols:
                    where = _("单元格%(cell)s") % {"cell": _cell_name(index, cell["column"])}
                    raise _too_large(title, where, max_rows, max_cols)
                width = max(width, cell["column"])
            if not width:
                continue
            values: list[Any] = [None] * width
            for cell in cells:
                if cell["column"] <= width:
                    values[cell["column"] - 1] = cell["value"]
            yield index, tuple(values)
