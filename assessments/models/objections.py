"""Objections during publicity (公示异议) and appeals after publishing (复核申请), each with the
county's handling."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .rounds import Round
from .sheets import Assessment


class Objection(models.Model):
    class Kind(models.TextChoices):
        OBJECTION = "objection", _("公示异议")
        APPEAL = "appeal", _("复核申请")

    class Status(models.TextChoices):
        PENDING = "pending", _("待处理")
        UPHELD = "upheld", _("异议成立")
        REJECTED = "rejected", _("异议不成立")

    round = models.ForeignKey(
        Round, verbose_name=_("评定轮次"), on_delete=models.PROTECT, related_name="objections"
    )
    assessment = models.ForeignKey(
        Assessment, verbose_name=_("所涉村"), on_delete=models.PROTECT, related_name="objections"
    )
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    issue = models.TextField(_("反映的问题"))
    lodged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提出人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    lodged_at = models.DateTimeField(_("提出时间"), auto_now_add=True)
    status = models.CharField(
        _("处理结果"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    reply = models.TextField(_("答复意见"), blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    handled_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    reopened = models.BooleanField(_("已退回重新评定"), default=False)

    class Meta:
        verbose_name = _("公示异议与复核")
        verbose_name_plural = _("公示异议与复核")
        ordering = ["-lodged_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="pending")
                | (Q(handled_by__isnull=False, handled_at__isnull=False) & ~Q(reply="")),
                name="%(app_label)s_%(class)s_handled_has_reply",
            ),
            models.CheckConstraint(
                condition=~Q(issue=""), name="%(app_label)s_%(class)s_has_issue"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.assessment} {self.get_status_display()}"

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING
