"""Background work: a job (an import or export run by a Celery task) and what became of it."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import registry


def job_upload_to(job: "Job", filename: str) -> str:
    return f"jobs/{timezone.now():%Y/%m}/{job.pk or 'new'}-{filename}"


class Job(models.Model):
    """A background import or export (Celery task) and what became of it."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("进行中")
        SUCCEEDED = "succeeded", _("已完成")
        FAILED = "failed", _("失败")

    kind = models.CharField(_("类型"), max_length=32)
    parameters = models.JSONField(_("参数"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="jobs",
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("进度（%）"), default=0)
    counts = models.JSONField(_("统计"), default=dict, blank=True)
    error_message = models.TextField(_("失败原因"), blank=True)
    errors = models.JSONField(_("错误明细"), default=list, blank=True)
    upload = models.FileField(_("上传文件"), upload_to=job_upload_to, blank=True, max_length=255)
    result_file = models.FileField(
        _("结果文件"), upload_to=job_upload_to, blank=True, max_length=255
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    expires_at = models.DateTimeField(_("文件过期时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="%(app_label)s_%(class)s_progress_in_range"
            ),
        ]
        indexes = [models.Index(fields=["status", "expires_at"])]

    def __str__(self) -> str:
        return f"{self.kind_label} #{self.pk}"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)

    @property
    def kind_label(self) -> str:
        kind = registry.kind_get(self.kind)
        return str(kind.label) if kind else self.kind

    @property
    def counts_display(self) -> list[tuple[str, object]]:
        kind = registry.kind_get(self.kind)
        labels = kind.count_labels if kind else {}
        return [
            (str(labels.get(k, k)), v)
            for k, v in (self.counts or {}).items()
            if not isinstance(v, list | dict | bool | float)  # a preview's names and flags
        ]

    @property
    def follow_up(self) -> tuple[str, str] | None:
        kind = registry.kind_get(self.kind)
        return kind.follow_up(self) if kind and kind.follow_up else None

    @property
    def result_available(self) -> bool:
        return (
            self.status == self.Status.SUCCEEDED
            and bool(self.result_file)
            and (self.expires_at is None or self.expires_at > timezone.now())
        )
