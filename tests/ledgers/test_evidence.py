"""Evidence files: the type comes from the content, not the name; images are re-encoded
without EXIF; files live under MEDIA_ROOT/private; another township's file is a 404 by every
path (download, withdraw, attach to its objects)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from ledgers import services
from ledgers.models import EvidenceFile
from organizations.models import AuditLog
from starrating.errors import InvalidInput, NotPermitted
from tests.support.web import as_user

pytestmark = pytest.mark.django_db


def jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (40, 30), "red")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N"}  # GPS IFD
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def office(kind: str) -> bytes:
    main = {
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    }[kind]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr(
            "[Content_Types].xml",
            f'<Types><Override PartName="/x" ContentType="{main}"/></Types>',
        )
        z.writestr("word/document.xml", "<w/>")
    return out.getvalue()


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def test_sniffing_by_content():
    assert services.sniff(jpeg_with_exif()) == "jpeg"
    assert services.sniff(b"%PDF-1.7\n...") == "pdf"
    assert services.sniff(office("docx")) == "docx"
    assert services.sniff(office("xlsx")) == "xlsx"
    assert services.sniff(b"MZ\x90\x00 an exe") is None
    plain_zip = io.BytesIO()
    with zipfile.ZipFile(plain_zip, "w") as z:
        z.writestr("a.txt", "x")
    assert services.sniff(plain_zip.getvalue()) is None


def test_a_file_of_the_wrong_type_with_a_right_name_is_refused(assessor_a, entry):
    for name, data in (("photo.jpg", b"<html><script>x</script>"), ("a.pdf", b"MZ\x90")):
        with pytest.raises(InvalidInput) as error:
            services.evidence_upload(
                actor=assessor_a, upload=upload(name, data), rectification=entry
            )
        assert "按文件内容识别" in error.value.message
    assert not EvidenceFile.objects.exists()


def test_images_are_reencoded_without_metadata_and_stored_privately(assessor_a, entry, media_root):
    evidence = services.evidence_upload(
        actor=assessor_a, upload=upload("现场.jpeg", jpeg_with_exif()), rectification=entry
    )
    path = Path(evidence.file.path)
    assert path.is_relative_to(media_root / "private")
    with Image.open(path) as stored:
        assert not stored.getexif()
    assert evidence.kind == "jpeg" and evidence.name == "现场.jpg"
    log = AuditLog.objects.get(object_type="ledgers.EvidenceFile", object_id=str(evidence.pk))
    assert log.after["sha256"] == evidence.sha256


def test_size_limit(assessor_a, entry, settings):
    settings.EVIDENCE_MAX_BYTES = 1024
    with pytest.raises(InvalidInput) as error:
        services.evidence_upload(
            actor=assessor_a, upload=upload("a.pdf", b"%PDF-" + b"0" * 2000), rectification=entry
        )
    assert "文件超过" in error.value.message


def test_wrong_role_may_not_upload(auditor, entry):
    with pytest.raises(NotPermitted):
        services.evidence_upload(
            actor=auditor, upload=upload("a.pdf", b"%PDF-1"), rectification=entry
        )


def test_download_is_an_attachment_for_those_in_scope_only(
    client, assessor_a, assessor_b, secretary_a1, county_admin, maintainer, entry
):
    content = office("docx")  # once: a ZIP carries the time it was written
    evidence = services.evidence_upload(
        actor=assessor_a, upload=upload("整改方案.docx", content), rectification=entry
    )
    url = reverse("evidence_download", args=[evidence.pk])
    assert client.get(url).status_code == 302
    assert as_user(client, assessor_b).get(url).status_code == 404
    assert client.post(reverse("evidence_withdraw", args=[evidence.pk])).status_code == 404
    assert as_user(client, maintainer).get(url).status_code == 403
    for user in (assessor_a, secretary_a1, county_admin):
        response = as_user(client, user).get(url)
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content) == content
    assert client.post(url).status_code == 405
    downloads = AuditLog.objects.filter(
        object_type="ledgers.EvidenceFile", action=AuditLog.Action.EXPORT
    )
    assert downloads.count() == 3 and downloads.first().after["name"] == "整改方案.docx"


def test_upload_to_another_townships_objects_is_a_404(client, assessor_b, entry, round_2024):
    as_user(client, assessor_b)
    response = client.post(
        reverse("evidence_upload"),
        {"target": "rectification", "target_id": entry.pk, "file": upload("a.pdf", b"%PDF-1")},
    )
    assert response.status_code == 404
    from tests.conftest import assessment_of

    a1 = assessment_of(round_2024, entry.organization)
    response = client.post(
        reverse("evidence_upload"),
        {"target": "item", "target_id": a1.pk, "item": "SJ01", "file": upload("a.pdf", b"%PDF-1")},
    )
    assert response.status_code == 404
    assert not EvidenceFile.objects.exists()


def test_upload_page_for_an_item_and_its_listing_on_the_sheet(
    client, secretary_a1, round_2024, village_a1
):
    from tests.conftest import assessment_of

    a1 = assessment_of(round_2024, village_a1)
    as_user(client, secretary_a1)
    sheet = reverse("sheet", args=[a1.pk, "self"])
    response = client.post(
        reverse("evidence_upload"),
        {
            "target": "item",
            "target_id": a1.pk,
            "item": "SJ01",
            "next": sheet,
            "file": upload("会议记录.pdf", b"%PDF-1.4 minutes"),
        },
    )
    assert response.status_code == 302 and response.url == sheet
    html = client.get(sheet).content.decode()
    assert "会议记录.pdf" in html
    response = client.post(
        reverse("evidence_upload"),
        {"target": "item", "target_id": a1.pk, "item": "SJ01", "file": upload("x.jpg", b"GIF89a")},
    )
    assert response.status_code == 400 and "按文件内容识别" in response.content.decode()


def test_an_archived_round_refuses_item_evidence(client, secretary_a1, round_2024, village_a1):
    from tests.conftest import assessment_of, move_to

    move_to(round_2024, "archived")
    a1 = assessment_of(round_2024, village_a1)
    response = as_user(client, secretary_a1).post(
        reverse("evidence_upload"),
        {"target": "item", "target_id": a1.pk, "item": "SJ01", "file": upload("a.pdf", b"%PDF-1")},
    )
    assert response.status_code == 409 and "已归档" in response.content.decode()
    assert not EvidenceFile.objects.exists()


def test_visit_evidence_and_withdrawal(client, county_admin, assessor_a, village_a1, today):
    visit = services.visit_create(
        actor=county_admin,
        visited_on=today,
        visitors="王部长",
        organizations=[village_a1],
        method="on_site",
    )
    evidence = services.evidence_upload(
        actor=county_admin, upload=upload("记录.pdf", b"%PDF-1.4"), visit=visit
    )
    assert evidence.organization == village_a1
    url = reverse("evidence_withdraw", args=[evidence.pk])
    assert as_user(client, assessor_a).post(url).status_code == 403  # not the uploader
    assert as_user(client, county_admin).post(url).status_code == 302
    evidence.refresh_from_db()
    assert not evidence.is_active
    assert client.get(reverse("evidence_download", args=[evidence.pk])).status_code == 404
