"""End-to-end (issue 14): the county admin sets up an evaluation group in the browser, and the
一村一档 record prints; no CSP violation or script error on either page."""

from __future__ import annotations

import pytest

from assessments.models import EvaluationGroup
from tests.e2e.conftest import login, no_horizontal_scroll, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_admin_builds_a_group_and_sees_the_check(
    page, live_server, county_admin, round_2024, village_a2, village_b1, console_errors
):
    login(page, live_server, "admin")
    page.goto(f"{live_server.url}/rounds/{round_2024.pk}/groups/")
    assert "未分配 2 个村" in page.content()
    page.fill("#g-name", "第二考评组")
    page.click("#group-create button")
    page.wait_for_selector("text=已建立“第二考评组”")
    page.check(f"input[name=villages][value='{village_a2.pk}']")
    page.check(f"input[name=villages][value='{village_b1.pk}']")
    page.click("#group-villages button.btn-primary")
    page.wait_for_selector("text=考评组负责的村已保存")
    assert no_horizontal_scroll(page)
    screenshot(page, "group-edit")
    group = EvaluationGroup.objects.get(round=round_2024, name="第二考评组")
    assert set(group.villages.values_list("name", flat=True)) == {"新兴村", "六道江村"}

    page.goto(f"{live_server.url}/rounds/{round_2024.pk}/groups/")
    assert "每个村都恰好分配给一个考评组" in page.content()
    screenshot(page, "groups")
    assert console_errors == []


def test_the_record_prints(
    page, live_server, county_admin, scored_round, assessment_a1, console_errors
):
    login(page, live_server, "admin")
    page.goto(
        f"{live_server.url}/villages/{assessment_a1.organization_id}/record/{scored_round.pk}/"
    )
    assert "星级由来" in page.content()
    screenshot(page, "village-record")
    page.emulate_media(media="print")
    assert page.locator("button[data-print]").is_hidden()
    assert page.locator(".record-sign").is_visible()
    screenshot(page, "village-record-print")
    assert console_errors == []
