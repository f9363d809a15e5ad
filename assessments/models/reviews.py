"""The joint review's roll (联查联审: the departments a round needs a conclusion from) and the
admin's recorded overrides of the gates on closing the county stage and publishing."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from organizations.models import Department

from .rounds import Round

# The seed's seven departments (000_…: 组织, 纪委监委, 政法, 统战, 信访, 应急, 农业农村).
STANDARD_REVIEW_DEPARTMENTS = (
    Department.ORGANIZATION,
    Department.DISCIPLINE,
    Department.POLITICAL_LEGAL,
    Department.UNITED_FRONT,
    Department.PETITIONS,
    Department.EMERGENCY,
    Department.AGRICULTURE,
)


class ReviewDepartment(models.Model):
    """One department that must give every village of the round a conclusion: "无重大问题"
    (a clearance) or a finding."""

    round = models.ForeignKey(
        Round,
        verbose_name=_("评定轮次"),
        on_delete=models.PROTECT,
        related_name="review_departments",
    )
    department = models.CharField(_("部门"), max_length=32, choices=Department.choices)
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("联审部门")
        verbose_name_plural = _("联审部门")
        ordering = ["round", "position", "department"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "department"], name="%(app_label)s_%(class)s_once_per_round"
            )
        ]

    def __str__(self) -> str:
        return f"{self.round} {self.get_department_display()}"


class GateOverride(models.Model):
    """An admin's decision to pass a gate that is not met (docs/scoring.md "Gates"), with the
    reason and what was still open at the time."""

    class Gate(models.TextChoices):
        JOINT_REVIEW = "joint_review", _("联查联审未完成")
        OBJECTIONS = "objections", _("公示异议未处理")
        PUBLICITY_PERIOD = "publicity_period", _("公示期未满")

    class Action(models.TextChoices):
        ADVANCE = "advance", _("结束考评组评定")
        PUBLISH = "publish", _("发布结果")

    round = models.ForeignKey(
        Round, verbose_name=_("评定轮次"), on_delete=models.PROTECT, related_name="overrides"
    )
    gate = models.CharField(_("未满足的条件"), max_length=20, choices=Gate.choices)
    action = models.CharField(_("操作"), max_length=10, choices=Action.choices)
    reason = models.TextField(_("原因"))
    open_items = models.JSONField(_("当时未完成的事项"), default=list, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), on_delete=models.PROTECT
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("强制通过记录")
        verbose_name_plural = _("强制通过记录")
        ordering = ["-at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(reason=""), name="%(app_label)s_%(class)s_has_reason"
            )
        ]

    def __str__(self) -> str:
        return f"{self.round} {self.get_gate_display()}"
