"""Admin views of the rating year. Scores, results, findings and round transitions are changed
only through the product's pages and API (services with validation, recalculation and audit),
so they are read-only here; evaluation groups are edited here."""

from django.contrib import admin

from organizations.admin import CountyScopedAdmin, ReadOnlyAdmin

from .models import (
    Assessment,
    DepartmentClearance,
    EvaluationGroup,
    Finding,
    Round,
    SatisfactionSurvey,
    Score,
    Sheet,
    StageReopening,
)


@admin.register(Round)
class RoundAdmin(ReadOnlyAdmin):
    list_display = ["name", "year", "county", "catalogue", "status", "level_mode"]
    list_filter = ["status", "year"]


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyAdmin):
    list_display = ["organization", "round", "total", "composite", "level", "change", "vetoed"]
    list_filter = ["round", "level", "vetoed"]
    search_fields = ["organization__name", "organization__code"]
    list_select_related = ["organization", "round"]


class ScoreInline(admin.TabularInline):
    model = Score
    fields = ["item", "points", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Sheet)
class SheetAdmin(ReadOnlyAdmin):
    list_display = ["assessment", "stage", "status", "version", "updated_by", "updated_at"]
    list_filter = ["stage", "status", "assessment__round"]
    search_fields = ["assessment__organization__name", "assessment__organization__code"]
    inlines = [ScoreInline]


@admin.register(Finding)
class FindingAdmin(ReadOnlyAdmin):
    list_display = ["assessment", "item", "department", "status", "recorded_by", "recorded_at"]
    list_filter = ["status", "department", "item__kind"]


@admin.register(SatisfactionSurvey)
class SatisfactionSurveyAdmin(ReadOnlyAdmin):
    list_display = ["assessment", "respondents", "satisfied", "recorded_by", "updated_at"]


@admin.register(StageReopening)
class StageReopeningAdmin(ReadOnlyAdmin):
    list_display = ["round", "stage", "reason", "new_deadline", "by", "at"]


@admin.register(DepartmentClearance)
class DepartmentClearanceAdmin(ReadOnlyAdmin):
    list_display = ["assessment", "department", "by", "at"]


@admin.register(EvaluationGroup)
class EvaluationGroupAdmin(CountyScopedAdmin):
    county_path = "round__county__"
    list_display = ["name", "round"]
    list_filter = ["round"]
    filter_horizontal = ["members", "villages"]
