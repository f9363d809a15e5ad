"""Round-wide counts kept beside the results: per round, township and key, how many results
and the sum of points. Written by the service that writes results (the changes of each save
as increments), read by the dashboards — which never re-aggregate score rows per request."""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from organizations.models import Organization

from .rounds import Round
from .sheets import CHANGE_KINDS, Assessment, change_kind

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


# The "counts" row of a township (and of the county, the round's totals): each count key of
# ``contribution`` as a column, and the number of assessments, so that a county's dashboard
# reads one short row per township instead of a score of key rows each.
COUNTS = "counts"
COUNT_COLUMNS: dict[str, str] = {
    "rated": "rated",
    "vetoed": "vetoed",
    "c70": "c70",
    "c80": "c80",
    **{f"level:{level}": f"level_{level}" for level in range(6)},
    **{f"change:{kind}": f"change_{kind}" for kind in CHANGE_KINDS},
    f"hist:<{HISTOGRAM_LOW}": f"hist_lt{HISTOGRAM_LOW}",
    **{
        f"hist:{low}": f"hist_{low}"
        for low in range(HISTOGRAM_LOW, HISTOGRAM_TOP + 1, HISTOGRAM_WIDTH)
    },
}


class ResultTally(models.Model):
    """One count of a township's results in a round. Keys: ``rated``, ``vetoed``,
    ``level:<0-5>``, ``c70`` / ``c80`` (composite at least 70 / 80), ``change:<kind>``,
    ``hist:<bin>`` (composite in [bin, bin+5), ``<50`` below 50) and ``item:<code>`` (``total``
    = the sum of that item's points, rule 1, over the results). The round's totals are kept
    the same way under the round's county (``township`` = the county): a county-wide or
    regional reader gets them in one short read, whatever the number of townships. Beside
    the keys, one ``counts`` row per township and county holds the same counts as columns
    (``COUNT_COLUMNS``) and the number of assessments (set by a rebuild): the county's
    dashboard reads those rows only."""

    round = models.ForeignKey(
        Round, verbose_name=_("评定轮次"), on_delete=models.CASCADE, related_name="tallies"
    )
    township = models.ForeignKey(
        Organization, verbose_name=_("乡镇（街道）"), on_delete=models.PROTECT, related_name="+"
    )
    key = models.CharField(_("统计项"), max_length=40)
    n = models.IntegerField(_("数量"), default=0)
    total = models.DecimalField(_("合计得分"), max_digits=14, decimal_places=2, default=0)
    # Only on the ``counts`` row (COUNT_COLUMNS); 0 on the others.
    assessments = models.IntegerField(_("参评村数"), default=0)
    rated = models.IntegerField(_("已出结果"), default=0)
    vetoed = models.IntegerField(_("取消评星资格"), default=0)
    c70 = models.IntegerField(_("70分以上"), default=0)
    c80 = models.IntegerField(_("80分以上"), default=0)
    level_0 = models.IntegerField(_("0星"), default=0)
    level_1 = models.IntegerField(_("1星"), default=0)
    level_2 = models.IntegerField(_("2星"), default=0)
    level_3 = models.IntegerField(_("3星"), default=0)
    level_4 = models.IntegerField(_("4星"), default=0)
    level_5 = models.IntegerField(_("5星"), default=0)
    change_promoted = models.IntegerField(_("升星"), default=0)
    change_demoted = models.IntegerField(_("降星"), default=0)
    change_same = models.IntegerField(_("持平"), default=0)
    change_new = models.IntegerField(_("新评"), default=0)
    change_stripped = models.IntegerField(_("摘星"), default=0)
    hist_lt50 = models.IntegerField(_("50分以下"), default=0)
    hist_50 = models.IntegerField(_("50–55分"), default=0)
    hist_55 = models.IntegerField(_("55–60分"), default=0)
    hist_60 = models.IntegerField(_("60–65分"), default=0)
    hist_65 = models.IntegerField(_("65–70分"), default=0)
    hist_70 = models.IntegerField(_("70–75分"), default=0)
    hist_75 = models.IntegerField(_("75–80分"), default=0)
    hist_80 = models.IntegerField(_("80–85分"), default=0)
    hist_85 = models.IntegerField(_("85–90分"), default=0)
    hist_90 = models.IntegerField(_("90–95分"), default=0)
    hist_95 = models.IntegerField(_("95–100分"), default=0)

    class Meta:
        verbose_name = _("结果统计")
        verbose_name_plural = _("结果统计")
        ordering = ["round_id", "township_id", "key"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "township", "key"], name="%(app_label)s_%(class)s_one_per_key"
            ),
        ]
        # The dashboard reads one key (``counts``) of every township of a round.
        indexes = [models.Index(fields=["round", "key"], name="tally_round_key")]

    def __str__(self) -> str:
        return f"{self.round_id}/{self.township_id} {self.key}={self.n}"
