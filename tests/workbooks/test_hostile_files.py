"""Workbooks as people (and attackers) really make them: each is refused or read with a clear
Chinese message naming sheet, row, column and item, nothing half-written, within 2 s and
100 MB."""

from __future__ import annotations

import re
import time
import tracemalloc
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from assessments.models import Score, Stage
from jobs.models import Job
from jobs.services import job_create
from starrating.errors import InvalidInput
from tests.support.excel import fill, template_for
from workbooks import imports, template
from workbooks.tasks import Kind

SECONDS = 2.0
MEGABYTES = 100


def _rewrite_sheet(path: Path, sheet_no: int | str, change) -> Path:
    """Rewrite one worksheet's (or any part's) XML inside the archive (what openpyxl would
    never write)."""
    part = sheet_no if isinstance(sheet_no, str) else f"xl/worksheets/sheet{sheet_no}.xml"
    src = path.read_bytes()
    out = path.with_name(path.stem + "-x.xlsx")
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == part:
                data = change(data.decode()).encode()
            zout.writestr(info.filename, data)
    assert src  # the original stays untouched
    return out


def _refused_quickly(path: Path, **kwargs) -> InvalidInput:
    """Read ``path`` twice: once timed, once under tracemalloc; both must refuse it."""
    started = time.perf_counter()
    with pytest.raises(InvalidInput) as caught:
        imports.read_scores(path, **kwargs)
    elapsed = time.perf_counter() - started
    tracemalloc.start()
    try:
        with pytest.raises(InvalidInput):
            imports.read_scores(path, **kwargs)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert elapsed < SECONDS, f"took {elapsed:.1f} s"
    assert peak < MEGABYTES * 1024 * 1024, f"peak {peak / 1048576:.0f} MB"
    assert not re.search(r"[A-Z][a-z]+(Error|Exception)", caught.value.message)
    return caught.value


def _import(path, round_, user, stage=Stage.TOWNSHIP):
    return imports.import_scores_file(path, actor=user, round_=round_, stage=stage)


# --- headers ----------------------------------------------------------------------------------


def test_a_deleted_header_row_is_an_error_naming_the_row(
    township_round, assessor_a, village_a1, village_a2, tmp_path
):
    path = template_for(tmp_path, township_round, assessor_a)
    fill(path, {(village_a1.code, "SJ01"): 2.5, (village_a2.code, "SJ01"): 1})
    wb = openpyxl.load_workbook(path)
    wb["七道江镇"].delete_rows(4)  # 类别/类型: the first village moves up into row 4
    wb.save(path)

    with pytest.raises(InvalidInput) as caught:
        _import(path, township_round, assessor_a)

    first = caught.value.errors[0]
    assert (first["sheet"], first["row"], first["column"]) == ("七道江镇", 4, "A")
    assert "第4行应为表头“类别/类型”" in first["message"]
    assert not Score.objects.exists()


def test_an_inserted_row_above_the_header_is_named(township_round, assessor_a, tmp_path):
    path = template_for(tmp_path, township_round, assessor_a)
    wb = openpyxl.load_workbook(path)
    wb["七道江镇"].insert_rows(1)
    wb["七道江镇"]["A1"] = "七道江镇评分表"
    wb.save(path)

    with pytest.raises(InvalidInput) as caught:
        _import(path, township_round, assessor_a)

    rows = {e["row"] for e in caught.value.errors}
    assert {1, 2, 3, 4} <= rows
    assert "应为表头“村代码”" in caught.value.errors[0]["message"]


def test_a_template_of_another_version_is_refused(township_round, assessor_a, tmp_path):
    path = template_for(tmp_path, township_round, assessor_a)
    wb = openpyxl.load_workbook(path)
    info = wb[template.INSTRUCTIONS_SHEET]
    row = next(r for r in info.iter_rows() if r[0].value == "模板版本")
    row[1].value = "1"
    wb.save(path)

    with pytest.raises(InvalidInput) as caught:
        _import(path, township_round, assessor_a)

    assert any("模板格式版本" in e["message"] for e in caught.value.errors)


