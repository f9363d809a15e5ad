"""述职评议考核 (issue 16 part 3, seed 002): the secretaries' annual report-and-review. A
session per organizer, year and level — the county reviews its township/street secretaries, a
township its village/community secretaries — with the 现场测评 weights by reviewer group and the
grade thresholds (docs/scoring.md §11); each reviewed secretary's written report, the common
questions (同题共答) and extra ones (加试题) with the answers; the reviewers' scores and
comments; the problems raised (共性 / 个性), each put on the rectification ledger; and the
三随机 on-site checks, linked to the assessment spot checks where one exists."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from assessments.models import SpotCheck
from ledgers.models import EvidenceFile, Rectification, evidence_storage
from organizations.models import Organization

USER = settings.AUTH_USER_MODEL
WEIGHT = {"max_digits": 4, "decimal_places": 3}
SCORE = {"max_digits": 5, "decimal_places": 2}


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("好")
    GOOD = "good", _("较好")
    FAIR = "fair", _("一般")
    POOR = "poor", _("差")


class ReviewSession(models.Model):
    """One 述职评议考核会议: who is reviewed, how the groups weigh, where the grades start."""

    class Level(models.TextChoices):
        TOWNSHIP = "township", _("乡镇（街道）党（工）委书记")
        VILLAGE = "village", _("村（社区）党组织书记")

    class Status(models.TextChoices):
        DRAFT = "draft", _("筹备中")
        OPEN = "open", _("评议中")
        CLOSED = "closed", _("已结束")

    county = models.ForeignKey(
        Organization, verbose_name=_("区/县"), on_delete=models.PROTECT, related_name="+"
    )
    organizer = models.ForeignKey(
        Organization,
        verbose_name=_("组织单位"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("乡镇书记由县（区）委评议，村书记由乡镇（街道）党（工）委评议"),
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    level = models.CharField(_("评议对象"), max_length=12, choices=Level.choices)
    title = models.CharField(_("名称"), max_length=100)
    held_on = models.DateField(_("会议日期"))
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default="draft")
    weight_leaders = models.DecimalField(_("领导权重"), **WEIGHT, default=Decimal("0.4"))
    weight_members = models.DecimalField(_("党员代表权重"), **WEIGHT, default=Decimal("0.3"))
    weight_public = models.DecimalField(_("群众代表权重"), **WEIGHT, default=Decimal("0.3"))
    threshold_excellent = models.DecimalField(_("“好”起点分"), **SCORE, default=Decimal(90))
    threshold_good = models.DecimalField(_("“较好”起点分"), **SCORE, default=Decimal(80))
    threshold_fair = models.DecimalField(_("“一般”起点分"), **SCORE, default=Decimal(60))
    cap_project_poor = models.CharField(
        _("书记项目考核为“差”时最高等次"),
        max_length=12,
        choices=Grade.choices,
        default=Grade.FAIR,
    )
    cap_project_fair = models.CharField(
        _("书记项目考核为“一般”时最高等次"),
        max_length=12,
        choices=Grade.choices,
        default=Grade.EXCELLENT,
    )
    created_by = models.ForeignKey(
        USER, verbose_name=_("创建人"), on_delete=models.PROTECT, related_name="+"
    )
    closed_by = models.ForeignKey(
        USER,
        verbose_name=_("结束人"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("述职评议")
        verbose_name_plural = _("述职评议")
        ordering = ["-year", "level", "organizer__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["organizer", "year", "level"], name="%(app_label)s_%(class)s_once_a_year"
            ),
            models.CheckConstraint(
                condition=Q(weight_leaders__gte=0, weight_members__gte=0, weight_public__gte=0),
                name="%(app_label)s_%(class)s_weights_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(
                    threshold_excellent__gt=models.F("threshold_good"),
                    threshold_good__gt=models.F("threshold_fair"),
                ),
                name="%(app_label)s_%(class)s_thresholds_ordered",
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | Q(closed_at__isnull=False),
                name="%(app_label)s_%(class)s_closed_has_time",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED

    @property
    def weights(self) -> dict[str, Decimal]:
        return {
            "leaders": self.weight_leaders,
            "members": self.weight_members,
            "public": self.weight_public,
        }

    @property
    def thresholds(self) -> dict[str, Decimal]:
        return {
            "excellent": self.threshold_excellent,
            "good": self.threshold_good,
            "fair": self.threshold_fair,
        }

    @property
    def caps(self) -> dict[str, str]:
        return {"poor": self.cap_project_poor, "fair": self.cap_project_fair}


class ReviewedSecretary(models.Model):
    """One secretary on the session's list: the written report and, once the session is closed,
    the frozen result."""

    session = models.ForeignKey(
        ReviewSession,
        verbose_name=_("述职评议"),
        on_delete=models.PROTECT,
        related_name="reviewees",
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("党组织"), on_delete=models.PROTECT, related_name="+"
    )
    secretary_name = models.CharField(_("书记"), max_length=50)
    report = models.TextField(_("述职报告"), blank=True)
    report_evidence = models.CharField(_("报告附件说明"), max_length=300, blank=True)
    report_at = models.DateTimeField(_("报告提交时间"), null=True, blank=True)
    score = models.DecimalField(_("综合得分"), **SCORE, null=True, blank=True)
    score_grade = models.CharField(
        _("按得分等次"), max_length=12, choices=Grade.choices, blank=True
    )
    grade = models.CharField(_("评议等次"), max_length=12, choices=Grade.choices, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("述职书记")
        verbose_name_plural = _("述职书记")
        ordering = ["session_id", "organization__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "organization"], name="%(app_label)s_%(class)s_once_a_session"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization.name} {self.secretary_name}"


def _storage():
    return evidence_storage


class ReviewReportFile(models.Model):
    """The written 述职报告 as a file (PDF, Word or a photo of the paper), checked and stored
    privately like the ledger's evidence files (ledgers.services.evidence) and served only to
    those who may read the secretary's review. A new upload replaces the current one; the
    replaced file is kept, inactive, for the audit trail."""

    KINDS = ("pdf", "docx", "jpeg", "png")

    reviewee = models.ForeignKey(
        ReviewedSecretary,
        verbose_name=_("述职书记"),
        on_delete=models.PROTECT,
        related_name="report_files",
    )
    file = models.FileField(_("文件"), storage=_storage, upload_to="review-reports/%Y/%m/")
    name = models.CharField(_("文件名"), max_length=200)
    kind = models.CharField(_("类型"), max_length=8, choices=EvidenceFile.Kind.choices)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        USER, verbose_name=_("上传人"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    is_active = models.BooleanField(_("有效"), default=True)

    class Meta:
        verbose_name = _("述职报告文件")
        verbose_name_plural = _("述职报告文件")
        ordering = ["-uploaded_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["reviewee"],
                condition=Q(is_active=True),
                name="%(app_label)s_%(class)s_one_current",
            )
        ]

    def __str__(self) -> str:
        return self.name


class ReviewQuestion(models.Model):
    """同题共答 for every secretary, or 加试题 for one kind of organization (领域) or one
    secretary."""

    class Kind(models.TextChoices):
        COMMON = "common", _("同题共答")
        EXTRA = "extra", _("加试题")

    session = models.ForeignKey(
        ReviewSession,
        verbose_name=_("述职评议"),
        on_delete=models.PROTECT,
        related_name="questions",
    )
    kind = models.CharField(_("类型"), max_length=8, choices=Kind.choices)
    text = models.CharField(_("题目"), max_length=300)
    domain = models.CharField(
        _("适用领域"), max_length=12, choices=Organization.Kind.choices, blank=True
    )
    reviewee = models.ForeignKey(
        ReviewedSecretary,
        verbose_name=_("指定书记"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("述职题目")
        verbose_name_plural = _("述职题目")
        ordering = ["session_id", "kind", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="common", domain="", reviewee__isnull=True)
                | (Q(kind="extra") & (~Q(domain="") | Q(reviewee__isnull=False))),
                name="%(app_label)s_%(class)s_extra_has_target",
            )
        ]

    def __str__(self) -> str:
        return self.text

    def asks(self, reviewee: ReviewedSecretary, kind: str) -> bool:
        """Whether this question is put to ``reviewee`` (of organization kind ``kind``)."""
        if self.kind == self.Kind.COMMON:
            return True
        return self.reviewee_id == reviewee.pk or (bool(self.domain) and self.domain == kind)


class ReviewAnswer(models.Model):
    reviewee = models.ForeignKey(
        ReviewedSecretary,
        verbose_name=_("述职书记"),
        on_delete=models.PROTECT,
        related_name="answers",
    )
    question = models.ForeignKey(
        ReviewQuestion, verbose_name=_("题目"), on_delete=models.PROTECT, related_name="answers"
    )
    text = models.TextField(_("回答"))
    by = models.ForeignKey(
        USER, verbose_name=_("填写人"), on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("述职答题")
        verbose_name_plural = _("述职答题")
        ordering = ["reviewee_id", "question_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["reviewee", "question"], name="%(app_label)s_%(class)s_once_a_question"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reviewee} {self.question_id}"


class ReviewScore(models.Model):
    """One reviewer's 现场测评 score (0–100) and comment, in their group."""

    class Group(models.TextChoices):
        LEADERS = "leaders", _("领导")
        MEMBERS = "members", _("党员代表")
        PUBLIC = "public", _("群众代表")

    reviewee = models.ForeignKey(
        ReviewedSecretary,
        verbose_name=_("述职书记"),
        on_delete=models.PROTECT,
        related_name="scores",
    )
    group = models.CharField(_("评议组别"), max_length=8, choices=Group.choices)
    reviewer = models.CharField(_("评议人"), max_length=50)
    score = models.DecimalField(
        _("得分"),
        **SCORE,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    comment = models.CharField(_("点评"), max_length=500, blank=True)
    by = models.ForeignKey(
        USER, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    # A wrong score is withdrawn, never deleted: the row stays (with who, when and why) and
    # counts no more; the reviewer's score may then be entered again.
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        USER,
        verbose_name=_("撤回人"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    withdraw_reason = models.CharField(_("撤回原因"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("测评打分")
        verbose_name_plural = _("测评打分")
        ordering = ["reviewee_id", "group", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=0, score__lte=100),
                name="%(app_label)s_%(class)s_score_in_range",
            ),
            models.UniqueConstraint(
                fields=["reviewee", "group", "reviewer"],
                condition=Q(withdrawn_at__isnull=True),
                name="%(app_label)s_%(class)s_once_a_reviewer",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True)
                | (Q(withdrawn_by__isnull=False) & ~Q(withdraw_reason="")),
                name="%(app_label)s_%(class)s_withdrawn_has_who_and_why",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reviewee} {self.get_group_display()} {self.score}"

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None


class ReviewProblem(models.Model):
    """A problem named at the review (点评问题): 共性 (several or all reviewed organizations)
    or 个性 (one); each affected organization gets its own ledger entry (销号 there)."""

    class Kind(models.TextChoices):
        COMMON = "common", _("共性问题")
        INDIVIDUAL = "individual", _("个性问题")

    session = models.ForeignKey(
        ReviewSession, verbose_name=_("述职评议"), on_delete=models.PROTECT, related_name="problems"
    )
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    text = models.TextField(_("问题"))
    measures = models.TextField(_("整改要求"))
    deadline = models.DateField(_("整改时限"))
    reviewees = models.ManyToManyField(
        ReviewedSecretary, verbose_name=_("涉及书记"), related_name="problems"
    )
    rectifications = models.ManyToManyField(
        Rectification, verbose_name=_("整改台账"), related_name="+"
    )
    by = models.ForeignKey(
        USER, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("述职评议问题")
        verbose_name_plural = _("述职评议问题")
        ordering = ["session_id", "kind", "id"]

    def __str__(self) -> str:
        return self.text[:30]


class OnSiteCheck(models.Model):
    """实地核查 by 三随机 (organizations, interviewees and routes drawn at random) of one
    reviewed secretary's work, linked to the assessment spot check it went with if any."""

    reviewee = models.ForeignKey(
        ReviewedSecretary,
        verbose_name=_("述职书记"),
        on_delete=models.PROTECT,
        related_name="checks",
    )
    checked_on = models.DateField(_("核查日期"))
    checkers = models.CharField(_("核查组"), max_length=200)
    findings = models.TextField(_("核查情况"))
    spot_check = models.ForeignKey(
        SpotCheck,
        verbose_name=_("三随机核查记录"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    by = models.ForeignKey(
        USER, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("述职实地核查")
        verbose_name_plural = _("述职实地核查")
        ordering = ["reviewee_id", "checked_on", "id"]

    def __str__(self) -> str:
        return f"{self.reviewee} {self.checked_on}"
