"""Catalogue services (load, validate, copy) and the admin panel over the catalogue and the tree:
frozen catalogues read-only, the copy action, audited edits, no deletes."""

from __future__ import annotations

import copy
import json
from decimal import Decimal

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from assessments import services
from indicators.models import Catalogue, Category, Item
from indicators.services import catalogue_copy, catalogue_load, catalogue_validate
from organizations.models import AuditLog, Organization
from starrating.errors import Conflict, InvalidInput, NotPermitted
from tests.conftest import CATALOGUE_FILE
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CATEGORY_CODES = ["SJ", "DW", "CY", "MS", "ZL"]


@pytest.fixture
def data():
    return json.loads(CATALOGUE_FILE.read_text(encoding="utf-8"))


@pytest.fixture
def superuser(county):
    return UserFactory(username="root", role="", is_superuser=True, is_staff=True)


@pytest.fixture
def admin_client_(client, superuser):
    client.force_login(superuser)
    return client


# --- catalogue_load -----------------------------------------------------------------------


def test_load_the_real_catalogue(catalogue):
    catalogue.refresh_from_db()
    assert catalogue.year == 2024
    assert not catalogue.is_frozen
    categories = list(catalogue.categories.order_by("position"))
    assert [c.code for c in categories] == CATEGORY_CODES
    assert [c.name for c in categories] == ["书记星", "队伍星", "产业星", "民生星", "治理星"]
    assert sum(c.max_points for c in categories) == Decimal("100")
    in_categories = Item.objects.filter(catalogue=catalogue, category__isnull=False)
    assert in_categories.count() == 65
    for category in categories:
        items = list(category.items.all())
        assert len(items) == 13, category.code
        scored = sum(i.max_points for i in items if i.kind == Item.Kind.SCORED)
        assert scored == category.max_points, category.code
        assert {i.kind for i in items} == {Item.Kind.SCORED, Item.Kind.DEDUCTION}
        assert category.pass_points == Decimal("16.00")
    special = Item.objects.filter(catalogue=catalogue, category__isnull=True)
    assert {i.kind for i in special} == {Item.Kind.VETO, Item.Kind.STAR_DEDUCTION}
    assert special.filter(kind=Item.Kind.VETO).count() >= 6
    # Items keep the catalogue order: positions strictly increase SJ01 … ZL13, then FJ/JX.
    codes = list(Item.objects.filter(catalogue=catalogue).values_list("code", flat=True))
    assert codes[0] == "SJ01" and codes[64] == "ZL13"
    assert codes[65].startswith("FJ")
    assert AuditLog.objects.filter(
        object_type="indicators.Catalogue",
        object_id=str(catalogue.pk),
        action=AuditLog.Action.CREATE,
    ).exists()


def test_load_is_idempotent_by_name(catalogue, data):
    again = catalogue_load(data=data)

    assert again.pk == catalogue.pk
    assert Catalogue.objects.count() == 1
    assert Item.objects.count() == 78


# --- catalogue_validate -------------------------------------------------------------------


def test_validate_accepts_the_real_catalogue(data):
    catalogue_validate(data)  # raises on any problem


def test_validate_lists_every_problem(data):
    broken = copy.deepcopy(data)
    broken["categories"][0]["items"][0]["max_points"] = "4.00"  # SJ scored items now 21
    broken["categories"][1]["items"][1]["code"] = "DW01"  # duplicate code
    broken["categories"][2]["items"][0]["kind"] = "veto"  # a veto inside a category
    broken["categories"][3]["items"][0]["max_points"] = "1.555"  # three decimals
    broken["special_items"][0]["kind"] = "scored"  # a scored item outside the categories

    with pytest.raises(InvalidInput) as exc:
        catalogue_validate(broken)

    by_field: dict[str, list[str]] = {}
    for e in exc.value.errors:
        by_field.setdefault(e["field"], []).append(e["message"])
    assert any("与类别满分20.00不一致" in m for m in by_field["SJ"])
    assert "代码重复" in by_field["DW01"]
    assert any("只能是评分项或减分项" in m for m in by_field["CY01"])
    assert any("两位小数" in m for m in by_field["MS01"])
    assert any("只能是否决项或减星项" in m for m in by_field["FJ01"])
    assert f"{len(exc.value.errors)}处错误" in exc.value.message
    assert Catalogue.objects.count() == 0


def test_validate_categories_must_sum_to_100_and_required_fields(data):
    broken = copy.deepcopy(data)
    del broken["categories"][4]
    broken["name"] = ""

    with pytest.raises(InvalidInput) as exc:
        catalogue_load(data=broken)

    fields = {e["field"]: e["message"] for e in exc.value.errors}
    assert "应为100" in fields["categories"] and "80" in fields["categories"]
    assert fields["name"] == "缺少必填项"
    assert Catalogue.objects.count() == 0 and Item.objects.count() == 0


# --- catalogue_copy -----------------------------------------------------------------------


