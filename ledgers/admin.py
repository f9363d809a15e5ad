"""Admin of the rectification ledgers, scoped to the county admin's own county."""

from django.contrib import admin

from organizations.admin import CountyScopedAdmin

from .models import Rectification


@admin.register(Rectification)
class RectificationAdmin(CountyScopedAdmin):
    county_path = "assessment__organization__"
    list_display = ["assessment", "problem", "deadline", "responsible_person", "status"]
    list_filter = ["status"]
    search_fields = ["assessment__organization__name", "problem", "responsible_person"]
    autocomplete_fields = ["assessment"]
