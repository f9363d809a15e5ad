"""The 述职评议 pages walk STYLE.md's checklist: works (with a query budget) · anonymous to the
login · other township and other county 404 · wrong role 403 · bad input 400 naming the field ·
wrong method 405 · the closed session locked."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from secretaries import services
from secretaries.models import ReviewProblem, ReviewScore
from tests.secretaries.conftest import reviewee_of
from tests.support.web import as_user

pytestmark = pytest.mark.django_db

LATER = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()


def test_list_and_create(
    client, county_admin, assessor_a, secretary_a1, maintainer, township_b, year
):
    url = reverse("sr_list")
    assert client.get(url).status_code == 302
    assert as_user(client, maintainer).get(url).status_code == 403
    html = as_user(client, assessor_a).get(url).content.decode()
    assert f"{year}年度还没有述职评议" in html and "本乡镇（街道）村（社区）党组织书记" in html
    as_user(client, county_admin)
    bad = client.post(
        reverse("sr_create"),
        {"level": "township", "year": year, "title": "", "held_on": "2024-01-20"},
    )
    assert bad.status_code == 400 and "请填写名称" in bad.content.decode()
    ok = client.post(
        reverse("sr_create"),
        {"level": "township", "year": year, "title": "乡镇书记述职评议", "held_on": "2024-01-20"},
    )
    assert ok.status_code == 302
    assert client.get(url + f"?year={year}").content.decode().count("乡镇书记述职评议") >= 1
    assert client.get(reverse("sr_create")).status_code == 405


def test_session_page_checklist(
    client,
    open_review,
    county_admin,
    auditor,
    assessor_a,
    assessor_b,
    county_admin2,
    township_a,
    township_b,
    django_assert_max_num_queries,
):
    a, b = reviewee_of(open_review, township_a), reviewee_of(open_review, township_b)
    for reviewee, value in ((a, "95"), (b, "55")):
        for group in ("leaders", "members", "public"):
            services.score_add(
                actor=county_admin, reviewee=reviewee, group=group, reviewer="甲", score=value
            )
    services.problem_add(
        actor=county_admin,
        session=open_review,
        kind="common",
        text="阵地利用率不高",
        measures="建立清单",
        deadline=LATER,
        reviewees=[a.pk, b.pk],
    )
    url = reverse("sr_detail", args=[open_review.pk])
    as_user(client, county_admin)
    with django_assert_max_num_queries(16):
        response = client.get(url)
    html = response.content.decode()
    assert "95.00" in html and "55.00" in html and "阵地利用率不高" in html
    assert "好" in html and "差" in html and "结束评议并锁定结果" in html
    html = as_user(client, assessor_a).get(url).content.decode()
    # Its own row, and of the common problem its own organization and ledger entry only.
    assert "七道江镇" in html and "六道江镇" not in html and "阵地利用率不高" in html
    assert "结束评议" not in html
    assert as_user(client, county_admin2).get(url).status_code == 404
    html = as_user(client, auditor).get(url).content.decode()
    assert "六道江镇" in html and "登记问题并建立整改台账" not in html
    # Bad input names the field; the wrong role is refused.
    as_user(client, county_admin)
    bad = client.post(
        reverse("sr_problem", args=[open_review.pk]),
        {"kind": "individual", "text": "x", "measures": "y", "deadline": LATER},
    )
    assert bad.status_code == 400 and "个性问题须指定一名书记" in bad.content.decode()
    assert ReviewProblem.objects.count() == 1
    as_user(client, assessor_a)
    assert client.post(reverse("sr_close", args=[open_review.pk])).status_code == 403
    as_user(client, county_admin)
    assert client.post(reverse("sr_close", args=[open_review.pk])).status_code == 302
    html = client.get(url).content.decode()
    assert "评议结果已锁定" in html and "登记问题并建立整改台账" not in html
    assert client.post(reverse("sr_close", args=[open_review.pk])).status_code == 409
    export = client.get(reverse("sr_export", args=[open_review.pk]))
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd")


def test_secretary_page(
    client,
    open_review,
    county_admin,
    assessor_a,
    assessor_b,
    township_a,
    django_assert_max_num_queries,
):
    a = reviewee_of(open_review, township_a)
    question = services.question_add(
        actor=county_admin, session=open_review, kind="common", text="如何抓党建促振兴？"
    )
    url = reverse("sr_secretary", args=[a.pk])
    assert as_user(client, assessor_b).get(url).status_code == 404
    as_user(client, assessor_a)
    with django_assert_max_num_queries(18):
        html = client.get(url).content.decode()
    assert "如何抓党建促振兴？" in html and "保存述职报告" in html and "登记打分" not in html
    bad = client.post(reverse("sr_report", args=[a.pk]), {"report": ""})
    assert bad.status_code == 400 and "请填写述职报告" in bad.content.decode()
    assert client.post(reverse("sr_report", args=[a.pk]), {"report": "一年来"}).status_code == 302
    assert (
        client.post(
            reverse("sr_answer", args=[a.pk]), {"question": question.pk, "text": "抓班子"}
        ).status_code
        == 302
    )
    assert (
        client.post(
            reverse("sr_score", args=[a.pk]), {"group": "leaders", "reviewer": "x", "score": "9"}
        ).status_code
        == 403
    )
    as_user(client, county_admin)
    bad = client.post(
        reverse("sr_score", args=[a.pk]), {"group": "leaders", "reviewer": "x", "score": "abc"}
    )
    assert bad.status_code == 400 and "得分应为数字" in bad.content.decode()
    ok = client.post(
        reverse("sr_score", args=[a.pk]), {"group": "leaders", "reviewer": "县长", "score": "90"}
    )
    assert ok.status_code == 302 and ReviewScore.objects.get().score == 90
    html = client.get(url).content.decode()
    assert "一年来" in html and "抓班子" in html and "县长" in html
    check = client.post(
        reverse("sr_check", args=[a.pk]),
        {"checked_on": timezone.localdate().isoformat(), "checkers": "一组", "findings": "属实"},
    )
    assert check.status_code == 302 and a.checks.count() == 1


def test_scores_are_anonymous_to_the_secretary_reviewed(
    client, api, open_review, county_admin, assessor_a, township_a
):
    """现场测评 is anonymous to the person reviewed: their own township sees each score, its
    group and comment, not who gave it; the organizer sees the reviewer (page and API)."""
    reviewee = reviewee_of(open_review, township_a)
    services.score_add(
        actor=county_admin,
        reviewee=reviewee,
        group="members",
        reviewer="党员代表王五",
        score="88",
        comment="抓落实有力",
    )
    page = reverse("sr_secretary", args=[reviewee.pk])
    own = as_user(client, assessor_a).get(page).content.decode()
    assert "抓落实有力" in own and "88" in own and "（匿名）" in own
    assert "党员代表王五" not in own
    assert "党员代表王五" in as_user(client, county_admin).get(page).content.decode()
    url = f"/api/v1/secretary-reviews/secretaries/{reviewee.pk}/"
    mine = api.as_(assessor_a).get(url).json()["scores"]
    assert [(s["reviewer"], s["score"]) for s in mine] == [("", "88.00")]
    organizer = api.as_(county_admin).get(url).json()["scores"]
    assert [s["reviewer"] for s in organizer] == ["党员代表王五"]
