"""The admin cannot close an entry (the workflow fields are read-only there); pairings import
from Excel, all rows or none."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ledgers.models import Pairing
from tests.support.web import as_user

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


def test_pairing_import_all_or_nothing(client, county_admin, assessor_a, village_a1, village_a2):
    url = reverse("pairing_import")
    as_user(client, assessor_a)
    assert client.post(url, {"year": 2026, "file": xlsx([HEAD])}).status_code == 403
    as_user(client, county_admin)
    bad = xlsx(
        [
            HEAD,
            [village_a1.code, "", "赵区长", "副区长", "区财政局", ""],
            ["999", "", "", "", "", ""],
        ]
    )
    response = client.post(url, {"year": 2026, "file": bad})
    assert response.status_code == 400
    html = response.content.decode()
    assert "本县没有该村" in html and "未写入任何数据" in html
    assert not Pairing.objects.exists()
    good = xlsx(
        [
            HEAD,
            [village_a1.code, "七道江村", "赵区长", "副区长", "区财政局", "admin"],
            [village_a2.code, "新兴村", "钱部长", "", "区农业农村局", ""],
        ]
    )
    response = client.post(url, {"year": 2026, "file": good})
    assert response.status_code == 302
    assert Pairing.objects.get(organization=village_a1).leader_user == county_admin
    page = client.get(reverse("pairing_list"), {"year": 2026})
    assert len(page.context["pairings"]) == 2
    not_excel = SimpleUploadedFile("x.xlsx", b"not a zip")
    assert client.post(url, {"year": 2026, "file": not_excel}).status_code == 400
    assert client.get(url).status_code == 405


def test_pairing_list_roles(client, secretary_a1, assessor_a):
    assert as_user(client, secretary_a1).get(reverse("pairing_list")).status_code == 403
    assert as_user(client, assessor_a).get(reverse("pairing_list")).status_code == 200
