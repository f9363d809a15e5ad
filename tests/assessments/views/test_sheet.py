"""The score sheet page and its live subtotals (STYLE.md checklist)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from assessments import services
from assessments.models import Round, Score, Sheet
from indicators.models import Item
from organizations.models import AuditLog
from tests.conftest import full_sheet, move_to
from tests.support.web import as_user

pytestmark = pytest.mark.django_db


def sheet_url(assessment, stage="self"):
    return reverse("sheet", args=[assessment.pk, stage])


def posted(scores, version=0, action="save", notes=None):
    data = {f"p_{code}": value for code, value in scores.items()}
    data.update({f"n_{code}": note for code, note in (notes or {}).items()})
    data.update({"version": str(version), "action": action})
    return data


def test_sheet_shows_items_with_max_points_and_guidance(client, secretary_a1, assessment_a1):
    response = as_user(client, secretary_a1).get(sheet_url(assessment_a1))
    html = response.content.decode()
    assert response.status_code == 200
    assert "书记星" in html and "治理星" in html
    item = Item.objects.get(catalogue=assessment_a1.round.catalogue, code="SJ01")
    assert item.guidance[:20] in html
    assert 'name="p_SJ01"' in html and 'max="3.00"' in html and 'step="0.01"' in html
    assert html.count('class="points-input"') == 65  # veto and star items are findings
    assert "保存草稿" in html and "disabled" not in html.split('id="p_SJ01"')[1][:300]


def test_anonymous_is_sent_to_login(client, assessment_a1):
    response = client.get(sheet_url(assessment_a1))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_other_township_is_not_found(
    client, assessor_b, secretary_a1, assessment_a1, assessment_b1
):
    assert as_user(client, assessor_b).get(sheet_url(assessment_a1, "township")).status_code == 404
    assert as_user(client, secretary_a1).get(sheet_url(assessment_b1)).status_code == 404


def test_wrong_role_is_forbidden(client, reviewer, secretary_a1, assessment_a1):
    assert as_user(client, reviewer).get(sheet_url(assessment_a1)).status_code == 403
    response = as_user(client, secretary_a1).get(sheet_url(assessment_a1, "township"))
    assert response.status_code == 403
    assert "无权查看" in response.content.decode()


def test_unknown_stage_is_not_found(client, secretary_a1, assessment_a1):
    assert as_user(client, secretary_a1).get(sheet_url(assessment_a1, "mayor")).status_code == 404


def test_save_draft_writes_points_and_notes(client, secretary_a1, assessment_a1):
    response = as_user(client, secretary_a1).post(
        sheet_url(assessment_a1), posted({"SJ01": "2.5", "SJ12": "1"}, notes={"SJ01": "缺一次"})
    )
    assert response.status_code == 302
    sheet = Sheet.objects.get(assessment=assessment_a1, stage="self")
    assert sheet.status == Sheet.Status.DRAFT and sheet.version == 1
    scores = {s.item.code: s for s in Score.objects.filter(sheet=sheet)}
    assert scores["SJ01"].points == Decimal("2.50") and scores["SJ01"].note == "缺一次"
    assert scores["SJ12"].points == Decimal("1.00")
    page = client.get(response.url).content.decode()
    assert "草稿已保存" in page and 'value="2.50"' in page


def test_submit_full_sheet_shows_the_total(client, secretary_a1, assessment_a1, catalogue):
    as_user(client, secretary_a1)
    response = client.post(
        sheet_url(assessment_a1), posted(full_sheet(catalogue), action="submit"), follow=True
    )
    sheet = Sheet.objects.get(assessment=assessment_a1, stage="self")
    assert sheet.status == Sheet.Status.SUBMITTED
    html = response.content.decode()
    assert "评分表已提交" in html
    assert response.context["summary"]["result"].total == Decimal("90.00")
    assert 'id="sheet-total">90.00<' in html


def test_bad_input_shows_the_message_and_writes_nothing(client, secretary_a1, assessment_a1):
    response = as_user(client, secretary_a1).post(
        sheet_url(assessment_a1), posted({"SJ01": "99", "SJ02": "1.234", "SJ03": "2"})
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "有2处错误，未保存任何数据" in html
    assert "超过该项最高分3.00" in html and "最多保留两位小数" in html
    assert 'value="99"' in html  # what was typed stays on the page
    assert not Sheet.objects.filter(assessment=assessment_a1).exists()


def test_submit_incomplete_sheet_lists_missing_items(client, secretary_a1, assessment_a1):
    response = as_user(client, secretary_a1).post(
        sheet_url(assessment_a1), posted({"SJ01": "2"}, action="submit")
    )
    assert response.status_code == 400
    assert "未填写，不能提交" in response.content.decode()
    assert not Sheet.objects.filter(assessment=assessment_a1).exists()


def test_stale_version_shows_the_other_persons_values(
    client, secretary_a1, county_admin, assessment_a1
):
    as_user(client, county_admin).post(sheet_url(assessment_a1), posted({"SJ01": "1", "SJ02": "2"}))
    response = as_user(client, secretary_a1).post(
        sheet_url(assessment_a1), posted({"SJ01": "3", "SJ02": "2"}, version=0)
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "组织部管理员已在您之前保存了本表" in html
    assert response.context["conflict"]["rows"] == [{"code": "SJ01", "mine": "3", "theirs": "1.00"}]
    assert 'name="version" value="1"' in html  # saving again overwrites deliberately
    sheet = Sheet.objects.get(assessment=assessment_a1, stage="self")
    assert sheet.scores.get(item__code="SJ01").points == Decimal("1.00")


def test_locked_stage_is_read_only_and_refused(client, secretary_a1, assessment_a1):
    move_to(assessment_a1.round, Round.Status.TOWNSHIP_REVIEW)
    as_user(client, secretary_a1)
    page = client.get(sheet_url(assessment_a1)).content.decode()
    assert "本表只读" in page and "当前未开放" in page
    assert "保存草稿" not in page
    response = client.post(sheet_url(assessment_a1), posted({"SJ01": "2"}))
    assert response.status_code == 409
    assert not Sheet.objects.filter(assessment=assessment_a1).exists()


def test_township_cannot_write_the_self_assessment(client, assessor_a, assessment_a1):
    as_user(client, assessor_a)
    assert client.get(sheet_url(assessment_a1)).status_code == 200  # may read it
    response = client.post(sheet_url(assessment_a1), posted({"SJ01": "2"}))
    assert response.status_code == 403
    assert not Sheet.objects.filter(assessment=assessment_a1).exists()


def test_wrong_method(client, secretary_a1, assessment_a1):
    as_user(client, secretary_a1)
    assert client.put(sheet_url(assessment_a1)).status_code == 405
    preview = reverse("sheet_preview", args=[assessment_a1.pk, "self"])
    assert client.get(preview).status_code == 405


def test_preview_computes_subtotals_with_the_engine(client, secretary_a1, assessment_a1, catalogue):
    scores = full_sheet(catalogue, Decimal("1"))
    scores["SJ01"] = "abc"
    response = as_user(client, secretary_a1).post(
        reverse("sheet_preview", args=[assessment_a1.pk, "self"]),
        posted(scores),
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    summary = response.context["summary"]
    by_code = {c["code"]: c["score"] for c in summary["categories"]}
    assert by_code["SJ"] == Decimal("17.00")  # SJ01 (3 points) not counted
    assert by_code["DW"] == Decimal("20.00")
    assert summary["result"].total == Decimal("97.00")
    assert summary["result"].level == 5  # 17 still passes 书记星 (16): band 5, stars 5
    html = response.content.decode()
    assert "SJ01：不是有效的数字" in html
    assert 'id="sub-SJ"' in html and 'hx-swap-oob="true"' in html
    assert not Sheet.objects.filter(assessment=assessment_a1).exists()
    assert not AuditLog.objects.filter(action=AuditLog.Action.SCORES_SAVE).exists()


def test_preview_outside_scope(client, assessor_b, assessment_a1):
    url = reverse("sheet_preview", args=[assessment_a1.pk, "township"])
    assert as_user(client, assessor_b).post(url, {}).status_code == 404


def test_evaluator_scores_only_the_groups_villages(
    client, evaluator, assessment_a1, assessment_a2, catalogue
):
    move_to(assessment_a1.round, Round.Status.COUNTY_REVIEW)
    as_user(client, evaluator)
    assert client.get(sheet_url(assessment_a2, "county")).status_code == 404
    response = client.post(
        sheet_url(assessment_a1, "county"), posted(full_sheet(catalogue), action="submit")
    )
    assert response.status_code == 302
    assessment_a1.refresh_from_db()
    assert assessment_a1.total == Decimal("90.00") and assessment_a1.level == 5


@pytest.fixture
def submitted_self(secretary_a1, assessment_a1, catalogue):
    from assessments import services

    return services.scores_save(
        actor=secretary_a1,
        assessment=assessment_a1,
        stage="self",
        scores=full_sheet(catalogue),
        submit=True,
    )


def test_admin_returns_a_submitted_sheet(client, county_admin, assessment_a1, submitted_self):
    url = reverse("sheet_return", args=[assessment_a1.pk, "self"])
    as_user(client, county_admin)
    assert "退回为草稿" in client.get(sheet_url(assessment_a1)).content.decode()
    response = client.post(url, {"reason": ""})
    assert response.status_code == 400 and "请填写退回原因" in response.content.decode()
    assert client.post(url, {"reason": "SJ05佐证不足"}).status_code == 302
    submitted_self.refresh_from_db()
    assert submitted_self.status == Sheet.Status.DRAFT
    assert AuditLog.objects.get(action=AuditLog.Action.SHEET_REOPEN).reason == "SJ05佐证不足"
    assert client.get(url).status_code == 405


def test_only_the_admin_returns_sheets(
    client, secretary_a1, assessor_b, assessment_a1, submitted_self
):
    url = reverse("sheet_return", args=[assessment_a1.pk, "self"])
    assert as_user(client, secretary_a1).post(url, {"reason": "x"}).status_code == 403
    assert as_user(client, assessor_b).post(url, {"reason": "x"}).status_code == 404
    submitted_self.refresh_from_db()
    assert submitted_self.status == Sheet.Status.SUBMITTED


def test_return_refused_once_the_stage_is_locked(
    client, county_admin, assessment_a1, submitted_self
):
    move_to(assessment_a1.round, Round.Status.TOWNSHIP_REVIEW)
    url = reverse("sheet_return", args=[assessment_a1.pk, "self"])
    response = as_user(client, county_admin).post(url, {"reason": "补正"})
    assert response.status_code == 409
    submitted_self.refresh_from_db()
    assert submitted_self.status == Sheet.Status.SUBMITTED


# --- issue 12: the sheet survives a lost signal; nothing on a phone it does not need --------


def test_the_editable_sheet_keeps_drafts_and_offers_them_back(client, secretary_a1, assessment_a1):
    html = as_user(client, secretary_a1).get(sheet_url(assessment_a1, "self")).content.decode()

    key = f"starrating:draft:{secretary_a1.pk}:{assessment_a1.pk}:self"
    assert f'data-draft="{key}"' in html
    assert 'id="draft-banner"' in html and "恢复未保存的输入？" in html
    assert "js/sheet-draft.js" in html
    assert 'class="small muted hide-phone" id="keyboard-hint"' in html
    assert reverse("tokens") not in html  # a village secretary has no use for API tokens


def test_a_read_only_sheet_keeps_no_draft(client, auditor, assessment_a1):
    html = as_user(client, auditor).get(sheet_url(assessment_a1, "self")).content.decode()
    assert "data-draft=" not in html and "sheet-draft.js" not in html
    assert reverse("tokens") in html


def test_a_save_redirects_with_the_saved_version(client, secretary_a1, assessment_a1):
    response = as_user(client, secretary_a1).post(
        sheet_url(assessment_a1, "self"), {"version": "0", "action": "save", "p_SJ01": "2"}
    )
    assert response.status_code == 302
    assert response.url == sheet_url(assessment_a1, "self") + "?saved=1"


def test_a_conflict_lets_the_user_choose_per_item(client, secretary_a1, assessment_a1):
    services.scores_save(
        actor=secretary_a1, assessment=assessment_a1, stage="self", scores={"SJ01": "1"}
    )
    response = as_user(client, secretary_a1).post(
        sheet_url(assessment_a1, "self"), {"version": "0", "action": "save", "p_SJ01": "2.5"}
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert 'data-code="SJ01" data-mine="2.5" data-theirs="1.00"' in html
    assert 'data-conflict-use="theirs"' in html and 'data-conflict-all="theirs"' in html


def test_the_projection_and_the_advice_agree_under_the_promotion_limit(
    client, county_admin, evaluator, round_2024, assessment_a1, village_a1, catalogue
):
    """Defect 3: a 100-point sheet of a village rated 2 stars last year projects 3 stars and
    says why, instead of "已达五星，保持即可" beside "预计星级 3星"."""
    from assessments.models import Assessment

    old = Round.objects.create(
        county=round_2024.county,
        year=2023,
        catalogue=catalogue,
        name="2023年度",
        status="published",
    )
    Assessment.objects.create(round=old, organization=village_a1, level=2, total=Decimal("65"))
    move_to(round_2024, Round.Status.COUNTY_REVIEW)

    response = as_user(client, evaluator).post(
        reverse("sheet_preview", args=[assessment_a1.pk, "county"]),
        posted(full_sheet(catalogue, Decimal("1"))),
        HTTP_HX_REQUEST="true",
    )

    html = response.content.decode()
    assert response.context["summary"]["result"].level == 3
    assert "按规则10，较上年（2星）最多晋升一级：预计3星（分数已达五星线）" in html
    assert "已达五星，保持即可" not in html
