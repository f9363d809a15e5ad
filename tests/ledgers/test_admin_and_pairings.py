"""The admin cannot close an entry (the workflow fields are read-only there); pairings import
from Excel, all rows or none."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jobs.models import Job
from ledgers import services
from ledgers.models import Pairing
from organizations.models import AuditLog
from tests.support.web import as_user
from workbooks.kinds import Kind

pytestmark = pytest.mark.django_db


def test_admin_change_cannot_close(client, county_admin, entry):
    county_admin.is_staff = True
    county_admin.save()
    as_user(client, county_admin)
    url = reverse("admin:ledgers_rectification_change", args=[entry.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="status"' not in page.content.decode()
    client.post(
        url,
        {
            "organization": entry.organization_id,
            "problem": entry.problem,
            "measures": entry.measures,
            "standard": "",
            "deadline": "2030-01-01",
            "responsible_person": "x",
            "status": "closed",
            "closed_by": county_admin.pk,
            "closure_evidence": "x",
            "notes-TOTAL_FORMS": "0",
            "notes-INITIAL_FORMS": "0",
        },
    )
    entry.refresh_from_db()
    assert entry.status == "open" and entry.closed_by is None


def xlsx(rows) -> SimpleUploadedFile:
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile("包保.xlsx", out.getvalue())


HEAD = ["区划代码", "村（社区）", "联系领导", "领导职务", "包保部门", "领导账号"]


def _import(client, data, capture):
    with capture(execute=True):
        response = client.post(reverse("pairing_import"), data)
    return response


def test_pairing_import_is_a_job_all_or_nothing(
    client,
    county_admin,
    assessor_a,
    village_a1,
    village_a2,
    media_root,
    django_capture_on_commit_callbacks,
):
    url = reverse("pairing_import")
    as_user(client, assessor_a)
    assert client.post(url, {"year": 2026, "file": xlsx([HEAD])}).status_code == 403
    as_user(client, county_admin)
    missing = client.post(url, {"year": 1900})
    assert missing.status_code == 400
    assert "年度不正确" in missing.content.decode() and not Job.objects.exists()
    bad = xlsx(
        [
            HEAD,
            [village_a1.code, "", "赵区长", "副区长", "区财政局", ""],
            ["999", "", "", "", "", ""],
        ]
    )
    response = _import(client, {"year": 2026, "file": bad}, django_capture_on_commit_callbacks)
    job = Job.objects.get()
    assert response.status_code == 302 and response.url == reverse("job_status", args=[job.pk])
    job.refresh_from_db()
    assert job.kind == Kind.IMPORT_PAIRINGS == services.pairings.IMPORT_KIND
    assert job.status == Job.Status.FAILED and "未写入任何数据" in job.error_message
    assert any(e.get("message") == "本县没有该村" for e in job.errors)
    assert not Pairing.objects.exists()
    good = xlsx(
        [
            HEAD,
            [village_a1.code, "七道江村", "赵区长", "副区长", "区财政局", "admin"],
            [village_a2.code, "新兴村", "钱部长", "", "区农业农村局", ""],
        ]
    )
    _import(client, {"year": 2026, "file": good}, django_capture_on_commit_callbacks)
    job = Job.objects.latest("pk")
    assert job.status == Job.Status.SUCCEEDED and job.counts == {"created": 2, "updated": 0}
    assert Pairing.objects.get(organization=village_a1).leader_user == county_admin
    assert AuditLog.objects.filter(action=AuditLog.Action.IMPORT, object_type="ledgers.Pairing")
    status_page = client.get(reverse("job_status", args=[job.pk])).content.decode()
    assert reverse("pairing_list") + "?year=2026" in status_page
    page = client.get(reverse("pairing_list"), {"year": 2026})
    assert len(page.context["pairings"]) == 2
    not_excel = SimpleUploadedFile("x.xlsx", b"not a zip")
    _import(client, {"year": 2026, "file": not_excel}, django_capture_on_commit_callbacks)
    assert Job.objects.latest("pk").status == Job.Status.FAILED
    assert client.get(url).status_code == 405


def test_pairing_list_roles(client, secretary_a1, assessor_a):
    assert as_user(client, secretary_a1).get(reverse("pairing_list")).status_code == 403
    assert as_user(client, assessor_a).get(reverse("pairing_list")).status_code == 200
