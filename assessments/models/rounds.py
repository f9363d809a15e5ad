"""Rounds (one county's rating of one year, with the rules of docs/scoring.md), stage reopenings
and evaluation groups."""

from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from indicators.models import POINTS, Catalogue
from organizations.models import Organization, RatingTarget

RATIO = {"max_digits": 4, "decimal_places": 3}


class Stage(models.TextChoices):
    SELF = "self", _("村自评")
    TOWNSHIP = "township", _("镇街初评")
    COUNTY = "county", _("考评组评定")


class LevelMode(models.TextChoices):
    TOTAL = "total", _("按总分定级")
    STARS = "stars", _("按星数定级")
    BOTH = "both", _("取两者较低")


class Round(models.Model):
    """One county's rating of one year: the catalogue, the rules of DOMAIN.md §4, the stages."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SELF_ASSESSMENT = "self_assessment", _("村自评")
        TOWNSHIP_REVIEW = "township_review", _("镇街初评")
        COUNTY_REVIEW = "county_review", _("考评组评定")
        PUBLICITY = "publicity", _("公示")
        PUBLISHED = "published", _("已发布")
        ARCHIVED = "archived", _("已归档")

    # Shares and weights: each in [0, 1] (pages and API check the range before the services).
    RATIO_FIELDS = (
        "weight_self",
        "weight_township",
        "weight_county",
        "satisfaction_weight",
        "satisfaction_floor",
        "pass_ratio",
        "quota_5",
        "quota_4",
        "target_share_3",
        "target_share_4",
    )

    # The stage whose sheets may be edited in each status.
    STAGE_OF_STATUS = {
        Status.SELF_ASSESSMENT: Stage.SELF,
        Status.TOWNSHIP_REVIEW: Stage.TOWNSHIP,
        Status.COUNTY_REVIEW: Stage.COUNTY,
    }
    # Where "进入下一阶段" goes from each status that has a next stage.
    NEXT_STATUS = {
        Status.SELF_ASSESSMENT: Status.TOWNSHIP_REVIEW,
        Status.TOWNSHIP_REVIEW: Status.COUNTY_REVIEW,
        Status.COUNTY_REVIEW: Status.PUBLICITY,
    }

    county = models.ForeignKey(
        Organization,
        verbose_name=_("区县"),
        on_delete=models.PROTECT,
        related_name="rounds",
        limit_choices_to={"kind": Organization.Kind.COUNTY},
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    # Villages (the yearly village rating) or the county's townships (镇街): set at creation,
    # locked once the round opens; a township round is scored by the county only.
    target = models.CharField(
        _("评定对象"), max_length=10, choices=RatingTarget.choices, default=RatingTarget.VILLAGE
    )
    name = models.CharField(_("名称"), max_length=100)
    catalogue = models.ForeignKey(
        Catalogue, verbose_name=_("指标体系"), on_delete=models.PROTECT, related_name="rounds"
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )

    # Rule 1: the authoritative stage, or stage weights summing to 1 (all zero = not used).
    authoritative_stage = models.CharField(
        _("权威评分阶段"), max_length=10, choices=Stage.choices, default=Stage.COUNTY
    )
    weight_self = models.DecimalField(_("自评权重"), **RATIO, default=Decimal("0"))
    weight_township = models.DecimalField(_("初评权重"), **RATIO, default=Decimal("0"))
    weight_county = models.DecimalField(_("评定权重"), **RATIO, default=Decimal("0"))
    self_assessment_enabled = models.BooleanField(_("开展村自评"), default=True)
    # Rule 4.
    satisfaction_weight = models.DecimalField(_("满意度权重"), **RATIO, default=Decimal("0"))
    # Rule 5.
    band_min_5 = models.DecimalField(_("五星分数线"), **POINTS, default=Decimal("90"))
    band_min_4 = models.DecimalField(_("四星分数线"), **POINTS, default=Decimal("80"))
    band_min_3 = models.DecimalField(_("三星分数线"), **POINTS, default=Decimal("70"))
    band_min_2 = models.DecimalField(_("二星分数线"), **POINTS, default=Decimal("60"))
    band_min_1 = models.DecimalField(_("一星分数线"), **POINTS, default=Decimal("0"))
    # Rule 6.
    pass_ratio = models.DecimalField(_("类别达标比例"), **RATIO, default=Decimal("0.8"))
    # Rule 7.
    level_mode = models.CharField(
        _("定级方式"), max_length=10, choices=LevelMode.choices, default=LevelMode.BOTH
    )
    # Rule 8.
    satisfaction_floor = models.DecimalField(_("满意度底线"), **RATIO, default=Decimal("0.6"))
    satisfaction_cap_level = models.PositiveSmallIntegerField(_("满意度不达标最高星级"), default=2)
    # Rule 10.
    max_promotion = models.PositiveSmallIntegerField(_("每年最多晋升星级"), default=1)
    first_year_max = models.PositiveSmallIntegerField(_("首次评定最高星级"), default=5)
    # Rule 12: share of assessed organizations allowed at 5 and 4 stars (blank = no quota).
    quota_5 = models.DecimalField(_("五星比例上限"), **RATIO, null=True, blank=True)
    quota_4 = models.DecimalField(_("四星比例上限"), **RATIO, null=True, blank=True)

    self_deadline = models.DateTimeField(_("自评截止"), null=True, blank=True)
    township_deadline = models.DateTimeField(_("初评截止"), null=True, blank=True)
    county_deadline = models.DateTimeField(_("评定截止"), null=True, blank=True)
    publicity_start = models.DateField(_("公示开始"), null=True, blank=True)
    publicity_end = models.DateField(_("公示结束"), null=True, blank=True)
    supervision_phone = models.CharField(_("监督电话"), max_length=40, blank=True)
    appeal_window_days = models.PositiveSmallIntegerField(
        _("复核申请期限（天）"), default=15, help_text=_("发布后村可申请复核的天数")
    )
    target_share_3 = models.DecimalField(
        _("三星及以上目标比例"), **RATIO, default=Decimal("1"), help_text=_("“保三”目标")
    )
    target_share_4 = models.DecimalField(
        _("四星及以上目标比例"), **RATIO, default=Decimal("0.2"), help_text=_("“争四”目标")
    )

    opened_at = models.DateTimeField(_("开启时间"), null=True, blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("评定轮次")
        verbose_name_plural = _("评定轮次")
        ordering = ["-year", "county"]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "year", "target"],
                name="%(app_label)s_%(class)s_one_per_county_year_target",
            ),
            # The sum-to-one rule is checked in Round.clean() and the engine: decimal sums are
            # not exact on SQLite, whose NUMERIC columns hold floats.
            models.CheckConstraint(
                condition=Q(weight_self__gte=0, weight_self__lte=1)
                & Q(weight_township__gte=0, weight_township__lte=1)
                & Q(weight_county__gte=0, weight_county__lte=1),
                name="%(app_label)s_%(class)s_weights_in_range",
            ),
            models.CheckConstraint(
                condition=Q(satisfaction_weight__gte=0, satisfaction_weight__lte=1),
                name="%(app_label)s_%(class)s_satisfaction_weight_in_range",
            ),
            models.CheckConstraint(
                condition=Q(satisfaction_floor__gte=0, satisfaction_floor__lte=1),
                name="%(app_label)s_%(class)s_satisfaction_floor_in_range",
            ),
            models.CheckConstraint(
                condition=Q(pass_ratio__gt=0, pass_ratio__lte=1),
                name="%(app_label)s_%(class)s_pass_ratio_in_range",
            ),
            models.CheckConstraint(
                condition=Q(band_min_5__gte=F("band_min_4"))
                & Q(band_min_4__gte=F("band_min_3"))
                & Q(band_min_3__gte=F("band_min_2"))
                & Q(band_min_2__gte=F("band_min_1"))
                & Q(band_min_1__gte=0)
                & Q(band_min_5__lte=100),
                name="%(app_label)s_%(class)s_bands_descending",
            ),
            models.CheckConstraint(
                condition=Q(satisfaction_cap_level__lte=5) & Q(first_year_max__lte=5),
                name="%(app_label)s_%(class)s_levels_in_range",
            ),
            models.CheckConstraint(
                condition=(Q(quota_5__isnull=True) | Q(quota_5__gte=0, quota_5__lte=1))
                & (Q(quota_4__isnull=True) | Q(quota_4__gte=0, quota_4__lte=1)),
                name="%(app_label)s_%(class)s_quotas_in_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        weights = self.stage_weights.values()
        if any(w > 0 for w in weights) and sum(weights) != Decimal("1"):
            raise ValidationError(
                {
                    "weight_county": _("各阶段权重之和必须等于1（当前为%(sum)s）。")
                    % {"sum": sum(weights)}
                }
            )
        if not self.self_assessment_enabled and self.weight_self > 0:
            raise ValidationError({"weight_self": _("未开展村自评时，自评权重必须为0。")})
        if not self.uses_stage_weights and self.authoritative_stage == Stage.SELF:
            raise ValidationError({"authoritative_stage": _("村自评不能作为权威评分阶段。")})
        if self.rates_townships:
            # Scored by the county alone: no self-assessment, no township stage.
            if self.self_assessment_enabled:
                raise ValidationError(
                    {"self_assessment_enabled": _("镇街评定由县级评定，不开展自评。")}
                )
            if self.weight_self > 0 or self.weight_township > 0:
                raise ValidationError(
                    {
                        "weight_township": _(
                            "镇街评定只有考评组评定一个阶段，自评和初评权重必须为0。"
                        )
                    }
                )
            if not self.uses_stage_weights and self.authoritative_stage != Stage.COUNTY:
                raise ValidationError(
                    {"authoritative_stage": _("镇街评定的权威评分阶段只能是考评组评定。")}
                )
        if self.catalogue_id is not None and self.target and self.catalogue.target != self.target:
            raise ValidationError(
                {
                    "catalogue": _("指标体系“%(c)s”适用于%(ct)s，不能用于%(t)s评定。")
                    % {
                        "c": self.catalogue,
                        "ct": self.catalogue.get_target_display(),
                        "t": self.get_target_display(),
                    }
                }
            )

    @property
    def rates_townships(self) -> bool:
        """A 镇街 round: its assessed organizations are townships, whose parent is the county."""
        return self.target == RatingTarget.TOWNSHIP

    @property
    def stages(self) -> tuple[str, ...]:
        """The stages whose sheets this round enters, in order: a township round the county's
        only; a village round the township's and the county's, after the villages' own if
        the round has a self-assessment."""
        if self.rates_townships:
            return (Stage.COUNTY,)
        first = (Stage.SELF,) if self.self_assessment_enabled else ()
        return (*first, Stage.TOWNSHIP, Stage.COUNTY)

    @property
    def rated_noun(self) -> str:
        """What the pages call one assessed organization: 村 or 镇街."""
        return str(_("镇街")) if self.rates_townships else str(_("村"))

    @property
    def rated_body(self) -> str:
        """Its Party organization, as on the publicity list: 村党组织 or 镇街党（工）委."""
        return str(_("镇街党（工）委")) if self.rates_townships else str(_("村党组织"))

    @property
    def first_status(self) -> str:
        """Where opening goes: a township round straight to the county stage."""
        if self.rates_townships:
            return self.Status.COUNTY_REVIEW
        if self.self_assessment_enabled:
            return self.Status.SELF_ASSESSMENT
        return self.Status.TOWNSHIP_REVIEW

    @property
    def uses_stage_weights(self) -> bool:
        return any(w > 0 for w in (self.weight_self, self.weight_township, self.weight_county))

    @property
    def stage_weights(self) -> dict[str, Decimal]:
        return {
            Stage.SELF: self.weight_self,
            Stage.TOWNSHIP: self.weight_township,
            Stage.COUNTY: self.weight_county,
        }

    @property
    def counting_stages(self) -> tuple[str, ...]:
        """The stages whose submitted sheets the result needs (rule 0 and rule 1)."""
        if self.uses_stage_weights:
            return tuple(s for s, w in self.stage_weights.items() if w > 0)
        return (self.authoritative_stage,)

    @property
    def open_stage(self) -> str | None:
        """The one stage whose sheets are being entered in the current status, if any."""
        return self.STAGE_OF_STATUS.get(self.status)

    @property
    def next_stage(self) -> str | None:
        """The stage whose sheets open when the round advances (None before publicity)."""
        return self.STAGE_OF_STATUS.get(self.NEXT_STATUS.get(self.status))

    def deadline_for(self, stage: str) -> datetime | None:
        return {
            Stage.SELF: self.self_deadline,
            Stage.TOWNSHIP: self.township_deadline,
            Stage.COUNTY: self.county_deadline,
        }[stage]

    def stage_open(self, stage: str, *, now=None) -> bool:
        """A stage accepts writes while the round is in it and its deadline has not passed."""
        if self.open_stage != stage:
            return False
        deadline = self.deadline_for(stage)
        return deadline is None or (now or timezone.now()) <= deadline

    @property
    def findings_open(self) -> bool:
        """Findings and surveys are recorded from opening until publicity ends."""
        return self.status in (
            self.Status.SELF_ASSESSMENT,
            self.Status.TOWNSHIP_REVIEW,
            self.Status.COUNTY_REVIEW,
            self.Status.PUBLICITY,
        )

    @property
    def is_public(self) -> bool:
        """The publicity list is out (公示 or later): every role of the county may read it."""
        return self.status in (self.Status.PUBLICITY, self.Status.PUBLISHED, self.Status.ARCHIVED)

    @property
    def publicity_signed_on(self):
        """The date under the publicity list's signature: the day publicity starts, else the
        day of publishing (local), else none yet. Never today: a reprint of 2023's list is
        signed with 2023's date."""
        if self.publicity_start:
            return self.publicity_start
        if self.published_at:
            return timezone.localdate(self.published_at)
        return None

    @property
    def is_published(self) -> bool:
        return self.status in (self.Status.PUBLISHED, self.Status.ARCHIVED)


