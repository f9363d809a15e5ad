"""The annual report workbook: sheets, government print conventions, numbers = result_records."""

from __future__ import annotations

import zipfile
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.http import Http404

from assessments.selectors import result_records
from ledgers.models import Rectification
from tests.support.excel import submit_county_sheets
from workbooks import report
from workbooks.cells import LEVEL_NAMES

SHEETS = ["汇总", "星级名单", "评分明细", "短板弱项", "整改台账"]


@pytest.fixture
def scored_round(round_2024, county_admin, catalogue, village_a1, village_a2, village_b1):
    submit_county_sheets(
        round_2024,
        county_admin,
        catalogue,
        {
            village_a1.code: Decimal("0.95"),
            village_a2.code: Decimal("0.75"),
            village_b1.code: Decimal("0.85"),
        },
    )
    a1 = round_2024.assessments.get(organization=village_a1)
    Rectification.objects.create(
        organization=village_a1,
        assessment=a1,
        problem='=HYPERLINK("http://x","点我")',
        measures="-整改措施",
        deadline=date(2025, 6, 30),
        responsible_person="@张三",
    )
    round_2024.refresh_from_db()
    return round_2024


def _export(tmp_path, round_, **kwargs):
    path = tmp_path / "report.xlsx"
    report.report_export(path, round_=round_, on=date(2025, 1, 15), **kwargs)
    return path


def _rows(ws, first=4):
    """Data rows: those numbered in the 序号 column (not the 合计 or signature lines)."""
    return [r for r in ws.iter_rows(min_row=first, values_only=True) if isinstance(r[0], int)]


def test_report_has_the_five_sheets_and_government_print_setup(scored_round, tmp_path):
    wb = openpyxl.load_workbook(_export(tmp_path, scored_round))

    assert wb.sheetnames == SHEETS
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape"
        assert str(ws.page_setup.paperSize) == "9"  # A4
        assert ws.print_title_rows == "$3:$3"
        if ws.title == "评分明细":  # 81 columns: a category per page, never one page wide
            assert not ws.sheet_properties.pageSetUpPr.fitToPage
            assert ws.page_setup.scale == 70
            assert ws.print_title_cols == "$A:$D"
            assert len(ws.col_breaks.brk) == 6  # 4 between 5 categories, totals, 说明
            continue
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.page_setup.fitToWidth in (1, None)  # 1 is the default, may be omitted
        assert ws.page_setup.fitToHeight == 0
        assert ws.oddFooter.center.text == "第&P页 共&N页"
        assert ws.freeze_panes in ("A4", "E4")
        merged = [str(r) for r in ws.merged_cells.ranges]
        assert any(r.startswith("A1:") for r in merged)
        assert ws["A2"].value.startswith("填报单位：")
    summary = wb["汇总"]
    assert summary["A1"].value == "浑江区2024年度村党组织星级评定结果汇总表"
    assert any("2025年01月15日" in str(c.value) for c in summary[2] if c.value)
    texts = [c.value for row in summary.iter_rows() for c in row if isinstance(c.value, str)]
    assert {"单位负责人：", "审核人：", "填表人："} <= set(texts)


def test_report_numbers_equal_result_records(scored_round, tmp_path):
    wb = openpyxl.load_workbook(_export(tmp_path, scored_round))
    records = {r["organization_code"]: r for r in result_records(scored_round)}
    detail = wb["评分明细"]
    header = [c.value for c in detail[3]]
    total_col, composite_col = header.index("总分"), header.index("综合得分")
    level_col, change_col = header.index("星级"), header.index("星级变化")
    rows = _rows(detail)
    assert len(rows) == len(records) == 3
    for row in rows:
        record = records[row[2]]
        assert row[total_col] == float(record["total"])
        assert isinstance(row[total_col], float | int)
        assert row[composite_col] == float(record["composite"])
        assert row[level_col] == LEVEL_NAMES[record["level"]]  # 四星, not a bare digit
        assert row[change_col] == ("新评" if record["change"] == "new" else record["change"])
        for offset, (code, value) in enumerate(record["category_scores"].items()):
            assert row[header.index("SJ01") + 65 + offset] == float(value), code
    sj01 = header.index("SJ01")
    a1 = next(r for r in rows if r[3] == "七道江村")
    assert a1[sj01] == pytest.approx(2.85)  # 0.95 × 3

    summary = _rows(wb["汇总"])
    total_row = next(r for r in wb["汇总"].iter_rows(values_only=True) if r[1] == "合计")
    assert total_row[2] == 3
    levels = [r["level"] for r in records.values()]
    assert list(total_row[3:9]) == [levels.count(level) for level in range(5, -1, -1)]
    assert total_row[2] == sum(total_row[3:10])  # 村数 = the star columns + 未评定
    total_cells = next(r for r in wb["汇总"].iter_rows() if r[1].value == "合计")
    assert total_cells[2].number_format == "0"  # a count, not "3.00"
    assert len(summary) == 2  # two townships (the 合计 row has no 序号)

    roster = _rows(wb["星级名单"])
    assert {r[3] for r in roster} == set(records)
    weak = _rows(wb["短板弱项"])
    assert len(weak) == 65
    assert weak[0][2] == "SJ01"
    expected = (Decimal("2.85") + Decimal("2.25") + Decimal("2.55")) / 3
    assert weak[0][6] == float(expected.quantize(Decimal("0.01")))


