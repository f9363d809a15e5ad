"""One error shape for every failure, Chinese by default and English with Accept-Language."""

import gettext

import pytest
from rest_framework import exceptions

from assessments.models import Assessment, Round
from starrating.api import exception_handler
from starrating.errors import Conflict, InvalidInput
from tests.conftest import ROOT, move_to
from tests.support.api import problems

pytestmark = pytest.mark.django_db
LOCALE = ROOT / "locale"


@pytest.fixture
def a1(round_2024, village_a1):
    return Assessment.objects.get(round=round_2024, organization=village_a1)


def test_shapes_of_each_kind_of_error(api, a1, secretary_a1, auditor):
    client = api.as_(secretary_a1)
    url = f"/api/v1/assessments/{a1.pk}/sheets/self/"
    responses = {
        401: api.get(url),
        403: api.as_(auditor).patch(url, {"version": 0, "scores": {}}, format="json"),
        404: client.get("/api/v1/assessments/999999/"),
        405: client.delete(url),
        400: client.patch(url, {"version": -1}, format="json"),
        415: client.patch(url, "version=0", content_type="text/plain"),
    }
    for status, response in responses.items():
        assert response.status_code == status
        body = response.json()
        assert isinstance(body["message"], str) and body["message"], status
        assert isinstance(body["errors"], list), status


def test_messages_are_chinese_by_default_and_english_on_request(api, a1, secretary_a1):
    client = api.as_(secretary_a1)
    url = f"/api/v1/assessments/{a1.pk}/sheets/self/"
    body = {"version": 0, "scores": {"SJ01": "9", "SJ02": "1.555"}}

    chinese = client.patch(url, body, format="json")
    english = client.patch(url, body, format="json", HTTP_ACCEPT_LANGUAGE="en")

    assert chinese.json()["message"] == "七道江村“村自评”有2处错误，未保存任何数据。"
    assert [e["message"] for e in problems(chinese)] == ["超过该项最高分3.00", "最多保留两位小数"]
    assert english.json()["message"] == (
        "七道江村 \u201cself-assessment\u201d: 2 error(s); nothing was saved."
    )
    assert [e["message"] for e in problems(english)] == [
        "exceeds the item's maximum 3.00",
        "at most 2 decimal places",
    ]
    assert api.get(url, HTTP_ACCEPT_LANGUAGE="en").json()["message"].startswith("Please log in")


def test_locked_stage_in_english(api, a1, secretary_a1, round_2024):
    move_to(round_2024, Round.Status.TOWNSHIP_REVIEW)

    response = api.as_(secretary_a1).patch(
        f"/api/v1/assessments/{a1.pk}/sheets/self/",
        {"version": 0, "scores": {"SJ01": "1"}},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 409
    assert response.json()["message"] == (
        "The \u201cself-assessment\u201d stage is not open (round status: township review)."
    )


def test_drf_validation_errors_are_flattened_with_field_paths():
    detail = {"scores": {"SJ01": ["必须是数字"]}, "non_field_errors": ["整体错误"], "x": ["a", "b"]}

    response = exception_handler(exceptions.ValidationError(detail), {})

    assert response.status_code == 400
    assert response.data["errors"] == [
        {"field": "scores.SJ01", "message": "必须是数字"},
        {"field": "", "message": "整体错误"},
        {"field": "x", "message": "a"},
        {"field": "x", "message": "b"},
    ]


def test_domain_errors_keep_their_extra_fields():
    response = exception_handler(Conflict("过期", current_version=3), {})
    assert response.status_code == 409
    assert response.data == {"message": "过期", "errors": [], "current_version": 3}
    bad = exception_handler(InvalidInput("错", [{"item": "SJ01", "message": "m"}]), {})
    assert bad.status_code == 400 and bad.data["errors"] == [{"item": "SJ01", "message": "m"}]


def test_unexpected_exceptions_are_left_to_django():
    assert exception_handler(RuntimeError("bug"), {}) is None


def test_compiled_english_catalogue_matches_its_source():
    """locale/en/LC_MESSAGES/django.mo is committed; it must be compiled from the .po."""
    po = (LOCALE / "en" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    with open(LOCALE / "en" / "LC_MESSAGES" / "django.mo", "rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    msgids = [
        line[len('msgid "') : -1].encode().decode("unicode_escape").encode("latin-1").decode()
        for line in po.splitlines()
        if line.startswith('msgid "') and line != 'msgid ""'
    ]
    assert msgids
    untranslated = [m for m in msgids if compiled.gettext(m) == m]
    assert untranslated == []


def test_every_endpoint_refuses_a_method_it_does_not_support(api, a1, county_admin):
    round_, finding_id = a1.round, 1
    unsupported = {
        "/api/v1/me/": "post",
        "/api/v1/tokens/": "put",
        "/api/v1/tokens/1/": "get",
        "/api/v1/organizations/": "put",
        "/api/v1/organizations/tree/": "post",
        f"/api/v1/organizations/{a1.organization_id}/": "delete",
        "/api/v1/catalogues/": "put",
        f"/api/v1/catalogues/{round_.catalogue_id}/": "delete",
        f"/api/v1/catalogues/{round_.catalogue_id}/items/": "get",
        "/api/v1/categories/1/": "delete",
        "/api/v1/items/1/": "put",
        "/api/v1/rounds/": "delete",
        f"/api/v1/rounds/{round_.pk}/": "put",
        f"/api/v1/rounds/{round_.pk}/open/": "get",
        f"/api/v1/rounds/{round_.pk}/reopen/": "patch",
        f"/api/v1/rounds/{round_.pk}/results/": "post",
        f"/api/v1/rounds/{round_.pk}/dashboard/": "post",
        "/api/v1/assessments/": "post",
        f"/api/v1/assessments/{a1.pk}/": "patch",
        f"/api/v1/assessments/{a1.pk}/sheets/self/": "delete",
        f"/api/v1/assessments/{a1.pk}/sheets/self/return/": "get",
        f"/api/v1/assessments/{a1.pk}/findings/": "delete",
        f"/api/v1/assessments/{a1.pk}/survey/": "post",
        f"/api/v1/assessments/{a1.pk}/exceptional/": "get",
        "/api/v1/findings/": "post",
        f"/api/v1/findings/{finding_id}/": "delete",
        f"/api/v1/findings/{finding_id}/confirm/": "get",
        f"/api/v1/findings/{finding_id}/withdraw/": "put",
        f"/api/v1/organizations/{a1.organization_id}/active/": "get",
        "/api/v1/organizations/import/": "get",
        "/api/v1/organizations/import/1/confirm/": "get",
        "/api/v1/organizations/template/": "post",
        "/api/v1/users/bulk/": "get",
        f"/api/v1/catalogues/{round_.catalogue_id}/copy/": "get",
        "/api/v1/jobs/": "post",
        "/api/v1/jobs/1/": "delete",
        "/api/v1/jobs/1/download/": "post",
        f"/api/v1/rounds/{round_.pk}/template/": "get",
        f"/api/v1/rounds/{round_.pk}/scores/import/": "get",
        f"/api/v1/rounds/{round_.pk}/report/": "get",
        "/api/v1/rectifications/export/": "get",
    }
    client = api.as_(county_admin)

    answers = {url: getattr(client, method)(url).status_code for url, method in unsupported.items()}

    assert {url: code for url, code in answers.items() if code != 405} == {}
