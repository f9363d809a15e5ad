"""Supervision visits (督导): who went where, how, and what they found."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from organizations.models import Organization

from .rectifications import Rectification


class SupervisionVisit(models.Model):
    class Method(models.TextChoices):
        HOME_VISIT = "home_visit", _("入户走访")
        FORUM = "forum", _("座谈")
        ON_SITE = "on_site", _("现场查验")

    county = models.ForeignKey(
        Organization, verbose_name=_("区县"), on_delete=models.PROTECT, related_name="+"
    )
    visited_on = models.DateField(_("督导日期"))
    visitors = models.CharField(_("督导人员"), max_length=200)
    organizations = models.ManyToManyField(
        Organization, verbose_name=_("督导村（社区）"), related_name="supervision_visits"
    )
    method = models.CharField(_("督导方式"), max_length=16, choices=Method.choices)
    summary = models.TextField(_("督导情况"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("督导记录")
        verbose_name_plural = _("督导记录")
        ordering = ["-visited_on", "-id"]

    def __str__(self) -> str:
        return f"{self.visited_on} {self.visitors}"


class VisitProblem(models.Model):
    """A problem found on a visit at one village; put on the ledger in one step."""

    visit = models.ForeignKey(
        SupervisionVisit,
        verbose_name=_("督导记录"),
        on_delete=models.PROTECT,
        related_name="problems",
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("村（社区）"), on_delete=models.PROTECT, related_name="+"
    )
    description = models.TextField(_("发现问题"))
    rectification = models.OneToOneField(
        Rectification,
        verbose_name=_("整改台账"),
        on_delete=models.PROTECT,
        related_name="visit_problem",
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("督导发现问题")
        verbose_name_plural = _("督导发现问题")
        ordering = ["visit_id", "id"]

    def __str__(self) -> str:
        return self.description[:30]
