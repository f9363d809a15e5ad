"""Evidence files (佐证材料): the type is sniffed from the content, never the name; sizes are
bounded; images are re-encoded (which drops EXIF, GPS included); files go to a private folder
under MEDIA_ROOT and are only ever served by the scoped download view."""

from __future__ import annotations

import hashlib
import io
import uuid
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from assessments import policies as assessment_policies
from assessments.models import Assessment, Finding, Objection
from indicators.models import Item
from organizations.models import AuditLog, Organization, Role, User
from organizations.services import audit_record
from starrating.errors import Conflict, InvalidInput, NotPermitted

from .. import policies
from ..models import EvidenceFile, Rectification, SupervisionVisit

OFFICE_TYPES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": "xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": "pptx",
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml": None,  # macros: refused
}
CONTENT_TYPES = {
    "jpeg": "image/jpeg",
    "png": "image/png",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
EXTENSIONS = {
    "jpeg": "jpg",
    "png": "png",
    "pdf": "pdf",
    "docx": "docx",
    "xlsx": "xlsx",
    "pptx": "pptx",
}
MAX_PIXELS = 40_000_000


def _refuse(message: str) -> InvalidInput:
    return InvalidInput(message, [{"field": "file", "message": message}])


def _office_kind(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            if len(infos) > settings.EXCEL_MAX_ZIP_ENTRIES:
                return None
            if sum(i.file_size for i in infos) > settings.EXCEL_MAX_UNCOMPRESSED_BYTES:
                return None
            try:
                info = archive.getinfo("[Content_Types].xml")
            except KeyError:
                return None
            if info.file_size > 1024 * 1024:
                return None
            types = archive.read(info).decode("utf-8", "replace")
    except (zipfile.BadZipFile, OSError, RuntimeError, ValueError):
        return None
    kinds = {kind for ct, kind in OFFICE_TYPES.items() if f'ContentType="{ct}"' in types}
    if None in kinds or len(kinds) != 1:
        return None
    return kinds.pop()


def sniff(data: bytes) -> str | None:
    """The kind of the content by its magic bytes (and, for Office, its [Content_Types].xml)."""
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return _office_kind(data)
    return None


def _reencode(data: bytes, kind: str) -> bytes:
    """Decode and encode again: what is stored is pixels only, without EXIF or GPS."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > MAX_PIXELS:
                raise _refuse(_("图片像素过大。"))
            image = ImageOps.exif_transpose(image)
            out = io.BytesIO()
            if kind == "jpeg":
                image.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
            else:
                image.save(out, "PNG", optimize=True)
            return out.getvalue()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, ValueError) as exc:
        raise _refuse(_("图片文件已损坏，无法读取。")) from exc


def _read(upload) -> bytes:
    limit = settings.EVIDENCE_MAX_BYTES
    if upload is None:
        raise _refuse(_("请选择文件。"))
    if getattr(upload, "size", 0) > limit:
        raise _refuse(_("文件超过%(mb)sMB。") % {"mb": limit // (1024 * 1024)})
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise _refuse(_("文件超过%(mb)sMB。") % {"mb": limit // (1024 * 1024)})
    if not data:
        raise _refuse(_("文件是空的。"))
    return data


@dataclass(frozen=True)
class CheckedFile:
    """An upload that passed the checks: its content (images re-encoded), kind, a clean name
    and its SHA-256."""

    data: bytes
    kind: str
    name: str
    sha256: str

    def content(self) -> ContentFile:
        return ContentFile(self.data)

    def storage_name(self) -> str:
        """A random name for the private folder (the user's file name is never a path)."""
        return f"{uuid.uuid4().hex}.{EXTENSIONS[self.kind]}"


KIND_LABELS = {
    "jpeg": "JPEG",
    "png": "PNG",
    "pdf": "PDF",
    "docx": "Word",
    "xlsx": "Excel",
    "pptx": "PowerPoint",
}


def checked_upload(upload, *, kinds: tuple[str, ...] | None = None) -> CheckedFile:
    """The size bound, the type sniffed from the content (only ``kinds`` when given), images
    re-encoded; what any private file of the product goes through before it is stored (the
    secretaries' review reports reuse it). Raises InvalidInput on the ``file`` field."""
    data = _read(upload)
    kind = sniff(data)
    if kind is None or (kinds is not None and kind not in kinds):
        if kinds is None:
            message = _(
                "只能上传JPEG、PNG图片，PDF或Word、Excel、PowerPoint文档（按文件内容识别）。"
            )
        else:
            message = _("只能上传%(kinds)s文件（按文件内容识别）。") % {
                "kinds": "、".join(KIND_LABELS[k] for k in kinds)
            }
        raise _refuse(message)
    if kind in ("jpeg", "png"):
        data = _reencode(data, kind)
    stem = (getattr(upload, "name", "") or "file").rsplit("/", 1)[-1].rsplit(".", 1)[0]
    name = f"{stem[:150] or 'file'}.{EXTENSIONS[kind]}"
    return CheckedFile(data=data, kind=kind, name=name, sha256=hashlib.sha256(data).hexdigest())


def _target_village(
    *,
    assessment: Assessment | None,
    item: Item | None,
    finding: Finding | None,
    rectification: Rectification | None,
    visit: SupervisionVisit | None,
    organization: Organization | None,
    objection: Objection | None = None,
) -> Organization:
    targets = {
        "item": item,
        "finding": finding,
        "rectification": rectification,
        "visit": visit,
        "objection": objection,
    }
    given = [name for name, target in targets.items() if target is not None]
    if len(given) != 1:
        problem = _("只能填写其中一项") if given else _("须填写其中一项")
        raise InvalidInput(
            _("佐证材料须附在一个指标、问题、整改台账、督导记录或异议上。"),
            [{"field": name, "message": problem} for name in given or targets],
        )
    if item is not None:
        if assessment is None or item.catalogue_id != assessment.round.catalogue_id:
            raise InvalidInput(
                _("不是本轮的指标。"), [{"field": "item", "message": _("不是本轮的指标")}]
            )
        return assessment.organization
    if finding is not None:
        return finding.assessment.organization
    if rectification is not None:
        return rectification.organization
    if objection is not None:
        return objection.assessment.organization
    villages = list(visit.organizations.all())
    if organization is None and len(villages) == 1:
        return villages[0]
    if organization is None or organization.pk not in {v.pk for v in villages}:
        raise InvalidInput(
            _("请选择本次督导的村。"),
            [{"field": "organization", "message": _("请选择本次督导的村")}],
        )
    return organization


def evidence_upload(
    *,
    actor: User,
    upload,
    assessment: Assessment | None = None,
    item: Item | None = None,
    finding: Finding | None = None,
    rectification: Rectification | None = None,
    visit: SupervisionVisit | None = None,
    organization: Organization | None = None,
    objection: Objection | None = None,
    ip: str | None = None,
) -> EvidenceFile:
    village = _target_village(
        assessment=assessment,
        item=item,
        finding=finding,
        rectification=rectification,
        visit=visit,
        organization=organization,
        objection=objection,
    )
    if objection is not None:
        # An objection's files: whoever lodged it (any village of the county may be named)
        # or the county admin handling it, while it is pending.
        if not (
            objection.lodged_by_id == actor.pk
            or assessment_policies.can_manage_round(actor, objection.round.county_id)
        ):
            raise NotPermitted(_("只有提出人或县级管理员可以为该异议上传佐证材料。"))
        if not objection.is_pending:
            raise Conflict(_("该异议已处理，不能再上传佐证材料。"))
    elif not policies.can_upload_evidence(actor, village):
        raise NotPermitted(_("您无权为该村上传佐证材料。"))
    if assessment is not None and assessment.round.status == "archived":
        raise Conflict(_("本轮已归档，不能再上传佐证材料。"))
    checked = checked_upload(upload)
    data, kind, name, digest = checked.data, checked.kind, checked.name, checked.sha256
    with transaction.atomic():
        evidence = EvidenceFile(
            organization=village,
            assessment=assessment if item is not None else None,
            item=item,
            finding=finding,
            rectification=rectification,
            visit=visit,
            objection=objection,
            name=name,
            kind=kind,
            size=len(data),
            sha256=digest,
            uploaded_by=actor,
        )
        evidence.file.save(checked.storage_name(), checked.content(), save=False)
        try:
            evidence.save()
            audit_record(
                actor=actor,
                action=AuditLog.Action.CREATE,
                obj=evidence,
                after={
                    "name": name,
                    "kind": kind,
                    "size": len(data),
                    "sha256": digest,
                    "organization": village.pk,
                    "item": item.code if item else None,
                    "finding": finding.pk if finding else None,
                    "rectification": rectification.pk if rectification else None,
                    "visit": visit.pk if visit else None,
                    "objection": objection.pk if objection else None,
                },
                ip=ip,
            )
        except Exception:
            evidence.file.delete(save=False)
            raise
    return evidence


def evidence_deactivate(*, actor: User, evidence: EvidenceFile, ip: str | None = None) -> None:
    """Withdraw a file (kept on disk for the audit trail): its uploader or the county admin."""
    reach = policies.in_reach(actor, evidence.organization) or (
        evidence.objection_id is not None and evidence.uploaded_by_id == actor.pk
    )
    if not (evidence.uploaded_by_id == actor.pk or actor.has_role(Role.COUNTY_ADMIN)) or not reach:
        raise NotPermitted(_("只有上传人或县级管理员可以撤下佐证材料。"))
    with transaction.atomic():
        EvidenceFile.objects.filter(pk=evidence.pk).update(is_active=False)
        audit_record(
            actor=actor,
            action=AuditLog.Action.DEACTIVATE,
            obj=evidence,
            before={"is_active": True},
            after={"is_active": False},
            ip=ip,
        )


def evidence_download_record(*, actor: User, evidence: EvidenceFile, ip: str | None = None) -> None:
    """Who fetched which file, when and from where: evidence can be personal data."""
    audit_record(
        actor=actor,
        action=AuditLog.Action.EXPORT,
        obj=evidence,
        after={"name": evidence.name, "sha256": evidence.sha256},
        ip=ip,
    )
