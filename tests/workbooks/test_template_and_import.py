"""Score-sheet template out, filled template in: every error at once, nothing half-written."""

from __future__ import annotations

from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from assessments import services
from assessments.models import Assessment, Round, Score, Sheet, Stage
from indicators.models import Item
from organizations.models import AuditLog
from starrating.errors import Conflict, InvalidInput, NotPermitted
from tests.conftest import move_to
from tests.factories import OrganizationFactory
from tests.support.excel import fill, template_for
from workbooks import imports, report, template


def test_template_has_validation_frozen_header_and_instructions(
    township_round, assessor_a, village_a1, village_a2, tmp_path
):
    path = template_for(tmp_path, township_round, assessor_a)

    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == [template.INSTRUCTIONS_SHEET, "七道江镇"]
    info = wb[template.INSTRUCTIONS_SHEET]
    meta = {r[0]: r[1] for r in info.iter_rows(values_only=True) if r[0]}
    assert meta["评分阶段代码"] == "township"
    assert meta["评定年度"] == 2024
    ws = wb["七道江镇"]
    assert ws.freeze_panes == "C5"
    items = list(
        Item.objects.filter(
            catalogue=township_round.catalogue, kind__in=[Item.Kind.SCORED, Item.Kind.DEDUCTION]
        ).order_by("category__position", "position")
    )
    header = [c.value for c in ws[1]]
    assert header[:2] == ["村代码", "村名称"]
    assert header[2:] == [i.code for i in items]
    assert [c.value for c in ws[2]][2] == items[0].title
    assert [c.value for c in ws[3]][2] == float(items[0].max_points)
    assert [ws.cell(r, 1).value for r in (5, 6)] == [village_a1.code, village_a2.code]
    validations = ws.data_validations.dataValidation
    assert len(validations) == len(items)
    first = next(v for v in validations if "C5" in str(v.sqref))
    assert first.type == "decimal"
    assert first.operator in (None, "between")  # "between" is the default, often omitted
    assert float(first.formula1) == 0
    assert float(first.formula2) == float(items[0].max_points)


def test_template_is_scoped_to_the_users_township(
    township_round, assessor_a, village_b1, township_b, tmp_path
):
    path = template_for(tmp_path, township_round, assessor_a)
    wb = openpyxl.load_workbook(path, read_only=True)
    codes = {
        row[0] for ws in wb.worksheets[1:] for row in ws.iter_rows(min_row=5, values_only=True)
    }
    assert village_b1.code not in codes
    with pytest.raises(Http404):
        template.template_export(
            tmp_path / "b.xlsx",
            round_=township_round,
            stage=Stage.TOWNSHIP,
            user=assessor_a,
            township_code=township_b.code,
        )


def test_template_carries_the_points_already_entered(
    township_round, assessor_a, village_a1, tmp_path
):
    assessment = township_round.assessments.get(organization=village_a1)
    services.scores_save(
        actor=assessor_a, assessment=assessment, stage=Stage.TOWNSHIP, scores={"SJ01": "2.5"}
    )
    ws = openpyxl.load_workbook(template_for(tmp_path, township_round, assessor_a))["七道江镇"]
    assert ws["C5"].value == 2.5


def _wrong_cells(village_a1, village_a2, village_b1):
    return {
        (village_a1.code, "SJ01"): 9,  # over the max of 3
        (village_a1.code, "SJ02"): "很好",  # text
        (village_a1.code, "SJ03"): "=1+1",  # formula
        (village_a2.code, "SJ01"): -1,  # negative
        (village_a2.code, "SJ02"): 1.234,  # three decimals
        ("220602100299", "SJ01"): 1,  # unknown village
        (village_b1.code, "SJ01"): 1,  # another township's village
    }


def test_a_template_with_wrong_cells_reports_every_error_and_writes_nothing(
    township_round, assessor_a, village_a1, village_a2, village_b1, tmp_path
):
    path = template_for(tmp_path, township_round, assessor_a)
    fill(path, {(village_a1.code, "SJ04"): 2})  # a valid cell among the wrong ones
    fill(path, _wrong_cells(village_a1, village_a2, village_b1))
    scores_before, audit_before = Score.objects.count(), AuditLog.objects.count()

    with pytest.raises(InvalidInput) as caught:
        imports.import_scores_file(
            path, actor=assessor_a, round_=township_round, stage=Stage.TOWNSHIP
        )

    errors = caught.value.errors
    assert "7处错误" in caught.value.message
    found = {(e["organization"], e["item"]): e for e in errors}
    assert found[(village_a1.code, "SJ01")]["message"].startswith("超过该项最高分")
    assert found[(village_a1.code, "SJ01")]["column"] == "C"
    assert found[(village_a1.code, "SJ01")]["row"] == 5
    assert found[(village_a1.code, "SJ01")]["sheet"] == "七道江镇"
    assert found[(village_a1.code, "SJ01")]["value"] == "9"
    assert found[(village_a1.code, "SJ01")]["organization_name"] == village_a1.name
    assert "文字" in found[(village_a1.code, "SJ02")]["message"]
    assert "公式" in found[(village_a1.code, "SJ03")]["message"]
    assert found[(village_a2.code, "SJ01")]["message"] == "不能小于0"
    assert found[(village_a2.code, "SJ02")]["message"] == "最多保留两位小数"
    assert "不存在" in found[("220602100299", "")]["message"]
    assert "管辖范围" in found[(village_b1.code, "")]["message"]
    assert Score.objects.count() == scores_before
    assert AuditLog.objects.count() == audit_before
    assert not Sheet.objects.filter(stage=Stage.TOWNSHIP).exists()


