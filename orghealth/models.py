"""Organization health (组织建设, issue 16): 换届, Party body type, 双承诺, 驻村力量, the 两委
roster and 软弱涣散 designations. Nothing here is deleted: a member who leaves is marked left,
a posting extended keeps its extensions, a designation keeps its ledger entry."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from ledgers.models import Rectification
from organizations.models import Organization

from . import rules

FLAG_LABELS = {
    rules.NO_FEMALE: _("无女性成员"),
    rules.AGE_OVER: _("平均年龄超过上限"),
    rules.NO_RESERVE: _("无后备干部"),
}
STATUS_LABELS = {
    rules.OVERDUE: _("逾期未换届"),
    rules.DUE_SOON: _("即将到期"),
    rules.ON_TERM: _("任期内"),
    rules.UNRECORDED: _("未登记"),
}


class HealthSettings(models.Model):
    """One county's thresholds (the seed's: five-year term, 党总支 over 100 → 党委, under 20 →
    支部; 队伍星 flags an average age over 48)."""

    county = models.OneToOneField(
        Organization, verbose_name=_("区/县"), on_delete=models.PROTECT, related_name="+"
    )
    term_years = models.PositiveSmallIntegerField(_("任期（年）"), default=5)
    remind_days = models.PositiveSmallIntegerField(_("到期前提醒天数"), default=90)
    committee_above = models.PositiveIntegerField(_("党员超过此数设党委"), default=100)
    branch_below = models.PositiveIntegerField(_("党员少于此数设支部"), default=20)
    max_average_age = models.DecimalField(
        _("两委平均年龄上限"), max_digits=4, decimal_places=1, default=Decimal("48")
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("组织建设设置")
        verbose_name_plural = _("组织建设设置")
        ordering = ["county__code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(term_years__gte=1, term_years__lte=10),
                name="%(app_label)s_%(class)s_term_in_range",
            ),
            models.CheckConstraint(
                condition=Q(branch_below__lt=F("committee_above")),
                name="%(app_label)s_%(class)s_thresholds_ordered",
            ),
            models.CheckConstraint(
                condition=Q(remind_days__lte=366), name="%(app_label)s_%(class)s_remind_in_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.county.name} 组织建设设置"


class Election(models.Model):
    """One 换届选举 of one Party organization (a village's or a township's)."""

    organization = models.ForeignKey(
        Organization, verbose_name=_("党组织"), on_delete=models.PROTECT, related_name="elections"
    )
    elected_on = models.DateField(_("换届日期"))
    term_years = models.PositiveSmallIntegerField(_("任期（年）"))
    note = models.CharField(_("备注"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("换届记录")
        verbose_name_plural = _("换届记录")
        ordering = ["organization__code", "-elected_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "elected_on"], name="%(app_label)s_%(class)s_once_a_day"
            ),
            models.CheckConstraint(
                condition=Q(term_years__gte=1, term_years__lte=10),
                name="%(app_label)s_%(class)s_term_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization.name} {self.elected_on}"

    @property
    def due_on(self):
        return rules.election_due(self.elected_on, self.term_years)


class BodyAdjustment(models.Model):
    """党组织设置调整: a body type changed because of its member count (党总支 → 党委 …)."""

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("党组织"),
        on_delete=models.PROTECT,
        related_name="body_adjustments",
    )
    from_body = models.CharField(_("原类型"), max_length=16, choices=Organization.PartyBody.choices)
    to_body = models.CharField(_("调整为"), max_length=16, choices=Organization.PartyBody.choices)
    member_count = models.PositiveIntegerField(_("调整时党员人数"))
    adjusted_on = models.DateField(_("调整日期"))
    reason = models.CharField(_("依据"), max_length=200)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("党组织设置调整")
        verbose_name_plural = _("党组织设置调整")
        ordering = ["-adjusted_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_body=F("to_body")),
                name="%(app_label)s_%(class)s_changes_the_body",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization.name} {self.from_body}→{self.to_body}"


class Commitment(models.Model):
    """双承诺: a commitment of an organization (党组织承诺) or of one member (党员承诺)."""

    class Kind(models.TextChoices):
        ORGANIZATION = "organization", _("党组织承诺")
        MEMBER = "member", _("党员承诺")

    organization = models.ForeignKey(
        Organization, verbose_name=_("村（社区）"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    member_name = models.CharField(_("承诺党员"), max_length=50, blank=True)
    content = models.CharField(_("承诺事项"), max_length=300)
    done_on = models.DateField(_("完成日期"), null=True, blank=True)
    evidence = models.CharField(_("完成情况"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("双承诺")
        verbose_name_plural = _("双承诺")
        ordering = ["-year", "organization__code", "kind", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="organization") & Q(member_name=""))
                | (Q(kind="member") & ~Q(member_name="")),
                name="%(app_label)s_%(class)s_member_named_for_member_kind",
            ),
            models.CheckConstraint(
                condition=Q(done_on__isnull=True) | ~Q(evidence=""),
                name="%(app_label)s_%(class)s_done_needs_evidence",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.organization.name} {self.content[:20]}"

    @property
    def is_done(self) -> bool:
        return self.done_on is not None


class Posting(models.Model):
    """驻村力量: a first secretary (第一书记), a work-team member (驻村工作队) or a township cadre
    paired with the village (包村干部), from a unit, for a period (extensions kept)."""

    class Kind(models.TextChoices):
        FIRST_SECRETARY = "first_secretary", _("第一书记")
        WORK_TEAM = "work_team", _("驻村工作队员")
        TOWNSHIP_CADRE = "township_cadre", _("包村干部")

    organization = models.ForeignKey(
        Organization, verbose_name=_("村（社区）"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    person_name = models.CharField(_("姓名"), max_length=50)
    unit = models.CharField(_("派出单位"), max_length=100)
    starts_on = models.DateField(_("起始日期"))
    ends_on = models.DateField(_("截止日期"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("驻村力量")
        verbose_name_plural = _("驻村力量")
        ordering = ["organization__code", "kind", "-starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="%(app_label)s_%(class)s_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization.name} {self.get_kind_display()} {self.person_name}"


class PostingExtension(models.Model):
    """延长派驻: the end date moved later, with the reason (the seed: one more year)."""

    posting = models.ForeignKey(
        Posting, verbose_name=_("驻村力量"), on_delete=models.PROTECT, related_name="extensions"
    )
    previous_end = models.DateField(_("原截止日期"))
    new_end = models.DateField(_("延长至"))
    reason = models.CharField(_("延长原因"), max_length=200)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("延长派驻")
        verbose_name_plural = _("延长派驻")
        ordering = ["posting_id", "new_end"]
        constraints = [
            models.CheckConstraint(
                condition=Q(new_end__gt=F("previous_end")),
                name="%(app_label)s_%(class)s_later_end",
            )
        ]

    def __str__(self) -> str:
        return f"{self.posting} → {self.new_end}"


class CommitteeMember(models.Model):
    """One member of a village's 两委 (Party committee and villagers' committee), with the
    fields the 队伍星 items judge."""

    class Body(models.TextChoices):
        PARTY = "party", _("村党组织委员会")
        VILLAGE = "village", _("村民委员会")
        BOTH = "both", _("交叉任职")

    class Gender(models.TextChoices):
        MALE = "male", _("男")
        FEMALE = "female", _("女")

    class Education(models.TextChoices):
        JUNIOR = "junior", _("初中及以下")
        SENIOR = "senior", _("高中/中专")
        COLLEGE = "college", _("大专")
        BACHELOR = "bachelor", _("本科及以上")

    organization = models.ForeignKey(
        Organization, verbose_name=_("村（社区）"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("姓名"), max_length=50)
    position = models.CharField(_("职务"), max_length=50)
    body = models.CharField(_("所在班子"), max_length=16, choices=Body.choices)
    gender = models.CharField(_("性别"), max_length=8, choices=Gender.choices)
    birth_date = models.DateField(_("出生日期"))
    education = models.CharField(_("学历"), max_length=16, choices=Education.choices)
    is_reserve_cadre = models.BooleanField(_("后备干部"), default=False)
    left_on = models.DateField(_("离任日期"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("两委成员")
        verbose_name_plural = _("两委成员")
        ordering = ["organization__code", "left_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=F("birth_date")),
                name="%(app_label)s_%(class)s_left_after_birth",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization.name} {self.position} {self.name}"

    @property
    def is_college(self) -> bool:
        return self.education in (self.Education.COLLEGE, self.Education.BACHELOR)

    def as_person(self) -> rules.Person:
        return rules.Person(
            female=self.gender == self.Gender.FEMALE,
            birth_date=self.birth_date,
            college=self.is_college,
            reserve_cadre=self.is_reserve_cadre,
        )


class WeakDesignation(models.Model):
    """软弱涣散: a village Party organization designated for a year; its 整顿 runs as a
    rectification ledger entry and is done when that entry is closed (销号)."""

    organization = models.ForeignKey(
        Organization, verbose_name=_("村（社区）"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    reason = models.CharField(_("认定原因"), max_length=300)
    designated_on = models.DateField(_("认定日期"))
    rectification = models.OneToOneField(
        Rectification,
        verbose_name=_("整顿台账"),
        on_delete=models.PROTECT,
        related_name="weak_designation",
    )
    designated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("认定人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("软弱涣散党组织")
        verbose_name_plural = _("软弱涣散党组织")
        ordering = ["-year", "organization__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "year"], name="%(app_label)s_%(class)s_once_a_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.organization.name}"

    @property
    def is_done(self) -> bool:
        return self.rectification.is_closed


class WeakDismissal(models.Model):
    """A 软弱涣散 suggestion (from 创星晋级's 堡垒星 or the annual rating, docs/scoring.md §9)
    the county looked at and did not follow, with its reason: the village leaves that year's
    suggestion list. Kept for the record (never deleted)."""

    organization = models.ForeignKey(
        Organization, verbose_name=_("村（社区）"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    reason = models.CharField(_("不予认定的理由"), max_length=300)
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("决定人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("不予认定的软弱涣散建议")
        verbose_name_plural = _("不予认定的软弱涣散建议")
        ordering = ["-year", "organization__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "year"], name="%(app_label)s_%(class)s_once_a_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.organization.name}"
