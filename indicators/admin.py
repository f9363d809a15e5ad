from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from organizations.admin import AuditedAdmin, role_allowed
from organizations.models import Role
from starrating.errors import DomainError

from .models import Catalogue, Category, Item
from .services import catalogue_copy

# The system administrator keeps the catalogues too (三员: accounts, roles, catalogues).
CATALOGUE_EDITORS = (Role.INDICATOR_MAINTAINER, Role.COUNTY_ADMIN, Role.SYSTEM_ADMIN)


class SharedCatalogueAdmin(AuditedAdmin):
    """Catalogues are shared by every county of the installation (a round picks one), so
    every county's staff sees the same rows."""

    def scope(self, request, qs):
        return qs


class FrozenCatalogueMixin:
    """A catalogue used by an opened round is read-only (DOMAIN.md §2); indicator maintainers
    and county admins edit the others."""

    edit_roles = CATALOGUE_EDITORS

    def _catalogue(self, obj):
        return obj if isinstance(obj, Catalogue) else getattr(obj, "catalogue", None)

    def has_change_permission(self, request, obj=None):
        catalogue = self._catalogue(obj) if obj is not None else None
        if catalogue is not None and catalogue.is_frozen:
            return False
        return super().has_change_permission(request, obj)


class ItemInline(FrozenCatalogueMixin, admin.TabularInline):
    model = Item
    fields = ["position", "code", "title", "kind", "max_points", "guidance", "evidence"]
    extra = 0
    can_delete = False
    show_change_link = True

    def has_view_permission(self, request, obj=None):
        return role_allowed(request, (*CATALOGUE_EDITORS, Role.AUDITOR))

    def has_add_permission(self, request, obj=None):
        frozen = obj is not None and obj.catalogue.is_frozen
        return not frozen and role_allowed(request, CATALOGUE_EDITORS)

    def has_change_permission(self, request, obj=None):
        catalogue = self._catalogue(obj)
        frozen = catalogue is not None and catalogue.is_frozen
        return not frozen and role_allowed(request, CATALOGUE_EDITORS)

    def has_delete_permission(self, request, obj=None):
        return False

    def _catalogue(self, obj):
        return obj.catalogue if obj is not None else None


@admin.register(Catalogue)
class CatalogueAdmin(FrozenCatalogueMixin, SharedCatalogueAdmin):
    list_display = ["name", "year", "target", "copied_from", "frozen", "created_at"]
    list_filter = ["target"]
    actions = ["copy_to_new_year"]

    @admin.display(description=gettext_lazy("已冻结"), boolean=True)
    def frozen(self, obj):
        return obj.is_frozen

    @admin.action(description=gettext_lazy("复制为下一年度的指标体系"))
    def copy_to_new_year(self, request, queryset):
        for catalogue in queryset:
            year = catalogue.year + 1
            name = catalogue.name.replace(str(catalogue.year), str(year))
            if name == catalogue.name:
                name = f"{year}版 {catalogue.name}"
            try:
                copy = catalogue_copy(actor=request.user, catalogue=catalogue, name=name, year=year)
            except DomainError as exc:
                self.message_user(request, exc.message, messages.ERROR)
            else:
                self.message_user(
                    request, _("已复制为“%(name)s”。") % {"name": copy.name}, messages.SUCCESS
                )


@admin.register(Category)
class CategoryAdmin(FrozenCatalogueMixin, SharedCatalogueAdmin):
    list_display = ["code", "name", "catalogue", "max_points", "pass_points", "position"]
    list_filter = ["catalogue"]
    inlines = [ItemInline]


@admin.register(Item)
class ItemAdmin(FrozenCatalogueMixin, SharedCatalogueAdmin):
    list_display = ["code", "title", "kind", "max_points", "category", "catalogue"]
    list_filter = ["catalogue", "kind", "category__code"]
    search_fields = ["code", "title", "guidance"]
    list_select_related = ["category", "catalogue"]
