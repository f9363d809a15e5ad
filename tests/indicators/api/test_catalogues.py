"""Catalogues: read for every logged-in user; categories and items written by indicator
maintainers while the catalogue is not frozen (audited services)."""

import pytest

from indicators.models import Item
from indicators.services import catalogue_copy
from organizations.models import AuditLog
from tests.support.api import problems

pytestmark = pytest.mark.django_db


@pytest.fixture
def editable(catalogue, maintainer):
    return catalogue_copy(actor=maintainer, catalogue=catalogue, name="2025版", year=2025)


def test_read_with_categories_and_items(api, editable, secretary_a1):
    response = api.as_(secretary_a1).get(f"/api/v1/catalogues/{editable.pk}/")

    assert response.status_code == 200
    body = response.json()
    assert body["is_frozen"] is False
    assert len(body["categories"]) == 5
    assert {i["kind"] for i in body["special_items"]} == {"veto", "star_deduction"}
    listed = api.as_(secretary_a1).get("/api/v1/catalogues/?year=2025").json()["results"]
    assert [c["name"] for c in listed] == ["2025版"]


def test_maintainer_edits_an_item_and_a_category(api, editable, maintainer):
    client = api.as_(maintainer)
    item = editable.items.get(code="SJ01")
    category = item.category

    response = client.patch(
        f"/api/v1/items/{item.pk}/", {"title": "政治素质过硬", "max_points": "3.50"}, format="json"
    )
    assert response.status_code == 200, response.json()
    item.refresh_from_db()
    assert item.title == "政治素质过硬" and str(item.max_points) == "3.50"

    response = client.patch(
        f"/api/v1/categories/{category.pk}/", {"pass_points": "15"}, format="json"
    )
    assert response.status_code == 200
    category.refresh_from_db()
    assert str(category.pass_points) == "15.00"
    assert AuditLog.objects.filter(action=AuditLog.Action.UPDATE).count() == 2


def test_maintainer_adds_an_item(api, editable, maintainer):
    category = editable.categories.first()

    response = api.as_(maintainer).post(
        f"/api/v1/catalogues/{editable.pk}/items/",
        {"code": "SJ99", "title": "新增指标", "category": category.pk, "max_points": "1"},
        format="json",
    )

    assert response.status_code == 201, response.json()
    assert Item.objects.get(catalogue=editable, code="SJ99").category == category


def test_bad_item_input_lists_each_problem(api, editable, maintainer, catalogue):
    foreign = catalogue.categories.first()

    response = api.as_(maintainer).post(
        f"/api/v1/catalogues/{editable.pk}/items/",
        {"code": "", "title": "", "kind": "bonus", "max_points": "-1"},
        format="json",
    )
    assert response.status_code == 400
    assert {e["field"] for e in problems(response)} == {"code", "title", "kind", "max_points"}

    response = api.as_(maintainer).post(
        f"/api/v1/catalogues/{editable.pk}/items/",
        {"code": "SJ01", "title": "重复", "category": foreign.pk},
        format="json",
    )
    assert response.status_code == 400
    assert [e["field"] for e in problems(response)] == ["category"]

    response = api.as_(maintainer).post(
        f"/api/v1/catalogues/{editable.pk}/items/",
        {
            "code": "FJ99",
            "title": "否决",
            "kind": "veto",
            "category": editable.categories.first().pk,
        },
        format="json",
    )
    assert response.status_code == 400
    assert [e["field"] for e in problems(response)] == ["category"]
    assert not Item.objects.filter(code__in=["FJ99"]).exists()


def test_frozen_catalogue_is_409(api, round_2024, catalogue, maintainer):
    item = catalogue.items.get(code="SJ01")

    response = api.as_(maintainer).patch(
        f"/api/v1/items/{item.pk}/", {"title": "改"}, format="json"
    )

    assert response.status_code == 409
    assert catalogue.name in response.json()["message"]
    item.refresh_from_db()
    assert item.title != "改"


def test_checklist(api, editable, county_admin, maintainer):
    item = editable.items.get(code="SJ01")
    url = f"/api/v1/items/{item.pk}/"
    assert api.patch(url, {"title": "x"}, format="json").status_code == 401
    assert api.as_(county_admin).patch(url, {"title": "x"}, format="json").status_code == 403
    assert api.as_(maintainer).delete(url).status_code == 405
    assert api.as_(maintainer).get("/api/v1/items/999999/").status_code == 404
    item.refresh_from_db()
    assert item.title != "x"


def test_bad_category_input_lists_each_problem(api, editable, maintainer):
    category = editable.categories.first()

    response = api.as_(maintainer).patch(
        f"/api/v1/categories/{category.pk}/",
        {"max_points": "abc", "pass_points": "-1", "position": "first"},
        format="json",
    )

    assert response.status_code == 400
    assert {e["field"] for e in problems(response)} == {"max_points", "pass_points", "position"}
    over = api.as_(maintainer).patch(
        f"/api/v1/categories/{category.pk}/", {"pass_points": "99"}, format="json"
    )
    assert over.status_code == 400
    category.refresh_from_db()
    assert category.pass_points != 99
