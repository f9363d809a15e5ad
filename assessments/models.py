"""Rounds, assessments, score sheets, findings, surveys, results and rectification ledgers."""

from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from indicators.models import POINTS, Catalogue, Item
from organizations.models import Department, Organization

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

    county = models.ForeignKey(
        Organization,
        verbose_name=_("区县"),
        on_delete=models.PROTECT,
        related_name="rounds",
        limit_choices_to={"kind": Organization.Kind.COUNTY},
    )
    year = models.PositiveSmallIntegerField(_("年度"))
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
                fields=["county", "year"], name="%(app_label)s_%(class)s_one_per_county_year"
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
    exceptional = models.BooleanField(_("破格"), default=False)
    exceptional_reason = models.TextField(_("破格理由"), blank=True)

    # The computed result (rules 1–13); empty until every counting stage is submitted.
    category_scores = models.JSONField(_("类别得分"), null=True, blank=True)
    total = models.DecimalField(_("总分"), **POINTS, null=True, blank=True)
    composite = models.DecimalField(_("综合得分"), **POINTS, null=True, blank=True)
    band_level = models.PositiveSmallIntegerField(_("分数段星级"), null=True, blank=True)
    stars_earned = models.JSONField(_("达标星"), null=True, blank=True)
    level = models.PositiveSmallIntegerField(_("评定星级"), null=True, blank=True)
    previous_level = models.PositiveSmallIntegerField(_("上年星级"), null=True, blank=True)
    change = models.SmallIntegerField(_("星级变化"), null=True, blank=True)
    vetoed = models.BooleanField(_("取消评星资格"), default=False)
    result_steps = models.JSONField(_("定级过程"), null=True, blank=True)
    result_missing = models.JSONField(_("缺少的输入"), null=True, blank=True)
    computed_at = models.DateTimeField(_("计算时间"), null=True, blank=True)

    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("评定对象")
        verbose_name_plural = _("评定对象")
        ordering = ["round", "organization__code"]
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
        ]
        indexes = [models.Index(fields=["round", "level"])]

    # The fields ``results_refresh`` (re)writes; bulk writers update exactly these.
    RESULT_FIELDS = (
        "category_scores",
        "total",
        "composite",
        "band_level",
        "stars_earned",
        "level",
        "previous_level",
        "change",
        "vetoed",
        "result_steps",
        "result_missing",
        "computed_at",
    )

    def __str__(self) -> str:
        return f"{self.round.year} {self.organization.name}"

    @property
    def has_result(self) -> bool:
        return self.level is not None

    @property
    def is_new(self) -> bool:
        return self.has_result and self.previous_level is None

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
        ordering = ["assessment", "stage"]
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
        ordering = ["sheet", "item__position"]
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


class Finding(models.Model):
    """A veto or star deduction found for an assessment; only confirmed findings count."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待确认")
        CONFIRMED = "confirmed", _("已确认")
        WITHDRAWN = "withdrawn", _("已撤回")

    assessment = models.ForeignKey(
        Assessment, verbose_name=_("评定对象"), on_delete=models.PROTECT, related_name="findings"
    )
    item = models.ForeignKey(
        Item,
        verbose_name=_("否决/减星项"),
        on_delete=models.PROTECT,
        related_name="findings",
        limit_choices_to={"kind__in": [Item.Kind.VETO, Item.Kind.STAR_DEDUCTION]},
    )
    department = models.CharField(_("部门"), max_length=32, choices=Department.choices)
    evidence = models.TextField(_("问题事实与依据"))
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    withdrawn_reason = models.TextField(_("撤回原因"), blank=True)

    class Meta:
        verbose_name = _("联审问题")
        verbose_name_plural = _("联审问题")
        ordering = ["-recorded_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="confirmed") | Q(confirmed_by__isnull=False),
                name="%(app_label)s_%(class)s_confirmed_has_confirmer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment} {self.item.code} {self.get_status_display()}"

    @property
    def kind(self) -> str:
        return self.item.kind


class DepartmentClearance(models.Model):
    """A department's statement that it found no main problem (无重大问题) for a village."""

    assessment = models.ForeignKey(
        Assessment, verbose_name=_("评定对象"), on_delete=models.PROTECT, related_name="clearances"
    )
    department = models.CharField(_("部门"), max_length=32, choices=Department.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("部门审查无问题")
        verbose_name_plural = _("部门审查无问题")
        ordering = ["assessment", "department"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "department"],
                name="%(app_label)s_%(class)s_one_per_department",
            )
        ]

    def __str__(self) -> str:
        return f"{self.assessment} {self.get_department_display()}"


