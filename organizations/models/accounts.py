"""Accounts: one role scoped to one organization of the tree (DOMAIN.md §1), departments of the
joint review, personal API tokens."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .tree import TOWNSHIP_KINDS, VILLAGE_KINDS, Organization


class Role(models.TextChoices):
    """DOMAIN.md §1: what each user may do. One role per account."""

    COUNTY_ADMIN = "county_admin", _("县级管理员（组织部）")
    EVALUATOR = "evaluator", _("考评组成员")
    TOWNSHIP_ASSESSOR = "township_assessor", _("镇街评分员")
    VILLAGE_SECRETARY = "village_secretary", _("村党组织书记")
    DEPARTMENT_REVIEWER = "department_reviewer", _("联审部门")
    AUDITOR = "auditor", _("审计（只读）")
    INDICATOR_MAINTAINER = "indicator_maintainer", _("指标维护员")
    # A city's or province's organization department: read-only roll-ups of its counties.
    REGION_VIEWER = "region_viewer", _("市/省组织部（汇总只读）")
    # 三员 (GB/T 22239-2019 level 3, separation of duties): none of them touches the business
    # data, and no business role touches accounts, security policy or the audit log.
    SYSTEM_ADMIN = "system_admin", _("系统管理员")
    SECURITY_ADMIN = "security_admin", _("安全管理员")
    AUDIT_ADMIN = "audit_admin", _("安全审计员")


# The three separated administrator roles (三员) and the business roles (DOMAIN.md §1).
ADMIN_ROLES: tuple[str, ...] = (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN)
BUSINESS_ROLES: tuple[str, ...] = tuple(r for r in Role.values if r not in ADMIN_ROLES)
# Roles that work in the admin panel: their accounts get ``is_staff`` from the role, so no one
# grants admin access by hand.
STAFF_ROLES: tuple[str, ...] = (
    Role.COUNTY_ADMIN,
    Role.AUDITOR,
    Role.INDICATOR_MAINTAINER,
    *ADMIN_ROLES,
)


# The level of the tree each role's scope organization must be at.
ROLE_SCOPE_KINDS: dict[str, tuple[str, ...]] = {
    Role.COUNTY_ADMIN: (Organization.Kind.COUNTY,),
    Role.EVALUATOR: (Organization.Kind.COUNTY,),
    Role.TOWNSHIP_ASSESSOR: TOWNSHIP_KINDS,
    Role.VILLAGE_SECRETARY: VILLAGE_KINDS,
    Role.DEPARTMENT_REVIEWER: (Organization.Kind.COUNTY,),
    Role.AUDITOR: (Organization.Kind.COUNTY,),
    Role.INDICATOR_MAINTAINER: (Organization.Kind.COUNTY,),
    Role.REGION_VIEWER: (Organization.Kind.PROVINCE, Organization.Kind.CITY),
    Role.SYSTEM_ADMIN: (Organization.Kind.COUNTY,),
    Role.SECURITY_ADMIN: (Organization.Kind.COUNTY,),
    Role.AUDIT_ADMIN: (Organization.Kind.COUNTY,),
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
    must_change_password = models.BooleanField(
        _("下次登录须修改密码"),
        default=False,
        help_text=_("管理员新建账号或重置密码后为“是”，用户修改密码后清除。"),
    )
    expires_on = models.DateField(
        _("账号有效期至"), null=True, blank=True, help_text=_("过期后不能登录（网页和API）。")
    )
    sessions_revoked_at = models.DateTimeField(
        _("会话注销时间"),
        null=True,
        blank=True,
        help_text=_("此前登录的所有会话均已失效（“退出所有设备”）。"),
    )

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
            # 三员: the superuser is the system administrator created at install, never a
            # business role (which would both change scores and read the audit log).
            models.CheckConstraint(
                condition=Q(is_superuser=False) | Q(role__in=["", "system_admin"]),
                name="%(app_label)s_%(class)s_superuser_is_the_system_admin",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.full_name or self.get_full_name() or self.username

    def has_role(self, *roles: str) -> bool:
        return self.is_active and self.role in roles

    def is_expired(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.expires_on is not None and self.expires_on < today

    @property
    def county_id(self) -> int | None:
        """The county this account works in, whatever its level in the tree."""
        org = self.organization
        while org is not None and org.kind != Organization.Kind.COUNTY:
            org = org.parent
        return org.pk if org else None


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


class PasswordHistory(models.Model):
    """Hashes of an account's previous passwords, so a new one may not repeat the last few
    (等保2.0 身份鉴别; ``organizations.passwords.PasswordHistoryValidator``)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="password_history",
    )
    password = models.CharField(_("密码摘要"), max_length=128)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("历史密码")
        verbose_name_plural = _("历史密码")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.created_at:%Y-%m-%d}"


class RoleSecurityPolicy(models.Model):
    """Per-county, per-role policy set by the county's security administrator: whether a
    second factor (TOTP) is required at sign-in."""

    county = models.ForeignKey(
        Organization,
        verbose_name=_("区县"),
        on_delete=models.PROTECT,
        related_name="role_policies",
    )
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices)
    require_otp = models.BooleanField(_("要求动态口令（TOTP）"), default=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("角色安全策略")
        verbose_name_plural = _("角色安全策略")
        ordering = ["county", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "role"], name="%(app_label)s_%(class)s_one_per_role"
            )
        ]

    def __str__(self) -> str:
        return self.get_role_display()