def test_the_template_names_its_identity_and_prints_instructions_on_one_page(
    township_round, assessor_a, township_a, tmp_path
):
    path = tmp_path / "t.xlsx"
    template.template_export(
        path,
        round_=township_round,
        stage=Stage.TOWNSHIP,
        user=assessor_a,
        township_code=township_a.code,
    )
    wb = openpyxl.load_workbook(path)
    info = wb[template.INSTRUCTIONS_SHEET]
    meta = {r[0]: r[1] for r in info.iter_rows(values_only=True) if r[0]}
    assert meta["镇街代码"] == township_a.code
    assert meta["模板版本"] == template.VERSION
    assert info.sheet_properties.pageSetUpPr.fitToPage
    assert info.page_setup.fitToHeight in (None, 1)  # 1 is the default, often omitted
    assert wb["七道江镇"].print_title_cols == "$A:$B"


# --- sloppy but honest files ------------------------------------------------------------------


def test_numbers_stored_as_text_notes_and_empty_sheets_are_accepted(
    township_round, assessor_a, village_a1, tmp_path
):
    path = template_for(tmp_path, township_round, assessor_a)
    fill(path, {(village_a1.code, "SJ01"): " 1.5 ", (village_a1.code, "SJ02"): "2"})
    wb = openpyxl.load_workbook(path)
    notes = wb.create_sheet("备注")
    notes["A1"] = "张三负责七道江镇，6月10日前交"
    wb.create_sheet("Sheet3")  # an empty sheet
    wb.save(path)

    counts = _import(path, township_round, assessor_a)

    assert counts["created"] == 2
    points = dict(Score.objects.values_list("item__code", "points"))
    assert points == {"SJ01": Decimal("1.50"), "SJ02": Decimal("2.00")}


def test_formulas_and_words_are_errors_naming_the_cell(
    township_round, assessor_a, village_a1, tmp_path
):
    path = template_for(tmp_path, township_round, assessor_a)
    fill(path, {(village_a1.code, "SJ01"): "=1+1", (village_a1.code, "SJ02"): "满分"})

    with pytest.raises(InvalidInput) as caught:
        _import(path, township_round, assessor_a)

    found = {(e["row"], e["column"], e["item"]): e["message"] for e in caught.value.errors}
    assert "公式" in found[(5, "C", "SJ01")]
    assert "文字" in found[(5, "D", "SJ02")]
    assert caught.value.errors[0]["organization_name"] == village_a1.name
    assert not Score.objects.exists()


def test_a_value_right_of_the_template_is_refused(township_round, assessor_a, village_a1, tmp_path):
    path = template_for(tmp_path, township_round, assessor_a)
    wb = openpyxl.load_workbook(path)
    ws = wb["七道江镇"]
    beyond = ws.max_column + 2
    ws.cell(5, beyond, 3)
    wb.save(path)

    with pytest.raises(InvalidInput) as caught:
        _import(path, township_round, assessor_a)

    error = caught.value.errors[0]
    assert error["row"] == 5 and error["column"] == openpyxl.utils.get_column_letter(beyond)
    assert "超出模板范围" in error["message"]


# --- hostile files ----------------------------------------------------------------------------


def test_one_cell_at_xfd1048576_is_refused_at_once(township_round, assessor_a, tmp_path):
    path = template_for(tmp_path, township_round, assessor_a)
    wb = openpyxl.load_workbook(path)
    wb["七道江镇"]["XFD1048576"] = 1
    wb.save(path)

    refused = _refused_quickly(path)

    assert "七道江镇" in refused.message and "XFD1048576" in refused.message


def test_a_far_cell_without_a_declared_dimension_is_refused_at_once(
    township_round, assessor_a, tmp_path
):
    path = template_for(tmp_path, township_round, assessor_a)
    wb = openpyxl.load_workbook(path)
    wb["七道江镇"]["XFD30000"] = 1
    wb.save(path)
    path = _rewrite_sheet(path, 2, lambda xml: re.sub(r"<dimension [^>]*/>", "", xml))

    refused = _refused_quickly(path)

    assert "第30000行" in refused.message


def test_a_wide_declared_dimension_is_refused(township_round, assessor_a, tmp_path):
    path = template_for(tmp_path, township_round, assessor_a)
    path = _rewrite_sheet(
        path, 2, lambda xml: re.sub(r'<dimension ref="[^"]*"/>', '<dimension ref="A1:XFD5"/>', xml)
    )

    refused = _refused_quickly(path)

    assert "A1:XFD5" in refused.message


