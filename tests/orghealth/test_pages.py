"""The organization-health pages walk STYLE.md's checklist: works · anonymous → sign-in ·
other township 404 · wrong role 403 · bad input 400 with the Chinese message · wrong method
405; and the lists keep to a query budget."""

from __future__ import annotations

import pytest
from django.urls import reverse

from orghealth.models import Commitment, CommitteeMember, Election, Posting, WeakDesignation
from tests.support.web import as_user

pytestmark = pytest.mark.django_db

PAGES = [
    "health_home",
    "health_elections",
    "health_body",
    "health_commitments",
    "health_postings",
    "health_teams",
    "health_weak",
]


@pytest.mark.parametrize("name", PAGES)
def test_pages_by_role(name, client, county_admin, auditor, assessor_a, secretary_a1, maintainer):
    url = reverse(name)
    assert client.get(url).status_code == 302  # anonymous → sign-in
    for user in (county_admin, auditor, assessor_a, secretary_a1):
        assert as_user(client, user).get(url).status_code == 200
    assert as_user(client, maintainer).get(url).status_code == 403
    assert as_user(client, county_admin).post(url).status_code == 405


def test_home_shows_the_overdue_count(client, county_admin, villages, election_a1, weak_a1):
    html = as_user(client, county_admin).get(reverse("health_home")).content.decode()
    assert "逾期未换届" in html and "/ 5 个党组织" in html
    assert "导出Excel" in html and "保存设置" in html


def test_elections_page_and_create(
    client, assessor_a, villages, election_a1, election_b1, django_assert_max_num_queries
):
    as_user(client, assessor_a)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("health_elections"))
    html = response.content.decode()
    assert "3个党组织中1个逾期未换届" in html and "六道江村" not in html
    bad = client.post(
        reverse("health_election_create"),
        {"organization": villages[1].pk, "elected_on": "2024-13-01"},
    )
    assert bad.status_code == 400 and "换届日期格式应为" in bad.content.decode()
    other = client.post(
        reverse("health_election_create"),
        {"organization": villages[2].pk, "elected_on": "2024-01-01"},
    )
    assert other.status_code == 404
    ok = client.post(
        reverse("health_election_create"),
        {"organization": villages[1].pk, "elected_on": "2024-01-01"},
    )
    assert ok.status_code == 302
    assert Election.objects.filter(organization=villages[1]).count() == 1


def test_election_create_refused_to_a_secretary(client, secretary_a1, village_a1):
    response = as_user(client, secretary_a1).post(
        reverse("health_election_create"),
        {"organization": village_a1.pk, "elected_on": "2024-01-01"},
    )
    assert response.status_code == 403
    assert not Election.objects.exists()


def test_body_page_adjusts(client, county_admin, assessor_a, village_a1):
    village_a1.member_count, village_a1.party_body = 130, "general_branch"
    village_a1.save()
    html = as_user(client, county_admin).get(reverse("health_body")).content.decode()
    assert "七道江村" in html and "党委" in html
    data = {
        "organization": village_a1.pk,
        "to_body": "committee",
        "adjusted_on": "2024-06-01",
        "reason": "党员超过100名",
    }
    assert as_user(client, assessor_a).post(reverse("health_body_adjust"), data).status_code == 403
    bad = as_user(client, county_admin).post(reverse("health_body_adjust"), data | {"reason": ""})
    assert bad.status_code == 400 and "请填写调整依据" in bad.content.decode()
    ok = client.post(reverse("health_body_adjust"), data)
    assert ok.status_code == 302
    village_a1.refresh_from_db()
    assert village_a1.party_body == "committee"


def test_commitments_page(
    client,
    secretary_a1,
    commitment_a1,
    commitment_b1,
    village_a1,
    today,
    django_assert_max_num_queries,
):
    as_user(client, secretary_a1)
    with django_assert_max_num_queries(12):
        html = client.get(reverse("health_commitments")).content.decode()
    assert "硬化村内道路1公里" in html and "帮扶两户困难群众" not in html
    bad = client.post(
        reverse("health_commitment_create"),
        {"organization": village_a1.pk, "year": today.year, "kind": "organization", "content": ""},
    )
    assert bad.status_code == 400 and "请填写承诺事项" in bad.content.decode()
    url = reverse("health_commitment_complete", args=[commitment_b1.pk])
    assert client.post(url, {"done_on": today, "evidence": "x"}).status_code == 404
    url = reverse("health_commitment_complete", args=[commitment_a1.pk])
    assert client.post(url, {"done_on": today, "evidence": "已完工"}).status_code == 302
    assert client.post(url, {"done_on": today, "evidence": "已完工"}).status_code == 409
    assert Commitment.objects.get(pk=commitment_a1.pk).is_done


