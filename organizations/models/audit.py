"""The audit log: an append-only record of every change."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


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
        PASSWORD_CHANGE = "password_change", _("修改密码")
        PASSWORD_RESET = "password_reset", _("重置密码")
        ACCOUNT_UNLOCK = "account_unlock", _("解除锁定")
        SESSIONS_REVOKE = "sessions_revoke", _("注销全部会话")
        POLICY_CHANGE = "policy_change", _("修改安全策略")

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
