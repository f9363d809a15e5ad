"""建议列为软弱涣散 (issue 15 item 3): villages flagged by 创星晋级 (堡垒星 at the weak line or
below, or vetoed) or by the published annual rating (one star or none, or vetoed) are
suggested on the designation page and in the API; one action designates (opening the ledger
entry as any designation does), another dismisses with a reason — both the county's, audited."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import Assessment, Round
from ledgers.models import Rectification
from organizations.models import AuditLog, Role
from orghealth import selectors, services
from orghealth.models import WeakDesignation, WeakDismissal
from starrating.errors import Conflict, InvalidInput, NotPermitted
from stars import services as star_services
from tests.conftest import move_to
from tests.factories import UserFactory
from tests.support.api import problems
from tests.support.web import as_user

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year


@pytest.fixture
def strong_a1(county_admin, county, assessor_a, village_a1, village_a2, village_b1):
    """This year's 创星晋级: 七道江村's branch at four stars; the county's other villages (新兴村,
    B1) without points — at no star, so suggested."""
    approver = UserFactory(username="approver", role=Role.COUNTY_ADMIN, organization=county)
    tables = {t.ladder: t for t in star_services.tables_copy(actor=county_admin, year=YEAR)}
    item = tables["branch"].items.get(code="B03")
    for _n in range(14):
        entry = star_services.entry_record(
            actor=assessor_a,
            item=item,
            organization=village_a1,
            occurred_on=timezone.localdate(),
            description="推进环境治理",
        )
        star_services.entry_approve(actor=approver, entry=entry)
    return village_a1


def names(user, year=YEAR):
    return [
        s["organization"].name for s in selectors.weak_suggestions(user, year=year)["suggestions"]
    ]


def test_stars_flags_suggest_villages_with_the_reason(strong_a1, county_admin, assessor_a):
    found = selectors.weak_suggestions(county_admin, year=YEAR)["suggestions"]
    assert [s["organization"].name for s in found] == ["新兴村", "六道江村"]
    assert "七道江村" not in names(county_admin)
    assert all(f"{YEAR}年创星晋级堡垒星0星（1星及以下）" == s["reason"] for s in found)
    assert names(assessor_a) == ["新兴村"]  # a township sees its own villages


def test_no_branch_table_no_stars_suggestions(county_admin, village_a1):
    assert names(county_admin) == []


def test_the_public_annual_rating_suggests_too(scored_round, county_admin, village_a1):
    Assessment.objects.filter(round=scored_round, organization=village_a1).update(level=1)
    Assessment.objects.filter(round=scored_round).exclude(organization=village_a1).update(level=0)
    Assessment.objects.filter(round=scored_round, organization__name="新兴村").update(level=3)
    assert names(county_admin, 2024) == []  # not public yet
    move_to(scored_round, Round.Status.PUBLISHED)
    found = selectors.weak_suggestions(county_admin, year=2024)["suggestions"]
    reasons = {s["organization"].name: s["reason"] for s in found}
    assert reasons["七道江村"] == "2024年度星级评定1星"
    assert reasons["六道江村"] == "2024年度星级评定无星"
    assert "新兴村" not in reasons  # three stars
    Assessment.objects.filter(round=scored_round, organization=village_a1).update(vetoed=True)
    assert selectors.weak_suggestions(county_admin, year=2024)["suggestions"][0]["reason"] == (
        "2024年度星级评定被一票否决"
    )


def test_designate_from_a_suggestion_opens_the_ledger_entry(strong_a1, county_admin, village_a2):
    row = services.weak_designate_suggested(actor=county_admin, organization=village_a2, year=YEAR)
    assert row.reason == f"{YEAR}年创星晋级堡垒星0星（1星及以下）"
    assert row.rectification.source == Rectification.Source.WEAK_LAX
    assert row.rectification.deadline == timezone.localdate() + datetime.timedelta(days=90)
    assert AuditLog.objects.filter(object_type="orghealth.WeakDesignation").exists()
    assert "新兴村" not in names(county_admin)
    with pytest.raises(Conflict):  # no longer a suggestion
        services.weak_designate_suggested(actor=county_admin, organization=village_a2, year=YEAR)


def test_designate_is_for_suggested_villages_and_the_county(
    strong_a1, county_admin, assessor_a, village_a1, village_a2
):
    with pytest.raises(Conflict):  # 七道江村 stands at four stars
        services.weak_designate_suggested(actor=county_admin, organization=village_a1, year=YEAR)
    with pytest.raises(NotPermitted):
        services.weak_designate_suggested(actor=assessor_a, organization=village_a2, year=YEAR)
    assert not WeakDesignation.objects.exists()


def test_dismiss_needs_a_reason_and_is_audited(strong_a1, county_admin, village_a2):
    with pytest.raises(InvalidInput) as bad:
        services.weak_suggestion_dismiss(
            actor=county_admin, organization=village_a2, year=YEAR, reason=" "
        )
    assert bad.value.errors[0]["field"] == "reason"
    row = services.weak_suggestion_dismiss(
        actor=county_admin, organization=village_a2, year=YEAR, reason="新班子刚调整，观察半年"
    )
    assert AuditLog.objects.filter(
        object_type="orghealth.WeakDismissal", object_id=str(row.pk)
    ).exists()
    data = selectors.weak_suggestions(county_admin, year=YEAR)
    assert "新兴村" not in [s["organization"].name for s in data["suggestions"]]
    assert [d.reason for d in data["dismissed"]] == ["新班子刚调整，观察半年"]
    with pytest.raises(Conflict):
        services.weak_suggestion_dismiss(
            actor=county_admin, organization=village_a2, year=YEAR, reason="再次"
        )


def test_another_county_may_not_act(strong_a1, county_admin2, village_a2):
    with pytest.raises(NotPermitted):
        services.weak_suggestion_dismiss(
            actor=county_admin2, organization=village_a2, year=YEAR, reason="x"
        )
    assert not WeakDismissal.objects.exists()


# --- page ------------------------------------------------------------------------------------


def test_weak_page_lists_and_acts_on_suggestions(
    client,
    strong_a1,
    county_admin,
    assessor_a,
    county_admin2,
    village_a2,
    village_b1,
    django_assert_max_num_queries,
):
    url = reverse("health_weak")
    designate = reverse("health_weak_suggestion_designate", args=[village_a2.pk])
    dismiss = reverse("health_weak_suggestion_dismiss", args=[village_b1.pk])
    assert client.post(designate, {"year": YEAR}).status_code == 302  # anonymous → login
    as_user(client, assessor_a)
    html = client.get(url, {"year": YEAR}).content.decode()
    assert 'id="weak-suggestions"' in html and "新兴村" in html and "认定并建立整顿台账" not in html
    assert client.post(designate, {"year": YEAR}).status_code == 403
    assert client.post(dismiss, {"year": YEAR, "reason": "x"}).status_code == 404  # township B
    as_user(client, county_admin2)
    assert client.post(designate, {"year": YEAR}).status_code == 404  # another county
    as_user(client, county_admin)
    assert client.get(designate).status_code == 405
    with django_assert_max_num_queries(25):
        html = client.get(url, {"year": YEAR}).content.decode()
    assert "认定并建立整顿台账" in html and "不予认定" in html
    assert client.post(designate, {"year": YEAR}).status_code == 302
    assert WeakDesignation.objects.get().organization == village_a2
    bad = client.post(dismiss, {"year": YEAR, "reason": ""})
    assert bad.status_code == 400 and "请填写不予认定的理由" in bad.content.decode()
    assert client.post(dismiss, {"year": YEAR, "reason": "已整改到位"}).status_code == 302
    html = client.get(url, {"year": YEAR}).content.decode()
    assert "本年度没有软弱涣散建议" in html and "已整改到位" in html
    again = client.post(designate, {"year": YEAR})
    assert again.status_code == 409


# --- API -------------------------------------------------------------------------------------


def test_api_suggestions_designate_and_dismiss(
    api, strong_a1, county_admin, assessor_a, county_admin2, village_a2, village_b1
):
    url = "/api/v1/health/weak/suggestions/"
    listed = api.as_(assessor_a).get(url, {"year": YEAR}).json()
    assert [s["organization_name"] for s in listed["suggestions"]] == ["新兴村"]
    body = {"organization": village_a2.pk, "year": YEAR}
    assert api.post(f"{url}designate/", body, format="json").status_code in (401, 403)
    assert api.as_(assessor_a).post(f"{url}designate/", body, format="json").status_code == 403
    assert api.as_(county_admin2).post(f"{url}designate/", body, format="json").status_code == 404
    admin = api.as_(county_admin)
    assert admin.get(f"{url}designate/").status_code == 405
    bad = admin.post(f"{url}designate/", {"organization": village_a2.pk}, format="json")
    assert bad.status_code == 400 and problems(bad)
    made = admin.post(f"{url}designate/", body, format="json")
    assert made.status_code == 201 and made.json()["ledger_status"]
    dismiss = {"organization": village_b1.pk, "year": YEAR, "reason": ""}
    refused = admin.post(f"{url}dismiss/", dismiss, format="json")
    assert refused.status_code == 400 and problems(refused)[0]["field"] == "reason"
    done = admin.post(f"{url}dismiss/", {**dismiss, "reason": "班子健全"}, format="json")
    assert done.status_code == 201 and done.json()["reason"] == "班子健全"
    after = admin.get(url, {"year": YEAR}).json()
    assert after["suggestions"] == [] and after["dismissed"][0]["organization"] == village_b1.pk
