"""Secretary projects (书记项目, issue 16): the county's yearly list of projects (mandatory per
kind of committee, and optional), the projects each township committee's secretary claims
(proposal → county review), their plans, monthly progress reports, random visits, and the
year-end completion review with a grade."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from assessments.models import SpotCheck
from organizations.models import Organization

USER = settings.AUTH_USER_MODEL


class ProjectOption(models.Model):
    """One entry of the county's yearly 书记项目清单."""

    class Kind(models.TextChoices):
        MANDATORY = "mandatory", _("必选")
        OPTIONAL = "optional", _("自选")

    class AppliesTo(models.TextChoices):
        ALL = "all", _("全部党（工）委")
        TOWNSHIP = "township", _("乡镇党委")
        STREET = "street", _("街道党工委")

    county = models.ForeignKey(
        Organization, verbose_name=_("区/县"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("项目名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    applies_to = models.CharField(
        _("适用"), max_length=12, choices=AppliesTo.choices, default=AppliesTo.ALL
    )
    description = models.CharField(_("说明"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("书记项目清单")
        verbose_name_plural = _("书记项目清单")
        ordering = ["-year", "kind", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "year", "title"], name="%(app_label)s_%(class)s_unique_title"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.title}（{self.get_kind_display()}）"

    def applies(self, committee: Organization) -> bool:
        return self.applies_to == self.AppliesTo.ALL or self.applies_to == committee.kind


class SecretaryProject(models.Model):
    """A project a committee's secretary leads (领办): 一个项目、一套方案、一支队伍."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草拟")
        SUBMITTED = "submitted", _("待审核")
        RETURNED = "returned", _("已退回")
        APPROVED = "approved", _("实施中")
        GRADED = "graded", _("已考核")

    class Grade(models.TextChoices):
        EXCELLENT = "excellent", _("好")
        GOOD = "good", _("较好")
        FAIR = "fair", _("一般")
        POOR = "poor", _("差")

    committee = models.ForeignKey(
        Organization,
        verbose_name=_("乡镇（街道）党（工）委"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    option = models.ForeignKey(
        ProjectOption, verbose_name=_("清单项目"), on_delete=models.PROTECT, related_name="projects"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    secretary_name = models.CharField(_("领办书记"), max_length=50)
    goal = models.TextField(_("项目目标"))
    plan = models.TextField(_("实施方案"), blank=True)
    team = models.CharField(_("工作专班"), max_length=300, blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    review_reason = models.CharField(_("退回原因"), max_length=300, blank=True)
    reviewed_by = models.ForeignKey(
        USER,
        verbose_name=_("审核人"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    approved_on = models.DateField(_("审核通过日期"), null=True, blank=True)
    grade = models.CharField(_("考核等次"), max_length=12, choices=Grade.choices, blank=True)
    grade_comment = models.CharField(_("考核评语"), max_length=300, blank=True)
    graded_by = models.ForeignKey(
        USER,
        verbose_name=_("考核人"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    created_by = models.ForeignKey(
        USER, verbose_name=_("申报人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("书记项目")
        verbose_name_plural = _("书记项目")
        ordering = ["-year", "committee__code", "option__kind", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "option"], name="%(app_label)s_%(class)s_once_per_option"
            ),
            models.CheckConstraint(
                condition=~Q(status="graded") | ~Q(grade=""),
                name="%(app_label)s_%(class)s_graded_has_grade",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["approved", "graded"]) | Q(approved_on__isnull=False),
                name="%(app_label)s_%(class)s_approved_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.committee.name} {self.option.title}"

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)


class ProgressReport(models.Model):
    """一月一调度: one month's progress with its evidence; lateness fixed when handed in."""

    project = models.ForeignKey(
        SecretaryProject,
        verbose_name=_("书记项目"),
        on_delete=models.PROTECT,
        related_name="reports",
    )
    month = models.DateField(_("月份"), help_text=_("该月1日"))
    progress = models.TextField(_("进展情况"))
    evidence = models.CharField(_("佐证"), max_length=300)
    submitted_on = models.DateField(_("报送日期"))
    days_late = models.PositiveIntegerField(_("逾期天数"), default=0)
    by = models.ForeignKey(
        USER, verbose_name=_("报送人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("月度调度")
        verbose_name_plural = _("月度调度")
        ordering = ["project_id", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "month"], name="%(app_label)s_%(class)s_once_a_month"
            ),
            models.CheckConstraint(
                condition=Q(month__day=1), name="%(app_label)s_%(class)s_month_first_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.month:%Y-%m}"

    @property
    def is_late(self) -> bool:
        return self.days_late > 0


class ProjectVisit(models.Model):
    """随机调研走访 / 实地核查 of a project by the county."""

    class Method(models.TextChoices):
        RANDOM = "random", _("随机调研走访")
        ON_SITE = "on_site", _("实地核查")

    project = models.ForeignKey(
        SecretaryProject,
        verbose_name=_("书记项目"),
        on_delete=models.PROTECT,
        related_name="visits",
    )
    visited_on = models.DateField(_("走访日期"))
    method = models.CharField(_("方式"), max_length=12, choices=Method.choices)
    visitors = models.CharField(_("走访人员"), max_length=200)
    findings = models.TextField(_("走访情况"))
    spot_check = models.ForeignKey(
        SpotCheck,
        verbose_name=_("三随机核查记录"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        help_text=_("本乡镇（街道）某村的三随机核查，走访结合该次核查进行时填写"),
    )
    by = models.ForeignKey(
        USER, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("项目走访")
        verbose_name_plural = _("项目走访")
        ordering = ["project_id", "visited_on", "id"]

    def __str__(self) -> str:
        return f"{self.project} {self.visited_on}"
