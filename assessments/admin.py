"""Admin views of the rating year. Scores, results, findings and round transitions are changed
only through the product's pages and API (services with validation, recalculation and audit),
so they are read-only here — evaluation groups too, since their pages enforce 回避 and the
one-group-per-village rule (issue 14)."""

from django.contrib import admin

from organizations.admin import ReadOnlyAdmin

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
from .selectors import assessment_scope_q, assessments_for_user, findings_for_user, rounds_for_user


@admin.register(Round)
class RoundAdmin(ReadOnlyAdmin):
    list_display = ["name", "year", "target", "county", "catalogue", "status", "level_mode"]
    list_filter = ["status", "year", "target"]

    def scope(self, request, qs):
        return qs.filter(pk__in=rounds_for_user(request.user).values("pk"))


class AssessmentScoped(ReadOnlyAdmin):
    """Rows of an assessment the user may see (assessments.selectors)."""

    assessment_path = "assessment__"

    def scope(self, request, qs):
        return qs.filter(assessment_scope_q(request.user, prefix=self.assessment_path)).distinct()


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyAdmin):
    def scope(self, request, qs):
        return qs.filter(pk__in=assessments_for_user(request.user).values("pk"))

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
class SheetAdmin(AssessmentScoped):
    list_display = ["assessment", "stage", "status", "version", "updated_by", "updated_at"]
    list_filter = ["stage", "status", "assessment__round"]
    search_fields = ["assessment__organization__name", "assessment__organization__code"]
    inlines = [ScoreInline]


@admin.register(Finding)
class FindingAdmin(ReadOnlyAdmin):
    def scope(self, request, qs):
        return qs.filter(pk__in=findings_for_user(request.user).values("pk"))

    list_display = ["assessment", "item", "department", "status", "recorded_by", "recorded_at"]
    list_filter = ["status", "department", "item__kind"]


@admin.register(SatisfactionSurvey)
class SatisfactionSurveyAdmin(AssessmentScoped):
    list_display = ["assessment", "respondents", "satisfied", "recorded_by", "updated_at"]


@admin.register(StageReopening)
class StageReopeningAdmin(ReadOnlyAdmin):
    def scope(self, request, qs):
        return qs.filter(round__in=rounds_for_user(request.user).values("pk"))

    list_display = ["round", "stage", "reason", "new_deadline", "by", "at"]


@admin.register(DepartmentClearance)
class DepartmentClearanceAdmin(AssessmentScoped):
    list_display = ["assessment", "department", "by", "at"]


@admin.register(EvaluationGroup)
class EvaluationGroupAdmin(ReadOnlyAdmin):
    """Groups of the county's rounds, read-only: they are edited on the groups pages (and the
    API), whose services enforce 回避 and one group per village."""

    list_display = ["name", "round"]
    list_filter = ["round"]

    def scope(self, request, qs):
        return qs.filter(round__in=rounds_for_user(request.user).values("pk"))
