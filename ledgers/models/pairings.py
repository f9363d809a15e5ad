"""包保 pairing: each village with a county contact leader (联系领导) and a department
(包保部门), per year."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from organizations.models import Organization


class Pairing(models.Model):
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("村（社区）"),
        on_delete=models.PROTECT,
        related_name="pairings",
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    leader_name = models.CharField(_("联系领导"), max_length=50)
    leader_title = models.CharField(_("领导职务"), max_length=100, blank=True)
    leader_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("联系领导账号"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        help_text=_("有账号时，该村的整改提醒同时发给联系领导。"),
    )
    department = models.CharField(_("包保部门"), max_length=100)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("包保结对")
        verbose_name_plural = _("包保结对")
        ordering = ["-year", "organization__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "year"], name="%(app_label)s_%(class)s_one_per_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.organization} {self.leader_name} / {self.department}"
