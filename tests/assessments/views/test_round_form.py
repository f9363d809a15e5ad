"""The county admin's round settings page: create a round, edit its rules and deadlines."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils.timezone import localtime

from assessments.forms import RoundForm
from assessments.models import Assessment, Round
from organizations.models import AuditLog, Role
from tests.conftest import move_to
from tests.factories import OrganizationFactory, UserFactory
from tests.support.web import as_user

pytestmark = pytest.mark.django_db


def create_url():
    return reverse("round_create")


def settings_url(round_):
    return reverse("round_settings", args=[round_.pk])


def posted(round_=None, **changes) -> dict:
    """What the browser sends for the form as shown, with ``changes`` typed over it."""
    form = RoundForm(instance=round_ or Round())
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if field.widget.input_type == "checkbox":
            if value:
                data[name] = "on"
        elif field.widget.format_value(value) is not None:
            data[name] = field.widget.format_value(value)
    data.update({k: str(v) for k, v in changes.items()})
    return data


def round_audits(round_, action):
    return AuditLog.objects.filter(
        object_type="assessments.Round", object_id=str(round_.pk), action=action
    )


@pytest.fixture
def other_admin(db):
    other = OrganizationFactory(code="220603000000", name="江源区", kind="county")
    return UserFactory(username="other_admin", role=Role.COUNTY_ADMIN, organization=other)


# --- works -----------------------------------------------------------------------------------


def test_create_round(client, county, county_admin, catalogue):
    as_user(client, county_admin)
    page = client.get(create_url())
    assert page.status_code == 200
    html = page.content.decode()
    for heading in ("基本信息", "阶段与截止时间", "计分规则", "满意度测评", "星级名额", "公示"):
        assert heading in html
    assert "规则5：综合得分不低于此分数线可评五星" in html
    assert 'type="datetime-local"' in html and 'type="date"' in html
    assert page.context["form"]["catalogue"].value() == catalogue.pk  # the latest one

    response = client.post(
        create_url(),
        posted(
            year=2025,
            catalogue=catalogue.pk,
            band_min_5="92",
            quota_5="0.1",
            township_deadline="2025-10-31T18:00",
            publicity_start="2025-12-01",
        ),
    )

    round_ = Round.objects.get(county=county, year=2025)
    assert response.status_code == 302
    assert response.url == reverse("round_overview", args=[round_.pk])
    assert round_.status == Round.Status.DRAFT
    assert round_.catalogue == catalogue
    assert round_.name == f"{county.name}2025年度村党组织星级评定"
    assert round_.band_min_5 == Decimal("92") and round_.band_min_4 == Decimal("80")
    assert round_.quota_5 == Decimal("0.1") and round_.quota_4 is None
    assert f"{localtime(round_.township_deadline):%Y-%m-%d %H:%M}" == "2025-10-31 18:00"
    assert str(round_.publicity_start) == "2025-12-01"
    entry = round_audits(round_, AuditLog.Action.CREATE).get()
    assert entry.actor == county_admin and entry.after["band_min_5"] == "92"
    assert "评定轮次已创建" in client.get(response.url).content.decode()


def test_edit_rules_of_an_opened_round(client, county_admin, round_2024):
    as_user(client, county_admin)
    page = client.get(settings_url(round_2024))
    assert page.status_code == 200
    assert "catalogue" not in page.context["form"].fields  # frozen once opened

    response = client.post(
        settings_url(round_2024),
        posted(
            round_2024,
            weight_township="0.3",
            weight_county="0.7",
            self_deadline="2099-03-01T18:00",
            publicity_end="2099-12-05",
        ),
    )

    assert response.status_code == 302
    round_2024.refresh_from_db()
    assert round_2024.stage_weights["township"] == Decimal("0.3")
    assert round_2024.weight_county == Decimal("0.7")
    assert f"{localtime(round_2024.self_deadline):%Y-%m-%d %H:%M}" == "2099-03-01 18:00"
    assert str(round_2024.publicity_end) == "2099-12-05"
    entry = round_audits(round_2024, AuditLog.Action.UPDATE).get()
    assert entry.before["weight_county"] == "0.000"
    assert set(entry.after) == {
        "weight_township",
        "weight_county",
        "self_deadline",
        "publicity_end",
    }
    assert "评定结果已按新规则重新计算" in client.get(response.url).content.decode()


def test_new_band_line_recalculates_results(client, county_admin, scored_round, assessment_a1):
    assert Assessment.objects.get(pk=assessment_a1.pk).level == 5  # composite 95

    response = as_user(client, county_admin).post(
        settings_url(scored_round), posted(scored_round, band_min_5="96")
    )

    assert response.status_code == 302
    assert Assessment.objects.get(pk=assessment_a1.pk).level == 4


def test_catalogue_editable_while_draft(client, county, county_admin, catalogue):
    draft = Round.objects.create(county=county, year=2025, catalogue=catalogue, name="草稿轮次")
    as_user(client, county_admin)
    assert "catalogue" in client.get(settings_url(draft)).context["form"].fields
    response = client.post(settings_url(draft), posted(draft, name="2025年度星级评定"))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.name == "2025年度星级评定"


def test_links_for_the_county_admin_only(client, county_admin, auditor, round_2024):
    as_user(client, county_admin)
    assert "新建评定轮次" in client.get(reverse("round_list")).content.decode()
    overview = reverse("round_overview", args=[round_2024.pk])
    assert settings_url(round_2024) in client.get(overview).content.decode()
    as_user(client, auditor)
    assert "新建评定轮次" not in client.get(reverse("round_list")).content.decode()
    assert settings_url(round_2024) not in client.get(overview).content.decode()


# --- refused ---------------------------------------------------------------------------------


def test_anonymous_redirected_to_login(client, round_2024):
    for url in (create_url(), settings_url(round_2024)):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
        assert client.post(url, {"band_min_5": "99"}).status_code == 302
    round_2024.refresh_from_db()
    assert round_2024.band_min_5 == Decimal("90")


@pytest.mark.parametrize("role", ["assessor_a", "auditor"])
def test_wrong_role_forbidden(client, request, role, round_2024, catalogue):
    as_user(client, request.getfixturevalue(role))
    assert client.get(create_url()).status_code == 403
    assert client.get(settings_url(round_2024)).status_code == 403
    data = posted(round_2024, band_min_5="99")
    assert client.post(settings_url(round_2024), data).status_code == 403
    assert client.post(create_url(), posted(year=2030, catalogue=catalogue.pk)).status_code == 403
    round_2024.refresh_from_db()
    assert round_2024.band_min_5 == Decimal("90")
    assert not Round.objects.filter(year=2030).exists()


def test_other_county_admin_not_found(client, other_admin, round_2024):
    as_user(client, other_admin)
    assert client.get(settings_url(round_2024)).status_code == 404
    response = client.post(settings_url(round_2024), posted(round_2024, band_min_5="99"))
    assert response.status_code == 404
    round_2024.refresh_from_db()
    assert round_2024.band_min_5 == Decimal("90")


def test_weights_must_sum_to_one(client, county_admin, round_2024):
    response = as_user(client, county_admin).post(
        settings_url(round_2024), posted(round_2024, weight_township="0.3", weight_county="0.6")
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "各阶段权重之和必须等于1（当前为0.900）" in html
    assert response.context["form"].errors["weight_county"]
    round_2024.refresh_from_db()
    assert round_2024.weight_township == Decimal("0")
    assert not round_audits(round_2024, AuditLog.Action.UPDATE).exists()


def test_band_minima_must_descend(client, county_admin, round_2024):
    response = as_user(client, county_admin).post(
        settings_url(round_2024), posted(round_2024, band_min_4="95")
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "各星级分数线必须从五星到一星依次降低" in html
    assert "四星分数线（95）不能高于五星分数线（90.00）" in html
    assert response.context["form"].errors["band_min_4"]
    round_2024.refresh_from_db()
    assert round_2024.band_min_4 == Decimal("80")


def test_duplicate_year_refused(client, county_admin, round_2024, catalogue):
    response = as_user(client, county_admin).post(
        create_url(), posted(year=2024, catalogue=catalogue.pk)
    )
    assert response.status_code == 400
    assert "2024年度评定轮次已存在" in response.content.decode()
    assert response.context["form"].errors["year"] == ["已存在"]
    assert Round.objects.filter(county=round_2024.county).count() == 1


def test_unparsable_input_named_by_field(client, county_admin, round_2024):
    response = as_user(client, county_admin).post(
        settings_url(round_2024), posted(round_2024, pass_ratio="abc", satisfaction_weight="2")
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "数据有误，未保存" in html and "类别达标比例" in html and "满意度权重" in html
    assert set(response.context["form"].errors) == {"pass_ratio", "satisfaction_weight"}
    round_2024.refresh_from_db()
    assert round_2024.pass_ratio == Decimal("0.8")


def test_wrong_method(client, county_admin, round_2024):
    as_user(client, county_admin)
    assert client.put(settings_url(round_2024)).status_code == 405
    assert client.delete(create_url()).status_code == 405


def test_published_round_is_read_only(client, county_admin, round_2024):
    move_to(round_2024, Round.Status.PUBLISHED)
    as_user(client, county_admin)
    page = client.get(settings_url(round_2024))
    assert page.status_code == 200
    html = page.content.decode()
    assert "只能查看" in html and "保存评定规则" not in html
    assert all(field.disabled for field in page.context["form"].fields.values())

    response = client.post(settings_url(round_2024), posted(round_2024, band_min_5="99"))

    assert response.status_code == 409
    assert "结果已发布，不能修改评定规则" in response.content.decode()
    round_2024.refresh_from_db()
    assert round_2024.band_min_5 == Decimal("90")
    assert not round_audits(round_2024, AuditLog.Action.UPDATE).exists()
