"""Finding villages (issue 12, defect 7): 去确认 opens only the villages with a finding waiting,
the lists search by name, code and pinyin initials, a vetoed village is marked 否决 (not hollow
stars) and its page has a breadcrumb and names the veto item."""

from __future__ import annotations

import pytest
from django.urls import reverse

from assessments import services
from assessments.models import Finding, Round
from tests.conftest import move_to
from tests.support.web import as_user

pytestmark = pytest.mark.django_db


def _finding(reviewer, assessment, code="FJ01"):
    return services.finding_create(
        actor=reviewer, assessment=assessment, item_code=code, evidence="村委会主任被立案审查"
    )


def rows(response) -> list[str]:
    return [r["assessment"].organization.name for r in response.context["rows"]]


def test_go_confirm_opens_only_villages_with_a_pending_finding(
    client, county_admin, reviewer, assessment_a1, assessment_a2, assessment_b1
):
    _finding(reviewer, assessment_a2)
    home = as_user(client, county_admin).get(reverse("home")).content.decode()
    url = reverse("findings", args=[assessment_a2.round_id])
    assert f'href="{url}?pending=1"' in home

    with_pending = client.get(url, {"pending": "1"})
    everyone = client.get(url)

    assert rows(with_pending) == ["新兴村"]
    assert 'id="f-pending" checked' in with_pending.content.decode()
    assert rows(everyone) == ["七道江村", "新兴村", "六道江村"]


def test_the_findings_list_searches_by_name_code_and_initials(
    client, reviewer, assessment_a1, assessment_a2, assessment_b1
):
    url = reverse("findings", args=[assessment_a1.round_id])
    as_user(client, reviewer)

    assert rows(client.get(url, {"q": "新兴"})) == ["新兴村"]
    assert rows(client.get(url, {"q": "220602101"})) == ["六道江村"]
    assert rows(client.get(url, {"q": "ldj"})) == ["六道江村"]


def test_after_confirming_the_admin_returns_to_the_same_filtered_list(
    client, county_admin, reviewer, assessment_a1, assessment_a2
):
    finding = _finding(reviewer, assessment_a2)
    list_url = reverse("findings", args=[assessment_a2.round_id]) + "?pending=1&q=xx"

    response = as_user(client, county_admin).post(
        reverse("finding_confirm", args=[finding.pk]), {"township": ""}, HTTP_REFERER=list_url
    )

    assert response.status_code == 302 and response.url == list_url
    finding.refresh_from_db()
    assert finding.status == Finding.Status.CONFIRMED


def test_a_foreign_referer_is_not_followed(client, county_admin, reviewer, assessment_a2):
    finding = _finding(reviewer, assessment_a2)
    url = reverse("findings", args=[assessment_a2.round_id])

    response = as_user(client, county_admin).post(
        reverse("finding_confirm", args=[finding.pk]),
        {},
        HTTP_REFERER=f"https://evil.example{url}?x=1",
    )

    assert response.url == url


def _vetoed(county_admin, reviewer, assessment):
    """A1 with a complete county sheet and a confirmed veto (level 0, vetoed)."""
    from tests.conftest import full_sheet

    move_to(assessment.round, Round.Status.COUNTY_REVIEW)
    services.scores_save(
        actor=county_admin,
        assessment=assessment,
        stage="county",
        scores=full_sheet(assessment.round.catalogue),
        submit=True,
    )
    services.finding_confirm(actor=county_admin, finding=_finding(reviewer, assessment))
    assessment.refresh_from_db()
    assert assessment.vetoed and assessment.level == 0
    return assessment


def test_the_overview_marks_a_vetoed_village_not_hollow_stars(
    client, county_admin, reviewer, assessment_a1, township_a
):
    _vetoed(county_admin, reviewer, assessment_a1)

    response = as_user(client, county_admin).get(
        reverse("round_overview", args=[assessment_a1.round_id]), {"township": township_a.pk}
    )

    html = response.content.decode()
    row = html[html.index("七道江村</a>") : html.index("</tr>", html.index("七道江村</a>"))]
    assert "否决" in row and "☆☆☆☆☆" not in row


def test_the_overview_searches_villages(client, county_admin, assessment_a1, assessment_b1):
    response = as_user(client, county_admin).get(
        reverse("round_overview", args=[assessment_a1.round_id]), {"q": "ldj"}
    )

    assert [v["assessment"].organization.name for v in response.context["villages"]] == ["六道江村"]
    assert 'value="ldj"' in response.content.decode()


def test_the_village_page_has_a_breadcrumb_and_names_the_veto_item(
    client, county_admin, reviewer, assessment_a1, village_a1, township_a
):
    _vetoed(county_admin, reviewer, assessment_a1)

    html = as_user(client, county_admin).get(reverse("village", args=[village_a1.pk]))
    html = html.content.decode()

    assert 'class="breadcrumb' in html
    assert f'href="/villages/?township={township_a.pk}">七道江镇</a>' in html
    assert "否决项 FJ01" in html
