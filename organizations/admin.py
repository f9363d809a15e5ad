from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.forms.models import model_to_dict
from django.http import Http404
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from starrating.client import client_ip
from starrating.errors import DomainError

from . import selectors, services
from .initials import name_initials
from .models import ApiToken, AuditLog, Organization, Role, RoleSecurityPolicy, User
from .services import audit_record

# Roles are the product's permission model (DOMAIN.md §1); Django's groups are not used.
admin.site.unregister(Group)


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
    staff read their county, and each role edits only what DOMAIN.md §1 gives it. The superuser
    (the system administrator created at install) keeps everything.

    Every admin's rows go through the same scoping selectors as the pages and the API
    (``scope``, which each admin must define), and so do the choices of its foreign keys
    (``scoped_choices``): a row of another county is a 404, and no form accepts another
    county's organization, round or assessment, even when the id is forged."""

    view_roles: tuple[str, ...] = (Role.COUNTY_ADMIN, Role.AUDITOR)
    edit_roles: tuple[str, ...] = ()
    # field name → function of the user returning the allowed choices
    scoped_choices: dict = {}

    def scope(self, request, qs):
        raise NotImplementedError(f"{type(self).__name__} must scope its rows by the user")

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return qs if request.user.is_superuser else self.scope(request, qs)

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # Out of scope is "not found", as in the API and the pages (not a redirect that
        # tells the row exists elsewhere).
        raise Http404

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        choices = self.scoped_choices.get(db_field.name)
        if choices is not None and not request.user.is_superuser:
            kwargs["queryset"] = choices(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        choices = self.scoped_choices.get(db_field.name)
        if choices is not None and not request.user.is_superuser:
            kwargs["queryset"] = choices(request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

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


def county_organizations_for(user):
    return selectors.county_organizations(user.county_id)


class CountyScopedAdmin(AuditedAdmin):
    """Non-superusers see the records of their own county only."""

    county_path: str = ""  # path from the model to an Organization of the county tree

    def scope(self, request, qs):
        return qs.filter(
            selectors.county_tree_q(request.user.county_id, prefix=self.county_path)
        ).distinct()


@admin.register(Organization)
class OrganizationAdmin(CountyScopedAdmin):
    """The tree: basic data kept by the county admin (business) and the system administrator."""

    view_roles = (Role.COUNTY_ADMIN, Role.AUDITOR, Role.SYSTEM_ADMIN)
    edit_roles = (Role.COUNTY_ADMIN, Role.SYSTEM_ADMIN)
    scoped_choices = {"parent": county_organizations_for}
    list_display = ["code", "name", "kind", "parent", "party_body", "secretary_name", "is_active"]
    list_filter = ["kind", "party_body", "is_active"]
    search_fields = ["code", "name", "secretary_name"]
    autocomplete_fields = ["parent"]
    list_select_related = ["parent"]
    exclude = ["name_initials"]

    def save_model(self, request, obj, form, change):
        obj.name_initials = name_initials(obj.name)  # the village search reads them
        super().save_model(request, obj, form, change)


@admin.register(User)
class UserAdmin(RoleAdmin, BaseUserAdmin):
    """Accounts, for the system administrator of the county (三员). Changes go through
    ``services.user_update`` (own county, assignable roles, never one's own account, audited);
    creating accounts, disabling them and resetting passwords are on the user-management pages,
    so the admin's add and password forms are closed."""

    view_roles = (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN)
    edit_roles = (Role.SYSTEM_ADMIN,)
    scoped_choices = {"organization": county_organizations_for}
    list_display = ["username", "full_name", "role", "organization", "department", "is_active"]
    list_filter = ["role", "department", "is_active", "is_staff"]
    search_fields = ["username", "full_name", "organization__name", "organization__code"]
    autocomplete_fields = ["organization"]
    list_select_related = ["organization"]
    fieldsets = [
        (None, {"fields": ["username"]}),
        (_("个人信息"), {"fields": ["full_name", "phone", "email"]}),
        (_("角色与范围"), {"fields": ["role", "organization", "department", "expires_on"]}),
        (
            _("权限"),
            {"fields": ["is_active", "is_staff", "is_superuser", "must_change_password"]},
        ),
        (_("时间"), {"fields": ["last_login", "date_joined", "password_changed_at"]}),
    ]
    readonly_fields = [
        "username",
        "email",
        "is_active",
        "is_staff",
        "is_superuser",
        "must_change_password",
        "last_login",
        "date_joined",
        "password_changed_at",
    ]
    EDITABLE = ("full_name", "phone", "role", "organization", "department", "expires_on")

    def scope(self, request, qs):
        return qs.filter(pk__in=selectors.users_for_user(request.user).values("pk"))

    def has_add_permission(self, request, *args):
        return False  # the user-management page creates accounts (initial password shown once)

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.pk == request.user.pk and not request.user.is_superuser:
            return False  # no one changes their own role, scope or state
        return super().has_change_permission(request, obj)

    def user_change_password(self, request, id, form_url=""):
        raise PermissionDenied(_t("请在“用户管理”页面重置密码（重置会被审计）。"))

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "role" and not request.user.is_superuser:
            allowed = set(services.assignable_roles(request.user))
            kwargs["choices"] = [("", "---------")] + [c for c in Role.choices if c[0] in allowed]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in form.changed_data}
        fields = {k: v for k, v in fields.items() if k in self.EDITABLE}
        try:
            services.user_update(
                actor=request.user,
                user=User.objects.get(pk=obj.pk),
                ip=client_ip(request),
                **fields,
            )
        except DomainError as error:
            raise PermissionDenied(
                "；".join([error.message, *[e["message"] for e in error.errors]])
            ) from error

    def save_related(self, request, form, formsets, change):
        pass  # no related objects; the service audited the change


@admin.register(RoleSecurityPolicy)
class RoleSecurityPolicyAdmin(ReadOnlyAdmin):
    """Read-only: the security administrator sets the policy on its page (audited)."""

    view_roles = (Role.SECURITY_ADMIN,)
    list_display = ["county", "role", "require_otp", "updated_at"]

    def scope(self, request, qs):
        return selectors.role_policies_for_user(request.user)


@admin.register(AuditLog)
class AuditLogAdmin(ReadOnlyAdmin):
    """Read-only: the audit log is append-only. Only the audit roles read it (三员): the county
    admin, who changes scores, does not."""

    view_roles = (Role.AUDIT_ADMIN, Role.AUDITOR)

    def scope(self, request, qs):
        return qs.filter(pk__in=selectors.audit_log_for_user(request.user).values("pk"))

    list_display = ["at", "actor_name", "action", "object_type", "object_repr", "reason"]
    list_filter = ["action", "object_type"]
    search_fields = ["actor_name", "object_repr", "object_id", "reason"]
    date_hierarchy = "at"


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    """Read-only: users create and revoke their own tokens (the key is never stored)."""

    view_roles = (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN)

    def scope(self, request, qs):
        return qs.filter(pk__in=selectors.api_tokens_for_user(request.user).values("pk"))

    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "user__username", "prefix"]
    exclude = ["key_hash"]