def test_postings_page(client, assessor_a, posting_a1, posting_b1, village_a1):
    as_user(client, assessor_a)
    html = client.get(reverse("health_postings")).content.decode()
    assert "赵第一" in html and "钱包村" not in html
    url = reverse("health_posting_extend", args=[posting_b1.pk])
    assert client.post(url, {"new_end": "2099-01-01", "reason": "x"}).status_code == 404
    url = reverse("health_posting_extend", args=[posting_a1.pk])
    bad = client.post(url, {"new_end": "2000-01-01", "reason": "延长"})
    assert bad.status_code == 400 and "延长至应晚于原截止日期" in bad.content.decode()
    assert client.post(url, {"new_end": "2099-01-01", "reason": "延长一年"}).status_code == 302
    assert Posting.objects.get(pk=posting_a1.pk).extensions.count() == 1


def test_team_page_shows_the_facts(
    client, secretary_a1, assessor_b, county_admin2, member_a1, village_a1, village_b1, round_2024
):
    url = reverse("health_team", args=[village_a1.pk])
    html = as_user(client, secretary_a1).get(url).content.decode()
    assert "无女性成员" in html and "平均年龄超过上限" in html
    assert "DW01" in html  # the facts stand beside the county's 队伍星 items
    assert (
        as_user(client, secretary_a1).get(reverse("health_team", args=[village_b1.pk])).status_code
        == 404
    )
    assert as_user(client, assessor_b).get(url).status_code == 404
    assert as_user(client, county_admin2).get(url).status_code == 404
    add = reverse("health_member_add", args=[village_a1.pk])
    bad = as_user(client, secretary_a1).post(add, {"name": "", "position": "委员"})
    assert bad.status_code == 400 and "请填写姓名" in bad.content.decode()
    ok = client.post(
        add,
        {
            "name": "吴八",
            "position": "委员",
            "body": "party",
            "gender": "female",
            "birth_date": "1992-03-01",
            "education": "college",
            "is_reserve_cadre": "1",
        },
    )
    assert ok.status_code == 302
    assert CommitteeMember.objects.get(name="吴八").is_reserve_cadre
    leave = reverse("health_member_leave", args=[member_a1.pk])
    assert client.post(leave, {"left_on": "2024-01-01"}).status_code == 302


def test_weak_page(client, county_admin, assessor_a, village_a1, weak_b1, today):
    html = as_user(client, assessor_a).get(reverse("health_weak")).content.decode()
    assert "认定0个" in html  # B1 is another township's
    data = {
        "organization": village_a1.pk,
        "year": today.year,
        "reason": "组织生活不正常",
        "designated_on": f"{today.year}-02-01",
        "measures": "整顿",
        "deadline": f"{today.year}-12-31",
        "responsible_person": "包保领导",
    }
    assert client.post(reverse("health_weak_create"), data).status_code == 403
    as_user(client, county_admin)
    bad = client.post(reverse("health_weak_create"), data | {"reason": ""})
    assert bad.status_code == 400 and "请填写认定原因" in bad.content.decode()
    assert client.post(reverse("health_weak_create"), data).status_code == 302
    html = client.get(reverse("health_weak")).content.decode()
    assert "认定2个，已完成整顿0个" in html
    assert WeakDesignation.objects.count() == 2


def test_settings_page(client, county_admin, assessor_a):
    data = {
        "term_years": "3",
        "remind_days": "60",
        "committee_above": "100",
        "branch_below": "20",
        "max_average_age": "46",
    }
    assert as_user(client, assessor_a).post(reverse("health_settings"), data).status_code == 403
    bad = as_user(client, county_admin).post(reverse("health_settings"), data | {"term_years": "0"})
    assert bad.status_code == 400 and "任期应在1到10之间" in bad.content.decode()
    assert client.post(reverse("health_settings"), data).status_code == 302


def test_export_page(client, assessor_a, secretary_a1):
    assert as_user(client, secretary_a1).get(reverse("health_export")).status_code == 403
    response = as_user(client, assessor_a).get(reverse("health_export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_village_page_shows_the_team_facts(
    client, secretary_a1, county_admin, evaluator, member_a1, village_a1, round_2024
):
    url = reverse("village", args=[village_a1.pk])
    html = as_user(client, county_admin).get(url).content.decode()
    assert 'id="team-facts-panel"' in html and "无女性成员" in html and "DW01" in html
    # An evaluator opens the village page but does not read organization health: no panel.
    response = as_user(client, evaluator).get(url)
    assert response.status_code in (200, 404)
    assert 'id="team-facts-panel"' not in response.content.decode()
