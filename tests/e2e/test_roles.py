"""Each role's main path of the year in a real browser, at 1366×768 and on a phone (375×812),
with axe-core checking the pages on the way (issue 12).

One live server and one seeded county serve the whole module (seeding and flushing per test
would cost most of the run): each test first puts the round in the status it needs, and tests
of the two screen sizes write to different villages, so they do not depend on their order."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from assessments import services
from assessments.models import (
    Assessment,
    DepartmentClearance,
    EvaluationGroup,
    Finding,
    Round,
    Score,
    Sheet,
)
from indicators.services import catalogue_load_file
from organizations.models import AuditLog, Department, Organization, Role
from tests.conftest import CATALOGUE_FILE, full_sheet, move_to, submit_county
from tests.e2e.conftest import (
    PASSWORD,
    accessibility_problems,
    no_horizontal_scroll,
    screenshot,
)
from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.e2e

DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 375, "height": 812}
SIZES = pytest.mark.parametrize("size", ["desktop", "phone"])
# What sticks out to the right of the screen (for the message of a failed layout check).
WIDE = (
    "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > "
    "document.documentElement.clientWidth + 1 && !e.closest('.table-wrap'))"
    ".slice(0, 5).map(e => e.tagName + '#' + e.id + '.' + e.className)"
)


@dataclass
class World:
    url: str
    round: Round
    catalogue: object
    villages: dict[str, Organization]
    assessments: dict[str, Assessment]
    users: dict


def _seed() -> dict:
    province = OrganizationFactory(
        code="220000000000", name="吉林省", kind=Organization.Kind.PROVINCE
    )
    city = OrganizationFactory(
        code="220600000000", name="白山市", kind=Organization.Kind.CITY, parent=province
    )
    county = OrganizationFactory(
        code="220602000000", name="浑江区", kind=Organization.Kind.COUNTY, parent=city
    )
    township_a = OrganizationFactory(
        code="220602100000", name="七道江镇", kind=Organization.Kind.TOWNSHIP, parent=county
    )
    township_b = OrganizationFactory(
        code="220602101000", name="六道江镇", kind=Organization.Kind.TOWNSHIP, parent=county
    )
    villages = {
        "a1": OrganizationFactory(code="220602100201", name="七道江村", parent=township_a),
        "a2": OrganizationFactory(code="220602100202", name="新兴村", parent=township_a),
        "b1": OrganizationFactory(code="220602101201", name="六道江村", parent=township_b),
    }
    catalogue = catalogue_load_file(CATALOGUE_FILE)
    user = UserFactory
    users = {
        "admin": user(
            username="admin", full_name="组织部管理员", role=Role.COUNTY_ADMIN, organization=county
        ),
        "assessor_a": user(
            username="assessor_a", role=Role.TOWNSHIP_ASSESSOR, organization=township_a
        ),
        "reviewer": user(
            username="reviewer",
            role=Role.DEPARTMENT_REVIEWER,
            organization=county,
            department=Department.DISCIPLINE,
        ),
        "evaluator": user(username="evaluator", role=Role.EVALUATOR, organization=county),
        "auditor": user(username="auditor", role=Role.AUDITOR, organization=county),
        "viewer": user(username="baishan", role=Role.REGION_VIEWER, organization=city),
        **{
            f"secretary_{key}": user(
                username=f"secretary_{key}", role=Role.VILLAGE_SECRETARY, organization=village
            )
            for key, village in villages.items()
        },
    }
    # A published 2023 round: the villages' history pages and the roll-ups have a year to show.
    admin = users["admin"]
    last_year = services.round_create(actor=admin, county=county, year=2023, catalogue=catalogue)
    services.round_open(actor=admin, round_=last_year)
    move_to(last_year, Round.Status.COUNTY_REVIEW)
    for village, share in zip(villages.values(), ("0.95", "0.85", "0.75"), strict=True):
        submit_county(admin, last_year, village, catalogue, share)
    services.round_advance(actor=admin, round_=last_year)
    services.round_publish(actor=admin, round_=last_year)

    round_ = services.round_create(
        actor=users["admin"], county=county, year=2024, catalogue=catalogue
    )
    services.round_open(actor=users["admin"], round_=round_)
    group = EvaluationGroup.objects.create(round=round_, name="第一考评组")
    group.members.add(users["evaluator"])
    group.villages.add(villages["a1"], villages["a2"])
    assessments = {
        key: Assessment.objects.get(round=round_, organization=village)
        for key, village in villages.items()
    }
    round_.refresh_from_db()
    return {
        "round": round_,
        "catalogue": catalogue,
        "villages": villages,
        "assessments": assessments,
        "users": users,
    }


@pytest.fixture(scope="module")
def world(request, django_db_setup, django_db_blocker, _need_chromium):
    """The county, its accounts and an opened 2024 round, and a live server over them, for
    the whole module; flushed afterwards so that the rest of the suite starts empty.

    Not pytest-django's ``live_server``: a test using it is flushed after every test. The
    tests here ask for no ``db`` either, so when they run alone pytest-django sets up no test
    database; this fixture then sets one up itself."""
    from django.test.utils import setup_databases, teardown_databases
    from pytest_django.fixtures import _get_databases_for_setup
    from pytest_django.live_server_helper import LiveServer

    with django_db_blocker.unblock():
        own = None
        if "default" not in _get_databases_for_setup(request.session.items)[0]:
            own = setup_databases(verbosity=0, interactive=False, aliases={"default"})
        data = _seed()
        server = LiveServer("localhost")
        server._live_server_modified_settings.enable()
        try:
            yield World(url=server.url, **data)
        finally:
            server._live_server_modified_settings.disable()
            server.stop()
            call_command("flush", interactive=False, verbosity=0)
            if own is not None:
                teardown_databases(own, verbosity=0)


def login(page, world: World, username: str, size: str) -> None:
    page.set_viewport_size(PHONE if size == "phone" else DESKTOP)
    page.goto(f"{world.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login/" not in url)  # home, or the region's roll-up


def accessible(page, world: World, name: str) -> None:
    problems = accessibility_problems(page, world.url)
    assert problems == [], f"{name}: {problems}"


def status(world: World, to: str, **deadlines) -> Round:
    """Put the shared round in a status with the given deadlines (others cleared)."""
    fields = {"self_deadline": None, "township_deadline": None, "county_deadline": None}
    Round.objects.filter(pk=world.round.pk).update(status=to, **(fields | deadlines))
    world.round.refresh_from_db()
    return world.round


def sheet_url(world: World, key: str, stage: str) -> str:
    return f"{world.url}/assessments/{world.assessments[key].pk}/sheet/{stage}/"


def points(world: World, key: str, stage: str) -> dict[str, Decimal]:
    sheet = Sheet.objects.filter(assessment=world.assessments[key], stage=stage).first()
    if sheet is None:
        return {}
    return dict(Score.objects.filter(sheet=sheet).values_list("item__code", "points"))


# --- village secretary ----------------------------------------------------------------------


@SIZES
def test_village_secretary_self_assesses(page, world, size, console_errors):
    status(world, Round.Status.SELF_ASSESSMENT)
    key = "a1" if size == "desktop" else "a2"
    login(page, world, f"secretary_{key}", size)
    accessible(page, world, "home")
    assert page.locator("a[href='/tokens/']").count() == 0  # no API令牌 for a secretary

    page.click(f"a[href='/assessments/{world.assessments[key].pk}/sheet/self/']")
    page.wait_for_selector("#p_SJ01")
    page.fill("#p_SJ01", "2.5")
    page.fill("#p_SJ02", "1.5")
    page.fill("input[name=n_SJ01]", "全年会议记录齐全")
    expect(page.locator("#sub-SJ")).to_contain_text("4.00")
    if size == "phone":
        assert no_horizontal_scroll(page)
        assert not page.locator("#keyboard-hint").is_visible()
    accessible(page, world, "sheet")
    page.click("#btn-save")
    page.wait_for_selector("text=草稿已保存")
    assert points(world, key, "self") == {"SJ01": Decimal("2.50"), "SJ02": Decimal("1.50")}
    assert "saved=" not in page.url  # the page tidies its address after clearing the draft
    assert page.evaluate("Object.keys(localStorage).filter(k => k.includes(':draft:'))") == []

    # The village's history: on a phone 总分 and 星级 are on the screen, not off to the right.
    page.click("text=本村历年结果")
    page.wait_for_selector("#history-table")
    assert no_horizontal_scroll(page)
    if size == "phone":
        row = page.locator("#history-table tbody tr").first
        for label in ("总分", "星级"):
            box = row.locator(f"td[data-label='{label}']").bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 375, label
    accessible(page, world, "village")
    screenshot(page, f"roles-secretary-village-{size}")
    assert console_errors == []


def test_secretary_loses_the_connection_mid_sheet_and_saves_afterwards(page, world):
    """On a phone: the values typed offline are kept, the save waits for the connection, and
    when it returns goes through the version check; someone's newer save is not overwritten
    — the secretary sees both values and chooses."""
    status(world, Round.Status.SELF_ASSESSMENT)
    login(page, world, "secretary_b1", "phone")
    page.goto(sheet_url(world, "b1", "self"))
    page.wait_for_selector("#p_SJ01")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")  # the app is installed
    page.fill("#p_SJ01", "1")
    page.click("#btn-save")
    page.wait_for_selector("text=草稿已保存")

    # The signal goes; the secretary keeps typing and presses save.
    page.context.set_offline(True)
    page.wait_for_function("navigator.onLine === false")  # the page has heard it, too
    page.fill("#p_SJ01", "2")
    page.fill("#p_SJ02", "1.8")
    page.click("#btn-save")
    expect(page.locator("#offline-status")).to_contain_text("网络已断开")
    assert page.url.startswith(sheet_url(world, "b1", "self"))  # still on the sheet
    assert points(world, "b1", "self") == {"SJ01": Decimal("1.00")}
    # Meanwhile the sheet is saved from elsewhere (another device of the village).
    services.scores_save(
        actor=world.users["secretary_b1"],
        assessment=world.assessments["b1"],
        stage="self",
        scores={"SJ01": "2.8", "SJ02": ""},
        version=1,
    )

    # The signal returns: the save goes by itself, meets the newer version, shows both.
    page.context.set_offline(False)
    page.wait_for_selector("#conflict-box")
    assert points(world, "b1", "self")["SJ01"] == Decimal("2.80")  # nothing overwritten
    assert page.input_value("#p_SJ02") == "1.8"  # nothing lost
    page.click("#conflict-table tr[data-code='SJ01'] [data-conflict-use='theirs']")
    assert page.input_value("#p_SJ01") == "2.80"
    page.click("#btn-save")
    page.wait_for_selector("text=草稿已保存")
    assert points(world, "b1", "self") == {"SJ01": Decimal("2.80"), "SJ02": Decimal("1.80")}

    # Offline again, a value typed, the page reloaded: the app's offline page, no error page.
    page.context.set_offline(True)
    page.wait_for_function("navigator.onLine === false")
    page.fill("#p_SJ03", "1.2")
    page.reload()
    expect(page.locator("h1")).to_have_text("网络不可用")
    page.context.set_offline(False)
    page.goto(sheet_url(world, "b1", "self"))
    expect(page.locator("#draft-banner")).to_be_visible()
    assert "恢复未保存的输入？" in page.inner_text("#draft-banner")
    page.click("#draft-restore")
    assert page.input_value("#p_SJ03") == "1.2"
    page.click("#btn-save")
    page.wait_for_selector("text=草稿已保存")
    assert points(world, "b1", "self")["SJ03"] == Decimal("1.20")
    page.reload()
    assert not page.locator("#draft-banner").is_visible()  # the draft went with the save


# --- township assessor ----------------------------------------------------------------------


@SIZES
def test_township_assessor_reviews(page, world, size, console_errors):
    status(world, Round.Status.TOWNSHIP_REVIEW)
    key = "a1" if size == "desktop" else "a2"
    login(page, world, "assessor_a", size)
    assert "六道江村" not in page.content()  # another township's village
    page.goto(f"{world.url}/rounds/{world.round.pk}/?township={world.villages[key].parent_id}")
    accessible(page, world, "round overview")
    if size == "phone":
        assert no_horizontal_scroll(page)
    page.click(f"a[href='/assessments/{world.assessments[key].pk}/sheet/township/']")
    page.wait_for_selector("#p_SJ01")
    for code, value in full_sheet(world.catalogue, Decimal("0.8")).items():
        page.fill(f"#p_{code}", value)
    expect(page.locator("#sheet-total")).to_have_text("80.00")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#btn-submit")
    page.wait_for_selector("text=评分表已提交")
    sheet = Sheet.objects.get(assessment=world.assessments[key], stage="township")
    assert sheet.status == Sheet.Status.SUBMITTED
    page.goto(f"{world.url}/assessments/{world.assessments[key].pk}/review/")
    accessible(page, world, "review")
    screenshot(page, f"roles-assessor-review-{size}")
    assert console_errors == []


# --- evaluation group (county stage) --------------------------------------------------------


@SIZES
def test_evaluator_scores_the_county_stage(page, world, size, console_errors):
    status(world, Round.Status.COUNTY_REVIEW)
    key = "a1" if size == "desktop" else "a2"
    login(page, world, "evaluator", size)
    page.goto(sheet_url(world, key, "county"))
    page.wait_for_selector("#p_SJ01")
    page.fill("#p_SJ01", "3")
    page.press("#p_SJ01", "Enter")
    assert page.evaluate("document.activeElement.id") == "p_SJ02"
    page.fill("#p_SJ02", "2")
    page.click("#btn-save")
    page.wait_for_selector("text=草稿已保存")
    assert points(world, key, "county") == {"SJ01": Decimal("3.00"), "SJ02": Decimal("2.00")}
    if size == "phone":
        assert no_horizontal_scroll(page)
    assert console_errors == []


# --- department reviewer --------------------------------------------------------------------


@SIZES
def test_reviewer_clears_and_records_a_finding_only_after_choosing_the_item(
    page, world, size, console_errors
):
    status(world, Round.Status.TOWNSHIP_REVIEW)
    key = "a1" if size == "desktop" else "a2"
    assessment = world.assessments[key]
    login(page, world, "reviewer", size)
    page.goto(f"{world.url}/rounds/{world.round.pk}/findings/")
    accessible(page, world, "findings")
    row = page.locator(f"#village-{world.assessments['b1'].pk}")

    # 无重大问题 asks first, and can be undone.
    questions = []

    def accept(dialog):
        questions.append(dialog.message)
        dialog.accept()

    page.on("dialog", accept)
    row.locator("button", has_text="无重大问题").click()
    page.wait_for_selector("text=已登记六道江村“无重大问题”")
    assert "无重大问题" in questions[-1]
    assert DepartmentClearance.objects.filter(assessment=world.assessments["b1"]).exists()
    page.locator(f"#village-{world.assessments['b1'].pk} button", has_text="撤销").click()
    page.wait_for_selector("text=已撤销六道江村的“无重大问题”")
    kept = DepartmentClearance.objects.filter(assessment=world.assessments["b1"])
    assert not kept.filter(withdrawn_at__isnull=True).exists()  # withdrawn…
    assert kept.filter(withdrawn_reason="登记有误，撤销").exists()  # …and kept
    assert AuditLog.objects.filter(
        action=AuditLog.Action.DEACTIVATE, reason="登记有误，撤销"
    ).exists()

    # A finding: the item list starts empty; typing only the evidence records nothing.
    row = page.locator(f"#village-{assessment.pk}")
    row.locator("summary", has_text="登记问题").click()
    item = page.locator(f"#fi-{assessment.pk}")
    assert item.input_value() == ""
    expect(page.get_by_label("否决/减星项（必选）").nth(0)).to_be_attached()
    page.fill(f"#fe-{assessment.pk}", "村党支部书记受到党内警告处分")
    before = Finding.objects.count()
    row.locator("button", has_text="登记").click()
    assert page.evaluate(f"document.querySelector('#fi-{assessment.pk}').validity.valueMissing")
    assert Finding.objects.count() == before
    # The server refuses too (the page check bypassed), and the focus goes to the item list.
    page.evaluate(f"document.querySelector('#fi-{assessment.pk}').form.noValidate = true")
    row.locator("button", has_text="登记").click()
    page.wait_for_selector("#error-box")
    assert "请选择否决/减星项" in page.inner_text("#error-box")
    assert page.evaluate("document.activeElement.id") == f"fi-{assessment.pk}"
    assert Finding.objects.count() == before
    console_errors.remove(
        "Failed to load resource: the server responded with a status of 400 (Bad Request)"
    )  # that refusal, as meant

    page.select_option(f"#fi-{assessment.pk}", "JX01")
    page.locator(f"#village-{assessment.pk} button", has_text="登记").click()
    page.wait_for_selector("text=登记问题，待县级管理员确认")
    finding = Finding.objects.order_by("-pk").first()
    assert finding.item.code == "JX01" and finding.assessment_id == assessment.pk
    if size == "phone":
        assert no_horizontal_scroll(page)
    screenshot(page, f"roles-reviewer-findings-{size}")
    assert console_errors == []


# --- county admin -------------------------------------------------------------------------


@SIZES
def test_county_admin_advances_a_stage_and_is_asked_for_a_deadline(
    page, world, size, console_errors
):
    now = timezone.now()
    status(
        world,
        Round.Status.SELF_ASSESSMENT,
        self_deadline=now - timedelta(days=1),
        township_deadline=now - timedelta(hours=1),
    )
    login(page, world, "admin", size)
    page.goto(f"{world.url}/rounds/{world.round.pk}/")
    # The open stage's deadline has passed: the page says so.
    expect(page.locator("#deadline-passed")).to_contain_text("已于")
    accessible(page, world, "round overview (admin)")
    deadline = page.locator("#advance-deadline")
    expect(deadline).to_have_attribute("required", "")
    questions = []
    page.on("dialog", lambda dialog: (questions.append(dialog.message), dialog.accept()))
    page.click("button[value=advance]")
    assert page.evaluate("document.querySelector('#advance-deadline').validity.valueMissing")
    assert questions == []  # not even asked: the deadline is missing
    world.round.refresh_from_db()
    assert world.round.status == Round.Status.SELF_ASSESSMENT

    deadline.fill("2099-06-30T18:00")
    page.click("button[value=advance]")
    page.wait_for_selector("text=已进入下一阶段")
    assert "确定" in questions[0]
    world.round.refresh_from_db()
    assert world.round.status == Round.Status.TOWNSHIP_REVIEW
    assert timezone.localtime(world.round.township_deadline).strftime("%Y-%m-%d %H:%M") == (
        "2099-06-30 18:00"
    )
    assert world.round.stage_open("township")
    assert page.locator("#deadline-passed").count() == 0
    if size == "phone":
        assert no_horizontal_scroll(page)
    for name, path in (
        ("dashboard", f"/rounds/{world.round.pk}/dashboard/"),
        ("surveys", f"/rounds/{world.round.pk}/surveys/"),
        ("publicity", f"/rounds/{world.round.pk}/publicity/"),
        ("ledgers", "/ledgers/"),
        ("jobs", "/jobs/"),
    ):
        page.goto(f"{world.url}{path}")
        accessible(page, world, name)
        if size == "phone":
            assert no_horizontal_scroll(page), (name, page.evaluate(WIDE))
    assert console_errors == []


# --- auditor and region viewer --------------------------------------------------------------


@SIZES
def test_auditor_reads_the_audit_log(page, world, size, console_errors):
    login(page, world, "auditor", size)
    page.goto(f"{world.url}/audit/")
    assert page.locator("#audit-table tbody tr").count() >= 1
    assert "评定阶段变更" in page.inner_text("#audit-table")  # the round was opened
    accessible(page, world, "audit log")
    if size == "phone":
        assert no_horizontal_scroll(page)
    assert console_errors == []


@SIZES
def test_region_viewer_reads_the_roll_up(page, world, size, console_errors):
    login(page, world, "baishan", size)
    page.goto(f"{world.url}/regions/")
    expect(page.locator("main")).to_contain_text("浑江区")
    accessible(page, world, "region")
    if size == "phone":
        assert no_horizontal_scroll(page)
    assert console_errors == []


def test_the_login_page_is_accessible(page, world):
    page.goto(f"{world.url}/login/")
    accessible(page, world, "login")
