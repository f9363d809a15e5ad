"""The joint review over the API: a round's reviewing departments with their progress, and
department clearances ("无重大问题": list, record, withdraw). Thin: selectors read (scoped),
services authorize, validate, write and audit."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from assessments import selectors, services
from assessments.models import DepartmentClearance
from organizations.models import Department
from starrating.api import IdFilter
from starrating.client import client_ip

from .serializers import OrganizationRefSerializer, ReasonSerializer


class ClearanceSerializer(serializers.ModelSerializer):
    organization = OrganizationRefSerializer(source="assessment.organization", read_only=True)
    round = serializers.IntegerField(source="assessment.round_id", read_only=True)
    by = serializers.CharField(source="by.display_name", read_only=True)
    withdrawn_by = serializers.CharField(
        source="withdrawn_by.display_name", read_only=True, allow_null=True
    )
    active = serializers.BooleanField(source="is_active", read_only=True)

    class Meta:
        model = DepartmentClearance
        fields = [
            "id",
            "assessment",
            "round",
            "organization",
            "department",
            "by",
            "at",
            "active",
            "withdrawn_by",
            "withdrawn_at",
            "withdrawn_reason",
        ]
        read_only_fields = fields


class ClearanceCreateSerializer(serializers.Serializer):
    department = serializers.ChoiceField(
        choices=Department.choices,
        required=False,
        help_text=_("只有县级管理员可代其他部门登记；部门审查人员默认为本部门"),
    )


class DepartmentProgressSerializer(serializers.Serializer):
    department = serializers.CharField()
    label = serializers.CharField()
    required = serializers.BooleanField()
    cleared = serializers.IntegerField()
    found = serializers.IntegerField()
    done = serializers.IntegerField()
    left = serializers.IntegerField()
    total = serializers.IntegerField()
    percent = serializers.IntegerField()


class ReviewDepartmentsSerializer(serializers.Serializer):
    departments = serializers.ListField(
        child=serializers.ChoiceField(choices=Department.choices), allow_empty=True, max_length=20
    )


class ReviewStateSerializer(serializers.Serializer):
    departments = serializers.ListField(child=serializers.CharField())
    progress = DepartmentProgressSerializer(many=True)


class ClearanceFilter(django_filters.FilterSet):
    round = IdFilter(field_name="assessment__round_id", label=_("评定轮次ID"))
    assessment = IdFilter(field_name="assessment_id", label=_("评定对象ID"))
    department = django_filters.ChoiceFilter(choices=Department.choices, label=_("部门"))
    active = django_filters.BooleanFilter(
        field_name="withdrawn_at", lookup_expr="isnull", label=_("未撤回")
    )

    class Meta:
        model = DepartmentClearance
        fields = ["round", "assessment", "department", "active"]


def _state(round_) -> dict:
    return {
        "departments": selectors.review_departments(round_),
        "progress": selectors.review_progress(round_),
    }


class RoundReviewView(APIView):
    """The departments the round's joint review needs and each one's progress (a department
    that has done nothing is listed at 0 %). PUT replaces the list (county admin)."""

    @extend_schema(responses=ReviewStateSerializer, summary="联查联审部门与进度")
    def get(self, request, pk: int):
        round_ = selectors.round_get_for_user(user=request.user, pk=pk)
        return Response(ReviewStateSerializer(_state(round_)).data)

    @extend_schema(
        request=ReviewDepartmentsSerializer,
        responses=ReviewStateSerializer,
        summary="设置联查联审部门（县级管理员）",
    )
    def put(self, request, pk: int):
        round_ = selectors.round_get_for_user(user=request.user, pk=pk)
        body = ReviewDepartmentsSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.review_departments_set(
            actor=request.user,
            round_=round_,
            departments=body.validated_data["departments"],
            ip=client_ip(request),
        )
        return Response(ReviewStateSerializer(_state(round_)).data)


class ClearanceListView(generics.ListAPIView):
    """Clearances in the user's scope, withdrawn ones included (``active=true`` to leave
    them out)."""

    serializer_class = ClearanceSerializer
    filterset_class = ClearanceFilter

    def get_queryset(self):
        return selectors.clearances_for_user(self.request.user).order_by("-at", "-id")


class AssessmentClearancesView(generics.ListAPIView):
    """One village's clearances; POST records "无重大问题" for the user's department."""

    serializer_class = ClearanceSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return DepartmentClearance.objects.none()
        assessment = selectors.assessment_get_for_user(user=self.request.user, pk=self.kwargs["pk"])
        return (
            selectors.clearances_for_user(self.request.user)
            .filter(assessment=assessment)
            .order_by("-at", "-id")
        )

    @extend_schema(
        request=ClearanceCreateSerializer,
        responses={201: ClearanceSerializer},
        summary="登记“无重大问题”",
    )
    def post(self, request, pk: int):
        assessment = selectors.assessment_get_for_user(user=request.user, pk=pk)
        body = ClearanceCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        clearance = services.clearance_record(
            actor=request.user,
            assessment=assessment,
            department=body.validated_data.get("department"),
            ip=client_ip(request),
        )
        return Response(ClearanceSerializer(clearance).data, status=status.HTTP_201_CREATED)


class ClearanceDetailView(APIView):
    @extend_schema(responses=ClearanceSerializer)
    def get(self, request, pk: int):
        return Response(
            ClearanceSerializer(selectors.clearance_get_for_user(user=request.user, pk=pk)).data
        )


class ClearanceWithdrawView(APIView):
    @extend_schema(
        request=ReasonSerializer, responses=ClearanceSerializer, summary="撤回“无重大问题”"
    )
    def post(self, request, pk: int):
        clearance = selectors.clearance_get_for_user(user=request.user, pk=pk)
        body = ReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        clearance = services.clearance_withdraw(
            actor=request.user,
            clearance=clearance,
            reason=body.validated_data["reason"],
            ip=client_ip(request),
        )
        return Response(ClearanceSerializer(clearance).data)
