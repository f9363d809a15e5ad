"""Pages stay Chinese whatever the browser asks for; the API answers in English on request."""

import pytest

pytestmark = pytest.mark.django_db


def test_pages_stay_chinese_for_an_english_browser(client, county_admin, round_2024):
    client.force_login(county_admin)

    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()

    assert "村自评" in html  # the round's status label, not "self-assessment"
    assert "self-assessment" not in html.lower()


def test_the_api_answers_in_english_on_request(client):
    response = client.get("/api/v1/rounds/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code in (401, 403)
    assert response["Content-Language"] == "en"
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in response.json()["message"])


def test_the_api_speaks_chinese_by_default(client):
    response = client.get("/api/v1/rounds/")

    assert any("\u4e00" <= ch <= "\u9fff" for ch in response.json()["message"])
