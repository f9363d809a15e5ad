"""Rectification ledgers (整改台账): weaknesses found, tracked to closure (销号)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from assessments.models import Assessment


class Rectification(models.Model):
    """整改台账: a weakness found, tracked to closure (销号)."""

    class Status(models.TextChoices):
        OPEN = "open", _("待整改")
        IN_PROGRESS = "in_progress", _("整改中")
        CLOSED = "closed", _("已销号")
        OVERDUE = "overdue", _("已逾期")

    assessment = models.ForeignKey(
        Assessment,
        verbose_name=_("评定对象"),
        on_delete=models.PROTECT,
        related_name="rectifications",
    )
    problem = models.TextField(_("存在问题"))
    measures = models.TextField(_("整改措施"))
    standard = models.TextField(_("整改标准"), blank=True)
    deadline = models.DateField(_("整改时限"))
    responsible_person = models.CharField(_("责任人"), max_length=50)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.OPEN)
    closure_evidence = models.TextField(_("销号佐证"), blank=True)
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
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
        ]

    def __str__(self) -> str:
        return f"{self.assessment} {self.problem[:20]}"
