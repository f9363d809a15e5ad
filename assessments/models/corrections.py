"""After publishing (动态管理): corrections of a published result and previous years' published
levels imported from Excel. Neither edits a published assessment row: a correction is a row of
its own, approved by a second person, and the current level is read through it."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from organizations.models import Organization

from .sheets import Assessment


class ResultCorrection(models.Model):
    """A correction of a published result: a star stripped (摘星) after a veto event found
    mid-year, or a wrong level corrected. Proposed by one county administrator, in force only
    once another approves it; the published row itself never changes."""

    class Kind(models.TextChoices):
        STRIP = "strip", _("摘星")
        CORRECT = "correct", _("更正")

    class Status(models.TextChoices):
        PENDING = "pending", _("待审批")
        APPROVED = "approved", _("已生效")
        REJECTED = "rejected", _("未批准")

    assessment = models.ForeignKey(
        Assessment, verbose_name=_("评定对象"), on_delete=models.PROTECT, related_name="corrections"
    )
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    level_before = models.PositiveSmallIntegerField(_("更正前星级"))
    new_level = models.PositiveSmallIntegerField(_("更正后星级"))
    reason = models.TextField(_("原因"))
    evidence = models.TextField(_("事实与依据"), blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提出人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    proposed_at = models.DateTimeField(_("提出时间"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审批人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.TextField(_("审批意见"), blank=True)

    class Meta:
        verbose_name = _("结果更正")
        verbose_name_plural = _("结果更正")
        ordering = ["-proposed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(new_level__lte=5) & Q(level_before__lte=5),
                name="%(app_label)s_%(class)s_levels_in_range",
            ),
            models.CheckConstraint(
                condition=~Q(kind="strip") | Q(new_level=0),
                name="%(app_label)s_%(class)s_strip_to_zero",
            ),
            models.CheckConstraint(
                condition=~Q(reason=""), name="%(app_label)s_%(class)s_reason_required"
            ),
            # The second person: whoever decides is never who proposed.
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("proposed_by")),
                name="%(app_label)s_%(class)s_second_person",
            ),
            models.CheckConstraint(
                condition=(Q(status="pending") & Q(decided_by__isnull=True))
                | (~Q(status="pending") & Q(decided_by__isnull=False)),
                name="%(app_label)s_%(class)s_decided_when_not_pending",
            ),
            models.UniqueConstraint(
                fields=["assessment"],
                condition=Q(status="pending"),
                name="%(app_label)s_%(class)s_one_pending",
            ),
        ]
        indexes = [models.Index(fields=["assessment", "status"])]

    def __str__(self) -> str:
        return f"{self.assessment} {self.get_kind_display()} {self.level_before}→{self.new_level}"


class HistoryImport(models.Model):
    """One workbook of previous years' published levels: where the history came from."""

    county = models.ForeignKey(
        Organization, verbose_name=_("区县"), on_delete=models.PROTECT, related_name="+"
    )
    file_name = models.CharField(_("文件名"), max_length=255)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("导入人"), on_delete=models.PROTECT
    )
    imported_at = models.DateTimeField(_("导入时间"), auto_now_add=True)
    rows = models.PositiveIntegerField(_("行数"), default=0)
    years = models.JSONField(_("年度"), default=list)

    class Meta:
        verbose_name = _("历年星级导入")
        verbose_name_plural = _("历年星级导入")
        ordering = ["-imported_at", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name}（{self.imported_at:%Y-%m-%d}）"


class PublishedLevel(models.Model):
    """A level published before the county used this system (imported history): rule 10's
    previous level when no published round of that year exists here."""

    county = models.ForeignKey(
        Organization, verbose_name=_("区县"), on_delete=models.PROTECT, related_name="+"
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("村党组织"),
        on_delete=models.PROTECT,
        related_name="published_levels",
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    level = models.PositiveSmallIntegerField(_("星级"))
    source = models.ForeignKey(
        HistoryImport, verbose_name=_("来源"), on_delete=models.PROTECT, related_name="levels"
    )

    class Meta:
        verbose_name = _("历年已发布星级")
        verbose_name_plural = _("历年已发布星级")
        ordering = ["-year", "organization__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "year"], name="%(app_label)s_%(class)s_one_per_year"
            ),
            models.CheckConstraint(
                condition=Q(level__lte=5), name="%(app_label)s_%(class)s_level_in_range"
            ),
        ]
        indexes = [models.Index(fields=["county", "year"])]

    def __str__(self) -> str:
        return f"{self.year} {self.organization.name} {self.level}星"