def test_copy_copies_categories_and_items_and_is_audited(catalogue, maintainer):
    new = catalogue_copy(
        actor=maintainer, catalogue=catalogue, name="2025版村党组织星级评定指标体系", year=2025
    )

    new.refresh_from_db()
    assert new.year == 2025 and new.copied_from == catalogue
    assert new.pk != catalogue.pk
    assert list(new.categories.values_list("code", "name", "max_points", "position")) == list(
        catalogue.categories.values_list("code", "name", "max_points", "position")
    )
    fields = ("code", "title", "guidance", "max_points", "kind", "position", "category__code")
    assert list(new.items.values_list(*fields)) == list(catalogue.items.values_list(*fields))
    # The copy's items hang under the copy's categories, not the original's.
    assert not Item.objects.filter(catalogue=new, category__catalogue=catalogue).exists()
    assert Item.objects.filter(catalogue=catalogue).count() == 78  # original untouched
    entry = AuditLog.objects.get(action=AuditLog.Action.CATALOGUE_COPY)
    assert entry.actor == maintainer
    assert entry.object_id == str(new.pk)
    assert entry.before == {"from": catalogue.name}
    assert entry.after == {"name": new.name, "year": 2025, "items": 78}


def test_copy_refusals(catalogue, assessor_a, maintainer):
    with pytest.raises(NotPermitted):
        catalogue_copy(actor=assessor_a, catalogue=catalogue, name="2025版", year=2025)
    with pytest.raises(InvalidInput) as blank:
        catalogue_copy(actor=maintainer, catalogue=catalogue, name="  ", year=2025)
    assert blank.value.errors == [{"field": "name", "message": "必填"}]
    with pytest.raises(Conflict):
        catalogue_copy(actor=maintainer, catalogue=catalogue, name=catalogue.name, year=2025)
    assert Catalogue.objects.count() == 1
    assert not AuditLog.objects.filter(action=AuditLog.Action.CATALOGUE_COPY).exists()


# --- admin --------------------------------------------------------------------------------


def _request(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def test_frozen_catalogue_is_read_only_in_the_admin(
    superuser, catalogue, county, county_admin, villages, admin_client_
):
    request = _request(superuser)
    catalogue_admin = admin.site._registry[Catalogue]
    category = catalogue.categories.first()
    item = catalogue.items.first()
    assert catalogue_admin.has_change_permission(request, catalogue)
    assert admin.site._registry[Item].has_change_permission(request, item)

    round_ = services.round_create(
        actor=county_admin, county=county, year=2024, catalogue=catalogue
    )
    services.round_open(actor=county_admin, round_=round_)

    assert catalogue.is_frozen
    assert not catalogue_admin.has_change_permission(request, catalogue)
    assert not admin.site._registry[Category].has_change_permission(request, category)
    assert not admin.site._registry[Item].has_change_permission(request, item)
    response = admin_client_.get(reverse("admin:indicators_catalogue_change", args=[catalogue.pk]))
    assert response.status_code == 200
    assert response.context["has_change_permission"] is False
    # A POST to the read-only page changes nothing.
    admin_client_.post(
        reverse("admin:indicators_item_change", args=[item.pk]),
        {"code": item.code, "title": "篡改", "kind": item.kind, "max_points": "9.00"},
    )
    item.refresh_from_db()
    assert item.title != "篡改" and item.max_points != Decimal("9.00")


def test_admin_copy_action_creates_next_years_catalogue(catalogue, superuser, admin_client_):
    response = admin_client_.post(
        reverse("admin:indicators_catalogue_changelist"),
        {"action": "copy_to_new_year", "_selected_action": [catalogue.pk]},
        follow=True,
    )

    assert response.status_code == 200
    new = Catalogue.objects.get(year=2025)
    assert new.name == "2025版村党组织星级评定指标体系"
    assert new.copied_from == catalogue
    assert new.items.count() == catalogue.items.count() == 78
    assert new.categories.count() == 5
    assert not new.is_frozen
    assert AuditLog.objects.get(action=AuditLog.Action.CATALOGUE_COPY).actor == superuser
    messages = [str(m) for m in response.context["messages"]]
    assert any(new.name in m for m in messages)


def test_admin_edit_of_an_organization_is_audited(village_a1, township_a, admin_client_, superuser):
    url = reverse("admin:organizations_organization_change", args=[village_a1.pk])
    response = admin_client_.post(
        url,
        {
            "code": village_a1.code,
            "name": "七道江村（合并后）",
            "kind": village_a1.kind,
            "parent": township_a.pk,
            "party_body": Organization.PartyBody.GENERAL_BRANCH,
            "secretary_name": village_a1.secretary_name,
            "member_count": 45,
            "is_active": "on",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    village_a1.refresh_from_db()
    assert village_a1.name == "七道江村（合并后）"
    entry = AuditLog.objects.get(
        object_type="organizations.Organization",
        object_id=str(village_a1.pk),
        action=AuditLog.Action.UPDATE,
    )
    assert entry.actor == superuser
    assert entry.before == {"name": "七道江村", "party_body": "branch", "member_count": 30}
    assert entry.after == {
        "name": "七道江村（合并后）",
        "party_body": "general_branch",
        "member_count": 45,
    }


def test_nothing_can_be_deleted_in_the_admin(superuser, village_a1, catalogue, admin_client_):
    request = _request(superuser)
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label in {"organizations", "indicators", "assessments"}:
            assert not model_admin.has_delete_permission(request), model.__name__
            assert "delete_selected" not in model_admin.get_actions(request), model.__name__

    for name, obj in (
        ("admin:organizations_organization_delete", village_a1),
        ("admin:indicators_catalogue_delete", catalogue),
    ):
        response = admin_client_.post(reverse(name, args=[obj.pk]), {"post": "yes"})
        assert response.status_code == 403
    assert Organization.objects.filter(pk=village_a1.pk).exists()
    assert Catalogue.objects.filter(pk=catalogue.pk).exists()
