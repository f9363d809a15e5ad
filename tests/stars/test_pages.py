"""The 创星晋级 pages walk STYLE.md's checklist: works · anonymous · other township / county
404 · wrong role 403 · bad input 400 with the Chinese message · wrong method 405."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from stars.models import Ladder, PartyMember, PointEntry, PointsTable
from tests.support.web import as_user

from .conftest import YEAR, item

pytestmark = pytest.mark.django_db


def test_ranking_page_checklist(
    client,
    tables,
    pending_a1,
    approver,
    assessor_a,
    assessor_b,
    maintainer,
    township2,
    django_assert_max_num_queries,
):
    url = reverse("star_ranking")
    assert client.get(url).status_code == 302
    as_user(client, approver).post(reverse("star_entry_approve", args=[pending_a1.pk]))
    as_user(client, assessor_a)
    with django_assert_max_num_queries(15):
        response = client.get(url, {"ladder": "member", "year": YEAR})
    assert response.status_code == 200
    html = response.content.decode()
    assert "王红" in html and "data-print" in html
    assert client.get(url, {"township": township2.pk}).status_code == 404
    assert "王红" not in as_user(client, assessor_b).get(url).content.decode()
    assert client.post(url).status_code == 405
    assert as_user(client, maintainer).get(url).status_code == 403
    for ladder in ("branch", "committee"):
        assert as_user(client, approver).get(url, {"ladder": ladder}).status_code == 200


def test_summary_page(client, tables, pending_a1, approver, assessor_a, maintainer):
    as_user(client, approver).post(reverse("star_entry_approve", args=[pending_a1.pk]))
    response = as_user(client, assessor_a).get(reverse("star_summary"), {"year": YEAR})
    assert response.status_code == 200
    month = timezone.localdate().month
    assert response.context["monthly"][month - 1]["entries"] == 1
    assert as_user(client, maintainer).get(reverse("star_summary")).status_code == 403


def test_entry_page_record_and_approve(client, tables, assessor_a, approver, member_a1, auditor):
    url = reverse("star_entry_create")
    post = {
        "subject": f"m:{member_a1.pk}",
        "item": item(tables, Ladder.MEMBER, "G05").pk,
        "occurred_on": timezone.localdate().isoformat(),
        "description": "无偿献血",
        "evidence_file": SimpleUploadedFile(
            "献血证.pdf", b"%PDF-1.4", content_type="application/pdf"
        ),
    }
    assert as_user(client, auditor).post(url, post).status_code == 403
    response = as_user(client, assessor_a).post(url, post)
    assert response.status_code == 302
    entry = PointEntry.objects.get()
    assert entry.evidence_file.name.endswith(".pdf")
    html = client.get(reverse("star_entries")).content.decode()
    assert "无偿献血" in html and "待审核" in html
    evidence = reverse("star_entry_evidence", args=[entry.pk])
    assert evidence in html and client.get(evidence).status_code == 200
    assert client.get(url).status_code == 405
    response = as_user(client, approver).post(
        reverse("star_entry_reject", args=[entry.pk]), {"reason": ""}
    )
    assert response.status_code == 400 and "请填写退回原因" in response.content.decode()
    assert client.post(reverse("star_entry_approve", args=[entry.pk])).status_code == 302
    entry.refresh_from_db()
    assert entry.status == PointEntry.Status.APPROVED and entry.decided_by == approver


def test_entry_page_bad_input_and_scope(
    client, tables, assessor_a, assessor_b, pending_a1, county_admin
):
    response = as_user(client, assessor_a).post(
        reverse("star_entry_create"),
        {
            "subject": f"m:{pending_a1.member_id}",
            "item": item(tables, Ladder.MEMBER, "G01").pk,
            "occurred_on": "明天",
            "description": "",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "日期格式应为YYYY-MM-DD" in html and "请填写所做工作" in html
    assert (
        as_user(client, assessor_b)
        .post(reverse("star_entry_approve", args=[pending_a1.pk]))
        .status_code
        == 404
    )
    response = as_user(client, county_admin).post(
        reverse("star_entry_approve", args=[pending_a1.pk])
    )
    assert response.status_code == 302  # county_admin did not record it: a second person
    response = as_user(client, assessor_a).post(reverse("star_entry_approve", args=[pending_a1.pk]))
    assert response.status_code == 403


def register_file(rows) -> SimpleUploadedFile:
    wb = Workbook()
    wb.active.append(["姓名", "党员类别", "所在支部代码"])
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile("名册.xlsx", out.getvalue())


def test_members_page_and_import(
    client, assessor_a, secretary_a1, village_a1, village_b1, member_b1
):
    url = reverse("star_members")
    response = as_user(client, assessor_a).get(url)
    assert response.status_code == 200 and "李明" not in response.content.decode()
    bad = register_file([["张三", "农村", village_b1.code]])
    response = client.post(reverse("star_member_import"), {"file": bad})
    assert response.status_code == 400
    assert (
        "第2行" in response.content.decode()
        and "支部不存在或不在您的管辖范围内" in response.content.decode()
    )
    good = register_file([["张三", "农村", village_a1.code]])
    assert client.post(reverse("star_member_import"), {"file": good}).status_code == 302
    assert PartyMember.objects.filter(branch=village_a1, name="张三").exists()
    assert (
        as_user(client, secretary_a1)
        .post(reverse("star_member_import"), {"file": good})
        .status_code
        == 403
    )
    assert client.get(url).status_code == 200  # a secretary reads own branch


def test_tables_page(client, county_admin, assessor_a, county_admin2, tables):
    assert as_user(client, assessor_a).get(reverse("star_tables")).status_code == 200
    assert client.post(reverse("star_tables_copy"), {"year": YEAR + 1}).status_code == 403
    response = as_user(client, county_admin).post(
        reverse("star_tables_copy"), {"year": YEAR + 1, "from_year": YEAR}
    )
    assert response.status_code == 302
    assert PointsTable.objects.filter(year=YEAR + 1).count() == 3
    table = tables[Ladder.BRANCH]
    response = client.post(
        reverse("star_thresholds", args=[table.pk]), {f"star_{n}": "1" for n in range(1, 6)}
    )
    assert response.status_code == 400 and "分数线必须逐档递增" in response.content.decode()
    assert (
        as_user(client, county_admin2)
        .post(reverse("star_thresholds", args=[table.pk]), {})
        .status_code
        == 404
    )


def test_handbook_download(client, tables, pending_a1, assessor_a, assessor_b, village_a1):
    response = as_user(client, assessor_a).get(
        reverse("star_handbook"), {"member": pending_a1.member_id}
    )
    assert response.status_code == 200 and response["Content-Type"].endswith("sheet")
    assert client.get(reverse("star_handbook"), {"organization": village_a1.pk}).status_code == 200
    assert client.get(reverse("star_handbook")).status_code == 400
    assert (
        as_user(client, assessor_b)
        .get(reverse("star_handbook"), {"member": pending_a1.member_id})
        .status_code
        == 404
    )
