"""Uploads are bounded before any XML is parsed: size, zip entries, uncompressed size."""

from __future__ import annotations

import zipfile

import openpyxl
import pytest

from starrating.errors import InvalidInput
from workbooks import imports


@pytest.fixture
def no_parsing(monkeypatch):
    """Fail the test if openpyxl is ever asked to open the file."""

    def refuse(*args, **kwargs):
        raise AssertionError("the file was parsed")

    monkeypatch.setattr(openpyxl, "load_workbook", refuse)


def _zip(path, entries):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries:
            zf.writestr(name, data)
    return path


def test_an_oversize_file_is_rejected_before_parsing(settings, tmp_path, no_parsing):
    settings.EXCEL_MAX_UPLOAD_BYTES = 1024
    path = tmp_path / "big.xlsx"
    path.write_bytes(b"PK" + b"x" * 4096)
    with pytest.raises(InvalidInput) as caught:
        imports.read_scores(path)
    assert "文件过大" in caught.value.message


def test_a_zip_bomb_is_rejected_before_parsing(settings, tmp_path, no_parsing):
    settings.EXCEL_MAX_UNCOMPRESSED_BYTES = 5 * 1024 * 1024
    path = _zip(
        tmp_path / "bomb.xlsx",
        [("[Content_Types].xml", "<Types/>"), ("xl/worksheets/sheet1.xml", b"0" * (8 << 20))],
    )
    assert path.stat().st_size < 100_000  # small on disk, 8 MB inside
    with pytest.raises(InvalidInput) as caught:
        imports.read_scores(path)
    assert "解压后过大" in caught.value.message


def test_an_abnormal_compression_ratio_is_rejected(tmp_path, no_parsing):
    path = _zip(
        tmp_path / "ratio.xlsx",
        [("[Content_Types].xml", "<Types/>"), ("xl/sharedStrings.xml", b" " * (4 << 20))],
    )
    with pytest.raises(InvalidInput) as caught:
        imports.read_scores(path)
    assert "压缩比" in caught.value.message


def test_too_many_zip_entries_are_rejected(settings, tmp_path, no_parsing):
    settings.EXCEL_MAX_ZIP_ENTRIES = 50
    entries = [("[Content_Types].xml", "<Types/>")] + [(f"x/{i}.xml", "<a/>") for i in range(60)]
    with pytest.raises(InvalidInput) as caught:
        imports.read_organizations(_zip(tmp_path / "many.xlsx", entries))
    assert "条目过多" in caught.value.message


def test_not_a_workbook_is_rejected(tmp_path, no_parsing):
    path = tmp_path / "scores.csv"
    path.write_text("村代码,SJ01\n220602100201,3\n", encoding="utf-8")
    with pytest.raises(InvalidInput) as caught:
        imports.read_scores(path)
    assert ".xlsx" in caught.value.message


def test_defusedxml_is_in_use():
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML
