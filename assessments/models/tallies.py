"""Round-wide counts kept beside the results: per round, township and key, how many results
and the sum of points. Written by the service that writes results (the changes of each save
as increments), read by the dashboards — which never re-aggregate score rows per request."""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from organizations.models import Organization

from .rounds import Round
from .sheets import Assessment, change_kind

Contribution = dict[str, tuple[int, Decimal]]
ZERO = Decimal("0")
HISTOGRAM_LOW, HISTOGRAM_WIDTH, HISTOGRAM_TOP = 50, 5, 95


def histogram_bin(composite: Decimal) -> str:
    """``<50``, then bins of 5 points named by their lower bound; 100 falls in ``95``."""
    if composite < HISTOGRAM_LOW:
        return f"<{HISTOGRAM_LOW}"
    low = int(composite // HISTOGRAM_WIDTH) * HISTOGRAM_WIDTH
    return str(min(low, HISTOGRAM_TOP))


def contribution(assessment: Assessment, *, items: bool = True) -> Contribution:
    """What one stored result counts for (nothing without a result). ``items`` False leaves
    out the item points (a result that only rule 12 moved keeps its points)."""
    if assessment.level is None:
        return {}
    one = (1, ZERO)
    counts: Contribution = {"rated": one, f"level:{assessment.level}": one}
    counts[f"change:{change_kind(assessment.level, assessment.previous_level)}"] = one
    if assessment.vetoed:
        counts["vetoed"] = one
    composite = assessment.composite
    if composite is not None:
        counts[f"hist:{histogram_bin(composite)}"] = one
        if composite >= 70:
            counts["c70"] = one
        if composite >= 80:
            counts["c80"] = one
    if items:
        for code, points in (assessment.item_points or {}).items():
            counts[f"item:{code}"] = (1, Decimal(points))
    return counts


class ResultTally(models.Model):
    """One count of a township's results in a round. Keys: ``rated``, ``vetoed``,
    ``level:<0-5>``, ``c70`` / ``c80`` (composite at least 70 / 80), ``change:<kind>``,
    ``hist:<bin>`` (composite in [bin, bin+5), ``<50`` below 50) and ``item:<code>`` (``total``
    = the sum of that item's points, rule 1, over the results). The round's totals are kept
    the same way under the round's county (``township`` = the county): a county-wide or
    regional reader gets them in one short read, whatever the number of townships."""

    round = models.ForeignKey(
        Round, verbose_name=_("评定轮次"), on_delete=models.CASCADE, related_name="tallies"
    )
    township = models.ForeignKey(
        Organization, verbose_name=_("乡镇（街道）"), on_delete=models.PROTECT, related_name="+"
    )
    key = models.CharField(_("统计项"), max_length=40)
    n = models.IntegerField(_("数量"), default=0)
    total = models.DecimalField(_("合计得分"), max_digits=14, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("结果统计")
        verbose_name_plural = _("结果统计")
        ordering = ["round_id", "township_id", "key"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "township", "key"], name="%(app_label)s_%(class)s_one_per_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round_id}/{self.township_id} {self.key}={self.n}"