def test_corrected_it_imports_and_importing_again_changes_nothing(
    township_round, assessor_a, village_a1, village_a2, village_b1, catalogue, tmp_path
):
    path = template_for(tmp_path, township_round, assessor_a)
    fill(path, _wrong_cells(village_a1, village_a2, village_b1))
    with pytest.raises(InvalidInput):
        imports.import_scores_file(
            path, actor=assessor_a, round_=township_round, stage=Stage.TOWNSHIP
        )
    corrected = template_for(tmp_path, township_round, assessor_a, name="ok.xlsx")
    fill(
        corrected,
        {
            (village_a1.code, "SJ01"): 2.5,
            (village_a1.code, "SJ02"): 2,
            (village_a2.code, "SJ01"): 3,
            (village_a2.code, "SJ02"): 1.25,
        },
    )

    counts = imports.import_scores_file(
        corrected, actor=assessor_a, round_=township_round, stage=Stage.TOWNSHIP
    )

    assert counts["created"] == 4
    assert counts["sheets_changed"] == 2
    a1 = Assessment.objects.get(round=township_round, organization=village_a1)
    sheet = a1.sheets.get(stage=Stage.TOWNSHIP)
    assert dict(sheet.scores.values_list("item__code", "points")) == {
        "SJ01": Decimal("2.50"),
        "SJ02": Decimal("2.00"),
    }
    assert AuditLog.objects.filter(action=AuditLog.Action.IMPORT).count() == 1
    audited = AuditLog.objects.get(action=AuditLog.Action.SCORES_SAVE, object_id=str(sheet.pk))
    assert audited.after["scores"] == {"SJ01": "2.50", "SJ02": "2.00"}

    versions = dict(Sheet.objects.values_list("pk", "version"))
    audit_count, updated = AuditLog.objects.count(), list(Score.objects.values_list("updated_at"))
    again = imports.import_scores_file(
        corrected, actor=assessor_a, round_=township_round, stage=Stage.TOWNSHIP
    )
    assert again["created"] == again["updated"] == 0
    assert again["unchanged"] == 4
    assert dict(Sheet.objects.values_list("pk", "version")) == versions
    assert AuditLog.objects.count() == audit_count
    assert list(Score.objects.values_list("updated_at")) == updated


def test_changing_a_cell_updates_only_that_score(township_round, assessor_a, village_a1, tmp_path):
    path = template_for(tmp_path, township_round, assessor_a)
    fill(path, {(village_a1.code, "SJ01"): 2.5, (village_a1.code, "SJ02"): 2})
    imports.import_scores_file(path, actor=assessor_a, round_=township_round, stage="township")
    fill(path, {(village_a1.code, "SJ01"): 1})

    counts = imports.import_scores_file(
        path, actor=assessor_a, round_=township_round, stage="township"
    )

    assert (counts["created"], counts["updated"], counts["unchanged"]) == (0, 1, 1)
    sheet = Sheet.objects.get(assessment__organization=village_a1, stage="township")
    assert sheet.version == 2
    assert sheet.scores.get(item__code="SJ01").points == Decimal("1.00")


def test_a_township_assessor_cannot_import_another_stage(
    township_round, assessor_a, village_a1, tmp_path
):
    path = template_for(tmp_path, township_round, assessor_a)
    fill(path, {(village_a1.code, "SJ01"): 1})
    with pytest.raises(NotPermitted):
        imports.import_scores_file(path, actor=assessor_a, round_=township_round, stage="county")


def test_a_locked_stage_is_refused(round_2024, assessor_a, village_a1, tmp_path):
    move_to(round_2024, Round.Status.TOWNSHIP_REVIEW)
    path = template_for(tmp_path, round_2024, assessor_a)
    fill(path, {(village_a1.code, "SJ01"): 1})
    move_to(round_2024, Round.Status.COUNTY_REVIEW)

    with pytest.raises(Conflict) as caught:
        imports.import_scores_file(path, actor=assessor_a, round_=round_2024, stage="township")

    assert "未开放" in caught.value.message
    assert not Score.objects.exists()


