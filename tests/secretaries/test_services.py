"""Secretary-project services: claim (必选 + 自选, 1 to 3), review, reports, visits, grade —
authorized, validated, audited."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from organizations.models import AuditLog
from secretaries import selectors, services
from secretaries.models import ProgressReport, SecretaryProject
from starrating.errors import Conflict, InvalidInput, NotPermitted
from tests.conftest import audit_rows
from tests.secretaries.conftest import claim

pytestmark = pytest.mark.django_db


def test_option_list_is_the_county_admin_s(county_admin, assessor_a, year):
    with pytest.raises(NotPermitted):
        services.option_create(actor=assessor_a, year=year, title="x", kind="optional")
    with pytest.raises(InvalidInput) as error:
        services.option_create(actor=county_admin, year=1999, title="", kind="maybe")
    assert {e["field"] for e in error.value.errors} == {"year", "title", "kind"}
    services.option_create(actor=county_admin, year=year, title="x", kind="optional")
    with pytest.raises(Conflict):
        services.option_create(actor=county_admin, year=year, title="x", kind="optional")


def test_claim_limits(assessor_a, county_admin, options, township_a, year):
    project = claim(assessor_a, options["three"])
    assert project.secretary_name == township_a.secretary_name and project.status == "draft"
    assert audit_rows(project, AuditLog.Action.CREATE).count() == 1
    with pytest.raises(Conflict):
        claim(assessor_a, options["three"])
    with pytest.raises(InvalidInput):
        claim(assessor_a, options["street"])  # a street's project, not a township's
    claim(assessor_a, options["economy"])
    claim(assessor_a, options["stars"])
    extra = services.option_create(actor=county_admin, year=year, title="四", kind="optional")
    with pytest.raises(Conflict) as error:
        claim(assessor_a, extra)
    assert "1至3个" in error.value.message
    with pytest.raises(NotPermitted):
        claim(county_admin, options["stars"])


def test_submit_needs_the_plan_and_every_mandatory(assessor_a, options, project_a):
    services.project_update(actor=assessor_a, project=project_a, plan="")
    with pytest.raises(InvalidInput) as error:
        services.project_submit(actor=assessor_a, project=project_a)
    problems = {e["field"]: e for e in error.value.errors}
    assert set(problems) == {"plan", "option"}
    assert "党建+村级集体经济" in problems["option"]["message"]
    services.project_update(actor=assessor_a, project=project_a, plan="方案")
    claim(assessor_a, options["economy"])
    services.project_submit(actor=assessor_a, project=project_a)
    assert project_a.status == "submitted"
    with pytest.raises(Conflict):
        services.project_update(actor=assessor_a, project=project_a, goal="改")


def test_review_approve_or_return_with_reason(county_admin, assessor_a, options, project_a):
    claim(assessor_a, options["economy"])
    services.project_submit(actor=assessor_a, project=project_a)
    with pytest.raises(NotPermitted):
        services.project_review(actor=assessor_a, project=project_a, decision="approve")
    with pytest.raises(InvalidInput) as error:
        services.project_review(actor=county_admin, project=project_a, decision="return")
    assert error.value.errors[0]["field"] == "reason"
    services.project_review(
        actor=county_admin, project=project_a, decision="return", reason="目标不够具体"
    )
    project_a.refresh_from_db()
    assert project_a.status == "returned" and project_a.review_reason == "目标不够具体"
    services.project_update(actor=assessor_a, project=project_a, goal="带动10个村集体增收")
    services.project_submit(actor=assessor_a, project=project_a)
    services.project_review(actor=county_admin, project=project_a, decision="approve")
    project_a.refresh_from_db()
    assert project_a.status == "approved" and project_a.approved_on == timezone.localdate()
    with pytest.raises(Conflict):
        services.project_review(actor=county_admin, project=project_a, decision="approve")


def test_monthly_report_and_its_lateness(assessor_a, assessor_b, approved_a, settings):
    today = timezone.localdate()
    this_month = today.strftime("%Y-%m")
    report = services.report_add(
        actor=assessor_a,
        project=approved_a,
        month=this_month,
        progress="召开推进会",
        evidence="会议纪要",
    )
    assert report.days_late == 0 and report.month == today.replace(day=1)
    with pytest.raises(Conflict):
        services.report_add(
            actor=assessor_a, project=approved_a, month=this_month, progress="x", evidence="y"
        )
    with pytest.raises(NotPermitted):
        services.report_add(
            actor=assessor_b, project=approved_a, month=this_month, progress="x", evidence="y"
        )
    with pytest.raises(InvalidInput) as error:
        services.report_add(
            actor=assessor_a, project=approved_a, month="2000-13", progress="", evidence=""
        )
    assert {e["field"] for e in error.value.errors} == {"month", "progress", "evidence"}


def test_a_late_report_and_owed_months(assessor_a, approved_a, settings):
    """Approved two months ago: the month of approval's report is past due and owed; handed
    in today it is late by the days since its due day."""
    today = timezone.localdate()
    approved = (today.replace(day=1) - datetime.timedelta(days=40)).replace(day=10)
    if approved.year != today.year:
        pytest.skip("needs a project approved in the same year (run after February)")
    SecretaryProject.objects.filter(pk=approved_a.pk).update(approved_on=approved)
    project = selectors.projects_for_user(assessor_a).get(pk=approved_a.pk)
    late = selectors.lateness(project, today=today)
    assert approved.replace(day=1) in late.owed and late.is_late
    report = services.report_add(
        actor=assessor_a,
        project=project,
        month=approved.strftime("%Y-%m"),
        progress="补报",
        evidence="台账",
    )
    assert report.days_late == (today - datetime.date(today.year, approved.month + 1, 5)).days
    assert ProgressReport.objects.get(pk=report.pk).is_late


def test_visit_and_grade(county_admin, assessor_a, approved_a):
    with pytest.raises(NotPermitted):
        services.visit_add(actor=assessor_a, project=approved_a, visited_on="2024-01-01")
    visit = services.visit_add(
        actor=county_admin,
        project=approved_a,
        visited_on=timezone.localdate(),
        method="random",
        visitors="县委组织部组织科",
        findings="现场查看集体经济项目",
    )
    assert visit.pk
    with pytest.raises(InvalidInput) as error:
        services.project_grade(actor=county_admin, project=approved_a, grade="A", comment="")
    assert {e["field"] for e in error.value.errors} == {"grade", "comment"}
    services.project_grade(
        actor=county_admin, project=approved_a, grade="excellent", comment="成效明显"
    )
    approved_a.refresh_from_db()
    assert approved_a.status == "graded" and approved_a.get_grade_display() == "好"
    with pytest.raises(Conflict):
        services.project_grade(actor=county_admin, project=approved_a, grade="good", comment="再评")


def test_a_township_sees_its_own_projects_only(assessor_a, auditor, project_a, project_b, year):
    assert list(selectors.projects_for_user(assessor_a, year=year)) == [project_a]
    assert set(selectors.projects_for_user(auditor, year=year)) == {project_a, project_b}


def test_dashboard_counts(county_admin, approved_a, project_b, year):
    data = selectors.dashboard(county_admin, year=year, today=timezone.localdate())
    assert data["total"] == 3
    assert data["by_status"]["approved"] == 1 and data["by_status"]["draft"] == 2
    assert [t["projects"] for t in data["townships"]] == [2, 1]