class SatisfactionSurvey(models.Model):
    """满意度测评: how many were asked and how many were satisfied."""

    assessment = models.OneToOneField(
        Assessment, verbose_name=_("评定对象"), on_delete=models.PROTECT, related_name="survey"
    )
    respondents = models.PositiveIntegerField(_("测评人数"))
    satisfied = models.PositiveIntegerField(_("满意人数"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), on_delete=models.PROTECT
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("满意度测评")
        verbose_name_plural = _("满意度测评")
        ordering = ["assessment"]
        constraints = [
            models.CheckConstraint(
                condition=Q(respondents__gt=0), name="%(app_label)s_%(class)s_has_respondents"
            ),
            models.CheckConstraint(
                condition=Q(satisfied__lte=F("respondents")),
                name="%(app_label)s_%(class)s_satisfied_within_respondents",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment} {self.satisfied}/{self.respondents}"

    @property
    def rate(self) -> Decimal:
        return Decimal(self.satisfied) / Decimal(self.respondents)


class Rectification(models.Model):
    """整改台账: a weakness found, tracked to closure (销号)."""

    class Status(models.TextChoices):
        OPEN = "open", _("待整改")
        IN_PROGRESS = "in_progress", _("整改中")
        CLOSED = "closed", _("已销号")
        OVERDUE = "overdue", _("已逾期")

    assessment = models.ForeignKey(
        Assessment,
        verbose_name=_("评定对象"),
        on_delete=models.PROTECT,
        related_name="rectifications",
    )
    problem = models.TextField(_("存在问题"))
    measures = models.TextField(_("整改措施"))
    standard = models.TextField(_("整改标准"), blank=True)
    deadline = models.DateField(_("整改时限"))
    responsible_person = models.CharField(_("责任人"), max_length=50)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.OPEN)
    closure_evidence = models.TextField(_("销号佐证"), blank=True)
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("整改台账")
        verbose_name_plural = _("整改台账")
        ordering = ["deadline", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="closed") | ~Q(closure_evidence=""),
                name="%(app_label)s_%(class)s_closed_needs_evidence",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment} {self.problem[:20]}"


def job_upload_to(job: "Job", filename: str) -> str:
    return f"jobs/{timezone.now():%Y/%m}/{job.pk or 'new'}-{filename}"


class Job(models.Model):
    """A background import or export (Celery task) and what became of it."""

    class Kind(models.TextChoices):
        EXPORT_TEMPLATE = "export_template", _("导出评分模板")
        EXPORT_REPORT = "export_report", _("导出年度报表")
        IMPORT_SCORES = "import_scores", _("导入评分")
        IMPORT_ORGANIZATIONS = "import_organizations", _("导入组织")

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("进行中")
        SUCCEEDED = "succeeded", _("已完成")
        FAILED = "failed", _("失败")

    kind = models.CharField(_("类型"), max_length=32, choices=Kind.choices)
    parameters = models.JSONField(_("参数"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="jobs",
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("进度（%）"), default=0)
    counts = models.JSONField(_("统计"), default=dict, blank=True)
    error_message = models.TextField(_("失败原因"), blank=True)
    errors = models.JSONField(_("错误明细"), default=list, blank=True)
    upload = models.FileField(_("上传文件"), upload_to=job_upload_to, blank=True, max_length=255)
    result_file = models.FileField(
        _("结果文件"), upload_to=job_upload_to, blank=True, max_length=255
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    expires_at = models.DateTimeField(_("文件过期时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="%(app_label)s_%(class)s_progress_in_range"
            ),
        ]
        indexes = [models.Index(fields=["status", "expires_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)

    COUNT_LABELS = {
        "sheets": _("工作表"),
        "townships": _("镇（街道）"),
        "villages": _("村"),
        "with_result": _("有评定结果的村"),
        "items": _("指标"),
        "cells": _("得分"),
        "created": _("新增"),
        "updated": _("修改"),
        "unchanged": _("未变"),
        "sheets_changed": _("变动的评分表"),
        "deactivated": _("停用"),
        "rectifications": _("整改台账"),
    }

    @property
    def counts_display(self) -> list[tuple[str, object]]:
        return [(str(self.COUNT_LABELS.get(k, k)), v) for k, v in (self.counts or {}).items()]

    @property
    def result_available(self) -> bool:
        return (
            self.status == self.Status.SUCCEEDED
            and bool(self.result_file)
            and (self.expires_at is None or self.expires_at > timezone.now())
        )
