"""The county → township → village tree, the people who use the product, and the audit log."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

code_validator = RegexValidator(r"^\d{12}$", _("代码必须是12位数字的统计用区划代码。"))


class Organization(models.Model):
    """One node of the tree: a county, a township/street, or a village/community."""

    class Kind(models.TextChoices):
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
            models.CheckConstraint(
                condition=Q(kind="county") | Q(parent__isnull=False),
                name="%(app_label)s_%(class)s_parent_unless_county",
            ),
        ]
        indexes = [models.Index(fields=["parent", "kind"])]

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


class Role(models.TextChoices):
    """DOMAIN.md §1: what each user may do. One role per account."""

    COUNTY_ADMIN = "county_admin", _("县级管理员（组织部）")
    EVALUATOR = "evaluator", _("考评组成员")
    TOWNSHIP_ASSESSOR = "township_assessor", _("镇街评分员")
    VILLAGE_SECRETARY = "village_secretary", _("村党组织书记")
    DEPARTMENT_REVIEWER = "department_reviewer", _("联审部门")
    AUDITOR = "auditor", _("审计（只读）")
    INDICATOR_MAINTAINER = "indicator_maintainer", _("指标维护员")


# The level of the tree each role's scope organization must be at.
ROLE_SCOPE_KINDS: dict[str, tuple[str, ...]] = {
    Role.COUNTY_ADMIN: (Organization.Kind.COUNTY,),
    Role.EVALUATOR: (Organization.Kind.COUNTY,),
    Role.TOWNSHIP_ASSESSOR: TOWNSHIP_KINDS,
    Role.VILLAGE_SECRETARY: VILLAGE_KINDS,
    Role.DEPARTMENT_REVIEWER: (Organization.Kind.COUNTY,),
    Role.AUDITOR: (Organization.Kind.COUNTY,),
    Role.INDICATOR_MAINTAINER: (Organization.Kind.COUNTY,),
}


class Department(models.TextChoices):
    """联查联审 departments (DOMAIN.md §1)."""

    DISCIPLINE = "discipline", _("纪检监察")
    POLITICAL_LEGAL = "political_legal", _("政法")
    PETITIONS = "petitions", _("信访")
    EMERGENCY = "emergency", _("应急管理")
    AGRICULTURE = "agriculture", _("农业农村")
    UNITED_FRONT = "united_front", _("统战")
    ECOLOGY = "ecology", _("生态环境")
    PUBLIC_SECURITY = "public_security", _("公安")
    MARKET = "market", _("市场监管")
    TAX = "tax", _("税务")
    ORGANIZATION = "organization", _("组织部")


class User(AbstractUser):
    """An account: one role, scoped to one organization of the tree (DOMAIN.md §1)."""

    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices, blank=True)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("所属组织"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        help_text=_("县级角色为区县，镇街评分员为乡镇/街道，村书记为本村。"),
    )
    department = models.CharField(
        _("所属部门"), max_length=32, choices=Department.choices, blank=True
    )
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        ordering = ["username"]
        constraints = [
            models.CheckConstraint(
                condition=Q(role="") | Q(organization__isnull=False),
                name="%(app_label)s_%(class)s_role_needs_organization",
            ),
            models.CheckConstraint(
                condition=~Q(role="department_reviewer") | ~Q(department=""),
                name="%(app_label)s_%(class)s_reviewer_needs_department",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.full_name or self.get_full_name() or self.username

    def has_role(self, *roles: str) -> bool:
        return self.is_active and self.role in roles

    @property
    def county_id(self) -> int | None:
        """The county this account works in, whatever its level in the tree."""
        org = self.organization
        while org is not None and org.kind != Organization.Kind.COUNTY:
            org = org.parent
        return org.pk if org else None


class AuditLog(models.Model):
    """Append-only record of every change: who, when, what object, before and after."""

    class Action(models.TextChoices):
        CREATE = "create", _("新建")
        UPDATE = "update", _("修改")
        DEACTIVATE = "deactivate", _("停用")
        SCORES_SAVE = "scores_save", _("保存评分")
        SHEET_SUBMIT = "sheet_submit", _("提交评分表")
        SHEET_REOPEN = "sheet_reopen", _("退回评分表")
        FINDING_CREATE = "finding_create", _("登记问题")
        FINDING_CONFIRM = "finding_confirm", _("确认问题")
        FINDING_WITHDRAW = "finding_withdraw", _("撤回问题")
        SURVEY_SAVE = "survey_save", _("录入满意度测评")
        RESULT_CHANGE = "result_change", _("评定结果变化")
        ROUND_TRANSITION = "round_transition", _("评定阶段变更")
        ROUND_REOPEN = "round_reopen", _("重新开放阶段")
        CATALOGUE_COPY = "catalogue_copy", _("复制指标体系")
        IMPORT = "import", _("导入")
        EXPORT = "export", _("导出")
        LOGIN = "login", _("登录")
        LOGIN_FAILED = "login_failed", _("登录失败")

    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_name = models.CharField(_("操作人姓名"), max_length=150, blank=True)
    action = models.CharField(_("操作"), max_length=32, choices=Action.choices)
    object_type = models.CharField(_("对象类型"), max_length=64)
    object_id = models.CharField(_("对象ID"), max_length=64)
    object_repr = models.CharField(_("对象"), max_length=255)
    before = models.JSONField(_("修改前"), null=True, blank=True)
    after = models.JSONField(_("修改后"), null=True, blank=True)
    reason = models.TextField(_("原因"), blank=True)
    ip_address = models.GenericIPAddressField(_("IP地址"), null=True, blank=True)

    class Meta:
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        when = f"{self.at:%Y-%m-%d %H:%M:%S}" if self.at else ""
        return f"{when} {self.actor_name} {self.get_action_display()} {self.object_repr}"


class ApiToken(models.Model):
    """A personal API token for scripts. Only a SHA-256 hash of the key is stored: the key is
    shown once, when created, and a leaked database does not leak usable keys."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.PROTECT,
        related_name="api_tokens",
    )
    name = models.CharField(_("名称"), max_length=100)
    prefix = models.CharField(
        _("密钥前缀"), max_length=16, help_text=_("用于辨认令牌，不能用于认证。")
    )
    key_hash = models.CharField(_("密钥摘要"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("最后使用时间"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("API令牌")
        verbose_name_plural = _("API令牌")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.prefix}…）"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
