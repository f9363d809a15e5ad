"""Excel of a township (镇街) round: the template says 镇街 (its code column 镇街代码) and
reads back; a township's own report export narrows to its own line (its code names the rated
organization itself, not a parent); the report's 整改台账 heads its columns 镇街 / 整改对象."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO

import openpyxl
import pytest

from assessments.models import Stage
from ledgers import services as ledger_services
from starrating.errors import InvalidInput
from tests.support.excel import fill, template_for
from tests.support.townships import township_assessment
from workbooks import imports, report, template

pytestmark = pytest.mark.django_db


def test_the_template_of_a_township_round_says_township_and_reads_back(
    tw_round, county_admin, township_a, township_b, tmp_path
):
    path = template_for(tmp_path, tw_round, county_admin, stage=Stage.COUNTY)
    wb = openpyxl.load_workbook(path)
    info = [r[1] for r in wb[template.INSTRUCTIONS_SHEET].iter_rows(values_only=True)]
    assert "1. 本区县一个工作表，每行一个镇街，每列一个指标。" in info
    assert not any("村" in str(v) for v in info if v)
    ws = wb.worksheets[1]
    assert [c.value for c in ws[1]][:2] == ["镇街代码", "镇街名称"]
    assert [ws.cell(r, 1).value for r in (5, 6)] == [township_a.code, township_b.code]

    fill(path, {(township_a.code, "ZZ01"): 5, (township_b.code, "ZZ01"): 4.5})
    counts = imports.import_scores_file(
        path, actor=county_admin, round_=tw_round, stage=Stage.COUNTY
    )
    assert counts["created"] == 2
    sheet = township_assessment(tw_round, township_a).sheets.get(stage=Stage.COUNTY)
    assert sheet.scores.get(item__code="ZZ01").points == Decimal("5.00")


def test_a_township_rows_missing_code_is_named_as_its_header_names_it(
    tw_round, county_admin, township_a, tmp_path
):
    path = template_for(tmp_path, tw_round, county_admin, stage=Stage.COUNTY)
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[1]
    ws.cell(5, 1).value = None  # the first township's code wiped, its scores kept
    ws.cell(5, 3).value = 5
    wb.save(path)
    with pytest.raises(InvalidInput) as bad:
        imports.import_scores_file(path, actor=county_admin, round_=tw_round, stage=Stage.COUNTY)
    assert [(e["row"], e["column"], e["message"]) for e in bad.value.errors] == [
        (5, "A", "缺少镇街代码")
    ]


def test_a_township_exports_its_own_line_of_the_township_report(
    tw_published, assessor_a, township_a
):
    out = BytesIO()
    counts = report.report_export(
        out, round_=tw_published, user=assessor_a, township_code=township_a.code
    )
    assert counts["villages"] == 1
    wb = openpyxl.load_workbook(BytesIO(out.getvalue()))
    roster = list(wb["星级名单"].iter_rows(min_row=3, max_row=4, values_only=True))
    assert roster[0][1:3] == ("区县", "镇街")
    assert roster[1][2] == township_a.name


def test_the_township_reports_ledger_sheet_names_townships(tw_published, county_admin, township_b):
    ledger_services.rectification_from_weakness(
        actor=county_admin, assessment=township_assessment(tw_published, township_b), code="ZZ"
    )
    out = BytesIO()
    report.report_export(out, round_=tw_published, user=county_admin)
    ws = openpyxl.load_workbook(BytesIO(out.getvalue()))["整改台账"]
    header = [c.value for c in ws[3]]
    assert header[1:3] == ["镇街", "整改对象"]
    assert [c.value for c in ws[4]][1:3] == [township_b.name, township_b.name]
