"""Rectification ledgers (整改台账): weaknesses found, tracked to closure (销号)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.models import Assessment, Finding
from indicators.models import Category, Item
from organizations.models import TOWNSHIP_KINDS, Organization

OVERDUE = "overdue"
OVERDUE_LABEL = _("已逾期")


class Rectification(models.Model):
    """整改台账: a weakness of one village, tracked to closure (销号) by a second person.

    The stored status is open / in progress / closed; "overdue" is never stored: an entry is
    overdue on the day after its deadline while it is not closed (``is_overdue``)."""

    class Status(models.TextChoices):
        OPEN = "open", _("待整改")
        IN_PROGRESS = "in_progress", _("整改中")
        CLOSED = "closed", _("已销号")

    class Source(models.TextChoices):
        MANUAL = "manual", _("手工登记")
        FINDING = "finding", _("联审问题")
        WEAK_CATEGORY = "weak_category", _("短板类别")
        WEAK_ITEM = "weak_item", _("弱项指标")
        VISIT = "visit", _("督导发现")
        WEAK_LAX = "weak_lax", _("软弱涣散整顿")
        REVIEW = "review", _("述职评议")

    # A village or community; a township or street only for problems of its secretary's 述职评议
    # (source "review", issue 16).
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("村（社区）"),
        on_delete=models.PROTECT,
        related_name="rectifications",
    )
    assessment = models.ForeignKey(
        Assessment,
        verbose_name=_("发现于评定"),
        on_delete=models.PROTECT,
        related_name="rectifications",
        null=True,
        blank=True,
    )
    source = models.CharField(
        _("来源"), max_length=16, choices=Source.choices, default=Source.MANUAL
    )
    finding = models.ForeignKey(
        Finding,
        verbose_name=_("来源联审问题"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    category = models.ForeignKey(
        Category,
        verbose_name=_("短板类别"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    item = models.ForeignKey(
        Item,
        verbose_name=_("弱项指标"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    problem = models.TextField(_("存在问题"))
    measures = models.TextField(_("整改措施"))
    standard = models.TextField(_("整改标准"), blank=True)
    deadline = models.DateField(_("整改时限"))
    responsible_person = models.CharField(_("责任人"), max_length=50)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.OPEN)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    closure_evidence = models.TextField(_("销号佐证"), blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("销号审核人"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
    reopen_reason = models.TextField(_("重新打开原因"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("整改台账")
        verbose_name_plural = _("整改台账")
        ordering = ["deadline", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="closed") | ~Q(closure_evidence=""),
                name="%(app_label)s_%(class)s_closed_needs_evidence",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["open", "in_progress", "closed"]),
                name="%(app_label)s_%(class)s_status_stored",
            ),
            # 销号 by a second person: whoever closes is not whoever recorded the entry.
            models.CheckConstraint(
                condition=~Q(status="closed")
                | (
                    Q(closed_by__isnull=False)
                    & (Q(recorded_by__isnull=True) | ~Q(closed_by=F("recorded_by")))
                ),
                name="%(app_label)s_%(class)s_closed_by_second_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} {self.problem[:20]}"

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED

    @property
    def township(self) -> Organization:
        """The township the entry belongs to: its own organization when that is a township."""
        org = self.organization
        return org if org.kind in TOWNSHIP_KINDS else org.parent

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        """Past the deadline and not closed: due on the deadline day, overdue the day after."""
        today = today or timezone.localdate()
        return not self.is_closed and self.deadline < today

    def days_left(self, today: datetime.date | None = None) -> int:
        return (self.deadline - (today or timezone.localdate())).days

    @property
    def days_overdue(self) -> int:
        return max(0, -self.days_left())

    @property
    def effective_status(self) -> str:
        return OVERDUE if self.is_overdue() else self.status

    @property
    def effective_status_label(self) -> str:
        return str(OVERDUE_LABEL) if self.is_overdue() else self.get_status_display()


class RectificationNote(models.Model):
    """A dated progress note on a ledger entry (整改进展)."""

    rectification = models.ForeignKey(
        Rectification, verbose_name=_("整改台账"), on_delete=models.PROTECT, related_name="notes"
    )
    on = models.DateField(_("日期"))
    text = models.TextField(_("进展情况"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("填写人"), on_delete=models.PROTECT
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("整改进展")
        verbose_name_plural = _("整改进展")
        ordering = ["rectification_id", "on", "id"]

    def __str__(self) -> str:
        return f"{self.on} {self.text[:20]}"
