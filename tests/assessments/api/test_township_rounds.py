"""The API of a township (镇街) round: created with ``target``, the target locked after opening,
results and the dashboard through the same endpoints, scoped (a township its own published
result; a village and another county nothing); the annual report over it."""

from __future__ import annotations

from datetime import date

import openpyxl
import pytest
from django.urls import reverse

from assessments.models import Round
from assessments.selectors import result_records
from tests.support.api import problems
from tests.support.excel import fill, template_for
from tests.support.townships import township_sheet
from workbooks import imports, report

pytestmark = pytest.mark.django_db


def test_create_a_township_round(api, county_admin, county, township_catalogue, round_2024):
    response = api.as_(county_admin).post(
        reverse("api-rounds"),
        {"year": 2024, "target": "township", "catalogue": township_catalogue.pk},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["target"] == "township" and body["self_assessment_enabled"] is False
    assert Round.objects.filter(county=county, year=2024).count() == 2


def test_create_refuses_a_bad_target_and_a_catalogue_of_the_other_target(
    api, county_admin, township_catalogue, catalogue
):
    client = api.as_(county_admin)
    bad = client.post(
        reverse("api-rounds"),
        {"year": 2025, "target": "city", "catalogue": catalogue.pk},
        format="json",
    )
    assert bad.status_code == 400
    assert [e["field"] for e in problems(bad)] == ["target"]
    wrong = client.post(
        reverse("api-rounds"),
        {"year": 2025, "target": "township", "catalogue": catalogue.pk},
        format="json",
    )
    assert wrong.status_code == 400
    assert "不能用于镇街评定" in str(problems(wrong))


def test_the_target_is_locked_after_opening(api, county_admin, tw_round):
    response = api.as_(county_admin).patch(
        reverse("api-round", args=[tw_round.pk]), {"target": "village"}, format="json"
    )
    assert response.status_code == 400
    errors = problems(response)
    assert errors[0]["field"] == "target" and "锁定" in errors[0]["message"]
    assert "评定对象" in response.json()["message"]
    tw_round.refresh_from_db()
    assert tw_round.target == "township"


def test_results_of_a_township_round_scoped(
    api, county_admin, assessor_a, secretary_a1, county_admin2, tw_published, township_a
):
    url = reverse("api-round-results", args=[tw_published.pk])
    everything = api.as_(county_admin).get(url).json()["results"]
    assert sorted(r["level"] for r in everything) == [2, 3]
    own = api.as_(assessor_a).get(url).json()["results"]
    assert [r["organization_code"] for r in own] == [township_a.code]
    # A township round is not listed for a village at all (docs/scoring.md "Township rounds").
    assert api.as_(secretary_a1).get(url).status_code == 404
    assert api.as_(county_admin2).get(url).status_code == 404


def test_the_dashboard_of_a_township_round(
    api, county_admin, assessor_a, county_admin2, tw_published
):
    url = reverse("api-round-dashboard", args=[tw_published.pk])
    summary = api.as_(county_admin).get(url).json()
    assert summary["assessments"] == summary["rated"] == 2
    assert summary["levels"]["3"] == 1 and summary["levels"]["2"] == 1
    assert summary["level_3_plus"] == 1
    own = api.as_(assessor_a).get(url).json()
    assert own["rated"] == 1 and own["levels"]["3"] == 1
    assert api.as_(county_admin2).get(url).status_code == 404


def test_the_annual_report_of_a_township_round(tw_published, tmp_path):
    path = tmp_path / "report.xlsx"
    report.report_export(path, round_=tw_published, on=date(2025, 1, 15))
    wb = openpyxl.load_workbook(path)
    records = {r["organization_code"]: r for r in result_records(tw_published)}
    detail = wb["评分明细"]
    header = [c.value for c in detail[3]]
    assert header[1] == "区县" and header[3] == "镇街"
    rows = [r for r in detail.iter_rows(min_row=4, values_only=True) if isinstance(r[0], int)]
    assert {r[2] for r in rows} == set(records)
    level_col = header.index("星级")
    assert sorted(r[level_col] for r in rows) == ["三星", "二星"]
    assert "镇街党（工）委星级评定" in str(wb["汇总"]["A1"].value)


def test_the_score_template_of_a_township_round_round_trips(
    tw_round, county_admin, township_catalogue, township_a, township_b, tmp_path
):
    """The county's Excel template lists the townships; filled and imported, it writes the
    county sheets through the same import as a village round's."""
    path = template_for(tmp_path, tw_round, county_admin, stage="county")
    wb = openpyxl.load_workbook(path)
    codes = {ws.cell(r, 1).value for ws in wb.worksheets for r in range(5, ws.max_row + 1)} - {None}
    assert {township_a.code, township_b.code} <= codes
    sheet = township_sheet(township_catalogue, ("ZZ", "ZJ", "FZ"))
    fill(path, {(township_a.code, code): value for code, value in sheet.items()})
    counts = imports.import_scores_file(path, actor=county_admin, round_=tw_round, stage="county")
    assert counts
    a = tw_round.assessments.get(organization=township_a)
    assert a.sheets.get(stage="county").scores.count() == len(sheet)
