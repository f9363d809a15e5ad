"""述职评议 corrections and the report file: a wrong 现场测评 score is withdrawn (kept, marked,
with the reason, audited, out of the averages) and entered again while the session is open; the
written report is uploaded as a file (checked and stored like the ledger's evidence) and served
only to those who may read that secretary's review; after closing, the session page shows each
problem's ledger entries with their 销号 status and the open/closed/overdue tally. Each role,
another township, another county, anonymous, bad input naming the field, the closed session."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from ledgers import services as ledger_services
from ledgers.models import Rectification
from organizations.models import AuditLog
from secretaries import selectors, services
from secretaries.models import ReviewReportFile, ReviewScore, ReviewSession
from starrating.errors import Conflict, InvalidInput, NotPermitted
from tests.conftest import audit_rows
from tests.secretaries.conftest import reviewee_of
from tests.support.api import problems
from tests.support.web import as_user

pytestmark = pytest.mark.django_db

LATER = (timezone.localdate() + datetime.timedelta(days=60)).isoformat()
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF\n"
BASE = "/api/v1/secretary-reviews/"


def pdf(name: str = "述职报告.pdf", data: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def png() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(out, "PNG")
    return SimpleUploadedFile("报告照片.png", out.getvalue())


def xlsx() -> SimpleUploadedFile:
    out = io.BytesIO()
    openpyxl.Workbook().save(out)
    return SimpleUploadedFile("报告.xlsx", out.getvalue())


def fields_of(error) -> list[str]:
    return [e["field"] for e in error.value.errors]


def _result(session, reviewee):
    fresh = selectors.reviewees_for_user(session.created_by, session).get(pk=reviewee.pk)
    return selectors.results(ReviewSession.objects.get(pk=session.pk), [fresh])[0]


def _scores(admin, reviewee):
    add = lambda group, reviewer, score: services.score_add(  # noqa: E731
        actor=admin, reviewee=reviewee, group=group, reviewer=reviewer, score=score
    )
    add("leaders", "县委书记", "92")
    wrong = add("leaders", "县委副书记", "60")  # meant 88
    add("members", "党员代表甲", "80")
    add("public", "群众代表甲", "80")
    return wrong


# --- withdrawing a score -------------------------------------------------------------------


def test_withdraw_a_score_and_enter_it_again(open_review, county_admin, township_a):
    a = reviewee_of(open_review, township_a)
    wrong = _scores(county_admin, a)
    before = _result(open_review, a)
    # leaders (92+60)/2 = 76 → 0.4×76 + 0.3×80 + 0.3×80 = 78.40 → 一般
    assert (before.averages["leaders"], before.counts["leaders"]) == (Decimal("76.00"), 2)
    assert (before.score, before.grade) == (Decimal("78.40"), "fair")
    with pytest.raises(Conflict):  # a second score of the same reviewer is still refused
        services.score_add(
            actor=county_admin, reviewee=a, group="leaders", reviewer="县委副书记", score="88"
        )

    row = services.score_withdraw(actor=county_admin, score=wrong, reason="录入错误，应为88分")
    assert row.is_withdrawn and row.withdrawn_by == county_admin
    kept = ReviewScore.objects.get(pk=wrong.pk)  # kept, marked, with the reason
    assert kept.score == Decimal("60") and kept.withdraw_reason == "录入错误，应为88分"
    audit = audit_rows(kept, AuditLog.Action.DEACTIVATE).get()
    assert audit.reason == "录入错误，应为88分" and audit.before["score"] == "60.00"
    assert audit.after["withdraw_reason"] == "录入错误，应为88分"
    middle = _result(open_review, a)
    # leaders 92 alone → 0.4×92 + 48 = 84.80 → 较好
    assert (middle.averages["leaders"], middle.counts["leaders"]) == (Decimal("92.00"), 1)
    assert (middle.score, middle.grade) == (Decimal("84.80"), "good")

    again = services.score_add(
        actor=county_admin, reviewee=a, group="leaders", reviewer="县委副书记", score="88"
    )
    after = _result(open_review, a)
    # leaders (92+88)/2 = 90 → 36 + 48 = 84.00
    assert (after.averages["leaders"], after.counts["leaders"]) == (Decimal("90.00"), 2)
    assert after.score == Decimal("84.00")
    assert ReviewScore.objects.filter(reviewee=a).count() == 5
    assert not again.is_withdrawn

    # Closing freezes the result without the withdrawn score; the session is then locked.
    services.session_close(actor=county_admin, session=open_review)
    a.refresh_from_db()
    assert (a.score, a.grade) == (Decimal("84.00"), "good")
    again = ReviewScore.objects.select_related("reviewee__session").get(pk=again.pk)
    with pytest.raises(Conflict):
        services.score_withdraw(actor=county_admin, score=again, reason="结束后改分")
    assert not ReviewScore.objects.get(pk=again.pk).is_withdrawn


def test_withdraw_by_role_scope_and_bad_input(
    open_review, county_admin, assessor_a, assessor_b, auditor, county_admin2, township_a
):
    a = reviewee_of(open_review, township_a)
    wrong = _scores(county_admin, a)
    # The reviewed township itself, the auditor: in scope, but not the organizer.
    for user in (assessor_a, auditor):
        score = selectors.score_get_for_user(user=user, pk=wrong.pk)
        with pytest.raises(NotPermitted):
            services.score_withdraw(actor=user, score=score, reason="x")
    # Another township and another county do not see it at all.
    for user in (assessor_b, county_admin2):
        with pytest.raises(Http404):
            selectors.score_get_for_user(user=user, pk=wrong.pk)
    with pytest.raises(NotPermitted):
        services.score_withdraw(actor=county_admin2, score=wrong, reason="x")
    score = selectors.score_get_for_user(user=county_admin, pk=wrong.pk)
    for reason in ("", "  ", "长" * 301):
        with pytest.raises(InvalidInput) as bad:
            services.score_withdraw(actor=county_admin, score=score, reason=reason)
        assert fields_of(bad) == ["reason"]
    assert not ReviewScore.objects.get(pk=wrong.pk).is_withdrawn
    services.score_withdraw(actor=county_admin, score=score, reason="重复录入")
    with pytest.raises(Conflict):
        services.score_withdraw(actor=county_admin, score=score, reason="再撤一次")
    assert audit_rows(wrong, AuditLog.Action.DEACTIVATE).count() == 1


# --- the report file ------------------------------------------------------------------------


def test_report_file_upload_replace_and_scope(
    review,
    county_admin,
    assessor_a,
    assessor_b,
    auditor,
    secretary_a1,
    county_admin2,
    auditor2,
    township_a,
    media_root,
):
    a = reviewee_of(review, township_a)
    first = services.report_file_upload(actor=assessor_a, reviewee=a, upload=pdf())
    assert (first.kind, first.name, first.size) == ("pdf", "述职报告.pdf", len(PDF))
    assert first.file.name.startswith("review-reports/") and "述职" not in first.file.name
    assert (media_root / "private" / first.file.name).read_bytes() == PDF
    assert audit_rows(first, AuditLog.Action.CREATE).get().after["sha256"] == first.sha256
    a.refresh_from_db()
    assert a.report_at is not None
    # The organizer may enter the paper report; the new file replaces the current one (kept).
    second = services.report_file_upload(actor=county_admin, reviewee=a, upload=png())
    assert second.kind == "png"
    assert list(ReviewReportFile.objects.filter(reviewee=a, is_active=True)) == [second]
    assert ReviewReportFile.objects.filter(reviewee=a).count() == 2
    replaced = audit_rows(first, AuditLog.Action.DEACTIVATE).get()
    assert replaced.after == {"is_active": False} and replaced.actor == county_admin

    for user in (county_admin, auditor, assessor_a):
        assert selectors.report_file_get_for_user(user=user, pk=second.pk) == second
    for user in (assessor_b, secretary_a1, county_admin2, auditor2):
        with pytest.raises(Http404):
            selectors.report_file_get_for_user(user=user, pk=second.pk)
    with pytest.raises(Http404):  # the replaced file is no longer served
        selectors.report_file_get_for_user(user=county_admin, pk=first.pk)
    for user in (assessor_b, auditor, county_admin2):
        with pytest.raises(NotPermitted):
            services.report_file_upload(actor=user, reviewee=a, upload=pdf())


def test_report_file_bad_type_size_and_locked(
    open_review, county_admin, assessor_a, township_a, media_root, settings
):
    a = reviewee_of(open_review, township_a)
    for upload, words in (
        (SimpleUploadedFile("报告.pdf", b"just text, named .pdf"), "只能上传PDF、Word、JPEG、PNG"),
        (xlsx(), "只能上传PDF、Word、JPEG、PNG"),  # an Office file, but not a report's kind
        (SimpleUploadedFile("空.pdf", b""), "文件是空的"),
        (None, "请选择文件"),
    ):
        with pytest.raises(InvalidInput) as bad:
            services.report_file_upload(actor=assessor_a, reviewee=a, upload=upload)
        assert fields_of(bad) == ["file"] and words in bad.value.message
    settings.EVIDENCE_MAX_BYTES = len(PDF) - 1
    with pytest.raises(InvalidInput) as bad:
        services.report_file_upload(actor=assessor_a, reviewee=a, upload=pdf())
    assert fields_of(bad) == ["file"] and "文件超过" in bad.value.message
    settings.EVIDENCE_MAX_BYTES = 1024 * 1024
    assert not ReviewReportFile.objects.exists()
    assert not (media_root / "private").exists()  # nothing refused was stored
    services.report_file_upload(actor=assessor_a, reviewee=a, upload=pdf())
    services.session_close(actor=county_admin, session=open_review)
    a = reviewee_of(ReviewSession.objects.get(pk=open_review.pk), township_a)
    with pytest.raises(Conflict):
        services.report_file_upload(actor=assessor_a, reviewee=a, upload=pdf())


# --- pages ----------------------------------------------------------------------------------


def test_pages_withdraw_a_score(
    client, open_review, county_admin, assessor_a, assessor_b, county_admin2, township_a
):
    a = reviewee_of(open_review, township_a)
    wrong = _scores(county_admin, a)
    url = reverse("sr_score_withdraw", args=[wrong.pk])
    assert client.post(url, {"reason": "x"}).status_code == 302  # to the login
    assert as_user(client, assessor_a).post(url, {"reason": "x"}).status_code == 403
    for user in (assessor_b, county_admin2):
        assert as_user(client, user).post(url, {"reason": "x"}).status_code == 404
    as_user(client, county_admin)
    assert client.get(url).status_code == 405
    bad = client.post(url, {"reason": ""})
    assert bad.status_code == 400 and "请填写撤回原因" in bad.content.decode()
    page = client.get(reverse("sr_secretary", args=[a.pk])).content.decode()
    assert page.count('name="reason"') == 4  # one withdraw form per valid score
    ok = client.post(url, {"reason": "录入错误"})
    assert ok.status_code == 302 and ok.url == reverse("sr_secretary", args=[a.pk])
    html = client.get(ok.url).content.decode()
    assert "已撤回" in html and "录入错误" in html and "<s>60.00</s>" in html
    assert html.count('name="reason"') == 3
    assert "84.80" in html  # the result without the withdrawn score
    # Entered again through the page.
    again = client.post(
        reverse("sr_score", args=[a.pk]),
        {"group": "leaders", "reviewer": "县委副书记", "score": "88"},
    )
    assert again.status_code == 302
    assert "84.00" in client.get(again.url).content.decode()
    services.session_close(actor=county_admin, session=open_review)
    locked = client.get(reverse("sr_secretary", args=[a.pk])).content.decode()
    assert 'name="reason"' not in locked and "已撤回" in locked
    last = ReviewScore.objects.filter(reviewee=a, withdrawn_at__isnull=True).last()
    refused = client.post(reverse("sr_score_withdraw", args=[last.pk]), {"reason": "改分"})
    assert refused.status_code == 409


def test_pages_report_file(
    client,
    review,
    county_admin,
    assessor_a,
    assessor_b,
    auditor,
    secretary_a1,
    county_admin2,
    township_a,
    media_root,
):
    a = reviewee_of(review, township_a)
    upload_url = reverse("sr_report_file", args=[a.pk])
    assert client.post(upload_url, {"file": pdf()}).status_code == 302  # to the login
    assert as_user(client, assessor_b).post(upload_url, {"file": pdf()}).status_code == 404
    assert as_user(client, auditor).post(upload_url, {"file": pdf()}).status_code == 403
    as_user(client, assessor_a)
    page = client.get(reverse("sr_secretary", args=[a.pk])).content.decode()
    assert "尚未上传述职报告文件" in page and 'enctype="multipart/form-data"' in page
    bad = client.post(upload_url, {"file": SimpleUploadedFile("a.pdf", b"not a pdf")})
    assert bad.status_code == 400
    assert "只能上传PDF、Word、JPEG、PNG文件（按文件内容识别）" in bad.content.decode()
    assert client.post(upload_url, {"file": pdf()}).status_code == 302
    row = ReviewReportFile.objects.get()
    download = reverse("sr_report_file_download", args=[row.pk])
    page = client.get(reverse("sr_secretary", args=[a.pk])).content.decode()
    assert download in page and "述职报告.pdf" in page
    session_page = client.get(reverse("sr_detail", args=[review.pk])).content.decode()
    assert "含文件" in session_page
    for user in (assessor_a, county_admin, auditor):
        got = as_user(client, user).get(download)
        assert got.status_code == 200 and got["X-Content-Type-Options"] == "nosniff"
        assert got["Content-Disposition"].startswith("attachment")
        assert b"".join(got.streaming_content) == PDF
    assert audit_rows(row, AuditLog.Action.EXPORT).count() == 3
    for user in (assessor_b, secretary_a1, county_admin2):
        assert as_user(client, user).get(download).status_code == 404
    client.logout()
    assert client.get(download).status_code == 302


def test_closed_session_page_shows_the_ledger_progress(
    client,
    open_review,
    county_admin,
    assessor_a,
    assessor_b,
    township_a,
    township_b,
    django_assert_max_num_queries,
):
    a, b = reviewee_of(open_review, township_a), reviewee_of(open_review, township_b)
    common = services.problem_add(
        actor=county_admin,
        session=open_review,
        kind="common",
        text="软弱涣散整顿推进慢",
        measures="限期整顿",
        deadline=LATER,
        reviewees=[a.pk, b.pk],
    )
    own = services.problem_add(
        actor=county_admin,
        session=open_review,
        kind="individual",
        text="三会一课记录不全",
        measures="补齐记录",
        deadline=LATER,
        reviewees=[a.pk],
    )
    services.session_close(actor=county_admin, session=open_review)
    # After closing: A closes its individual entry; B's common entry goes overdue.
    ledger_services.rectification_close(
        actor=assessor_a, entry=own.rectifications.get(), closure_evidence="记录已补齐"
    )
    Rectification.objects.filter(pk=common.rectifications.get(organization=township_b).pk).update(
        deadline=timezone.localdate() - datetime.timedelta(days=3)
    )
    as_user(client, county_admin)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("sr_detail", args=[open_review.pk]))
    assert response.context["tally"] == selectors.LedgerTally(total=3, closed=1, open=2, overdue=1)
    html = response.content.decode()
    assert 'id="sr-ledger-tally"' in html and "已锁定" in html
    assert f"{township_a.name} 已销号" in html and f"{township_b.name} 已逾期" in html
    assert f"{township_a.name} 待整改" in html
    for entry in Rectification.objects.all():
        assert reverse("ledger_detail", args=[entry.pk]) in html
    # Township B sees its own entry of the common problem only.
    as_user(client, assessor_b)
    mine = client.get(reverse("sr_detail", args=[open_review.pk]))
    assert mine.context["tally"] == selectors.LedgerTally(total=1, closed=0, open=1, overdue=1)
    assert township_a.name + " 已销号" not in mine.content.decode()


# --- API ------------------------------------------------------------------------------------


def test_api_withdraw_a_score(
    api, open_review, county_admin, assessor_a, assessor_b, county_admin2, township_a
):
    a = reviewee_of(open_review, township_a)
    wrong = _scores(county_admin, a)
    url = f"{BASE}scores/{wrong.pk}/withdraw/"
    assert api.post(url, {"reason": "x"}, format="json").status_code == 401
    assert api.as_(assessor_a).post(url, {"reason": "x"}, format="json").status_code == 403
    for user in (assessor_b, county_admin2):
        assert api.as_(user).post(url, {"reason": "x"}, format="json").status_code == 404
    client = api.as_(county_admin)
    assert client.get(url).status_code == 405
    bad = client.post(url, {}, format="json")
    assert bad.status_code == 400 and [p["field"] for p in problems(bad)] == ["reason"]
    ok = client.post(url, {"reason": "录入错误"}, format="json")
    assert ok.status_code == 200, ok.json()
    assert ok.json()["is_withdrawn"] is True and ok.json()["withdraw_reason"] == "录入错误"
    body = client.get(f"{BASE}secretaries/{a.pk}/").json()
    assert body["result"]["score"] == "84.80"
    assert [s["is_withdrawn"] for s in body["scores"]].count(True) == 1
    assert client.post(url, {"reason": "再撤"}, format="json").status_code == 409
    again = client.post(
        f"{BASE}secretaries/{a.pk}/scores/",
        {"group": "leaders", "reviewer": "县委副书记", "score": "88"},
        format="json",
    )
    assert again.status_code == 201
    services.session_close(actor=county_admin, session=open_review)
    locked = client.post(
        f"{BASE}scores/{again.json()['id']}/withdraw/", {"reason": "改分"}, format="json"
    )
    assert locked.status_code == 409


def test_api_report_file(
    api, open_review, county_admin, assessor_a, assessor_b, auditor2, township_a, media_root
):
    a = reviewee_of(open_review, township_a)
    url = f"{BASE}secretaries/{a.pk}/report-file/"
    assert api.post(url, {"file": pdf()}, format="multipart").status_code == 401
    assert api.as_(assessor_b).post(url, {"file": pdf()}, format="multipart").status_code == 404
    client = api.as_(assessor_a)
    assert client.get(url).status_code == 405
    bad = client.post(url, {"file": SimpleUploadedFile("x.pdf", b"text")}, format="multipart")
    assert bad.status_code == 400 and [p["field"] for p in problems(bad)] == ["file"]
    assert "只能上传PDF、Word、JPEG、PNG" in bad.json()["message"]
    missing = client.post(url, {}, format="multipart")
    assert missing.status_code == 400 and "请选择文件" in missing.json()["message"]
    ok = client.post(url, {"file": pdf()}, format="multipart")
    assert ok.status_code == 201, ok.json()
    body = ok.json()
    assert body["kind"] == "pdf" and body["name"] == "述职报告.pdf"
    assert client.get(f"{BASE}secretaries/{a.pk}/").json()["report_file"]["id"] == body["id"]
    (row,) = client.get(f"{BASE}{open_review.pk}/").json()["results"]
    assert row["has_report"] is True and row["has_report_file"] is True  # no text, a file
    got = client.get(body["download_url"])
    assert got.status_code == 200 and got["Content-Type"] == "application/pdf"
    assert b"".join(got.streaming_content) == PDF
    assert api.as_(county_admin).get(body["download_url"]).status_code == 200
    for user in (assessor_b, auditor2):
        assert api.as_(user).get(body["download_url"]).status_code == 404
    assert api.get(body["download_url"]).status_code == 401
    services.session_close(actor=county_admin, session=open_review)
    locked = api.as_(assessor_a).post(url, {"file": pdf()}, format="multipart")
    assert locked.status_code == 409


# --- what each role sees (found walking the demo) -------------------------------------------


def test_a_village_secretary_meets_no_dead_end(
    client, assessor_a, secretary_a1, village_a1, year, media_root
):
    """No link to 书记项目 or the export (both 403 for a village secretary); the own report file
    is uploaded and read back; last year's sessions are one click away."""
    last = services.session_create(
        actor=assessor_a,
        level="village",
        year=year - 1,
        title="去年村书记述职",
        held_on="2024-01-10",
    )
    session = services.session_create(
        actor=assessor_a, level="village", year=year, title="村书记述职", held_on="2024-01-10"
    )
    as_user(client, secretary_a1)
    listed = client.get(reverse("sr_list")).content.decode()
    assert reverse("sp_list") not in listed
    assert f'href="{reverse("sr_list")}?year={year - 1}"' in listed and "（1次）" in listed
    assert reverse("sr_detail", args=[last.pk]) not in listed
    page = client.get(reverse("sr_detail", args=[session.pk])).content.decode()
    assert reverse("sr_export", args=[session.pk]) not in page and "筹备中：" in page
    assert client.get(reverse("sr_export", args=[session.pk])).status_code == 403
    mine = reviewee_of(session, village_a1)
    uploaded = client.post(reverse("sr_report_file", args=[mine.pk]), {"file": pdf()})
    assert uploaded.status_code == 302
    html = client.get(uploaded.url).content.decode()
    row = ReviewReportFile.objects.get()
    assert reverse("sr_report_file_download", args=[row.pk]) in html
    assert client.get(reverse("sr_report_file_download", args=[row.pk])).status_code == 200
    as_user(client, assessor_a)
    own = client.get(reverse("sr_detail", args=[session.pk])).content.decode()
    assert reverse("sr_export", args=[session.pk]) in own
    assert reverse("sp_list") in client.get(reverse("sr_list")).content.decode()
