"""History that survives (issue 14, item 5): previous years' published levels imported from
Excel — every problem named by row and column, nothing written on any; stored with its source;
rule 10 falls back to it when the county has no earlier published round here; page and API
(the STYLE checklist), the import runs as a job."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments import services
from assessments.models import HistoryImport, PublishedLevel, Round
from assessments.services import HistoryRow
from jobs.models import Job
from organizations.models import AuditLog
from starrating.errors import InvalidInput, NotPermitted
from tests.conftest import assessment_of, move_to, submit_county
from tests.support.web import as_user
from workbooks.history import read_history

pytestmark = pytest.mark.django_db

HEAD = ["区划代码", "村（社区）名称", "年度", "星级"]


def xlsx(rows, name="历年星级.xlsx") -> SimpleUploadedFile:
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile(name, out.getvalue())


def row(n, code, year, level, name="") -> HistoryRow:
    return HistoryRow(
        sheet="历年星级",
        row=n,
        code=code,
        name=name,
        year=year,
        level=level,
        columns={"code": "A", "name": "B", "year": "C", "level": "D"},
    )


def test_import_stores_levels_with_their_source(county_admin, village_a1, village_a2):
    counts = services.history_import(
        actor=county_admin,
        rows=[row(2, village_a1.code, 2023, "3星"), row(3, village_a2.code, "2023", 4)],
        source="2023年度星级.xlsx",
    )
    assert counts == {"villages": 2, "created": 2}
    source = HistoryImport.objects.get()
    assert (source.file_name, source.imported_by, source.years) == (
        "2023年度星级.xlsx",
        county_admin,
        [2023],
    )
    assert dict(PublishedLevel.objects.values_list("organization__code", "level")) == {
        village_a1.code: 3,
        village_a2.code: 4,
    }
    assert AuditLog.objects.filter(
        action=AuditLog.Action.IMPORT, object_type="assessments.HistoryImport"
    ).exists()


def test_every_problem_is_named_by_row_and_column_and_nothing_is_written(
    county_admin, village_a1, village_a2, village2, published_2024
):
    rows = [
        row(2, village_a1.code, 2023, 3),  # fine on its own
        row(3, "220602999999", 2023, 3),  # no village of the county
        row(4, village2.code, 2023, 3),  # the other county's village
        row(5, village_a2.code, 1999, 3),  # year too early
        row(6, village_a2.code, 2022, 6),  # level out of range
        row(7, village_a1.code, 2023, 2),  # duplicate of row 2
        row(8, village_a2.code, 2024, 3),  # 2024 is published here
        row(9, village_a2.code, 2021, 2, name="别的村"),  # the name does not match the code
        row(10, "", "", ""),
    ]
    with pytest.raises(InvalidInput) as caught:
        services.history_import(actor=county_admin, rows=rows, source="bad.xlsx")
    found = {(e["row"], e["column"]) for e in caught.value.errors}
    assert found >= {
        (3, "A"),
        (4, "A"),
        (5, "C"),
        (6, "D"),
        (7, "A"),
        (8, "C"),
        (9, "B"),
        (10, "A"),
        (10, "C"),
        (10, "D"),
    }
    assert (2, "A") not in found
    messages = " ".join(e["message"] for e in caught.value.errors)
    assert "第7行A列（区划代码）：与第2行重复" in messages
    assert "第3行A列（区划代码）：不是本区县的村（社区）" in messages
    assert not HistoryImport.objects.exists() and not PublishedLevel.objects.exists()


def test_history_is_never_overwritten(county_admin, village_a1):
    services.history_import(actor=county_admin, rows=[row(2, village_a1.code, 2023, 3)], source="a")
    with pytest.raises(InvalidInput) as caught:
        services.history_import(
            actor=county_admin, rows=[row(2, village_a1.code, 2023, 1)], source="b"
        )
    assert "已导入（来源：a）" in caught.value.errors[0]["message"]
    assert PublishedLevel.objects.get().level == 3


def test_only_a_county_admin_imports(auditor, assessor_a, village_a1):
    for user in (auditor, assessor_a):
        with pytest.raises(NotPermitted):
            services.history_import(actor=user, rows=[row(2, village_a1.code, 2023, 3)], source="")


def test_rule_10_falls_back_to_history_in_the_first_year(
    round_2024, county_admin, catalogue, village_a1, village_a2
):
    """No published round before 2024 here: without history every village is "new" (cap 5);
    with 2023 imported, A1 (2 stars in 2023) is limited to 3 and A2 (absent) stays new."""
    move_to(round_2024, Round.Status.COUNTY_REVIEW)
    submit_county(county_admin, round_2024, village_a1, catalogue, "0.95")
    submit_county(county_admin, round_2024, village_a2, catalogue, "0.95")
    a1 = assessment_of(round_2024, village_a1)
    assert (a1.previous_level, a1.level) == (None, 5)

    services.history_import(actor=county_admin, rows=[row(2, village_a1.code, 2023, 2)], source="x")
    a1.refresh_from_db()
    a2 = assessment_of(round_2024, village_a2)
    assert (a1.previous_level, a1.level, a1.change) == (2, 3, 1)
    assert (a2.previous_level, a2.level) == (None, 5)


def test_a_published_round_wins_over_older_history(
    round_2025, published_2024, county_admin, catalogue, village_a2
):
    """2025 reads 2024 (published here: A2 at 4), not 2023's imported history."""
    services.history_import(actor=county_admin, rows=[row(2, village_a2.code, 2023, 1)], source="x")
    submit_county(county_admin, round_2025, village_a2, catalogue, "0.95")
    assert assessment_of(round_2025, village_a2).previous_level == 4


