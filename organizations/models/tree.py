"""The organization tree (province → city → county → township → village), by 12-digit statistical
code; nothing is deleted, only deactivated."""

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

code_validator = RegexValidator(r"^\d{12}$", _("代码必须是12位数字的统计用区划代码。"))


class Organization(models.Model):
    """One node of the tree: a province or city (an installation serving many counties), a
    county, a township/street, or a village/community."""

    class Kind(models.TextChoices):
        PROVINCE = "province", _("省")
        CITY = "city", _("市/州")
        COUNTY = "county", _("区/县")
        TOWNSHIP = "township", _("乡/镇")
        STREET = "street", _("街道")
        VILLAGE = "village", _("村")
        COMMUNITY = "community", _("社区")

    class PartyBody(models.TextChoices):
        COMMITTEE = "committee", _("党委")
        GENERAL_BRANCH = "general_branch", _("党总支")
        BRANCH = "branch", _("党支部")

    code = models.CharField(_("区划代码"), max_length=12, unique=True, validators=[code_validator])
    name = models.CharField(_("名称"), max_length=100)
    # Filled from the name by organizations.initials wherever a name is written (search).
    name_initials = models.CharField(_("名称拼音首字母"), max_length=100, blank=True, default="")
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级组织"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    party_body = models.CharField(
        _("党组织类型"), max_length=16, choices=PartyBody.choices, default=PartyBody.BRANCH
    )
    secretary_name = models.CharField(_("书记姓名"), max_length=50, blank=True)
    member_count = models.PositiveIntegerField(_("党员人数"), default=0)
    is_active = models.BooleanField(
        _("有效"), default=True, help_text=_("撤并的村不删除，只停用；历年评定仍可追溯。")
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("组织")
        verbose_name_plural = _("组织")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[0-9]{12}$"),
                name="%(app_label)s_%(class)s_code_12_digits",
            ),
            # Only the levels above the townships may be roots: a county without its city is
            # how a single-county installation starts (docs/deployment.md).
            models.CheckConstraint(
                condition=Q(kind__in=["province", "city", "county"]) | Q(parent__isnull=False),
                name="%(app_label)s_%(class)s_parent_unless_region",
            ),
        ]
        indexes = [
            models.Index(fields=["parent", "kind"]),
            # A prefix match (LIKE 'hqc%') uses it on PostgreSQL whatever the collation.
            models.Index(
                fields=["name_initials"],
                name="organizations_org_initials",
                opclasses=["varchar_pattern_ops"],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    @property
    def is_county(self) -> bool:
        return self.kind == self.Kind.COUNTY

    @property
    def is_township_level(self) -> bool:
        return self.kind in (self.Kind.TOWNSHIP, self.Kind.STREET)

    @property
    def is_village_level(self) -> bool:
        return self.kind in (self.Kind.VILLAGE, self.Kind.COMMUNITY)


VILLAGE_KINDS = (Organization.Kind.VILLAGE, Organization.Kind.COMMUNITY)


TOWNSHIP_KINDS = (Organization.Kind.TOWNSHIP, Organization.Kind.STREET)


class RatingTarget(models.TextChoices):
    """Which level of the tree a rating round (and its catalogue) rates: the villages and
    communities of a county (the yearly village rating), or its townships and streets (镇街)."""

    VILLAGE = "village", _("村（社区）")
    TOWNSHIP = "township", _("镇街")


# The kinds of organization each target rates.
TARGET_KINDS = {RatingTarget.VILLAGE: VILLAGE_KINDS, RatingTarget.TOWNSHIP: TOWNSHIP_KINDS}
