"""Admin of the ledgers, scoped to the user's own county like every admin (its rows and the
choices of its foreign keys). The workflow itself — 销号
by a second person, reopening, evidence uploads — happens on the pages and the API (services);
here those fields are read-only, and the database refuses a closure by the recorder anyway."""

from django.contrib import admin

from organizations import selectors
from organizations.admin import CountyScopedAdmin, ReadOnlyAdmin, county_organizations_for
from organizations.models import Role, User

from .models import EvidenceFile, Pairing, Rectification, RectificationNote, SupervisionVisit

WORKFLOW_FIELDS = (
    "status",
    "recorded_by",
    "closure_evidence",
    "closed_by",
    "closed_at",
    "reopen_reason",
    "source",
    "finding",
    "category",
    "item",
    "assessment",
)


class NoteInline(admin.TabularInline):
    model = RectificationNote
    extra = 0
    readonly_fields = ("on", "text", "by")
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Rectification)
class RectificationAdmin(CountyScopedAdmin):
    county_path = "organization__"
    scoped_choices = {"organization": county_organizations_for}
    list_display = ["organization", "problem", "deadline", "responsible_person", "status"]
    list_filter = ["status", "source"]
    search_fields = ["organization__name", "problem", "responsible_person"]
    autocomplete_fields = ["organization"]
    readonly_fields = WORKFLOW_FIELDS
    inlines = [NoteInline]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.recorded_by = request.user
        super().save_model(request, obj, form, change)


def _county_users(user):
    return User.objects.filter(
        selectors.county_tree_q(user.county_id, prefix="organization__"), is_active=True
    )


@admin.register(Pairing)
class PairingAdmin(CountyScopedAdmin):
    county_path = "organization__"
    edit_roles = (Role.COUNTY_ADMIN,)
    scoped_choices = {"organization": county_organizations_for, "leader_user": _county_users}
    list_display = ["year", "organization", "leader_name", "leader_title", "department"]
    list_filter = ["year", "department"]
    search_fields = ["organization__name", "organization__code", "leader_name", "department"]
    autocomplete_fields = ["organization", "leader_user"]


class _CountyReadOnly(ReadOnlyAdmin):
    county_path = ""

    def scope(self, request, qs):
        return qs.filter(
            selectors.county_tree_q(request.user.county_id, prefix=self.county_path)
        ).distinct()


@admin.register(SupervisionVisit)
class SupervisionVisitAdmin(_CountyReadOnly):
    county_path = "county__"
    list_display = ["visited_on", "visitors", "method", "recorded_by"]
    list_filter = ["method"]


@admin.register(EvidenceFile)
class EvidenceFileAdmin(_CountyReadOnly):
    county_path = "organization__"
    list_display = ["name", "organization", "kind", "size", "uploaded_by", "uploaded_at"]
    list_filter = ["kind", "is_active"]
    exclude = ["file"]  # files are served only by the scoped download view