def test_a_million_rows_are_refused_quickly(township_round, assessor_a, tmp_path):
    path = tmp_path / "million.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        base = template_for(tmp_path, township_round, assessor_a, name="base.xlsx")
        with zipfile.ZipFile(base) as zb:
            for info in zb.infolist():
                if info.filename != "xl/worksheets/sheet2.xml":
                    zf.writestr(info.filename, zb.read(info.filename))
        with zf.open("xl/worksheets/sheet2.xml", "w") as f:
            f.write(
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            )
            f.write(b"<sheetData>")
            for n in range(1, 1_000_001):
                f.write(b'<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (n, n, 220602100000 + n))
            f.write(b"</sheetData></worksheet>")
    assert path.stat().st_size < 20 * 1024 * 1024

    refused = _refused_quickly(path)

    assert "七道江镇" in refused.message and "最多5000行" in refused.message


def test_the_row_cap_is_configurable(settings, township_round, assessor_a, tmp_path):
    settings.EXCEL_MAX_ROWS = 1
    path = template_for(tmp_path, township_round, assessor_a)  # two villages

    refused = _refused_quickly(path)

    assert "七道江镇" in refused.message and "最多5行" in refused.message


def test_an_xml_bomb_is_refused_in_chinese(township_round, assessor_a, tmp_path):
    path = template_for(tmp_path, township_round, assessor_a)
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    )
    for part in (2, "xl/styles.xml"):  # a worksheet, and a part openpyxl reads whole
        hostile = _rewrite_sheet(path, part, lambda xml: bomb + xml.split("?>", 1)[-1])

        refused = _refused_quickly(hostile)

        assert "不允许的XML内容" in refused.message and "ValueError" not in refused.message


def test_a_password_protected_file_is_named_as_such(tmp_path):
    path = tmp_path / "locked.xlsx"
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504
    path.write_bytes(header + "EncryptionInfo".encode("utf-16-le") + b"\0" * 4096)

    refused = _refused_quickly(path)

    assert "密码" in refused.message and ".xlsx 格式" not in refused.message


def test_an_old_xls_file_is_named_as_such(tmp_path):
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4096)

    assert ".xls" in _refused_quickly(path).message


def test_an_empty_file_is_called_empty(tmp_path):
    path = tmp_path / "empty.xlsx"
    path.write_bytes(b"")

    assert "空" in _refused_quickly(path).message


def test_a_corrupt_archive_names_no_exception_class(tmp_path):
    path = tmp_path / "bad.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types")
        zf.writestr("xl/workbook.xml", "not xml at all")

    refused = _refused_quickly(path)

    assert "无法读取" in refused.message


def test_a_job_stores_a_short_error_list(
    settings,
    township_round,
    assessor_a,
    village_a1,
    village_a2,
    tmp_path,
    django_capture_on_commit_callbacks,
):
    settings.EXCEL_MAX_ERRORS = 10_000  # the reader's own cap is tested by the job's cap
    settings.JOB_MAX_ERRORS = 5
    path = template_for(tmp_path, township_round, assessor_a)
    wb = openpyxl.load_workbook(path)
    ws = wb["七道江镇"]
    for row in (5, 6):
        for col in range(3, ws.max_column + 1):
            ws.cell(row, col, "x")
    wb.save(path)

    with django_capture_on_commit_callbacks(execute=True), path.open("rb") as f:
        job = job_create(
            actor=assessor_a,
            kind=Kind.IMPORT_SCORES,
            parameters={"round": township_round.pk, "stage": Stage.TOWNSHIP},
            upload=f,
        )

    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert len(job.errors) == 5
    assert "仅列出前5处" in job.error_message


def test_the_reader_stops_at_its_error_cap(settings, township_round, assessor_a, tmp_path):
    settings.EXCEL_MAX_ERRORS = 3
    path = template_for(tmp_path, township_round, assessor_a)
    wb = openpyxl.load_workbook(path)
    ws = wb["七道江镇"]
    for col in range(3, 20):
        ws.cell(5, col, "x")
    wb.save(path)

    with pytest.raises(InvalidInput) as caught:
        imports.read_scores(path)

    assert len(caught.value.errors) == 3 and "前3处" in caught.value.message
