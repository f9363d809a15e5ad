"""奖惩凭星 in the annual report (through workbooks.registry) and on the village page: each
village's outcome when the county has a consequence table for the round's year, the report
unchanged otherwise; one query for all villages whatever their number."""

from __future__ import annotations

import datetime
from datetime import date

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from stars import services
from stars.models import Ladder
from tests.factories import OrganizationFactory
from tests.support.web import as_user
from workbooks import report

from .test_ladder_inputs import approve

pytestmark = pytest.mark.django_db

PAY = ["0", "0.5", "0.8", "1", "1.1", "1.2"]
CORE = ["汇总", "星级名单", "评分明细", "短板弱项"]


@pytest.fixture
def branches_2024(county_admin, approver, assessor_a, village_a1, village_b1, round_2024):
    """2024: 七道江村's branch at four stars, village B1's vetoed; the rest without standing."""
    tables = {t.ladder: t for t in services.tables_copy(actor=county_admin, year=2024)}
    approve(approver, assessor_a, tables, "B03", 14, organization=village_a1)
    veto = tables[Ladder.BRANCH].items.filter(kind="veto").first()
    entry = services.entry_record(
        actor=county_admin,
        item=veto,
        organization=village_b1,
        occurred_on=datetime.date(2024, 5, 1),
        description="严重违纪",
    )
    services.entry_approve(actor=approver, entry=entry)
    return tables


@pytest.fixture
def approver(county):
    from organizations.models import Role
    from tests.factories import UserFactory

    return UserFactory(username="approver", role=Role.COUNTY_ADMIN, organization=county)


def _export(tmp_path, round_, name="report.xlsx", **kwargs):
    path = tmp_path / name
    report.report_export(path, round_=round_, on=date(2025, 1, 15), **kwargs)
    return openpyxl.load_workbook(path)


def test_without_a_consequence_table_the_report_is_unchanged(branches_2024, round_2024, tmp_path):
    assert _export(tmp_path, round_2024).sheetnames == CORE


def test_each_villages_outcome_is_a_sheet_of_the_report(
    branches_2024, round_2024, county_admin, village_a1, village_b1, tmp_path
):
    services.consequences_set(actor=county_admin, year=2024, pay=PAY)
    wb = _export(tmp_path, round_2024)
    assert wb.sheetnames == [*CORE, "奖惩凭星"]
    ws = wb["奖惩凭星"]
    assert ws["A1"].value == "浑江区2024年度村党组织星级评定奖惩凭星结果表"
    assert [c.value for c in ws[3]] == [
        "序号",
        "镇（街道）",
        "村（社区）",
        "区划代码",
        "堡垒星",
        "否决",
        "绩效补贴系数",
        "优先评先评优",
        "软弱涣散候选",
    ]
    rows = {r[3]: r for r in ws.iter_rows(min_row=4, values_only=True) if isinstance(r[0], int)}
    detail = wb["评分明细"]
    assert len(rows) == len([r for r in detail.iter_rows(min_row=4) if isinstance(r[0].value, int)])
    assert rows[village_a1.code][4:] == ("4星", None, 1.1, "是", None)
    assert rows[village_b1.code][4:] == ("无星", "是", 0, None, "是")
    others = [r for code, r in rows.items() if code not in (village_a1.code, village_b1.code)]
    assert others and all(r[4:] == ("无星", None, 0, None, "是") for r in others)


def test_a_townships_report_has_its_villages_only(
    branches_2024, round_2024, county_admin, assessor_a, village_b1, tmp_path
):
    services.consequences_set(actor=county_admin, year=2024, pay=PAY)
    ws = _export(tmp_path, round_2024, user=assessor_a)["奖惩凭星"]
    codes = [r[3] for r in ws.iter_rows(min_row=4, values_only=True) if isinstance(r[0], int)]
    assert village_b1.code not in codes and codes == sorted(codes)


def test_the_outcome_sheet_costs_the_same_queries_for_more_villages(
    branches_2024, round_2024, county_admin, approver, assessor_a, township_a, tmp_path
):
    services.consequences_set(actor=county_admin, year=2024, pay=PAY)

    def queries(name):
        with CaptureQueriesContext(connection) as ctx:
            _export(tmp_path, round_2024, name=name)
        return len(ctx.captured_queries)

    small = queries("small.xlsx")
    for n in range(5):
        village = OrganizationFactory(
            code=f"2206021002{50 + n}", name=f"新村{n}", parent=township_a
        )
        round_2024.assessments.create(organization=village)
        approve(approver, assessor_a, branches_2024, "B03", 1, organization=village)
    assert queries("large.xlsx") == small


def test_the_village_page_shows_its_outcome(
    client, branches_2024, county_admin, secretary_a1, village_a1, village_b1, maintainer
):
    services.consequences_set(actor=county_admin, year=2024, pay=PAY)
    html = as_user(client, secretary_a1).get(reverse("village", args=[village_a1.pk]))
    text = html.content.decode()
    assert 'id="village-outcome-panel"' in text and "奖惩凭星 · 2024年" in text
    assert (
        "<strong>4星</strong>" in text
        and "<strong>1.10</strong>" in text
        and "优先评先评优" in text
    )
    vetoed = as_user(client, county_admin).get(reverse("village", args=[village_b1.pk]))
    assert "软弱涣散候选" in vetoed.content.decode()
    page = as_user(client, maintainer).get(reverse("village", args=[village_a1.pk]))
    assert 'id="village-outcome-panel"' not in page.content.decode()  # not a 创星晋级 role
