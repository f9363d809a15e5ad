"""New catalogue versions over the API (indicator maintainer): a whole catalogue from its JSON
form, or a copy of last year's to edit until a round using it opens (then it is frozen: 409)."""

from __future__ import annotations

import pytest

from indicators.models import Catalogue
from organizations.models import AuditLog
from tests.conftest import audit_rows
from tests.support.api import problems
from tests.support.files import catalogue_data

pytestmark = pytest.mark.django_db

URL = "/api/v1/catalogues/"


def test_a_catalogue_is_created_from_its_json_form(api, maintainer):
    response = api.as_(maintainer).post(
        URL, catalogue_data("2026版", 2026), format="json", REMOTE_ADDR="10.0.0.9"
    )

    assert response.status_code == 201, response.json()
    catalogue = Catalogue.objects.get(name="2026版")
    assert catalogue.year == 2026 and not response.json()["is_frozen"]
    assert catalogue.items.filter(category__isnull=False).count() == 65
    entry = audit_rows(catalogue, AuditLog.Action.CREATE).get()
    assert entry.ip_address == "10.0.0.9" and entry.actor == maintainer


def test_a_copy_is_a_new_editable_version(api, maintainer, round_2024, catalogue):
    client = api.as_(maintainer)
    # The 2024 catalogue is frozen by the opened round.
    item = catalogue.items.get(code="SJ01")
    assert (
        client.patch(f"/api/v1/items/{item.pk}/", {"title": "新"}, format="json").status_code == 409
    )

    response = client.post(
        f"{URL}{catalogue.pk}/copy/", {"name": "2025版", "year": 2025}, format="json"
    )

    assert response.status_code == 201, response.json()
    copy = Catalogue.objects.get(pk=response.json()["id"])
    assert copy.copied_from == catalogue and copy.year == 2025
    assert audit_rows(copy, AuditLog.Action.CATALOGUE_COPY).exists()
    new_item = copy.items.get(code="SJ01")
    response = client.patch(f"/api/v1/items/{new_item.pk}/", {"title": "新标题"}, format="json")
    assert response.status_code == 200
    item.refresh_from_db()
    assert item.title != "新标题"  # last year's stays as it was


def test_anonymous_401_wrong_role_403(api, catalogue, auditor, county_admin, system_admin):
    assert api.post(URL, catalogue_data(), format="json").status_code == 401
    for user in (auditor, county_admin, system_admin):
        response = api.as_(user).post(URL, catalogue_data(), format="json")
        assert response.status_code == 403, user.role
    response = api.as_(auditor).post(
        f"{URL}{catalogue.pk}/copy/", {"name": "x", "year": 2025}, format="json"
    )
    assert response.status_code == 403
    assert Catalogue.objects.count() == 1


def test_bad_input_lists_every_problem(api, maintainer, catalogue):
    data = catalogue_data("坏版本")
    data["categories"][0]["max_points"] = "25.00"  # sum now 105, and items ≠ max
    data["categories"][1]["items"][0]["code"] = data["categories"][0]["items"][0]["code"]
    data["categories"][2]["pass_points"] = "99"

    response = api.as_(maintainer).post(URL, data, format="json")

    assert response.status_code == 400
    messages = " ".join(e["message"] for e in problems(response))
    assert "应为100" in messages and "代码重复" in messages and "达标线不能超过满分" in messages
    assert not Catalogue.objects.filter(name="坏版本").exists()
    # Shape errors are named by their dotted path.
    response = api.as_(maintainer).post(
        URL, {"name": "x", "year": 1900, "categories": []}, format="json"
    )
    fields = {e["field"] for e in problems(response)}
    assert {"year", "categories"} <= fields


def test_a_name_taken_is_a_conflict(api, maintainer, catalogue):
    response = api.as_(maintainer).post(URL, catalogue_data(catalogue.name), format="json")
    assert response.status_code == 409
    response = api.as_(maintainer).post(
        f"{URL}{catalogue.pk}/copy/", {"name": catalogue.name, "year": 2025}, format="json"
    )
    assert response.status_code == 409


def test_copy_of_a_missing_catalogue_is_404_and_wrong_method_405(api, maintainer, catalogue):
    client = api.as_(maintainer)
    assert (
        client.post(f"{URL}999999/copy/", {"name": "x", "year": 2025}, format="json").status_code
        == 404
    )
    assert client.get(f"{URL}{catalogue.pk}/copy/").status_code == 405
    assert client.delete(f"{URL}{catalogue.pk}/").status_code == 405
