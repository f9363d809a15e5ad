"""Every link on each role's home page leads somewhere the role may go (issue 12, defect 4):
a crawl of the home page's anchors, in every status of the round, for every role of the cast."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from assessments.models import Round
from tests.conftest import move_to
from tests.support.web import as_user

pytestmark = pytest.mark.django_db

ROLES = [
    "county_admin",
    "assessor_a",
    "secretary_a1",
    "reviewer",
    "auditor",
    "evaluator",
    "maintainer",
    "system_admin",
    "security_admin",
    "audit_admin",
]
DEAD = {403, 404, 405, 500}


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href and not href.startswith(("#", "mailto:", "tel:")):
            self.hrefs.append(href)


def links_of(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    local = [h for h in parser.hrefs if not urlsplit(h).netloc]
    return list(dict.fromkeys(local))


@pytest.mark.parametrize(
    "status",
    [Round.Status.SELF_ASSESSMENT, Round.Status.PUBLICITY],
)
@pytest.mark.parametrize("who", ROLES)
def test_every_link_on_the_home_page_opens(client, request, who, status, round_2024):
    move_to(round_2024, status)
    user = request.getfixturevalue(who)
    home = as_user(client, user).get(reverse("home"))
    assert home.status_code == 200

    dead = []
    for href in links_of(home.content.decode()):
        response = client.get(href)
        if response.status_code in DEAD:
            dead.append((href, response.status_code))

    assert dead == [], f"{who} in {status}: dead links {dead}"


def test_the_publicity_tab_is_offered_only_when_it_opens(client, assessor_a, round_2024):
    url = reverse("publicity", args=[round_2024.pk])
    before = as_user(client, assessor_a).get(reverse("home")).content.decode()
    move_to(round_2024, Round.Status.PUBLICITY)
    after = client.get(reverse("home")).content.decode()

    assert url not in before
    assert url in after and client.get(url).status_code == 200
