"""创星晋级 (issue 15 item 2): points tables per county, year and ladder; the members register;
dated point entries approved by a second person; and each subject's standing, recomputed by
``stars.rules`` on every approval. A new year is a new table: standings start at zero and
earlier years stay as they were (nothing is deleted)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from organizations.models import Organization


class Ladder(models.TextChoices):
    MEMBER = "member", _("先锋星（党员）")
    BRANCH = "branch", _("堡垒星（党支部）")
    COMMITTEE = "committee", _("服务星（基层党委）")


class MemberCategory(models.TextChoices):
    RURAL = "rural", _("农村党员")
    COMMUNITY = "community", _("社区党员")
    INSTITUTION = "institution", _("机关事业单位党员")
    ENTERPRISE = "enterprise", _("非公企业和社会组织党员")


class PointsTable(models.Model):
    """One ladder's 定星 table for a county and year, with its five grade thresholds."""

    county = models.ForeignKey(
        Organization, verbose_name=_("区县"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    ladder = models.CharField(_("星级类别"), max_length=16, choices=Ladder.choices)
    star_1 = models.DecimalField(_("一星分数线"), max_digits=6, decimal_places=1)
    star_2 = models.DecimalField(_("二星分数线"), max_digits=6, decimal_places=1)
    star_3 = models.DecimalField(_("三星分数线"), max_digits=6, decimal_places=1)
    star_4 = models.DecimalField(_("四星分数线"), max_digits=6, decimal_places=1)
    star_5 = models.DecimalField(_("五星分数线"), max_digits=6, decimal_places=1)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("创星记分表")
        verbose_name_plural = _("创星记分表")
        ordering = ["county_id", "-year", "ladder"]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "year", "ladder"], name="%(app_label)s_%(class)s_one_per_year"
            ),
            models.CheckConstraint(
                condition=Q(star_1__gt=0)
                & Q(star_2__gt=F("star_1"))
                & Q(star_3__gt=F("star_2"))
                & Q(star_4__gt=F("star_3"))
                & Q(star_5__gt=F("star_4")),
                name="%(app_label)s_%(class)s_thresholds_rising",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}年{self.get_ladder_display()}"

    @property
    def thresholds(self) -> tuple:
        return (self.star_1, self.star_2, self.star_3, self.star_4, self.star_5)


