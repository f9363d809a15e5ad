"""Assessments (one organization in one round, holding its stored result), score sheets and
scores."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from indicators.models import POINTS, Item
from organizations.models import Organization

from .rounds import Round, Stage

CHANGE_KINDS = ("promoted", "demoted", "same", "new", "stripped")


def change_kind(level: int | None, previous_level: int | None) -> str | None:
    """How a result moved since last year: ``new`` without a previous level; ``stripped``
    (摘星) when a starred organization falls to 0 stars; else promoted / demoted / same.
    None while there is no result."""
    if level is None:
        return None
    if previous_level is None:
        return "new"
    if level == 0 and previous_level > 0:
        return "stripped"
    if level > previous_level:
        return "promoted"
    if level < previous_level:
        return "demoted"
    return "same"


class Assessment(models.Model):
    """One organization in one round: its sheets, findings, survey and computed result."""

    round = models.ForeignKey(
        Round, verbose_name=_("评定轮次"), on_delete=models.PROTECT, related_name="assessments"
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("村党组织"),
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    # The organization's 12-digit code, which never changes (a new code is a new node): kept
    # here so that a round's records in code order — the default everywhere — come from one
    # index, not a join and sort of the round's rows.
    code = models.CharField(_("区划代码"), max_length=12, editable=False)
    exceptional = models.BooleanField(_("破格"), default=False)
    exceptional_reason = models.TextField(_("破格理由"), blank=True)

    # The computed result (rules 1–13); empty until every counting stage is submitted.
    category_scores = models.JSONField(_("类别得分"), null=True, blank=True)
    item_points = models.JSONField(_("指标得分"), null=True, blank=True)  # rule 1, by code
    total = models.DecimalField(_("总分"), **POINTS, null=True, blank=True)
    composite = models.DecimalField(_("综合得分"), **POINTS, null=True, blank=True)
    band_level = models.PositiveSmallIntegerField(_("分数段星级"), null=True, blank=True)
    stars_earned = models.JSONField(_("达标星"), null=True, blank=True)
    level = models.PositiveSmallIntegerField(_("评定星级"), null=True, blank=True)
    # The level after rules 5–11, before the quotas (rule 12): with it stored, a save re-applies
    # the quotas across the round from these small rows instead of rescoring every village.
    level_before_quota = models.PositiveSmallIntegerField(
        _("名额控制前星级"), null=True, blank=True
    )
    previous_level = models.PositiveSmallIntegerField(_("上年星级"), null=True, blank=True)
    change = models.SmallIntegerField(_("星级变化"), null=True, blank=True)
    vetoed = models.BooleanField(_("取消评星资格"), default=False)
    result_steps = models.JSONField(_("定级过程"), null=True, blank=True)  # rules 5–11
    quota_steps = models.JSONField(_("名额控制过程"), null=True, blank=True)  # rule 12
    result_missing = models.JSONField(_("缺少的输入"), null=True, blank=True)
    computed_at = models.DateTimeField(_("计算时间"), null=True, blank=True)

    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("评定对象")
        verbose_name_plural = _("评定对象")
        ordering = ["round", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "organization"], name="%(app_label)s_%(class)s_one_per_round"
            ),
            models.CheckConstraint(
                condition=Q(level__isnull=True) | Q(level__lte=5),
                name="%(app_label)s_%(class)s_level_in_range",
            ),
            models.CheckConstraint(
                condition=Q(total__isnull=True) | Q(total__gte=0, total__lte=100),
                name="%(app_label)s_%(class)s_total_in_range",
            ),
            models.CheckConstraint(
                condition=~Q(exceptional=True) | ~Q(exceptional_reason=""),
                name="%(app_label)s_%(class)s_exceptional_needs_reason",
            ),
            # Bulk writers set it explicitly (``save`` copies it from the organization).
            models.CheckConstraint(condition=~Q(code=""), name="%(app_label)s_%(class)s_code_set"),
        ]
        indexes = [
            models.Index(fields=["round", "code"], name="assess_round_code"),
            models.Index(fields=["round", "level"]),
            models.Index(fields=["round", "level_before_quota"]),
            # The ranking (best first): a page of it reads the first rows, no sort of them all.
            models.Index(fields=["round", "-composite", "-total"], name="assess_round_ranking"),
        ]

    # The fields ``results_refresh`` (re)writes; bulk writers update exactly these.
    RESULT_FIELDS = (
        "category_scores",
        "item_points",
        "total",
        "composite",
        "band_level",
        "stars_earned",
        "level",
        "level_before_quota",
        "previous_level",
        "change",
        "vetoed",
        "result_steps",
        "quota_steps",
        "result_missing",
        "computed_at",
    )

    def __str__(self) -> str:
        return f"{self.round.year} {self.organization.name}"

    def save(self, *args, **kwargs) -> None:
        if not self.code and self.organization_id:
            self.code = self.organization.code
        super().save(*args, **kwargs)

    @property
    def has_result(self) -> bool:
        return self.level is not None

    @property
    def is_new(self) -> bool:
        return self.has_result and self.previous_level is None

    @property
    def steps(self) -> list[dict] | None:
        """How the level came about: rules 5–11, then any quota step (rule 12)."""
        if self.result_steps is None:
            return None
        return [*self.result_steps, *(self.quota_steps or [])]

    def result_snapshot(self) -> dict:
        """The result fields as JSON-ready values (audit before/after, exports)."""
        return {
            "category_scores": self.category_scores,
            "total": None if self.total is None else f"{self.total:.2f}",
            "composite": None if self.composite is None else f"{self.composite:.2f}",
            "stars_earned": self.stars_earned,
            "level": self.level,
            "previous_level": self.previous_level,
            "change": self.change,
            "vetoed": self.vetoed,
        }


class Sheet(models.Model):
    """One stage's score sheet of one assessment; ``version`` guards against lost updates."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("已提交")

    assessment = models.ForeignKey(
        Assessment, verbose_name=_("评定对象"), on_delete=models.PROTECT, related_name="sheets"
    )
    stage = models.CharField(_("阶段"), max_length=10, choices=Stage.choices)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    version = models.PositiveIntegerField(_("版本"), default=0)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("最后修改人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("评分表")
        verbose_name_plural = _("评分表")
        ordering = ["assessment_id", "stage"]  # ids: no join to the assessment's ordering
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "stage"], name="%(app_label)s_%(class)s_one_per_stage"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment} {self.get_stage_display()}"

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED


class Score(models.Model):
    """Points for one item on one sheet. The item's maximum is checked by ``scores_save``."""

    sheet = models.ForeignKey(
        Sheet, verbose_name=_("评分表"), on_delete=models.PROTECT, related_name="scores"
    )
    item = models.ForeignKey(
        Item, verbose_name=_("指标项"), on_delete=models.PROTECT, related_name="scores"
    )
    points = models.DecimalField(_("得分"), **POINTS)
    note = models.CharField(_("备注"), max_length=500, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("得分")
        verbose_name_plural = _("得分")
        # The unique (sheet, item) index's order: a score read never joins the sheet's,
        # assessment's or item's tables to sort (a one-village read stays an index scan).
        ordering = ["sheet_id", "item_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["sheet", "item"], name="%(app_label)s_%(class)s_one_per_item"
            ),
            models.CheckConstraint(
                condition=Q(points__gte=0), name="%(app_label)s_%(class)s_points_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item.code}={self.points}"
