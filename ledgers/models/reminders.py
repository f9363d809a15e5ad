"""Reminders of the notification centre: one row per user, subject and day."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Reminder(models.Model):
    class Kind(models.TextChoices):
        STAGE_DEADLINE = "stage_deadline", _("阶段截止")
        SHEET_RETURNED = "sheet_returned", _("评分表被退回")
        FINDING_TO_CONFIRM = "finding_to_confirm", _("待确认联审问题")
        LEDGER_DUE = "ledger_due", _("整改即将到期")
        LEDGER_OVERDUE = "ledger_overdue", _("整改已逾期")
        VISIT_UNASSIGNED = "visit_unassigned", _("督导问题未建台账")
        ELECTION_DUE = "election_due", _("换届到期")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    kind = models.CharField(_("类型"), max_length=24, choices=Kind.choices)
    key = models.CharField(_("主题"), max_length=100)
    day = models.DateField(_("日期"))
    text = models.CharField(_("内容"), max_length=300)
    url = models.CharField(_("链接"), max_length=200, blank=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("提醒")
        verbose_name_plural = _("提醒")
        ordering = ["-day", "-id"]
        constraints = [
            # Idempotent daily build: a second run of the day finds the row and adds none.
            models.UniqueConstraint(
                fields=["user", "key", "day"], name="%(app_label)s_%(class)s_once_a_day"
            )
        ]

    def __str__(self) -> str:
        return self.text