def test_a_template_of_another_stage_is_reported(
    township_round, county_admin, village_a1, tmp_path
):
    path = template_for(tmp_path, township_round, county_admin, stage=Stage.SELF)
    fill(path, {(village_a1.code, "SJ01"): 1})
    with pytest.raises(InvalidInput) as caught:
        imports.import_scores_file(
            path, actor=county_admin, round_=township_round, stage=Stage.TOWNSHIP
        )
    assert any("村自评" in e["message"] for e in caught.value.errors)


def test_duplicate_rows_are_reported(township_round, assessor_a, village_a1, tmp_path):
    path = template_for(tmp_path, township_round, assessor_a)
    wb = openpyxl.load_workbook(path)
    ws = wb["七道江镇"]
    ws.append([village_a1.code, "重复", 1])
    wb.save(path)
    with pytest.raises(InvalidInput) as caught:
        imports.import_scores_file(path, actor=assessor_a, round_=township_round, stage="township")
    assert any("重复" in e["message"] and e["row"] == 7 for e in caught.value.errors)


def test_submitted_sheets_of_a_counting_stage_are_recalculated(
    round_2024, county_admin, village_a1, catalogue, tmp_path
):
    from tests.conftest import full_sheet

    move_to(round_2024, Round.Status.COUNTY_REVIEW)
    assessment = round_2024.assessments.get(organization=village_a1)
    services.scores_save(
        actor=county_admin,
        assessment=assessment,
        stage=Stage.COUNTY,
        scores=full_sheet(catalogue),
        submit=True,
    )
    assessment.refresh_from_db()
    total = assessment.total
    path = template_for(tmp_path, round_2024, county_admin, stage=Stage.COUNTY)
    fill(path, {(village_a1.code, "SJ01"): 0})

    imports.import_scores_file(path, actor=county_admin, round_=round_2024, stage="county")

    assessment.refresh_from_db()
    assert assessment.total < total


def _grow(round_, township, n):
    """Add ``n`` villages (with assessments) to a township of an opened round."""
    start = Assessment.objects.count()
    for i in range(n):
        village = OrganizationFactory(
            code=f"{township.code[:9]}{300 + start + i:03d}", parent=township
        )
        Assessment.objects.create(round=round_, organization=village)


def _import_queries(path, actor, round_):
    # Each measurement starts from an empty stage, so both sizes do the same kinds of work.
    Score.objects.filter(sheet__stage="township").delete()
    Sheet.objects.filter(stage="township").delete()
    with CaptureQueriesContext(connection) as ctx:
        imports.import_scores_file(path, actor=actor, round_=round_, stage="township")
    return len(ctx.captured_queries)


def test_query_counts_of_import_and_export_do_not_grow_with_villages(
    township_round, assessor_a, township_a, catalogue, tmp_path
):
    def run(tag):
        path = template_for(tmp_path, township_round, assessor_a, name=f"{tag}.xlsx")
        wb = openpyxl.load_workbook(path)
        ws = wb["七道江镇"]
        for row in range(5, ws.max_row + 1):
            for col in range(3, 10):
                ws.cell(row, col, 1)
        wb.save(path)
        with CaptureQueriesContext(connection) as ctx:
            template_for(tmp_path, township_round, assessor_a, name=f"{tag}-again.xlsx")
        template_queries = len(ctx.captured_queries)
        with CaptureQueriesContext(connection) as ctx:
            report.report_export(tmp_path / f"{tag}-r.xlsx", round_=township_round, user=assessor_a)
        report_queries = len(ctx.captured_queries)
        return _import_queries(path, assessor_a, township_round), template_queries, report_queries

    small = run("small")
    _grow(township_round, township_a, 25)
    large = run("large")
    assert large == small


def test_an_evaluator_imports_only_the_villages_of_their_group(
    round_2024, evaluator, village_a1, village_a2, tmp_path
):
    move_to(round_2024, Round.Status.COUNTY_REVIEW)
    own = template_for(tmp_path, round_2024, evaluator, stage=Stage.COUNTY)
    wb = openpyxl.load_workbook(own, read_only=True)
    codes = [r[0] for ws in wb.worksheets[1:] for r in ws.iter_rows(min_row=5, values_only=True)]
    assert codes == [village_a1.code]  # the template holds the group's villages only
    fill(own, {(village_a1.code, "SJ01"): 1, (village_a2.code, "SJ01"): 1})

    with pytest.raises(InvalidInput) as caught:
        imports.import_scores_file(own, actor=evaluator, round_=round_2024, stage="county")

    assert [(e["organization"], e["message"]) for e in caught.value.errors] == [
        (village_a2.code, "该村不在您的管辖范围内")
    ]
    wb = openpyxl.load_workbook(own)
    ws = wb.worksheets[1]
    ws.delete_rows(6)  # the row of the village outside the group
    wb.save(own)
    counts = imports.import_scores_file(own, actor=evaluator, round_=round_2024, stage="county")
    assert counts["created"] == 1