class PointsItem(models.Model):
    class Kind(models.TextChoices):
        ADD = "add", _("加分项")
        DEDUCT = "deduct", _("减星项")
        VETO = "veto", _("否决项")

    table = models.ForeignKey(
        PointsTable, verbose_name=_("记分表"), on_delete=models.PROTECT, related_name="items"
    )
    code = models.CharField(_("编号"), max_length=16)
    name = models.CharField(_("内容"), max_length=200)
    kind = models.CharField(_("类型"), max_length=8, choices=Kind.choices, default=Kind.ADD)
    points = models.DecimalField(
        _("分值/减星数"),
        max_digits=5,
        decimal_places=1,
        help_text=_("加分项为每次得分；减星项为减去的星数；否决项不计分。"),
    )
    category = models.CharField(
        _("适用党员类别"),
        max_length=16,
        choices=MemberCategory.choices,
        blank=True,
        help_text=_("留空为共性内容；填写为该类党员的个性内容（仅先锋星）。"),
    )
    is_active = models.BooleanField(_("有效"), default=True)

    class Meta:
        verbose_name = _("创星记分项")
        verbose_name_plural = _("创星记分项")
        ordering = ["table_id", "code"]
        constraints = [
            models.UniqueConstraint(fields=["table", "code"], name="%(app_label)s_%(class)s_code"),
            models.CheckConstraint(
                condition=Q(points__gte=0), name="%(app_label)s_%(class)s_points_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class PartyMember(models.Model):
    """A Party member on the register of one branch (村/社区党组织): only what the rating needs."""

    branch = models.ForeignKey(
        Organization, verbose_name=_("所在支部"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("姓名"), max_length=50)
    category = models.CharField(_("党员类别"), max_length=16, choices=MemberCategory.choices)
    is_active = models.BooleanField(_("在册"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("党员")
        verbose_name_plural = _("党员名册")
        ordering = ["branch_id", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["branch", "name"], name="%(app_label)s_%(class)s_name_in_branch"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PointEntry(models.Model):
    """One dated record in the 记分手册: what was done, by whom recorded, by whom approved."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待审核")
        APPROVED = "approved", _("已审核")
        REJECTED = "rejected", _("已退回")

    table = models.ForeignKey(
        PointsTable, verbose_name=_("记分表"), on_delete=models.PROTECT, related_name="entries"
    )
    item = models.ForeignKey(
        PointsItem, verbose_name=_("记分项"), on_delete=models.PROTECT, related_name="entries"
    )
    member = models.ForeignKey(
        PartyMember,
        verbose_name=_("党员"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entries",
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("党组织"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    occurred_on = models.DateField(_("日期"))
    description = models.CharField(_("所做工作"), max_length=300)
    evidence = models.TextField(_("佐证"), blank=True)
    evidence_file = models.FileField(
        _("佐证文件"), upload_to="stars/evidence/%Y/", blank=True, max_length=200
    )
    points = models.DecimalField(_("分值/减星数"), max_digits=5, decimal_places=1)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reject_reason = models.CharField(_("退回原因"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("创星记分")
        verbose_name_plural = _("创星记分")
        ordering = ["-occurred_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(member__isnull=True, organization__isnull=False)
                | Q(member__isnull=False, organization__isnull=True),
                name="%(app_label)s_%(class)s_one_subject",
            ),
            # The second person (DOMAIN.md: approvals are never self-approvals).
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("recorded_by")),
                name="%(app_label)s_%(class)s_second_person_decides",
            ),
        ]
        indexes = [models.Index(fields=["table", "status"])]

    def __str__(self) -> str:
        return f"{self.occurred_on} {self.description[:20]}"

    @property
    def subject_name(self) -> str:
        return self.member.name if self.member_id else self.organization.name


class StarStanding(models.Model):
    """A subject's points and stars in one table's year, rewritten on every approval."""

    table = models.ForeignKey(
        PointsTable, verbose_name=_("记分表"), on_delete=models.PROTECT, related_name="standings"
    )
    member = models.ForeignKey(
        PartyMember,
        verbose_name=_("党员"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="standings",
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("党组织"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    points = models.DecimalField(_("累计得分"), max_digits=7, decimal_places=1, default=0)
    deducted = models.PositiveSmallIntegerField(_("减星数"), default=0)
    vetoed = models.BooleanField(_("否决"), default=False)
    stars = models.PositiveSmallIntegerField(_("星级"), default=0)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("星级")
        verbose_name_plural = _("星级")
        ordering = ["table_id", "-stars", "-points", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(stars__gte=0, stars__lte=5), name="%(app_label)s_%(class)s_stars_0_5"
            ),
            models.CheckConstraint(
                condition=Q(vetoed=False) | Q(stars=0), name="%(app_label)s_%(class)s_veto_no_star"
            ),
            models.UniqueConstraint(
                fields=["table", "member"],
                condition=Q(member__isnull=False),
                name="%(app_label)s_%(class)s_one_per_member",
            ),
            models.UniqueConstraint(
                fields=["table", "organization"],
                condition=Q(organization__isnull=False),
                name="%(app_label)s_%(class)s_one_per_organization",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.table} {self.stars}星"


class ConsequenceTable(models.Model):
    """奖惩凭星 (issue 15 item 3): what a year's stars lead to in a county — the village cadres'
    performance-pay ratio by the branch's 堡垒星, award eligibility and the review flags
    (docs/scoring.md §S8–S10)."""

    county = models.ForeignKey(
        Organization, verbose_name=_("区县"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    pay_0 = models.DecimalField(_("无星村绩效补贴系数"), max_digits=3, decimal_places=2)
    pay_1 = models.DecimalField(_("一星村绩效补贴系数"), max_digits=3, decimal_places=2)
    pay_2 = models.DecimalField(_("二星村绩效补贴系数"), max_digits=3, decimal_places=2)
    pay_3 = models.DecimalField(_("三星村绩效补贴系数"), max_digits=3, decimal_places=2)
    pay_4 = models.DecimalField(_("四星村绩效补贴系数"), max_digits=3, decimal_places=2)
    pay_5 = models.DecimalField(_("五星村绩效补贴系数"), max_digits=3, decimal_places=2)
    award_min_stars = models.PositiveSmallIntegerField(_("优先评先评优的最低星级"), default=4)
    unqualified_max_stars = models.PositiveSmallIntegerField(
        _("列入不合格党员审查的最高星级"), default=1
    )
    weak_max_stars = models.PositiveSmallIntegerField(_("列为软弱涣散候选的最高星级"), default=1)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("奖惩凭星表")
        verbose_name_plural = _("奖惩凭星表")
        ordering = ["county_id", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "year"], name="%(app_label)s_%(class)s_one_per_year"
            ),
            models.CheckConstraint(
                condition=Q(pay_0__gte=0, pay_0__lte=2)
                & Q(pay_1__gte=0, pay_1__lte=2)
                & Q(pay_2__gte=0, pay_2__lte=2)
                & Q(pay_3__gte=0, pay_3__lte=2)
                & Q(pay_4__gte=0, pay_4__lte=2)
                & Q(pay_5__gte=0, pay_5__lte=2),
                name="%(app_label)s_%(class)s_pay_0_to_2",
            ),
            models.CheckConstraint(
                condition=Q(award_min_stars__lte=5)
                & Q(unqualified_max_stars__lte=5)
                & Q(weak_max_stars__lte=5),
                name="%(app_label)s_%(class)s_stars_0_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}年奖惩凭星表"

    @property
    def pay_ratios(self) -> tuple:
        return (self.pay_0, self.pay_1, self.pay_2, self.pay_3, self.pay_4, self.pay_5)


class LadderInput(models.Model):
    """S11: an annual-rating round's item whose points a ladder figure gives (issue 15 item 2,
    "a round may use a ladder figure as an item input"). Set by the round's county; the value
    reaches the sheet only through the core's sheet save (``assessments.services.scores_save``),
    so locks, scope, audit and recalculation are the core's own."""

    class Figure(models.TextChoices):
        MEMBER_SHARE = "member_share", _("本村党员达到先锋星星级的比例")
        BRANCH_STARS = "branch_stars", _("本村堡垒星星级÷5")

    round = models.ForeignKey(
        "assessments.Round", verbose_name=_("评定轮次"), on_delete=models.PROTECT, related_name="+"
    )
    item = models.ForeignKey(
        "indicators.Item", verbose_name=_("指标项"), on_delete=models.PROTECT, related_name="+"
    )
    figure = models.CharField(
        _("创星数据"), max_length=16, choices=Figure.choices, default=Figure.MEMBER_SHARE
    )
    min_stars = models.PositiveSmallIntegerField(_("星级线"), default=4)
    full_share = models.DecimalField(
        _("满分比例"),
        max_digits=5,
        decimal_places=4,
        default=1,
        help_text=_("比例达到此值即得满分；1 表示得分 = 满分 × 比例。"),
    )
    is_active = models.BooleanField(_("启用"), default=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("设置人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("创星数据指标")
        verbose_name_plural = _("创星数据指标")
        ordering = ["round_id", "item__position", "item__code"]
        constraints = [
            models.UniqueConstraint(fields=["round", "item"], name="%(app_label)s_%(class)s_once"),
            models.CheckConstraint(
                condition=Q(min_stars__gte=1, min_stars__lte=5),
                name="%(app_label)s_%(class)s_min_stars_1_5",
            ),
            models.CheckConstraint(
                condition=Q(full_share__gt=0, full_share__lte=1),
                name="%(app_label)s_%(class)s_full_share_0_1",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round} {self.item.code}"

    @property
    def rule_text(self) -> str:
        """The S11 rule of this input, in words (the sheet panel and the settings page)."""
        if self.figure == self.Figure.BRANCH_STARS:
            what = "堡垒星÷5"
        else:
            what = f"党员{self.min_stars}星及以上比例"
        if self.full_share >= 1:
            return f"得分 = 满分 × {what}"
        return f"得分 = 满分 × min(1, {what} ÷ {self.full_share.normalize():f})"