class StageReopening(models.Model):
    """An admin's reopening of a stage past its deadline or after it moved on, with the reason."""

    round = models.ForeignKey(
        Round, verbose_name=_("评定轮次"), on_delete=models.PROTECT, related_name="reopenings"
    )
    stage = models.CharField(_("阶段"), max_length=10, choices=Stage.choices)
    reason = models.TextField(_("原因"))
    new_deadline = models.DateTimeField(_("新截止时间"), null=True, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), on_delete=models.PROTECT
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("阶段重新开放记录")
        verbose_name_plural = _("阶段重新开放记录")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.round} {self.get_stage_display()} {self.at:%Y-%m-%d}"


class EvaluationGroup(models.Model):
    """A county evaluation group (考评组) of one round and the villages assigned to it."""

    round = models.ForeignKey(
        Round, verbose_name=_("评定轮次"), on_delete=models.PROTECT, related_name="groups"
    )
    name = models.CharField(_("名称"), max_length=50)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("成员"),
        related_name="evaluation_groups",
        blank=True,
    )
    villages = models.ManyToManyField(
        Organization, verbose_name=_("负责的村"), related_name="evaluation_groups", blank=True
    )

    class Meta:
        verbose_name = _("考评组")
        verbose_name_plural = _("考评组")
        ordering = ["round", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "name"], name="%(app_label)s_%(class)s_unique_name"
            )
        ]

    def __str__(self) -> str:
        return f"{self.round.year} {self.name}"
