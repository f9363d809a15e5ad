"""The versioned catalogue (指标体系): categories (one per star) and their items."""

from decimal import Decimal

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from organizations.models import RatingTarget

POINTS = {"max_digits": 5, "decimal_places": 2}


class Catalogue(models.Model):
    """One year's catalogue. Frozen once a round using it has opened; next year's is a copy."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    year = models.PositiveSmallIntegerField(_("年度"))
    # Which rounds may use it: a village catalogue for village rounds, a 镇街 one for township
    # rounds (its own categories, items and rules).
    target = models.CharField(
        _("评定对象"), max_length=10, choices=RatingTarget.choices, default=RatingTarget.VILLAGE
    )
    description = models.TextField(_("说明"), blank=True)
    copied_from = models.ForeignKey(
        "self",
        verbose_name=_("复制自"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="copies",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("指标体系")
        verbose_name_plural = _("指标体系")
        ordering = ["-year", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_frozen(self) -> bool:
        """True once any round using this catalogue has left draft (DOMAIN.md §2)."""
        return self.rounds.exclude(status="draft").exists()


class Category(models.Model):
    """A category of the catalogue; earning its pass line earns its star (rule 6)."""

    catalogue = models.ForeignKey(
        Catalogue, verbose_name=_("指标体系"), on_delete=models.PROTECT, related_name="categories"
    )
    code = models.CharField(_("代码"), max_length=8)
    name = models.CharField(_("星名"), max_length=20, help_text=_("如：书记星"))
    description = models.TextField(_("说明"), blank=True)
    max_points = models.DecimalField(_("满分"), **POINTS)
    pass_points = models.DecimalField(
        _("达标线"),
        **POINTS,
        null=True,
        blank=True,
        help_text=_("留空则按评定轮次的达标比例（默认满分的80%）计算。"),
    )
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("指标类别")
        verbose_name_plural = _("指标类别")
        ordering = ["catalogue", "position", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["catalogue", "code"], name="%(app_label)s_%(class)s_unique_code"
            ),
            models.CheckConstraint(
                condition=Q(max_points__gt=0), name="%(app_label)s_%(class)s_max_positive"
            ),
            models.CheckConstraint(
                condition=Q(pass_points__isnull=True)
                | (Q(pass_points__gte=0) & Q(pass_points__lte=F("max_points"))),
                name="%(app_label)s_%(class)s_pass_within_max",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def resolved_pass_points(self, pass_ratio: Decimal) -> Decimal:
        if self.pass_points is not None:
            return self.pass_points
        return (self.max_points * pass_ratio).quantize(Decimal("0.01"))


class Item(models.Model):
    """One line of the catalogue. Veto and star-deduction items stand outside the categories."""

    class Kind(models.TextChoices):
        SCORED = "scored", _("评分项")
        DEDUCTION = "deduction", _("减分项")
        VETO = "veto", _("否决项")
        STAR_DEDUCTION = "star_deduction", _("减星项")

    catalogue = models.ForeignKey(
        Catalogue, verbose_name=_("指标体系"), on_delete=models.PROTECT, related_name="items"
    )
    category = models.ForeignKey(
        Category,
        verbose_name=_("类别"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="items",
    )
    code = models.CharField(_("代码"), max_length=8)
    title = models.CharField(_("指标内容"), max_length=200)
    guidance = models.TextField(_("评分细则"), blank=True)
    evidence = models.TextField(_("佐证材料"), blank=True)
    max_points = models.DecimalField(_("分值"), **POINTS, default=Decimal("0"))
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices, default=Kind.SCORED)
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("指标项")
        verbose_name_plural = _("指标项")
        ordering = ["catalogue", "position", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["catalogue", "code"], name="%(app_label)s_%(class)s_unique_code"
            ),
            models.CheckConstraint(
                condition=Q(max_points__gte=0), name="%(app_label)s_%(class)s_max_not_negative"
            ),
            # Points items live in a category; veto and star-deduction items stand outside.
            models.CheckConstraint(
                condition=(Q(kind__in=["scored", "deduction"]) & Q(category__isnull=False))
                | (Q(kind__in=["veto", "star_deduction"]) & Q(category__isnull=True)),
                name="%(app_label)s_%(class)s_category_matches_kind",
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=["scored", "deduction"]) | Q(max_points__gt=0),
                name="%(app_label)s_%(class)s_points_items_have_max",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def is_points_item(self) -> bool:
        return self.kind in (self.Kind.SCORED, self.Kind.DEDUCTION)