def test_formula_like_text_is_written_as_text(scored_round, village_a1, tmp_path):
    village_a1.name = "=1+2"
    village_a1.secretary_name = "+SUM(A1)"
    village_a1.save()
    path = _export(tmp_path, scored_round)

    wb = openpyxl.load_workbook(path)
    ledger = wb["整改台账"]
    assert ledger["D4"].value.startswith("=HYPERLINK")
    assert ledger["D4"].data_type == "s"
    assert ledger["F4"].value == "-整改措施"
    assert ledger["I4"].value == "@张三"
    roster = wb["星级名单"]
    cell = next(row[2] for row in roster.iter_rows(min_row=4) if row[3].value == village_a1.code)
    assert cell.value == "=1+2"
    assert cell.data_type == "s"
    with zipfile.ZipFile(path) as zf:
        xml = "".join(
            zf.read(n).decode() for n in zf.namelist() if n.startswith("xl/worksheets/sheet")
        )
    assert "<f>" not in xml  # no formula anywhere


def test_a_township_assessor_gets_only_their_township(
    scored_round, assessor_a, township_b, village_b1, tmp_path
):
    wb = openpyxl.load_workbook(_export(tmp_path, scored_round, user=assessor_a))
    codes = {r[2] for r in _rows(wb["评分明细"])}
    assert village_b1.code not in codes
    assert len(codes) == 2
    with pytest.raises(Http404):
        _export(tmp_path, scored_round, user=assessor_a, township_code=township_b.code)


def test_the_ledger_sheet_is_left_out_when_there_is_no_ledger(
    round_2024, county_admin, catalogue, village_a1, tmp_path
):
    submit_county_sheets(round_2024, county_admin, catalogue, {village_a1.code: Decimal("0.9")})
    wb = openpyxl.load_workbook(_export(tmp_path, round_2024))
    assert wb.sheetnames == SHEETS[:4]
    detail = _rows(wb["评分明细"])
    no_result = [r for r in detail if r[3] != "七道江村"]
    assert all(v == "—" for v in no_result[0][4:69])  # marked, not blank
    assert no_result[0][-1].startswith("未评定")


def test_with_stage_weights_the_item_points_are_the_engines_weighted_points(
    round_2024, county_admin, catalogue, village_a1, tmp_path
):
    from assessments import services
    from assessments.models import Round, Stage
    from tests.conftest import full_sheet, move_to

    services.round_update(
        actor=county_admin,
        round_=round_2024,
        weight_township=Decimal("0.3"),
        weight_county=Decimal("0.7"),
    )
    assessment = round_2024.assessments.get(organization=village_a1)
    for status, stage, share in (
        (Round.Status.TOWNSHIP_REVIEW, Stage.TOWNSHIP, Decimal("0.5")),
        (Round.Status.COUNTY_REVIEW, Stage.COUNTY, Decimal("1")),
    ):
        move_to(round_2024, status)
        services.scores_save(
            actor=county_admin,
            assessment=assessment,
            stage=stage,
            scores=full_sheet(catalogue, share),
            submit=True,
        )
    wb = openpyxl.load_workbook(_export(tmp_path, round_2024))
    detail = wb["评分明细"]
    header = [c.value for c in detail[3]]
    row = next(r for r in _rows(detail) if r[2] == village_a1.code)
    assert row[header.index("SJ01")] == pytest.approx(0.3 * 1.5 + 0.7 * 3)  # 2.55
    assessment.refresh_from_db()
    assert row[header.index("总分")] == float(assessment.total)


def test_the_explanation_says_why_a_village_has_fewer_stars():
    from types import SimpleNamespace

    from indicators.models import Item
    from workbooks.report_notes import explanation

    five = ["a", "b", "c", "d", "e"]
    vetoed = SimpleNamespace(
        level=0, vetoed=True, stars_earned=five, band_level=5, exceptional=False
    )
    assert explanation(vetoed, [(Item.Kind.VETO, "FJ01 发生严重违纪")]) == "否决：FJ01 发生严重违纪"
    capped = SimpleNamespace(
        level=3, vetoed=False, stars_earned=five, band_level=3, exceptional=False
    )
    assert explanation(capped, []).startswith("封顶：综合得分所在分数段最高三星")
    deducted = SimpleNamespace(
        level=4, vetoed=False, stars_earned=five, band_level=5, exceptional=False
    )
    assert explanation(deducted, [(Item.Kind.STAR_DEDUCTION, "JX01 信访")]) == "减星：JX01 信访"
    plain = SimpleNamespace(
        level=5, vetoed=False, stars_earned=five, band_level=5, exceptional=False
    )
    assert explanation(plain, []) == ""


def test_a_vetoed_village_is_explained_in_the_roster(scored_round, village_a1, tmp_path):
    scored_round.assessments.filter(organization=village_a1).update(vetoed=True, level=0)

    wb = openpyxl.load_workbook(_export(tmp_path, scored_round))

    roster = wb["星级名单"]
    header = [c.value for c in roster[3]]
    row = next(r for r in _rows(roster) if r[3] == village_a1.code)
    assert row[header.index("星级")] == "零星"
    assert row[header.index("说明")].startswith("否决")


def test_a_townships_report_is_titled_and_signed_by_the_township(
    scored_round, township_a, tmp_path
):
    wb = openpyxl.load_workbook(_export(tmp_path, scored_round, township_code=township_a.code))

    summary = wb["汇总"]
    assert summary["A1"].value.startswith(f"浑江区{township_a.name}2024年度")
    assert summary["A2"].value == f"填报单位：中共{township_a.name}委员会"


def test_deduction_items_are_not_ranked_by_a_score_rate(scored_round, tmp_path):
    wb = openpyxl.load_workbook(_export(tmp_path, scored_round))

    weak = wb["短板弱项"]
    header = [c.value for c in weak[3]]
    deductions = [r for r in _rows(weak) if r[header.index("类型")] == "减分项"]
    assert deductions
    for row in deductions:
        assert row[header.index("得分率")] == "—"
        assert isinstance(row[header.index("被扣分村数")], int)
