"""Query-string filters and orderings of the rating-year lists (django-filter)."""

from __future__ import annotations

import django_filters
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from assessments import selectors
from assessments.models import Assessment, Finding, Round, Stage
from starrating.api import IdFilter

RESULT_STATUSES = (
    ("pending", _("尚无结果")),
    ("rated", _("已有结果")),
    ("vetoed", _("取消评星资格")),
)
CHANGE_CHOICES = (
    ("promoted", _("升星")),
    ("demoted", _("降星")),
    ("same", _("持平")),
    ("new", _("首次评定")),
    ("stripped", _("摘星")),
)
# ordering value → fields; every ordering ends with the organization code and the id, so pages
# are stable. Missing results sort last whichever the direction.
ORDERINGS = {
    "organization_code": ("code",),
    "township": ("organization__parent__code", "code"),
    "composite": ("composite",),
    "total": ("total",),
    "level": ("level",),
}
ORDERING_CHOICES = [(value, value) for key in ORDERINGS for value in (key, f"-{key}")]


class AssessmentFilter(django_filters.FilterSet):
    round = IdFilter(field_name="round_id", label=_("评定轮次ID"))
    township = IdFilter(field_name="organization__parent_id", label=_("乡镇ID"))
    township_code = django_filters.CharFilter(
        field_name="organization__parent__code", label=_("乡镇代码")
    )
    organization = IdFilter(field_name="organization_id", label=_("村ID"))
    level = IdFilter(field_name="level", label=_("星级"), max_value=5)
    status = django_filters.ChoiceFilter(
        choices=RESULT_STATUSES, method="filter_status", label=_("结果状态")
    )
    change = django_filters.ChoiceFilter(
        choices=CHANGE_CHOICES, method="filter_change", label=_("与上年相比")
    )
    search = django_filters.CharFilter(method="filter_search", label=_("按村名或代码搜索"))
    ordering = django_filters.ChoiceFilter(
        choices=ORDERING_CHOICES, method="filter_ordering", label=_("排序")
    )

    class Meta:
        model = Assessment
        fields = ["round", "township", "township_code", "organization", "level"]

    def filter_status(self, queryset, name, value):
        return {
            "pending": queryset.filter(level__isnull=True),
            "rated": queryset.filter(level__isnull=False),
            "vetoed": queryset.filter(vetoed=True),
        }[value]

    def filter_change(self, queryset, name, value):
        return queryset.filter(selectors.change_q(value))

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(organization__name__icontains=value) | Q(organization__code__startswith=value)
        )

    def filter_ordering(self, queryset, name, value):
        return queryset  # applied last, in ``ordered``

    @property
    def qs(self):
        return ordered(super().qs, self.form.cleaned_data.get("ordering") or "")


def ordered(queryset, value: str):
    descending = value.startswith("-")
    fields = ORDERINGS.get(value.lstrip("-"), ())
    keys = [F(f).desc(nulls_last=True) if descending else F(f).asc(nulls_last=True) for f in fields]
    return queryset.order_by(*keys, "code", "pk")


class FindingFilter(django_filters.FilterSet):
    round = IdFilter(field_name="assessment__round_id")
    assessment = IdFilter(field_name="assessment_id")
    status = django_filters.ChoiceFilter(choices=Finding.Status.choices)
    department = django_filters.CharFilter()

    class Meta:
        model = Finding
        fields = ["round", "assessment", "status", "department"]


class RoundFilter(django_filters.FilterSet):
    year = IdFilter()
    status = django_filters.ChoiceFilter(choices=Round.Status.choices)

    class Meta:
        model = Round
        fields = ["year", "status"]


STAGE_VALUES = tuple(Stage.values)
