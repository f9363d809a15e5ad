"""Recusal (回避) of evaluation group members: the townships and villages a member works in or is
related to, whose villages the member is never assigned."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from organizations.models import Organization


class RecusalRelation(models.Model):
    """A recorded relation of a person to a township or village: while active, no evaluation
    group that has the person as a member is assigned a village of that township, or that
    village (enforced by the group services)."""

    class Kind(models.TextChoices):
        WORKS_IN = "works_in", _("工作单位")
        RELATIVE = "relative", _("亲属关系")
        FORMER_POST = "former_post", _("曾在此任职")
        OTHER = "other", _("其他利害关系")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("考评组成员"),
        on_delete=models.PROTECT,
        related_name="recusal_relations",
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("回避的镇街或村"),
        on_delete=models.PROTECT,
        related_name="recusal_relations",
    )
    kind = models.CharField(_("关系"), max_length=20, choices=Kind.choices, default=Kind.WORKS_IN)
    reason = models.CharField(_("说明"), max_length=200)
    is_active = models.BooleanField(_("有效"), default=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("解除人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    ended_at = models.DateTimeField(_("解除时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("回避关系")
        verbose_name_plural = _("回避关系")
        ordering = ["user_id", "organization_id", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization"],
                condition=Q(is_active=True),
                name="%(app_label)s_%(class)s_one_active_per_pair",
            ),
            models.CheckConstraint(
                condition=~Q(reason=""), name="%(app_label)s_%(class)s_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ↔ {self.organization.name}（{self.get_kind_display()}）"
