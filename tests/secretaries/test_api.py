"""The secretary-projects API walks STYLE.md's checklist: works · anonymous 401 · other
township 404 · other county 404 · wrong role 403 · bad input 400 with the message · wrong
method 405 · a project past the stage refused (409)."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.utils import timezone

from secretaries.models import ProgressReport, SecretaryProject
from tests.support.api import problems

pytestmark = pytest.mark.django_db

BASE = "/api/v1/secretary-projects/"


@pytest.mark.parametrize("url", [BASE, f"{BASE}options/", f"{BASE}dashboard/", f"{BASE}export/"])
def test_reads_by_role(url, api, county_admin, auditor, assessor_a, secretary_a1, maintainer):
    assert api.get(url).status_code == 401
    for user in (county_admin, auditor, assessor_a):
        assert api.as_(user).get(url).status_code == 200
    for user in (secretary_a1, maintainer):
        response = api.as_(user).get(url)
        assert response.status_code == 403 and problems(response) == []
    assert api.as_(county_admin).delete(url).status_code == 405


def test_list_is_scoped_with_a_query_budget(
    api, assessor_a, county_admin, project_a, project_b, django_assert_max_num_queries
):
    with django_assert_max_num_queries(10):
        body = api.as_(assessor_a).get(BASE).json()
    assert [p["id"] for p in body["results"]] == [project_a.pk]
    assert api.as_(assessor_a).get(f"{BASE}{project_b.pk}/").status_code == 404
    assert api.as_(county_admin).get(f"{BASE}{project_b.pk}/").status_code == 200


def test_other_county_is_not_found(api, county_admin2, auditor2, project_a):
    for user in (county_admin2, auditor2):
        assert api.as_(user).get(f"{BASE}{project_a.pk}/").status_code == 404
        assert (
            api.as_(user)
            .post(f"{BASE}{project_a.pk}/review/", {"decision": "approve"}, format="json")
            .status_code
            == 404
        )


def test_claim_submit_review_report_grade(api, county_admin, assessor_a, assessor_b, options):
    claim = {"option": options["three"].pk, "goal": "三化建设全覆盖", "plan": "分三步推进"}
    assert api.as_(county_admin).post(BASE, claim, format="json").status_code == 403
    bad = api.as_(assessor_a).post(BASE, claim | {"goal": ""}, format="json")
    assert bad.status_code == 400 and problems(bad)[0]["field"] == "goal"
    created = api.as_(assessor_a).post(BASE, claim, format="json")
    assert created.status_code == 201
    pk = created.json()["id"]
    # Submitting before the mandatory 党建+村级集体经济 is claimed: 400 naming it.
    refused = api.as_(assessor_a).post(f"{BASE}{pk}/submit/")
    assert refused.status_code == 400 and "党建+村级集体经济" in problems(refused)[0]["message"]
    economy = {"option": options["economy"].pk, "goal": "村集体增收"}
    assert api.as_(assessor_a).post(BASE, economy, format="json").status_code == 201
    assert api.as_(assessor_b).post(f"{BASE}{pk}/submit/").status_code == 404
    assert api.as_(assessor_a).post(f"{BASE}{pk}/submit/").status_code == 200
    assert (
        api.as_(assessor_a).patch(f"{BASE}{pk}/", {"goal": "改"}, format="json").status_code == 409
    )
    review = f"{BASE}{pk}/review/"
    assert (
        api.as_(assessor_a).post(review, {"decision": "approve"}, format="json").status_code == 403
    )
    bad = api.as_(county_admin).post(review, {"decision": "return"}, format="json")
    assert bad.status_code == 400 and problems(bad)[0]["field"] == "reason"
    assert (
        api.as_(county_admin).post(review, {"decision": "approve"}, format="json").status_code
        == 200
    )
    report = {
        "month": timezone.localdate().strftime("%Y-%m"),
        "progress": "推进会",
        "evidence": "纪要",
    }
    assert (
        api.as_(county_admin).post(f"{BASE}{pk}/reports/", report, format="json").status_code == 403
    )
    done = api.as_(assessor_a).post(f"{BASE}{pk}/reports/", report, format="json")
    assert done.status_code == 201 and done.json()["days_late"] == 0
    assert (
        api.as_(assessor_a).post(f"{BASE}{pk}/reports/", report, format="json").status_code == 409
    )
    visit = {
        "visited_on": timezone.localdate().isoformat(),
        "method": "on_site",
        "visitors": "组织科",
        "findings": "已见成效",
    }
    assert (
        api.as_(county_admin).post(f"{BASE}{pk}/visits/", visit, format="json").status_code == 201
    )
    grade = api.as_(county_admin).post(
        f"{BASE}{pk}/grade/", {"grade": "good", "comment": "较好"}, format="json"
    )
    assert grade.status_code == 200 and grade.json()["grade"] == "good"
    assert len(grade.json()["visits"]) == 1
    assert SecretaryProject.objects.get(pk=pk).status == "graded"
    assert ProgressReport.objects.count() == 1
    dash = api.as_(county_admin).get(f"{BASE}dashboard/").json()
    assert dash["by_status"]["graded"] == 1 and dash["total"] == 2


def test_options_post(api, county_admin, assessor_a, year):
    body = {"year": year, "title": "流动党员教育管理", "kind": "optional"}
    assert api.as_(assessor_a).post(f"{BASE}options/", body, format="json").status_code == 403
    bad = api.as_(county_admin).post(f"{BASE}options/", body | {"kind": "x"}, format="json")
    assert bad.status_code == 400 and problems(bad)[0]["field"] == "kind"
    assert api.as_(county_admin).post(f"{BASE}options/", body, format="json").status_code == 201


def test_export_keeps_formulas_as_text(api, assessor_a, options):
    from tests.secretaries.conftest import claim

    claim(assessor_a, options["three"], secretary_name="=1+1")
    response = api.as_(assessor_a).get(f"{BASE}export/")
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["书记项目", "月度调度"]
    cell = wb["书记项目"]["B2"]
    assert cell.value == "=1+1" and cell.data_type == "s"
