from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import Q
from django.forms.models import model_to_dict
from django.utils.translation import gettext_lazy as _

from starrating.client import client_ip

from .models import ApiToken, AuditLog, Organization, Role, User
from .services import audit_record


def _jsonable(value):
    if hasattr(value, "pk"):
        return value.pk
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


def role_allowed(request, roles) -> bool:
    user = request.user
    return user.is_active and user.is_staff and (user.is_superuser or user.role in roles)


class RoleAdmin(admin.ModelAdmin):
    """Admin access by the product's roles rather than Django's per-model permissions: county
    staff read everything, and each role edits only what DOMAIN.md §1 gives it. Superusers (the
    IT administrator) keep everything."""

    view_roles: tuple[str, ...] = (Role.COUNTY_ADMIN, Role.AUDITOR)
    edit_roles: tuple[str, ...] = ()

    def _allowed(self, request, roles) -> bool:
        return role_allowed(request, roles)

    def has_module_permission(self, request):
        return self._allowed(request, self.view_roles + self.edit_roles)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request, self.view_roles + self.edit_roles)

    def has_add_permission(self, request, *args):
        return self._allowed(request, self.edit_roles)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request, self.edit_roles)

    def has_delete_permission(self, request, obj=None):
        return False  # records a past round refers to are deactivated, never deleted


class ReadOnlyAdmin(RoleAdmin):
    """Changed only through the product's pages and API (services with validation,
    recalculation and audit)."""

    edit_roles = ()

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class AuditedAdmin(RoleAdmin):
    """Admin edits leave the same audit trail as the product's services: who, when, and the
    changed fields before and after (many-to-many ones included, hence written once the
    related objects are saved)."""

    edit_roles = (Role.COUNTY_ADMIN,)
    audit_exclude: tuple[str, ...] = ()

    def _snapshot(self, obj, fields):
        data = model_to_dict(obj, fields=[f for f in fields if f not in self.audit_exclude])
        return {k: _jsonable(v) for k, v in data.items()}

    def save_model(self, request, obj, form, change):
        fields = list(form.changed_data)
        before = None
        if change and obj.pk:
            before = self._snapshot(type(obj).objects.get(pk=obj.pk), fields)
        super().save_model(request, obj, form, change)
        form._audit = (before, fields, change)

    def save_formset(self, request, form, formset, change):
        changed = [f for f in formset.forms if f.has_changed() and not f.cleaned_data.get("DELETE")]
        before = {
            f.instance.pk: self._snapshot(
                type(f.instance).objects.get(pk=f.instance.pk), f.changed_data
            )
            for f in changed
            if f.instance.pk
        }
        super().save_formset(request, form, formset, change)
        for f in changed:
            audit_record(
                actor=request.user,
                action=AuditLog.Action.UPDATE
                if f.instance.pk in before
                else AuditLog.Action.CREATE,
                obj=f.instance,
                before=before.get(f.instance.pk),
                after=self._snapshot(f.instance, f.changed_data),
                ip=client_ip(request),
            )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        before, fields, change = form._audit
        audit_record(
            actor=request.user,
            action=AuditLog.Action.UPDATE if change else AuditLog.Action.CREATE,
            obj=form.instance,
            before=before,
            after=self._snapshot(form.instance, fields),
            ip=client_ip(request),
        )


def county_tree_q(user, prefix: str = "") -> Q:
    """Organizations of the user's county (itself, its townships, their villages)."""
    county = user.county_id
    return (
        Q(**{f"{prefix}pk": county})
        | Q(**{f"{prefix}parent_id": county})
        | Q(**{f"{prefix}parent__parent_id": county})
    )


class CountyScopedAdmin(AuditedAdmin):
    """Non-superusers see the records of their own county only."""

    county_path: str = ""  # path from the model to an Organization of the county tree

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(county_tree_q(request.user, self.county_path)).distinct()


@admin.register(Organization)
class OrganizationAdmin(CountyScopedAdmin):
    list_display = ["code", "name", "kind", "parent", "party_body", "secretary_name", "is_active"]
    list_filter = ["kind", "party_body", "is_active"]
    search_fields = ["code", "name", "secretary_name"]
    autocomplete_fields = ["parent"]
    list_select_related = ["parent"]


@admin.register(User)
class UserAdmin(CountyScopedAdmin, BaseUserAdmin):
    audit_exclude = ("password",)
    county_path = "organization__"
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

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:  # no one grants themselves or others more power
            fields += ["is_staff", "is_superuser", "groups"]
        return fields


@admin.register(AuditLog)
class AuditLogAdmin(ReadOnlyAdmin):
    """Read-only: the audit log is append-only."""

    list_display = ["at", "actor_name", "action", "object_type", "object_repr", "reason"]
    list_filter = ["action", "object_type"]
    search_fields = ["actor_name", "object_repr", "object_id", "reason"]
    date_hierarchy = "at"


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    """Read-only: users create and revoke their own tokens (the key is never stored)."""

    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "user__username", "prefix"]
    exclude = ["key_hash"]