# --- the workbook, the page and the job -------------------------------------------------------


def test_template_round_trip(client, county_admin, village_a1, village_a2, tmp_path):
    as_user(client, county_admin)
    response = client.get(reverse("history_template"))
    assert response.status_code == 200
    path = tmp_path / "t.xlsx"
    path.write_bytes(response.content)
    wb = openpyxl.load_workbook(path)
    ws = wb["历年星级"]
    codes = [ws.cell(r, 1).value for r in range(2, ws.max_row + 1)]
    assert village_a1.code in codes and village_a2.code in codes
    ws.cell(codes.index(village_a1.code) + 2, 3, 2023)
    ws.cell(codes.index(village_a1.code) + 2, 4, "4星")
    wb.save(path)
    rows, errors = read_history(path)
    assert errors == [] and [(r.code, r.year, r.level) for r in rows] == [
        (village_a1.code, 2023, "4星")
    ]


def _upload(client, data, capture):
    with capture(execute=True):
        return client.post(reverse("history_import"), data)


def test_page_imports_as_a_job_all_or_nothing(
    client, county_admin, village_a1, django_capture_on_commit_callbacks, media_root
):
    as_user(client, county_admin)
    page = client.get(reverse("history_import"))
    assert page.status_code == 200 and 'id="history-template"' in page.content.decode()
    missing = client.post(reverse("history_import"), {})
    assert missing.status_code == 400 and "请选择要上传的Excel文件" in missing.content.decode()

    bad = xlsx([HEAD, [village_a1.code, "", 2023, 9]])
    response = _upload(client, {"file": bad}, django_capture_on_commit_callbacks)
    job = Job.objects.get()
    assert response.url == reverse("job_status", args=[job.pk])
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert any(e.get("row") == 2 and e.get("column") == "D" for e in job.errors)
    assert not PublishedLevel.objects.exists()

    good = xlsx([HEAD, [village_a1.code, village_a1.name, 2023, 3]])
    _upload(client, {"file": good}, django_capture_on_commit_callbacks)
    job = Job.objects.latest("pk")
    assert job.status == Job.Status.SUCCEEDED, job.errors
    html = client.get(reverse("history_import")).content.decode()
    assert "历年星级.xlsx" in html and village_a1.name in html


def test_page_checklist(client, county_admin, assessor_a, secretary_a1, auditor):
    url = reverse("history_import")
    assert client.get(url).status_code == 302  # anonymous
    for user in (assessor_a, secretary_a1):
        as_user(client, user)
        assert client.get(url).status_code == 403
        assert client.get(reverse("history_template")).status_code == 403
        client.logout()
    as_user(client, auditor)  # reads the sources, cannot upload
    assert client.get(url).status_code == 200
    assert client.post(url, {"file": xlsx([HEAD])}).status_code == 403
    client.logout()
    as_user(client, county_admin)
    assert client.put(url).status_code == 405


# --- the API ---------------------------------------------------------------------------------


def test_api_import_list_levels_and_template(
    api,
    county_admin,
    county_admin2,
    assessor_a,
    village_a1,
    django_capture_on_commit_callbacks,
    media_root,
    django_assert_max_num_queries,
):
    client = api.as_(county_admin)
    good = xlsx([HEAD, [village_a1.code, "", 2023, 3]])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/history/import/", {"file": good}, format="multipart")
    assert response.status_code == 202 and response.json()["kind"] == "import_history"
    assert Job.objects.get().status == Job.Status.SUCCEEDED
    with django_assert_max_num_queries(6):
        imports = client.get("/api/v1/history/imports/").json()
    assert imports["results"][0]["file_name"] == "历年星级.xlsx"
    levels = client.get("/api/v1/history/levels/?year=2023").json()
    assert [(r["organization_code"], r["level"]) for r in levels["results"]] == [
        (village_a1.code, 3)
    ]
    assert client.get("/api/v1/history/levels/?year=abc").status_code == 400
    assert client.get("/api/v1/history/template/").status_code == 200
    # Scope: the other county sees none of it; a township assessor sees its villages' levels.
    assert api.as_(county_admin2).get("/api/v1/history/levels/").json()["count"] == 0
    assert api.as_(county_admin2).get("/api/v1/history/imports/").json()["count"] == 0
    assert api.as_(assessor_a).get("/api/v1/history/levels/").json()["count"] == 1


def test_api_checklist(api, county_admin, assessor_a):
    assert api.get("/api/v1/history/imports/").status_code in (401, 403)
    refused = api.as_(assessor_a).post(
        "/api/v1/history/import/", {"file": xlsx([HEAD])}, format="multipart"
    )
    assert refused.status_code == 403
    assert api.as_(assessor_a).get("/api/v1/history/template/").status_code == 403
    missing = api.as_(county_admin).post("/api/v1/history/import/", {}, format="multipart")
    assert missing.status_code == 400
    assert api.as_(county_admin).get("/api/v1/history/import/").status_code == 405
    assert not Job.objects.exists()
