"""Findings of the joint review (否决 / 减星), department clearances and satisfaction surveys."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from indicators.models import Item
from organizations.models import Department

from .sheets import Assessment


class Finding(models.Model):
    """A veto or star deduction found for an assessment; only confirmed findings count."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待确认")
        CONFIRMED = "confirmed", _("已确认")
        WITHDRAWN = "withdrawn", _("已撤回")

    assessment = models.ForeignKey(
        Assessment, verbose_name=_("评定对象"), on_delete=models.PROTECT, related_name="findings"
    )
    item = models.ForeignKey(
        Item,
        verbose_name=_("否决/减星项"),
        on_delete=models.PROTECT,
        related_name="findings",
        limit_choices_to={"kind__in": [Item.Kind.VETO, Item.Kind.STAR_DEDUCTION]},
    )
    department = models.CharField(_("部门"), max_length=32, choices=Department.choices)
    evidence = models.TextField(_("问题事实与依据"))
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    withdrawn_reason = models.TextField(_("撤回原因"), blank=True)

    class Meta:
        verbose_name = _("联审问题")
        verbose_name_plural = _("联审问题")
        ordering = ["-recorded_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="confirmed") | Q(confirmed_by__isnull=False),
                name="%(app_label)s_%(class)s_confirmed_has_confirmer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment} {self.item.code} {self.get_status_display()}"

    @property
    def kind(self) -> str:
        return self.item.kind


class DepartmentClearance(models.Model):
    """A department's statement that it found no main problem (无重大问题) for a village.
    Withdrawn, never deleted: the joint-review gate (docs/scoring.md) counts active ones."""

    assessment = models.ForeignKey(
        Assessment, verbose_name=_("评定对象"), on_delete=models.PROTECT, related_name="clearances"
    )
    department = models.CharField(_("部门"), max_length=32, choices=Department.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("撤回人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    withdrawn_reason = models.TextField(_("撤回原因"), blank=True)

    class Meta:
        verbose_name = _("部门审查无问题")
        verbose_name_plural = _("部门审查无问题")
        ordering = ["assessment_id", "department", "-at"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "department"],
                condition=Q(withdrawn_at__isnull=True),
                name="%(app_label)s_%(class)s_one_per_department",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | ~Q(withdrawn_reason=""),
                name="%(app_label)s_%(class)s_withdrawn_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment} {self.get_department_display()}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


class SatisfactionSurvey(models.Model):
    """满意度测评: how many were asked and how many were satisfied."""

    assessment = models.OneToOneField(
        Assessment, verbose_name=_("评定对象"), on_delete=models.PROTECT, related_name="survey"
    )
    respondents = models.PositiveIntegerField(_("测评人数"))
    satisfied = models.PositiveIntegerField(_("满意人数"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), on_delete=models.PROTECT
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("满意度测评")
        verbose_name_plural = _("满意度测评")
        ordering = ["assessment_id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(respondents__gt=0), name="%(app_label)s_%(class)s_has_respondents"
            ),
            models.CheckConstraint(
                condition=Q(satisfied__lte=F("respondents")),
                name="%(app_label)s_%(class)s_satisfied_within_respondents",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment} {self.satisfied}/{self.respondents}"

    @property
    def rate(self) -> Decimal:
        return Decimal(self.satisfied) / Decimal(self.respondents)
