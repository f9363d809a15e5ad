"""Village merges and splits (撤并 / 拆分): which organizations a village came from, when, and
how large each predecessor was, so that its previous level survives (docs/scoring.md, rule 10
"Inherited previous level")."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .tree import Organization


class Succession(models.Model):
    """One predecessor → successor link of a merge (many predecessors, one successor) or a split
    (one predecessor, many successors). Recorded by ``organization_merge`` /
    ``organization_split``; never edited."""

    class Kind(models.TextChoices):
        MERGE = "merge", _("合并")
        SPLIT = "split", _("拆分")

    predecessor = models.ForeignKey(
        Organization,
        verbose_name=_("原村（社区）"),
        on_delete=models.PROTECT,
        related_name="successor_links",
    )
    successor = models.ForeignKey(
        Organization,
        verbose_name=_("现村（社区）"),
        on_delete=models.PROTECT,
        related_name="predecessor_links",
    )
    kind = models.CharField(_("类型"), max_length=8, choices=Kind.choices)
    effective_date = models.DateField(_("生效日期"))
    # The predecessor's size when merged, kept here: its own record may change or be
    # deactivated later, and the inheritance rule must not move with it.
    predecessor_members = models.PositiveIntegerField(_("原村党员人数"), default=0)
    note = models.TextField(_("说明"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT
    )
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("村（社区）撤并记录")
        verbose_name_plural = _("村（社区）撤并记录")
        ordering = ["-effective_date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor"], name="%(app_label)s_%(class)s_one_link"
            ),
            models.CheckConstraint(
                condition=~Q(predecessor=F("successor")),
                name="%(app_label)s_%(class)s_not_itself",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor.name} → {self.successor.name}（{self.get_kind_display()}）"
