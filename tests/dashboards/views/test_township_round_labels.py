"""Every page reached from a township (镇街) round names what it rates 镇街, never 村: the
county admin walks the published township round's pages (round tabs, dashboard, publicity,
a township's page and record, its sheet, review, corrections and 短板弱项) and none says
村（社区）/本村/该村/各村/个村/村党组织/一村一档 about the rated organization.

What may legitimately say 村 is taken out first, precisely: the site's name, menu and search
box (outside <main>), the catalogue's own texts (a township's items speak of its villages, e.g.
“抓村（社区）党组织星级创建”) and the help of the settings that concern villages only."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

from indicators.models import Category, Item
from tests.support.townships import township_assessment
from tests.support.web import as_user

pytestmark = pytest.mark.django_db

# Wording that, on a township round's page, could only be about the rated organization.
VILLAGE_WORDING = (
    "村（社区）",
    "本村",
    "该村",
    "各村",
    "个村",
    "每村",
    "的村",
    "村数",
    "村代码",
    "村名称",
    "村党组织",
    "一村一档",
)
# Settings that concern a village round only, or say what the choice is between.
LEGITIMATE = (
    "评定村（社区）党组织，或评定镇街党（工）委",
    '<option value="village">村（社区）</option>',
    "村自评",
)


def main_text(response, catalogue) -> str:
    """The page's <main>, unescaped, without the catalogue's texts and legitimate phrases."""
    assert response.status_code == 200, response.content.decode()[:500]
    page = response.content.decode()
    main = html.unescape(re.search(r"<main.*?</main>", page, re.S).group(0))
    texts = [
        t
        for item in Item.objects.filter(catalogue=catalogue)
        for t in (item.title, item.guidance, item.evidence)
    ] + [t for c in Category.objects.filter(catalogue=catalogue) for t in (c.name, c.description)]
    for text in sorted((t for t in texts if t), key=len, reverse=True):
        main = main.replace(text, "")
    for text in LEGITIMATE:
        main = main.replace(text, "")
    return main


def pages(round_, township) -> list[str]:
    assessment = township_assessment(round_, township)
    return [
        reverse("round_overview", args=[round_.pk]),
        reverse("round_settings", args=[round_.pk]),
        reverse("findings", args=[round_.pk]),
        reverse("surveys", args=[round_.pk]),
        reverse("groups", args=[round_.pk]),
        reverse("spotchecks", args=[round_.pk]),
        reverse("objections", args=[round_.pk]),
        reverse("dashboard", args=[round_.pk]),
        reverse("publicity", args=[round_.pk]),
        reverse("village", args=[township.pk]),
        reverse("village_record", args=[township.pk, round_.pk]),
        reverse("sheet", args=[assessment.pk, "county"]),
        reverse("review", args=[assessment.pk]),
        reverse("corrections", args=[assessment.pk]),
        reverse("ledger_weak_list", args=[round_.pk, "ZL"]),
        reverse("job_scores_upload", args=[round_.pk]),
    ]


@pytest.mark.parametrize("state", ["tw_round", "tw_scored", "tw_publicity", "tw_published"])
def test_no_page_of_a_township_round_calls_a_township_a_village(
    request, client, county_admin, state, township_catalogue, township_a
):
    """In each state: scoring open (forms and help shown), scored, in publicity (the
    objection form), published (results, corrections, 短板弱项)."""
    round_ = request.getfixturevalue(state)
    c = as_user(client, county_admin)
    said = {}
    for url in pages(round_, township_a):
        text = main_text(c.get(url), township_catalogue)
        found = [w for w in VILLAGE_WORDING if w in text]
        if found:
            said[url] = [text[max(0, text.index(w) - 12) : text.index(w) + 12] for w in found]
    assert said == {}


def test_the_walk_would_see_village_wording(client, county_admin, published_2024, village_a1):
    """The same walk on a village round finds 村 wording: the test can fail."""
    text = main_text(
        as_user(client, county_admin).get(reverse("round_overview", args=[published_2024.pk])),
        published_2024.catalogue,
    )
    assert "村党组织" in text


def test_the_groups_page_of_a_township_round_says_groups_are_optional(
    client, county_admin, tw_round
):
    page = as_user(client, county_admin).get(reverse("groups", args=[tw_round.pk]))
    text = page.content.decode()
    assert 'id="groups-optional"' in text and "镇街评定可不设考评组" in text


def test_the_weak_list_of_a_township_round_offers_the_ledger(
    client, county_admin, assessor_b, assessor_a, tw_published, township_b
):
    url = reverse("ledger_weak_list", args=[tw_published.pk, "ZZ"])  # B is weak in ZZ
    for user in (county_admin, assessor_b):
        text = as_user(client, user).get(url).content.decode()
        assert township_b.name in text and "列入整改台账" in text
    # Another township does not even see B's line.
    assert township_b.name not in as_user(client, assessor_a).get(url).content.decode()


def test_the_township_filter_of_a_township_round_picks_the_township_itself(
    client, county_admin, tw_round, township_a, township_b
):
    c = as_user(client, county_admin)
    for name in ("findings", "surveys"):
        url = reverse(name, args=[tw_round.pk])
        text = c.get(url, {"township": township_a.pk}).content.decode()
        assert "全部镇街" in text
        table = text.split("<tbody", 1)[1]
        assert township_a.name in table and township_b.name not in table, name


def test_a_township_reads_its_own_line_without_dead_links(
    client, assessor_a, tw_published, township_a
):
    """No 评分对照 link (the township is the rated one; the page would refuse it), and the
    dashboard's ranking has no 按乡镇 order."""
    c = as_user(client, assessor_a)
    overview = c.get(reverse("round_overview", args=[tw_published.pk])).content.decode()
    assert township_a.name in overview and "评分对照" not in overview
    dashboard = c.get(reverse("dashboard", args=[tw_published.pk])).content.decode()
    assert "（本镇街）" in dashboard and "按乡镇" not in dashboard and "按名称" in dashboard
