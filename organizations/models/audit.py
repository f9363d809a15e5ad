"""The audit log (安全审计): an append-only record of every change and every security event.

Append-only at three levels: the model refuses ``save()`` of a stored row and ``delete()``; its
queryset refuses ``update()``, ``delete()`` and ``bulk_update()``; and the database refuses
UPDATE and DELETE with a trigger (migration ``0002``). The one way out is ``purge_audit``
(``AuditLog.objects.purge_older_than``), which deletes only rows past the retention period
(等保2.0: 审计记录保存不少于六个月, here ``AUDIT_RETENTION_DAYS`` = 184 days).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .tree import Organization

# 等保2.0 L3 8.1.4.3 c): audit records kept at least six months; 184 days covers any six.
AUDIT_RETENTION_DAYS = 184

# The PostgreSQL session setting the trigger checks before letting a purge DELETE through.
PURGE_SETTING = "starrating.audit_purge"


class AppendOnlyError(Exception):
    """Raised on any attempt to change or delete an audit row through the ORM."""


def _refuse(*args, **kwargs):
    raise AppendOnlyError("The audit log is append-only: rows are never changed or deleted.")


class AuditLogQuerySet(models.QuerySet):
    update = _refuse
    delete = _refuse
    bulk_update = _refuse
    update_or_create = _refuse

    def purge_older_than(self, cutoff: datetime) -> int:
        """Delete rows recorded before ``cutoff`` (never younger than the retention period).

        The only deletion path: a raw DELETE, allowed by the PostgreSQL trigger only inside this
        transaction (``SET LOCAL``) and only for rows past retention. Returns the rows deleted."""
        limit = timezone.now() - timedelta(days=AUDIT_RETENTION_DAYS)
        if cutoff > limit:
            raise AppendOnlyError(
                f"Audit rows are kept at least {AUDIT_RETENTION_DAYS} days; "
                f"refusing to delete rows newer than {limit:%Y-%m-%d %H:%M}."
            )
        table = self.model._meta.db_table
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SELECT set_config(%s, 'on', true)", [PURGE_SETTING])
            cursor.execute(f'DELETE FROM "{table}" WHERE "at" < %s', [cutoff])
            return cursor.rowcount


class AuditLog(models.Model):
    """Append-only record of every change: who, when, what object, before and after, where
    from (IP), and the county and village it concerns (for scoping and the village history)."""

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
        LOGOUT = "logout", _("退出登录")
        PERMISSION_DENIED = "permission_denied", _("越权访问被拒绝")
        PASSWORD_CHANGE = "password_change", _("修改密码")
        PASSWORD_RESET = "password_reset", _("管理员重置密码")
        ROLE_CHANGE = "role_change", _("角色或权限变更")
        AUDIT_PURGE = "audit_purge", _("清理过期审计日志")
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
    county = models.ForeignKey(
        Organization,
        verbose_name=_("所属区县"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("审计员只能查看本区县的日志。"),
    )
    village = models.ForeignKey(
        Organization,
        verbose_name=_("村（社区）"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = AuditLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["county", "-at"]),
            models.Index(fields=["village", "-at"]),
        ]

    def __str__(self) -> str:
        when = f"{timezone.localtime(self.at):%Y-%m-%d %H:%M:%S}" if self.at else ""
        return f"{when} {self.actor_name} {self.get_action_display()} {self.object_repr}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            _refuse()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        _refuse()
