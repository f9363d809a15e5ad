"""The Excel management commands, end to end on the test cast."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from assessments.models import Assessment, Round, Score
from organizations.models import Organization
from tests.support.excel import fill


def test_export_template_then_import_scores(township_round, assessor_a, village_a1, tmp_path):
    out = tmp_path / "t.xlsx"
    call_command(
        "export_template",
        round=2024,
        county="220602000000",
        stage="township",
        township="220602100000",
        output=str(out),
    )
    assert openpyxl.load_workbook(out).sheetnames == ["填写说明", "七道江镇"]
    fill(out, {(village_a1.code, "SJ01"): 2})

    call_command(
        "import_scores",
        str(out),
        round=2024,
        county="220602000000",
        stage="township",
        user="assessor_a",
    )

    assert Score.objects.get(sheet__assessment__organization=village_a1).points == 2


def test_import_scores_lists_every_error(township_round, village_a1, tmp_path):
    out = tmp_path / "t.xlsx"
    call_command(
        "export_template", round=2024, county="220602000000", stage="township", output=str(out)
    )
    fill(out, {(village_a1.code, "SJ01"): 9, (village_a1.code, "SJ02"): "x"})
    with pytest.raises(CommandError) as caught:
        call_command("import_scores", str(out), round=2024, county="220602000000", stage="township")
    text = str(caught.value)
    assert "2处错误" in text
    assert "第5行 C列" in text and "第5行 D列" in text
    assert not Score.objects.exists()


def test_export_report(township_round, tmp_path):
    out = tmp_path / "r.xlsx"
    call_command("export_report", round=2024, county="220602000000", output=str(out))
    assert openpyxl.load_workbook(out, read_only=True).sheetnames[0] == "汇总"
    with pytest.raises(CommandError):
        call_command(
            "export_report",
            round=2024,
            county="220602000000",
            township="220602999000",
            output=str(out),
        )


def test_import_organizations(county, township_a, village_a1, village_a2, tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append(["区划代码", "名称", "类型", "上级代码", "党组织类型", "书记姓名"])
    wb.active.append([township_a.code, township_a.name, "镇", county.code, "党委", ""])
    wb.active.append([village_a1.code, village_a1.name, "村", township_a.code, "党支部", "张三"])
    wb.save(tmp_path / "o.xlsx")
    # Half the county's villages would go: refused without the explicit confirmation.
    with pytest.raises(CommandError, match="需要明确确认"):
        call_command("import_organizations", str(tmp_path / "o.xlsx"))
    village_a2.refresh_from_db()
    assert village_a2.is_active is True
    call_command("import_organizations", str(tmp_path / "o.xlsx"), confirm_deactivation=True)
    village_a2.refresh_from_db()
    assert village_a2.is_active is False


def test_import_organizations_dry_run_changes_nothing(
    county, township_a, village_a1, village_a2, tmp_path
):
    wb = openpyxl.Workbook()
    wb.active.append(["区划代码", "名称", "类型", "上级代码"])
    wb.active.append([township_a.code, township_a.name, "镇", township_a.parent.code])
    wb.active.append([village_a1.code, "新名称村", "村", township_a.code])
    wb.active.append([village_a2.code, village_a2.name, "村", township_a.code])
    wb.save(tmp_path / "o.xlsx")
    out = io.StringIO()
    call_command("import_organizations", str(tmp_path / "o.xlsx"), dry_run=True, stdout=out)
    assert "修改：220602100201 新名称村（名称" in out.getvalue()
    village_a1.refresh_from_db()
    assert village_a1.name != "新名称村"


def test_import_organizations_refuses_a_header_only_file(county, village_a1, tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append(["区划代码", "名称", "类型", "上级代码"])
    wb.save(tmp_path / "o.xlsx")
    with pytest.raises(CommandError, match="没有任何组织数据"):
        call_command("import_organizations", str(tmp_path / "o.xlsx"))
    village_a1.refresh_from_db()
    assert village_a1.is_active is True


def test_generate_synthetic_is_reproducible(db):
    call_command("generate_synthetic", villages=40, seed=5)
    county = Organization.objects.get(code="229905000000")
    villages = Organization.objects.filter(parent__parent=county)
    assert villages.count() == 40
    assert all(len(v.code) == 12 and v.code.startswith(county.code[:6]) for v in villages)
    round_ = Round.objects.get(county=county)
    assert round_.assessments.filter(level__isnull=False).count() == 40
    totals = sorted(Assessment.objects.filter(round=round_).values_list("total", flat=True))
    assert 60 <= totals[len(totals) // 2] <= 92
    assert Score.objects.filter(sheet__assessment__round=round_).count() == 40 * 65 * 3
    with pytest.raises(CommandError):
        call_command("generate_synthetic", villages=40, seed=5)  # the same county again


def test_the_same_seed_makes_the_same_data(db):
    from demo import synthetic

    def snapshot(made):
        scores = Score.objects.filter(sheet__assessment__round=made.round)
        return (
            sorted(
                (o.code[6:], o.name, o.secretary_name)
                for o in Organization.objects.filter(parent__parent=made.county)
            ),
            sorted(
                (code[6:], stage, item, points)
                for code, stage, item, points in scores.values_list(
                    "sheet__assessment__organization__code",
                    "sheet__stage",
                    "item__code",
                    "points",
                )
            ),
            sorted(
                (code[6:], level)
                for code, level in made.round.assessments.values_list("organization__code", "level")
            ),
        )

    first = synthetic.generate(villages=30, seed=8)
    second = synthetic.generate(villages=30, seed=8, code="229988000000")
    other = synthetic.generate(villages=30, seed=9)
    assert snapshot(first) == snapshot(second)
    assert snapshot(first) != snapshot(other)


def test_generate_synthetic_builds_a_province_of_cities_and_counties(db, capsys):
    from django.test import Client

    call_command("generate_synthetic", villages=61, seed=3, cities=2, counties_per_city=3)
    assert "2 个市、6 个区县、61 个村" in capsys.readouterr().out
    province = Organization.objects.get(code="930000000000", kind="province")
    cities = Organization.objects.filter(parent=province, kind="city").order_by("code")
    assert [c.code for c in cities] == ["930100000000", "930200000000"]
    counties = Organization.objects.filter(parent__in=cities, kind="county")
    assert counties.count() == 6
    assert all(c.code[:4] == c.parent.code[:4] for c in counties)  # codes nest
    villages = Organization.objects.filter(parent__parent__in=counties)
    assert villages.count() == 61
    assert sorted(villages.values_list("parent__parent", flat=True)).count(counties[0].pk) in (
        10,
        11,
    )
    rounds = Round.objects.filter(county__in=counties)
    assert rounds.count() == 6
    assert Assessment.objects.filter(round__in=rounds, level__isnull=False).count() == 61
    # The province's organization department sees the roll-up of all six counties.
    client = Client()
    client.force_login(Organization.objects.get(pk=province.pk).users.get(role="region_viewer"))
    summary = client.get("/api/v1/regions/summary/").json()
    assert len(summary["counties"]) == 6
    assert summary["rated"] == 61
    with pytest.raises(CommandError):  # the same province again
        call_command("generate_synthetic", villages=61, seed=3, cities=2, counties_per_city=3)


def test_expire_jobs_command(db, capsys):
    call_command("expire_jobs")
    assert "已清理 0 个" in capsys.readouterr().out


def test_export_results_csv_does_not_write_formulas():
    from workbooks.management.commands.export_results import FIELDS, render

    record = dict.fromkeys(FIELDS)
    record.update(
        organization_code="220602100201",
        organization_name='=HYPERLINK("http://x","点我")',
        total="-1.50",
        change=-1,
    )

    text = render([record], "csv")

    row = text.splitlines()[1]
    assert row.startswith("220602100201,\"'=HYPERLINK(")
    assert ",-1.50," in row and row.endswith(",-1")
