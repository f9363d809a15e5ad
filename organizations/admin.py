from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.forms.models import model_to_dict
from django.utils.translation import gettext_lazy as _

from .models import ApiToken, AuditLog, Organization, User
from .services import audit_record


def _jsonable(value):
    if hasattr(value, "pk"):
        return value.pk
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


class AuditedAdmin(admin.ModelAdmin):
    """Admin edits leave the same audit trail as the product's services; nothing is deleted
    here (records a past round refers to are deactivated instead)."""

    audit_exclude: tuple[str, ...] = ()

    def has_delete_permission(self, request, obj=None):
        return False

    def _snapshot(self, obj, fields):
        data = model_to_dict(obj, fields=[f for f in fields if f not in self.audit_exclude])
        return {k: _jsonable(v) for k, v in data.items()}

    def save_model(self, request, obj, form, change):
        fields = list(form.changed_data)
        before = None
        if change and obj.pk:
            before = self._snapshot(type(obj).objects.get(pk=obj.pk), fields)
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,
            action=AuditLog.Action.UPDATE if change else AuditLog.Action.CREATE,
            obj=obj,
            before=before,
            after=self._snapshot(obj, fields),
            ip=request.META.get("REMOTE_ADDR"),
        )


@admin.register(Organization)
class OrganizationAdmin(AuditedAdmin):
    list_display = ["code", "name", "kind", "parent", "party_body", "secretary_name", "is_active"]
    list_filter = ["kind", "party_body", "is_active"]
    search_fields = ["code", "name", "secretary_name"]
    autocomplete_fields = ["parent"]
    list_select_related = ["parent"]


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin):
    audit_exclude = ("password",)
    list_display = ["username", "full_name", "role", "organization", "department", "is_active"]
    list_filter = ["role", "department", "is_active", "is_staff"]
    search_fields = ["username", "full_name", "organization__name", "organization__code"]
    autocomplete_fields = ["organization"]
    list_select_related = ["organization"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("个人信息"), {"fields": ["full_name", "phone", "email"]}),
        (_("角色与范围"), {"fields": ["role", "organization", "department"]}),
        (_("权限"), {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        (_("时间"), {"fields": ["last_login", "date_joined", "password_changed_at"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": [
                    "username",
                    "full_name",
                    "role",
                    "organization",
                    "department",
                    "password1",
                    "password2",
                ],
            },
        )
    ]
    readonly_fields = ["last_login", "date_joined", "password_changed_at"]


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin):
    """Read-only: the audit log is append-only."""

    list_display = ["at", "actor_name", "action", "object_type", "object_repr", "reason"]
    list_filter = ["action", "object_type"]
    search_fields = ["actor_name", "object_repr", "object_id", "reason"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Read-only: users create and revoke their own tokens (the key is never stored)."""

    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "user__username", "prefix"]
    exclude = ["key_hash"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
