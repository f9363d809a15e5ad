"""End-to-end: organization health and secretary projects in a real browser, under the strict
CSP (a violation is a console error)."""

from __future__ import annotations

import pytest

from orghealth.models import Election
from secretaries import services as sp_services
from secretaries.models import SecretaryProject
from tests.e2e.conftest import login, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_county_admin_records_an_election_and_sees_the_overdue_count(
    page, live_server, county_admin, villages, console_errors
):
    login(page, live_server, "admin")
    page.click("nav.mainnav >> text=组织建设")
    page.wait_for_selector("#health-summary")
    page.goto(f"{live_server.url}/health/elections/")
    page.select_option("#e-org", str(villages[0].pk))
    page.fill("#e-date", "2019-03-15")
    page.click("#election-form button")
    page.wait_for_selector("text=已登记七道江村的换届")
    assert "5个党组织中1个逾期未换届" in page.content()
    assert Election.objects.get().term_years == 5
    screenshot(page, "health-elections")
    assert console_errors == []


def test_township_claims_a_project(page, live_server, county_admin, assessor_a, console_errors):
    from django.utils import timezone

    sp_services.option_create(
        actor=county_admin, year=timezone.localdate().year, title="党员评星定级", kind="optional"
    )
    login(page, live_server, "assessor_a")
    page.goto(f"{live_server.url}/secretary-projects/")
    page.select_option("#c-option", label="党员评星定级（自选）")
    page.fill("#c-secretary", "张书记")
    page.fill("#c-goal", "全镇党员评星定级全覆盖")
    page.click("#sp-claim button")
    page.wait_for_selector("text=已认领项目")
    assert SecretaryProject.objects.get().secretary_name == "张书记"
    screenshot(page, "secretary-project")
    assert console_errors == []
