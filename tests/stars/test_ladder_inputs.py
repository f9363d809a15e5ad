"""S11: a ladder figure as an annual-rating item's input — the county's setting per round and
item, the figure beside the item on the sheet, and the fill through the core's sheet save
(locks, scope, audit, recalculation) — services, pages and API, with STYLE.md's checklist."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from assessments.models import Round, Score, Sheet, Stage
from organizations.models import AuditLog
from starrating.errors import Conflict, InvalidInput, NotPermitted
from stars import selectors, services
from stars.models import Ladder, LadderInput, MemberCategory
from tests.conftest import move_to
from tests.support.api import problems
from tests.support.web import as_user

pytestmark = pytest.mark.django_db

DAY = datetime.date(2024, 6, 1)


def approve(approver, recorder, tables, code, times, **subject):
    ladder = Ladder.MEMBER if "member" in subject else Ladder.BRANCH
    for _n in range(times):
        entry = services.entry_record(
            actor=recorder,
            item=tables[ladder].items.get(code=code),
            occurred_on=DAY,
            description="参加主题党日",
            **subject,
        )
        services.entry_approve(actor=approver, entry=entry)


@pytest.fixture
def stars_2024(county_admin, approver, assessor_a, village_a1):
    """七道江村 in 2024: four members at 4, 5, 1 and no star (share at ≥ 4 stars: 0.5000), and
    its branch at four stars."""
    tables = {t.ladder: t for t in services.tables_copy(actor=county_admin, year=2024)}
    for name, times in (("甲", 8), ("乙", 10), ("丙", 2), ("丁", 0)):
        member = services.member_create(
            actor=county_admin, branch=village_a1, name=name, category=MemberCategory.RURAL
        )
        approve(approver, assessor_a, tables, "R02", times, member=member)
    approve(approver, assessor_a, tables, "B03", 14, organization=village_a1)
    return tables


@pytest.fixture
def approver(county):
    from organizations.models import Role
    from tests.factories import UserFactory

    return UserFactory(username="approver", role=Role.COUNTY_ADMIN, organization=county)


@pytest.fixture
def sj01(round_2024, county_admin):
    """SJ01 (3 points) takes the share of members at four stars or more."""
    return services.ladder_input_set(actor=county_admin, round_=round_2024, item_code="SJ01")


# --- the figures -----------------------------------------------------------------------------


def test_the_figures_for_a_village(stars_2024, sj01, round_2024, county_admin, assessment_a1):
    services.ladder_input_set(
        actor=county_admin, round_=round_2024, item_code="DW01", figure="branch_stars"
    )
    values = {v["code"]: v for v in selectors.ladder_values(assessment_a1)}
    assert (values["SJ01"]["share"], values["SJ01"]["points"]) == (
        Decimal("0.5000"),
        Decimal("1.5"),
    )
    # DW01 (2.5 points) by the branch's four stars: 2.5 × 0.8 = 2.0
    assert (values["DW01"]["share"], values["DW01"]["points"]) == (
        Decimal("0.8000"),
        Decimal("2.0"),
    )
    assert values["SJ01"]["rule"] == "得分 = 满分 × 党员4星及以上比例"


def test_a_village_without_members_gets_zero(sj01, assessment_b1):
    assert [v["points"] for v in selectors.ladder_values(assessment_b1)] == [Decimal("0.0")]


# --- setting ---------------------------------------------------------------------------------


def test_set_creates_then_changes_one_row_audited(round_2024, county_admin):
    row = services.ladder_input_set(actor=county_admin, round_=round_2024, item_code="SJ01")
    again = services.ladder_input_set(
        actor=county_admin, round_=round_2024, item_code="SJ01", min_stars=5, full_share="0.8"
    )
    assert row.pk == again.pk and LadderInput.objects.count() == 1
    again.refresh_from_db()
    assert (again.min_stars, again.full_share) == (5, Decimal("0.8000"))
    actions = list(
        AuditLog.objects.filter(object_type="stars.LadderInput").values_list("action", flat=True)
    )
    assert sorted(actions) == sorted([AuditLog.Action.CREATE, AuditLog.Action.UPDATE])
    off = services.ladder_input_set(
        actor=county_admin, round_=round_2024, item_code="SJ01", is_active=False
    )
    assert not off.is_active and LadderInput.objects.filter(pk=row.pk).exists()  # kept


def test_set_is_the_rounds_county_admins(round_2024, round2, assessor_a, county_admin2):
    with pytest.raises(NotPermitted):
        services.ladder_input_set(actor=assessor_a, round_=round_2024, item_code="SJ01")
    with pytest.raises(NotPermitted):  # another county's admin
        services.ladder_input_set(actor=county_admin2, round_=round_2024, item_code="SJ01")
    assert not LadderInput.objects.exists()


def test_set_reports_every_bad_field_at_once(round_2024, county_admin):
    with pytest.raises(InvalidInput) as bad:
        services.ladder_input_set(
            actor=county_admin,
            round_=round_2024,
            item_code="XX99",
            figure="moon",
            min_stars=9,
            full_share="1.5",
        )
    assert {e["field"] for e in bad.value.errors} == {"item", "figure", "min_stars", "full_share"}
    with pytest.raises(InvalidInput) as deduction:
        services.ladder_input_set(actor=county_admin, round_=round_2024, item_code="SJ12")
    assert deduction.value.errors[0]["message"] == "只有有分值的评分项可以使用创星数据"
    with pytest.raises(InvalidInput):
        services.ladder_input_set(
            actor=county_admin, round_=round_2024, item_code="SJ01", full_share="x"
        )
    assert not LadderInput.objects.exists()


def test_a_township_round_takes_no_ladder_figure(tw_round, county_admin):
    """The figures (S7's member share, 堡垒星) are a village's: a 镇街 round is refused."""
    item = tw_round.catalogue.items.filter(kind="scored").first()
    with pytest.raises(InvalidInput) as bad:
        services.ladder_input_set(actor=county_admin, round_=tw_round, item_code=item.code)
    assert [e["field"] for e in bad.value.errors] == ["round"]
    assert not LadderInput.objects.exists()


def test_a_published_round_is_settled(round_2024, county_admin):
    move_to(round_2024, Round.Status.PUBLISHED)
    with pytest.raises(Conflict):
        services.ladder_input_set(actor=county_admin, round_=round_2024, item_code="SJ01")


# --- filling through the sheet save ------------------------------------------------------------


def test_fill_writes_through_the_sheet_save(stars_2024, sj01, secretary_a1, assessment_a1):
    sheet = services.ladder_input_fill(actor=secretary_a1, assessment=assessment_a1, stage="self")
    score = Score.objects.get(sheet=sheet, item__code="SJ01")
    assert score.points == Decimal("1.50")
    assert score.note.startswith("按创星晋级数据填入：得分 = 满分 × 党员4星及以上比例")
    assert sheet.version == 1
    assert AuditLog.objects.filter(
        action=AuditLog.Action.SCORES_SAVE, object_id=str(sheet.pk)
    ).exists()
    # Filling again changes nothing: no new version, no audit noise (the save's own rule).
    again = services.ladder_input_fill(actor=secretary_a1, assessment=assessment_a1, stage="self")
    assert again.version == 1


def test_fill_keeps_the_cores_locks_and_roles(
    sj01, secretary_a1, assessor_a, assessment_a1, round_2024
):
    with pytest.raises(NotPermitted):  # a secretary never fills the township stage
        services.ladder_input_fill(
            actor=secretary_a1, assessment=assessment_a1, stage=Stage.TOWNSHIP
        )
    with pytest.raises(Conflict):  # the township stage is not open in self-assessment
        services.ladder_input_fill(actor=assessor_a, assessment=assessment_a1, stage="township")
    move_to(round_2024, Round.Status.TOWNSHIP_REVIEW)
    with pytest.raises(Conflict):  # and the self stage is closed once the township's opens
        services.ladder_input_fill(actor=secretary_a1, assessment=assessment_a1, stage="self")
    assert not Sheet.objects.filter(assessment=assessment_a1).exists()


def test_fill_without_a_ladder_item_is_bad_input(secretary_a1, assessment_a1, sj01):
    with pytest.raises(InvalidInput):
        services.ladder_input_fill(
            actor=secretary_a1, assessment=assessment_a1, stage="self", item_code="DW01"
        )
    LadderInput.objects.update(is_active=False)
    with pytest.raises(InvalidInput):
        services.ladder_input_fill(actor=secretary_a1, assessment=assessment_a1, stage="self")


# --- pages -------------------------------------------------------------------------------------


def test_settings_page_checklist(
    client, sj01, round_2024, round2, county_admin, assessor_a, django_assert_max_num_queries
):
    url = reverse("star_ladder_inputs")
    assert client.get(url).status_code == 302  # anonymous → login
    as_user(client, assessor_a)
    with django_assert_max_num_queries(12):
        html = client.get(url, {"round": round_2024.pk}).content.decode()
    assert "SJ01" in html and "ladder-input-form" not in html  # read-only for a township
    assert client.get(url, {"round": round2.pk}).status_code == 404  # another county's round
    set_url = reverse("star_ladder_input_set")
    body = {"round": round_2024.pk, "item": "SJ02", "figure": "member_share", "min_stars": 4}
    assert client.post(set_url, {**body, "full_share": "1"}).status_code == 403
    as_user(client, county_admin)
    assert "ladder-input-form" in client.get(url).content.decode()
    assert client.get(set_url).status_code == 405
    bad = client.post(set_url, {**body, "full_share": "2"})
    assert bad.status_code == 400 and "满分比例必须大于0且不超过1" in bad.content.decode()
    ok = client.post(set_url, {**body, "full_share": "0.8"})
    assert ok.status_code == 302
    assert LadderInput.objects.get(item__code="SJ02").full_share == Decimal("0.8000")
    assert client.post(set_url, {**body, "round": round2.pk}).status_code == 404


def test_sheet_page_shows_the_figure_and_fills(
    client,
    stars_2024,
    sj01,
    secretary_a1,
    assessment_a1,
    assessment_b1,
    django_assert_max_num_queries,
):
    as_user(client, secretary_a1)
    sheet_url = reverse("sheet", args=[assessment_a1.pk, "self"])
    html = client.get(sheet_url).content.decode()
    assert 'id="ladder-inputs-panel"' in html and "按创星晋级数据填入" in html
    assert "<strong>1.5</strong>" in html
    fill = reverse("star_ladder_fill", args=[assessment_a1.pk, "self"])
    assert client.get(fill).status_code == 405
    response = client.post(fill, {"item": "SJ01"})
    assert response.status_code == 302 and response["Location"].startswith(sheet_url)
    assert Score.objects.get(sheet__assessment=assessment_a1, item__code="SJ01").points == Decimal(
        "1.50"
    )
    other = reverse("star_ladder_fill", args=[assessment_b1.pk, "self"])
    assert client.post(other).status_code == 404  # another township's village
    locked = client.post(reverse("star_ladder_fill", args=[assessment_a1.pk, "township"]))
    assert locked.status_code == 403  # a secretary never fills the township stage
    bad = client.post(fill, {"item": "DW01"})
    assert bad.status_code == 400 and "该指标未设置创星数据" in bad.content.decode()


def test_a_sheet_without_ladder_items_shows_no_panel(client, secretary_a1, assessment_a1):
    html = as_user(client, secretary_a1).get(reverse("sheet", args=[assessment_a1.pk, "self"]))
    assert 'id="ladder-inputs-panel"' not in html.content.decode()


def test_the_fill_page_refuses_a_locked_stage(client, sj01, assessor_a, assessment_a1):
    response = as_user(client, assessor_a).post(
        reverse("star_ladder_fill", args=[assessment_a1.pk, "township"])
    )
    assert response.status_code == 409 and "返回评分表" in response.content.decode()


def test_anonymous_cannot_fill(client, sj01, assessment_a1):
    response = client.post(reverse("star_ladder_fill", args=[assessment_a1.pk, "self"]))
    assert response.status_code == 302 and not Sheet.objects.exists()


# --- API ---------------------------------------------------------------------------------------


def test_api_set_list_values_and_fill(
    api, stars_2024, round_2024, round2, county_admin, assessor_a, secretary_a1, assessment_a1
):
    url = "/api/v1/stars/ladder-inputs/"
    body = {"round": round_2024.pk, "item": "SJ01", "figure": "member_share"}
    assert api.post(url, body, format="json").status_code in (401, 403)
    assert api.as_(assessor_a).post(url, body, format="json").status_code == 403
    admin = api.as_(county_admin)
    bad = admin.post(url, {**body, "min_stars": 0, "item": "SJ12"}, format="json")
    assert bad.status_code == 400
    assert {p["field"] for p in problems(bad)} == {"item", "min_stars"}
    assert admin.post(url, {**body, "round": round2.pk}, format="json").status_code == 404
    created = admin.post(url, body, format="json")
    assert (
        created.status_code == 200 and created.json()["rule"] == "得分 = 满分 × 党员4星及以上比例"
    )
    assert admin.delete(url).status_code == 405
    listed = api.as_(assessor_a).get(url, {"round": round_2024.pk}).json()
    assert [r["item"] for r in listed] == ["SJ01"]

    values = api.as_(secretary_a1).get(f"{url}values/", {"assessment": assessment_a1.pk})
    assert values.json() == [
        {
            "item": "SJ01",
            "rule": "得分 = 满分 × 党员4星及以上比例",
            "share": "0.5000",
            "points": "1.50",
        }
    ]
    fill = api.as_(secretary_a1).post(
        f"{url}fill/", {"assessment": assessment_a1.pk, "stage": "self"}, format="json"
    )
    assert fill.status_code == 200 and fill.json()["scores"] == {"SJ01": "1.50"}
    stale = api.as_(secretary_a1).post(
        f"{url}fill/",
        {"assessment": assessment_a1.pk, "stage": "self", "version": 0},
        format="json",
    )
    assert stale.status_code == 409  # the sheet save's version check


def test_api_fill_scope_and_locks(
    api, sj01, assessor_a, assessor_b, county_admin2, secretary_a1, assessment_a1
):
    url = "/api/v1/stars/ladder-inputs/fill/"
    body = {"assessment": assessment_a1.pk, "stage": "self"}
    assert api.as_(assessor_b).post(url, body, format="json").status_code == 404
    assert api.as_(county_admin2).post(url, body, format="json").status_code == 404
    township = api.as_(assessor_a).post(url, {**body, "stage": "township"}, format="json")
    assert township.status_code == 409
    bad = api.as_(secretary_a1).post(url, {**body, "stage": "moon"}, format="json")
    assert bad.status_code == 400
    assert api.as_(secretary_a1).get(url).status_code == 405
    assert not Sheet.objects.exists()


def test_the_evaluation_group_fills_the_county_stage_of_its_village(
    api, stars_2024, sj01, evaluator, round_2024, assessment_a1, assessment_b1
):
    move_to(round_2024, Round.Status.COUNTY_REVIEW)
    url = "/api/v1/stars/ladder-inputs/fill/"
    done = api.as_(evaluator).post(
        url, {"assessment": assessment_a1.pk, "stage": "county"}, format="json"
    )
    assert done.status_code == 200 and done.json()["scores"] == {"SJ01": "1.50"}
    other = api.as_(evaluator).post(
        url, {"assessment": assessment_b1.pk, "stage": "county"}, format="json"
    )
    assert other.status_code == 404  # not its group's village
