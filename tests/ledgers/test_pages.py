"""The ledger pages walk STYLE.md's checklist: works · anonymous · other township 404 · wrong
role 403 · bad input 400 with the Chinese message · wrong method 405."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from ledgers.models import Rectification, SupervisionVisit, VisitProblem
from tests.support.web import as_user

pytestmark = pytest.mark.django_db


def test_ledger_list_checklist(client, assessor_a, assessor_b, maintainer, entry, entry_b):
    url = reverse("ledger_list")
    assert client.get(url).status_code == 302  # anonymous → sign-in
    response = as_user(client, assessor_a).get(url)
    assert response.status_code == 200
    assert [e.pk for e in response.context["entries"]] == [entry.pk]  # own township only
    assert "党员活动室设施陈旧" in response.content.decode()
    assert client.post(url).status_code == 405
    assert as_user(client, maintainer).get(url).status_code == 403


def test_ledger_list_filters_and_query_budget(
    client, county_admin, entry, entry_b, township_b, django_assert_max_num_queries
):
    as_user(client, county_admin)
    response = client.get(reverse("ledger_list"), {"township": township_b.pk})
    assert [e.pk for e in response.context["entries"]] == [entry_b.pk]
    response = client.get(reverse("ledger_list"), {"status": "overdue"})
    assert list(response.context["entries"]) == []
    with django_assert_max_num_queries(12):
        client.get(reverse("ledger_list"))


def test_ledger_create_bad_input_shows_the_message(client, assessor_a, village_a1):
    response = as_user(client, assessor_a).post(
        reverse("ledger_create"), {"organization": village_a1.pk, "problem": "", "deadline": ""}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "请填写存在问题" in html and "请填写整改时限" in html
    assert not Rectification.objects.exists()


def test_ledger_create_works_and_other_township_village_is_refused(
    client, assessor_a, village_a1, village_b1
):
    as_user(client, assessor_a)
    data = {
        "problem": "班子成员年龄偏大",
        "measures": "培养后备干部",
        "deadline": "2030-06-30",
        "responsible_person": "张三",
    }
    response = client.post(reverse("ledger_create"), {**data, "organization": village_b1.pk})
    assert response.status_code == 400 and not Rectification.objects.exists()
    response = client.post(reverse("ledger_create"), {**data, "organization": village_a1.pk})
    entry = Rectification.objects.get()
    assert response.status_code == 302 and response.url == reverse("ledger_detail", args=[entry.pk])


def test_ledger_detail_checklist(client, assessor_a, assessor_b, secretary_a1, maintainer, entry):
    url = reverse("ledger_detail", args=[entry.pk])
    assert client.get(url).status_code == 302
    assert as_user(client, assessor_b).get(url).status_code == 404
    assert as_user(client, maintainer).get(url).status_code == 403
    response = as_user(client, secretary_a1).get(url)
    assert response.status_code == 200 and not response.context["may_close"]
    assert as_user(client, assessor_a).get(url).context["closer_is_recorder"]
    assert client.post(url).status_code == 405


def test_close_on_the_page_needs_a_second_person(
    client, assessor_a, county_admin, assessor_b, entry
):
    url = reverse("ledger_close", args=[entry.pk])
    assert client.get(url).status_code in (302, 405)
    assert as_user(client, assessor_a).get(url).status_code == 405
    response = client.post(url, {"closure_evidence": "已整改"})
    assert response.status_code == 403
    assert as_user(client, assessor_b).post(url, {"closure_evidence": "x"}).status_code == 404
    response = as_user(client, county_admin).post(url, {"closure_evidence": ""})
    assert response.status_code == 400 and "请填写销号佐证" in response.content.decode()
    response = client.post(url, {"closure_evidence": "现场核查，整改到位"})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == "closed" and entry.closed_by == county_admin
    response = client.post(url, {"closure_evidence": "again"})
    assert response.status_code == 409


def test_note_and_reopen_pages(client, secretary_a1, county_admin, entry):
    response = as_user(client, secretary_a1).post(
        reverse("ledger_note", args=[entry.pk]), {"text": "已购置新桌椅"}
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == "in_progress"
    assert (
        client.post(reverse("ledger_reopen", args=[entry.pk]), {"reason": "x"}).status_code == 403
    )
    as_user(client, county_admin).post(
        reverse("ledger_close", args=[entry.pk]), {"closure_evidence": "到位"}
    )
    response = client.post(reverse("ledger_reopen", args=[entry.pk]), {"reason": ""})
    assert response.status_code == 400 and "请填写重新打开的原因" in response.content.decode()
    assert (
        client.post(reverse("ledger_reopen", args=[entry.pk]), {"reason": "复查"}).status_code
        == 302
    )


def test_village_page_shows_open_entries_and_pairing(client, county_admin, village_a1, entry):
    from ledgers.models import Pairing

    Pairing.objects.create(
        organization=village_a1,
        year=datetime.date.today().year,
        leader_name="赵区长",
        department="区财政局",
    )
    response = as_user(client, county_admin).get(reverse("village", args=[village_a1.pk]))
    html = response.content.decode()
    assert "党员活动室设施陈旧" in html and "赵区长" in html and "区财政局" in html


def test_visit_pages(client, county_admin, assessor_b, maintainer, village_a1, village_a2, today):
    url = reverse("visit_create")
    as_user(client, county_admin)
    response = client.post(url, {"visitors": "", "visited_on": "x", "method": "nope"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "请填写督导人员" in html and "督导方式不存在" in html
    response = client.post(
        url,
        {
            "visitors": "区委组织部 王部长",
            "visited_on": today.isoformat(),
            "method": "forum",
            "organizations": [village_a1.pk, village_a2.pk],
            "problem_0": "三会一课记录不全",
            "problem_org_0": village_a2.pk,
        },
    )
    assert response.status_code == 302
    visit = SupervisionVisit.objects.get()
    problem = VisitProblem.objects.get()
    assert problem.organization == village_a2
    detail = reverse("visit_detail", args=[visit.pk])
    assert client.get(detail).status_code == 200
    assert as_user(client, assessor_b).get(detail).status_code == 404
    assert as_user(client, maintainer).get(reverse("visit_list")).status_code == 403
    to_ledger = reverse("visit_problem_to_ledger", args=[problem.pk])
    assert as_user(client, assessor_b).post(to_ledger).status_code == 404
    response = as_user(client, county_admin).post(to_ledger, {"responsible_person": "李四"})
    assert response.status_code == 302
    problem.refresh_from_db()
    assert problem.rectification.source == "visit"
    assert problem.rectification.responsible_person == "李四"
    assert client.post(to_ledger).status_code == 409
    counts = client.get(reverse("visit_list")).context["counts"]
    assert counts["visits"] == 1 and counts["problems"] == 1 and counts["unassigned"] == 0


def test_dashboard_and_home_show_the_counts(client, county_admin, round_2024, entry):
    home = as_user(client, county_admin).get(reverse("home")).content.decode()
    assert 'id="followup-counts"' in home and 'id="notification-centre"' in home
    dash = client.get(reverse("dashboard", args=[round_2024.pk])).content.decode()
    assert 'id="visits-per-township"' in dash


def test_from_a_finding_on_the_findings_page(
    client, county_admin, reviewer, assessor_b, round_2024, village_a1
):
    from assessments import services as assessment_services
    from tests.conftest import assessment_of

    finding = assessment_services.finding_create(
        actor=reviewer,
        assessment=assessment_of(round_2024, village_a1),
        item_code="JX01",
        evidence="被通报批评",
    )
    assessment_services.finding_confirm(actor=county_admin, finding=finding)
    page = reverse("findings", args=[round_2024.pk])
    url = reverse("ledger_from_finding", args=[finding.pk])
    assert f'action="{url}"' in as_user(client, county_admin).get(page).content.decode()
    assert as_user(client, assessor_b).post(url).status_code == 404
    response = as_user(client, county_admin).post(url)
    assert response.status_code == 302
    assert "整改台账：待整改" in client.get(page).content.decode()
    assert client.post(url).status_code == 409


def test_one_click_from_a_weak_category_on_the_village_page(
    client, county_admin, round_2024, village_a1
):
    from tests.conftest import assessment_of

    a1 = assessment_of(round_2024, village_a1)
    a1.category_scores = {"SJ": "10.00"}
    a1.item_points = {}
    a1.level = 2
    a1.save()
    html = (
        as_user(client, county_admin).get(reverse("village", args=[village_a1.pk])).content.decode()
    )
    assert "列入整改台账" in html
    response = client.post(reverse("ledger_from_weakness", args=[a1.pk]), {"code": "SJ"})
    assert response.status_code == 302
    assert Rectification.objects.get().source == "weak_category"
    response = client.post(reverse("ledger_from_weakness", args=[a1.pk]), {"code": "XX"})
    assert response.status_code == 400 and "不是本轮的类别或指标代码" in response.content.decode()


def test_weak_list_from_the_dashboard(
    client, county_admin, assessor_b, maintainer, round_2024, village_a1
):
    from tests.conftest import assessment_of

    a1 = assessment_of(round_2024, village_a1)
    a1.item_points = {"SJ01": "0.50"}
    a1.save()
    url = reverse("ledger_weak_list", args=[round_2024.pk, "SJ01"])
    response = as_user(client, county_admin).get(url)
    assert response.status_code == 200
    assert [r["assessment"].pk for r in response.context["rows"]] == [a1.pk]
    assert response.context["rows"][0]["may_record"]
    assert "政治素质好" in response.content.decode()
    assert as_user(client, assessor_b).get(url).context["rows"] == []
    assert as_user(client, maintainer).get(url).status_code == 403
    assert (
        as_user(client, county_admin)
        .get(reverse("ledger_weak_list", args=[round_2024.pk, "NOPE"]))
        .status_code
        == 404
    )
    assert client.post(url).status_code == 405
    client.logout()
    assert client.get(url).status_code == 302
