"""Evidence files (佐证材料): photos, PDFs and Office documents attached to a sheet's item, a
finding, a ledger entry or a visit. Stored under a private folder (never a URL of its own),
served by a view that checks the village's scope."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Q
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from assessments.models import Assessment, Finding, Objection
from indicators.models import Item
from organizations.models import Organization

from .rectifications import Rectification
from .visits import SupervisionVisit


class PrivateStorage(FileSystemStorage):
    """MEDIA_ROOT/private, followed when MEDIA_ROOT changes (tests); no URL of its own: a file
    is only ever served by the scoped download view."""

    @cached_property
    def base_location(self):
        return str(Path(settings.MEDIA_ROOT) / "private")

    def url(self, name):
        raise ValueError("Evidence files have no public URL.")


evidence_storage = PrivateStorage()


def _storage():
    return evidence_storage


class EvidenceFile(models.Model):
    class Kind(models.TextChoices):
        JPEG = "jpeg", "JPEG"
        PNG = "png", "PNG"
        PDF = "pdf", "PDF"
        DOCX = "docx", "Word"
        XLSX = "xlsx", "Excel"
        PPTX = "pptx", "PowerPoint"

    organization = models.ForeignKey(
        Organization, verbose_name=_("村（社区）"), on_delete=models.PROTECT, related_name="+"
    )
    assessment = models.ForeignKey(
        Assessment,
        verbose_name=_("评定对象"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    item = models.ForeignKey(
        Item,
        verbose_name=_("指标"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    finding = models.ForeignKey(
        Finding,
        verbose_name=_("联审问题"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    rectification = models.ForeignKey(
        Rectification,
        verbose_name=_("整改台账"),
        on_delete=models.PROTECT,
        related_name="evidence_files",
        null=True,
        blank=True,
    )
    visit = models.ForeignKey(
        SupervisionVisit,
        verbose_name=_("督导记录"),
        on_delete=models.PROTECT,
        related_name="evidence_files",
        null=True,
        blank=True,
    )
    objection = models.ForeignKey(
        Objection,
        verbose_name=_("公示异议或复核申请"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    file = models.FileField(_("文件"), storage=_storage, upload_to="evidence/%Y/%m/")
    name = models.CharField(_("文件名"), max_length=200)
    kind = models.CharField(_("类型"), max_length=8, choices=Kind.choices)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), on_delete=models.PROTECT
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    is_active = models.BooleanField(_("有效"), default=True)

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")
        ordering = ["-uploaded_at", "-id"]
        constraints = [
            # Attached to exactly one thing: an item of an assessment's sheet, a finding, a
            # ledger entry, a visit or an objection.
            models.CheckConstraint(
                condition=(
                    Q(item__isnull=False, assessment__isnull=False)
                    & Q(finding__isnull=True, rectification__isnull=True, visit__isnull=True)
                    & Q(objection__isnull=True)
                )
                | (
                    Q(item__isnull=True, finding__isnull=False)
                    & Q(rectification__isnull=True, visit__isnull=True, objection__isnull=True)
                )
                | (
                    Q(item__isnull=True, finding__isnull=True)
                    & Q(rectification__isnull=False, visit__isnull=True, objection__isnull=True)
                )
                | (
                    Q(item__isnull=True, finding__isnull=True)
                    & Q(rectification__isnull=True, visit__isnull=False, objection__isnull=True)
                )
                | (
                    Q(item__isnull=True, finding__isnull=True)
                    & Q(rectification__isnull=True, visit__isnull=True, objection__isnull=False)
                ),
                name="%(app_label)s_%(class)s_attached_to_one",
            ),
        ]

    def __str__(self) -> str:
        return self.name
