"""Evidence files and the pairing import through the API: the same services as the pages, the
same scope (another township's file is a 404), the same audit, and bad input a 400 naming the
field."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jobs.models import Job
from ledgers import services
from ledgers.models import EvidenceFile, Pairing
from organizations.models import AuditLog
from tests.ledgers.test_admin_and_pairings import HEAD, xlsx
from tests.ledgers.test_evidence import jpeg_with_exif
from tests.support.api import assessment_of, problems

pytestmark = pytest.mark.django_db

EVIDENCE = "/api/v1/evidence/"
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF\n"


def pdf(name: str = "整改报告.pdf", data: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def fields(response) -> set[str]:
    return {p.get("field") for p in problems(response)}


def test_upload_list_download_withdraw(api, assessor_a, secretary_a1, entry, media_root):
    client = api.as_(assessor_a)
    response = client.post(EVIDENCE, {"rectification": entry.pk, "file": pdf()}, format="multipart")
    assert response.status_code == 201, response.json()
    body = response.json()
    evidence = EvidenceFile.objects.get()
    assert body["id"] == evidence.pk and body["kind"] == "pdf" and body["name"] == "整改报告.pdf"
    assert evidence.rectification == entry and evidence.uploaded_by == assessor_a
    created = AuditLog.objects.get(
        action=AuditLog.Action.CREATE, object_type__icontains="evidence", object_id=str(evidence.pk)
    )
    assert created.after["rectification"] == entry.pk

    listed = client.get(EVIDENCE, {"rectification": entry.pk}).json()
    assert [f["id"] for f in listed["results"]] == [evidence.pk]
    assert api.as_(secretary_a1).get(EVIDENCE, {"rectification": entry.pk}).status_code == 200

    download = client.get(body["download_url"])
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == PDF
    assert AuditLog.objects.filter(
        action=AuditLog.Action.EXPORT, object_id=str(evidence.pk)
    ).exists()

    withdraw = f"{EVIDENCE}{evidence.pk}/withdraw/"
    refused = api.as_(secretary_a1).post(withdraw)  # in scope, but not the uploader
    assert refused.status_code == 403 and problems(refused) == []
    assert client.post(withdraw).status_code == 204
    assert EvidenceFile.objects.get().is_active is False
    assert client.get(EVIDENCE, {"rectification": entry.pk}).json()["results"] == []
    assert client.get(body["download_url"]).status_code == 404
    assert AuditLog.objects.filter(
        action=AuditLog.Action.DEACTIVATE, object_id=str(evidence.pk)
    ).exists()


def test_another_townships_file_is_not_found(api, assessor_a, assessor_b, entry, media_root):
    evidence = services.evidence_upload(actor=assessor_a, upload=pdf(), rectification=entry)
    other = api.as_(assessor_b)
    audited = AuditLog.objects.count()
    assert other.get(f"{EVIDENCE}{evidence.pk}/download/").status_code == 404
    assert other.post(f"{EVIDENCE}{evidence.pk}/withdraw/").status_code == 404
    assert other.get(EVIDENCE, {"rectification": entry.pk}).status_code == 404
    response = other.post(EVIDENCE, {"rectification": entry.pk, "file": pdf()}, format="multipart")
    assert response.status_code == 404
    assert AuditLog.objects.count() == audited and EvidenceFile.objects.count() == 1
    assert EvidenceFile.objects.get().is_active


def test_item_evidence_by_assessment_and_code(api, secretary_a1, round_2024, village_a1):
    a1 = assessment_of(round_2024, village_a1)
    client = api.as_(secretary_a1)
    photo = SimpleUploadedFile("现场.jpg", jpeg_with_exif())
    response = client.post(
        EVIDENCE, {"assessment": a1.pk, "item": "SJ01", "file": photo}, format="multipart"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["item_code"] == "SJ01" and response.json()["kind"] == "jpeg"
    listed = client.get(EVIDENCE, {"assessment": a1.pk, "item": "SJ01"}).json()["results"]
    assert [f["item_code"] for f in listed] == ["SJ01"]
    wrong = client.post(
        EVIDENCE, {"assessment": a1.pk, "item": "XX99", "file": pdf()}, format="multipart"
    )
    assert wrong.status_code == 400 and fields(wrong) == {"item"}
    assert "不是本轮的指标" in str(problems(wrong))


def test_bad_input_is_a_400_naming_the_field(
    api, assessor_a, entry, round_2024, village_a1, settings, media_root
):
    client = api.as_(assessor_a)

    def post(data):
        return client.post(EVIDENCE, data, format="multipart")

    exe = post({"rectification": entry.pk, "file": pdf("报告.pdf", b"MZ\x90\x00 an exe")})
    assert exe.status_code == 400 and fields(exe) == {"file"}
    assert "按文件内容识别" in exe.json()["message"]
    settings.EVIDENCE_MAX_BYTES = len(PDF) - 1
    large = post({"rectification": entry.pk, "file": pdf()})
    assert large.status_code == 400 and fields(large) == {"file"}
    assert "文件超过" in large.json()["message"]
    settings.EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
    none = post({"file": pdf()})
    assert none.status_code == 400
    assert fields(none) == {"assessment", "finding", "rectification", "visit", "objection"}
    assert "须填写其中一项" in str(problems(none))
    two = post({"rectification": entry.pk, "visit": 1, "file": pdf()})
    assert two.status_code == 400 and fields(two) == {"rectification", "visit"}
    assert "只能填写其中一项" in str(problems(two))
    a1 = assessment_of(round_2024, village_a1)
    half = post({"assessment": a1.pk, "file": pdf()})
    assert half.status_code == 400 and fields(half) == {"item"}
    no_file = post({"rectification": entry.pk})
    assert no_file.status_code == 400 and fields(no_file) == {"file"}
    assert client.get(EVIDENCE).status_code == 400  # a list is of one target too
    assert not EvidenceFile.objects.exists()


def test_wrong_roles_are_refused(api, maintainer, auditor, entry, media_root):
    assert api.get(EVIDENCE).status_code == 401
    assert api.as_(maintainer).get(EVIDENCE, {"rectification": entry.pk}).status_code == 403
    response = api.as_(auditor).post(
        EVIDENCE, {"rectification": entry.pk, "file": pdf()}, format="multipart"
    )
    assert response.status_code == 403  # reads the ledger, uploads nothing
    assert not EvidenceFile.objects.exists()


IMPORT = "/api/v1/pairings/import/"


def test_pairing_import_job_from_the_api(
    api,
    county_admin,
    assessor_a,
    evaluator,
    village_a1,
    media_root,
    django_capture_on_commit_callbacks,
):
    good = xlsx([HEAD, [village_a1.code, "七道江村", "赵区长", "副区长", "区财政局", ""]])
    assert api.as_(assessor_a).post(IMPORT, {"year": 2026, "file": good}).status_code == 403
    assert api.as_(evaluator).post(IMPORT, {"year": 2026, "file": good}).status_code == 403
    client = api.as_(county_admin)
    missing = client.post(IMPORT, {"year": 2026}, format="multipart")
    assert missing.status_code == 400 and fields(missing) == {"file"}
    bad_year = client.post(IMPORT, {"year": 1900, "file": good}, format="multipart")
    assert bad_year.status_code == 400 and fields(bad_year) == {"year"}
    assert not Job.objects.exists()

    good.seek(0)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(IMPORT, {"year": 2026, "file": good}, format="multipart")
    assert response.status_code == 202, response.json()
    body = response.json()
    job = Job.objects.get()
    assert body == {
        "id": job.pk,
        "kind": "import_pairings",
        "status": "queued",
        "status_url": f"/jobs/{job.pk}/",
    }
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED and job.counts == {"created": 1, "updated": 0}
    assert Pairing.objects.get(organization=village_a1, year=2026).department == "区财政局"
    assert AuditLog.objects.filter(
        action=AuditLog.Action.IMPORT, object_type__icontains="job"
    ).exists()
