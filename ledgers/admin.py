"""Admin of the rectification ledgers, scoped to the county admin's own county."""

from django.contrib import admin

from assessments.selectors import assessment_scope_q, assessments_for_user
from organizations.admin import AuditedAdmin

from .models import Rectification


@admin.register(Rectification)
class RectificationAdmin(AuditedAdmin):
    scoped_choices = {"assessment": lambda user: assessments_for_user(user)}
    list_display = ["assessment", "problem", "deadline", "responsible_person", "status"]
    list_filter = ["status"]
    search_fields = ["assessment__organization__name", "problem", "responsible_person"]
    autocomplete_fields = ["assessment"]

    def scope(self, request, qs):
        return qs.filter(assessment_scope_q(request.user, prefix="assessment__")).distinct()
