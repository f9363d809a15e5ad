"""The top bar's village search in a real browser: suggestions by pinyin initials come from the
API as one types (no inline script under the strict CSP), scoped to the township; Enter opens
the one match."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_township_types_initials_and_opens_its_village(
    page, live_server, assessor_a, villages, console_errors
):
    login(page, live_server, "assessor_a")

    page.fill("#village-search-q", "qdj")
    option = page.locator("#village-suggestions option")
    expect(option).to_have_count(1)
    assert option.get_attribute("value") == "七道江村"
    page.fill("#village-search-q", "ldj")  # 六道江村 is another township's
    expect(option).to_have_count(0)

    page.fill("#village-search-q", "qdj")
    page.press("#village-search-q", "Enter")
    page.wait_for_url(f"{live_server.url}/villages/{villages[0].pk}/")
    expect(page.locator("h1")).to_have_text("七道江村")
    assert console_errors == []
