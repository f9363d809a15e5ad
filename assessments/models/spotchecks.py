"""Random spot checks (三随机): a recorded draw of villages (stratified by township, with its
seed) and interviewees, the checkers assigned and each village's outcome. A draw is never
redone silently: a redraw needs a reason and the earlier draw stays, marked superseded."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from indicators.models import POINTS, Item

from .rounds import Round
from .sheets import Assessment


class SpotCheckDraw(models.Model):
    class SizeKind(models.TextChoices):
        COUNT = "count", _("按数量")
        SHARE = "share", _("按比例")

    round = models.ForeignKey(
        Round, verbose_name=_("评定轮次"), on_delete=models.PROTECT, related_name="spot_draws"
    )
    number = models.PositiveSmallIntegerField(_("第几次抽取"))
    seed = models.BigIntegerField(_("随机种子"))
    size_kind = models.CharField(_("抽取方式"), max_length=8, choices=SizeKind.choices)
    size_value = models.DecimalField(_("数量或比例"), max_digits=8, decimal_places=3)
    population = models.PositiveIntegerField(_("总体村数"))
    interviewee_pool = models.JSONField(_("访谈对象名单"), default=list, blank=True)
    interviewee_count = models.PositiveSmallIntegerField(_("抽取访谈人数"), default=0)
    interviewees = models.JSONField(_("抽中的访谈对象"), default=list, blank=True)
    reason = models.TextField(_("重新抽取原因"), blank=True)
    superseded_at = models.DateTimeField(_("作废时间"), null=True, blank=True)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("抽取人"), on_delete=models.PROTECT
    )
    drawn_at = models.DateTimeField(_("抽取时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("三随机抽取")
        verbose_name_plural = _("三随机抽取")
        ordering = ["round", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "number"], name="%(app_label)s_%(class)s_number_unique"
            ),
            models.UniqueConstraint(
                fields=["round"],
                condition=Q(superseded_at__isnull=True),
                name="%(app_label)s_%(class)s_one_current",
            ),
            models.CheckConstraint(
                condition=Q(number=1) | ~Q(reason=""),
                name="%(app_label)s_%(class)s_redraw_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(size_value__gt=0), name="%(app_label)s_%(class)s_size_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round} 第{self.number}次抽取"

    @property
    def is_current(self) -> bool:
        return self.superseded_at is None


class SpotCheck(models.Model):
    """One drawn village: its checker and the outcome of the check."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("待核查")
        CONFIRMED = "confirmed", _("核查属实")
        DIFFERENCES = "differences", _("发现差异")

    draw = models.ForeignKey(
        SpotCheckDraw, verbose_name=_("抽取"), on_delete=models.PROTECT, related_name="checks"
    )
    assessment = models.ForeignKey(
        Assessment, verbose_name=_("村"), on_delete=models.PROTECT, related_name="spot_checks"
    )
    position = models.PositiveSmallIntegerField(_("抽中顺序"))
    checker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("核查人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="spot_checks",
    )
    outcome = models.CharField(
        _("核查结果"), max_length=12, choices=Outcome.choices, default=Outcome.PENDING
    )
    item = models.ForeignKey(
        Item,
        verbose_name=_("有差异的指标"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    points = models.DecimalField(_("核查认定分值"), **POINTS, null=True, blank=True)
    note = models.TextField(_("核查情况"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("登记时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("三随机核查")
        verbose_name_plural = _("三随机核查")
        ordering = ["draw", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["draw", "assessment"], name="%(app_label)s_%(class)s_once_per_draw"
            ),
            models.CheckConstraint(
                condition=~Q(outcome="differences") | Q(item__isnull=False, points__isnull=False),
                name="%(app_label)s_%(class)s_differences_name_item",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.draw} {self.assessment}"
