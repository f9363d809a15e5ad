"""End-to-end: the main journeys in a real browser, plus screenshots of the main pages."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from assessments.models import Round, Sheet
from indicators.models import Item
from tests.conftest import full_sheet, move_to
from tests.e2e.conftest import login, no_horizontal_scroll, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_assessor_fills_and_submits_a_sheet_and_sees_the_total(
    page, live_server, assessor_a, round_2024, assessment_a1, catalogue, console_errors
):
    move_to(round_2024, Round.Status.TOWNSHIP_REVIEW)
    login(page, live_server, "assessor_a")
    assert "七道江村" in page.content() and "六道江村" not in page.content()
    screenshot(page, "home-township-assessor")

    page.click(f"a[href='/assessments/{assessment_a1.pk}/sheet/township/']")
    page.wait_for_selector("#p_SJ01")
    scores = full_sheet(catalogue)
    codes = list(
        Item.objects.filter(catalogue=catalogue, kind=Item.Kind.SCORED)
        .order_by("category__position", "position")
        .values_list("code", flat=True)
    )
    # Enter moves to the next item instead of submitting the form.
    page.fill("#p_SJ01", scores["SJ01"])
    page.press("#p_SJ01", "Enter")
    assert page.evaluate("document.activeElement.id") == "p_SJ02"
    page.press("input[name=n_SJ02]", "Enter")  # from a note, on to the next item's points
    assert page.evaluate("document.activeElement.id") == "p_SJ03"
    for code in codes[1:]:
        page.fill(f"#p_{code}", scores[code])
    # The live subtotals come from the server's engine (htmx), not from page script.
    # (expect, not wait_for_function: the page's CSP forbids the eval the latter relies on)
    expect(page.locator("#sheet-total")).to_have_text("90.00")
    assert page.inner_text("#sub-SJ").strip() == "小计 18.00"
    assert no_horizontal_scroll(page)
    screenshot(page, "sheet-1366", full_page=False)

    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#btn-submit")
    page.wait_for_selector("text=评分表已提交")
    assert page.inner_text("#sheet-total").strip() == "90.00"
    sheet = Sheet.objects.get(assessment=assessment_a1, stage="township")
    assert sheet.status == Sheet.Status.SUBMITTED
    assert sheet.scores.get(item__code="SJ01").points == Decimal(scores["SJ01"])
    assert console_errors == []


def test_bad_value_is_explained_live(page, live_server, secretary_a1, assessment_a1):
    login(page, live_server, "secretary_a1")
    page.goto(f"{live_server.url}/assessments/{assessment_a1.pk}/sheet/self/")
    page.fill("#p_SJ01", "7")
    page.wait_for_selector("text=SJ01：超过该项最高分3.00")
    # The page refuses it first (max, step)...
    assert page.evaluate("document.querySelector('#p_SJ01').validity.rangeOverflow")
    page.click("#btn-save")
    assert page.locator("#error-box").count() == 0
    # ...and the server refuses it too, with the message, when the page check is bypassed.
    page.evaluate("document.querySelector('#sheet-form').noValidate = true")
    page.click("#btn-save")
    page.wait_for_selector("#error-box")
    assert "未保存任何数据" in page.inner_text("#error-box")
    assert not Sheet.objects.filter(assessment=assessment_a1).exists()


def test_sheet_on_a_phone(page, live_server, secretary_a1, assessment_a1):
    page.set_viewport_size({"width": 375, "height": 812})
    login(page, live_server, "secretary_a1")
    page.goto(f"{live_server.url}/assessments/{assessment_a1.pk}/sheet/self/")
    page.fill("#p_SJ01", "2.5")
    expect(page.locator("#sub-SJ")).to_contain_text("2.50")
    assert no_horizontal_scroll(page)
    box = page.locator("#p_SJ01").bounding_box()
    assert box["height"] >= 44 and box["width"] > 250  # one column, large inputs
    screenshot(page, "sheet-375", full_page=False)
    # Save and submit stay at hand (fixed at the bottom) with the live total.
    page.evaluate("window.scrollTo(0, 1500)")
    page.wait_for_timeout(200)
    bar = page.locator(".sheet-buttons").bounding_box()
    assert bar["y"] + bar["height"] <= 812 and bar["y"] > 600
    assert "2.50" in page.inner_text("#mini-total")
    screenshot(page, "sheet-375-scrolled", full_page=False)


def test_county_admin_dashboard_charts_render(
    page, live_server, county_admin, scored_round, console_errors
):
    login(page, live_server, "admin")
    screenshot(page, "home-county-admin")
    page.goto(f"{live_server.url}/rounds/{scored_round.pk}/dashboard/")
    for chart in ("chart-distribution", "chart-histogram", "chart-targets"):
        page.wait_for_selector(f"#{chart} canvas")
    assert page.locator("#ranking-table tbody tr").count() == 3
    assert no_horizontal_scroll(page)
    screenshot(page, "dashboard")
    assert console_errors == []

    for name, path in (
        ("overview", f"/rounds/{scored_round.pk}/"),
        ("findings", f"/rounds/{scored_round.pk}/findings/"),
        ("surveys", f"/rounds/{scored_round.pk}/surveys/"),
        ("publicity", f"/rounds/{scored_round.pk}/publicity/"),
    ):
        page.goto(f"{live_server.url}{path}")
        assert no_horizontal_scroll(page), name
        screenshot(page, name)
    assessment = scored_round.assessments.order_by("organization__code").first()
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/review/")
    assert no_horizontal_scroll(page)
    screenshot(page, "review")
    page.goto(f"{live_server.url}/villages/{assessment.organization_id}/")
    assert no_horizontal_scroll(page)
    screenshot(page, "village")
    page.emulate_media(media="print")
    page.goto(f"{live_server.url}/rounds/{scored_round.pk}/publicity/")
    screenshot(page, "publicity-print")
    assert console_errors == []


def test_admin_advances_the_round_after_confirming(
    page, live_server, county_admin, round_2024, console_errors
):
    login(page, live_server, "admin")
    page.goto(f"{live_server.url}/rounds/{round_2024.pk}/")
    questions = []

    def answer(dialog):
        questions.append(dialog.message)
        dialog.accept()

    page.once("dialog", answer)
    page.click("button[value=advance]")
    page.wait_for_selector("text=已进入下一阶段")
    assert "确定" in questions[0]
    round_2024.refresh_from_db()
    assert round_2024.status == Round.Status.TOWNSHIP_REVIEW
    assert console_errors == []


def test_township_assessor_cannot_open_another_townships_village(
    page, live_server, assessor_a, round_2024, assessment_b1
):
    move_to(round_2024, Round.Status.TOWNSHIP_REVIEW)
    login(page, live_server, "assessor_a")
    response = page.goto(f"{live_server.url}/assessments/{assessment_b1.pk}/sheet/township/")
    assert response.status == 404
    assert "页面不存在" in page.content()
    response = page.goto(f"{live_server.url}/villages/{assessment_b1.organization_id}/")
    assert response.status == 404


def test_login_page(page, live_server, county_admin):
    page.goto(f"{live_server.url}/")
    page.wait_for_selector("#id_username")
    screenshot(page, "login", full_page=False)
    page.fill("#id_username", "admin")
    page.fill("#id_password", "wrong")
    page.click("button[type=submit]")
    page.wait_for_selector("text=用户名或密码不正确")


def test_a_finding_goes_onto_the_ledger_and_is_closed_by_a_second_person(
    page, live_server, county_admin, reviewer, assessor_a, assessment_a1, console_errors
):
    from assessments import services
    from ledgers.models import Rectification

    finding = services.finding_create(
        actor=reviewer, assessment=assessment_a1, item_code="JX01", evidence="被通报批评"
    )
    services.finding_confirm(actor=county_admin, finding=finding)
    login(page, live_server, "admin")
    page.goto(f"{live_server.url}/rounds/{assessment_a1.round_id}/findings/")
    page.click(f"form[action='/findings/{finding.pk}/ledger/'] button")
    page.wait_for_selector("text=已列入整改台账")
    entry = Rectification.objects.get()
    assert page.locator("#ledger-close").count() == 0  # the recorder may not close it
    assert "销号须由其他" in page.content()
    screenshot(page, "ledger-entry")

    page.context.clear_cookies()
    login(page, live_server, "assessor_a")
    page.goto(f"{live_server.url}/ledgers/{entry.pk}/")
    page.fill("#n-text", "已召开专题组织生活会，制定整改方案")
    page.click("#ledger-notes button")
    page.wait_for_selector("text=已记录整改进展")
    page.fill("#c-evidence", "镇党委现场核查，整改到位")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#ledger-close button")
    page.wait_for_selector("text=已销号。")
    entry.refresh_from_db()
    assert entry.status == "closed" and entry.closed_by == assessor_a
    page.goto(f"{live_server.url}/ledgers/")
    assert no_horizontal_scroll(page)
    screenshot(page, "ledger-list")
    assert console_errors == []
