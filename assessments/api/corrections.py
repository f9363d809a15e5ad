"""The corrections API (动态管理, issue 14 item 4): list a village's corrections and propose one;
list a round's; approve or reject (a second county administrator). Thin: the services
authorize, validate, write and audit; the selectors scope every read."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from assessments import selectors, services
from assessments.models import ResultCorrection
from organizations.models import Succession
from starrating.client import client_ip

from .serializers import CorrectionSerializer, OrganizationRefSerializer


class CorrectionCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ResultCorrection.Kind.choices)
    new_level = serializers.IntegerField(
        required=False, allow_null=True, help_text=_("更正后星级（0–5）；摘星时不填")
    )
    reason = serializers.CharField(allow_blank=True, help_text=_("必填：为何摘星或更正"))
    evidence = serializers.CharField(required=False, allow_blank=True, default="")


class DecisionSerializer(serializers.Serializer):
    note = serializers.CharField(
        required=False, allow_blank=True, default="", help_text=_("审批意见；驳回时必填")
    )


class AssessmentCorrectionsView(APIView):
    """A village's published result in one round: its published and current level and the
    correction trail (oldest first); POST proposes a correction (county admin)."""

    @extend_schema(responses=CorrectionSerializer(many=True))
    def get(self, request, pk: int):
        assessment = selectors.assessment_get_for_user(user=request.user, pk=pk)
        rows = (
            selectors.corrections_for_user(request.user)
            .filter(assessment=assessment)
            .order_by("proposed_at", "pk")
        )
        return Response(CorrectionSerializer(rows, many=True).data)

    @extend_schema(
        request=CorrectionCreateSerializer,
        responses={201: CorrectionSerializer},
        summary="提出结果更正（摘星/更正，须另一名县级管理员审批）",
    )
    def post(self, request, pk: int):
        assessment = selectors.assessment_get_for_user(user=request.user, pk=pk)
        body = CorrectionCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        correction = services.correction_propose(
            actor=request.user,
            assessment=assessment,
            kind=body.validated_data["kind"],
            new_level=body.validated_data.get("new_level"),
            reason=body.validated_data["reason"],
            evidence=body.validated_data["evidence"],
            ip=client_ip(request),
        )
        return Response(CorrectionSerializer(correction).data, status=status.HTTP_201_CREATED)


class CorrectionListView(generics.ListAPIView):
    """Corrections in the user's scope, newest first; ``?round=`` and ``?status=`` filter."""

    serializer_class = CorrectionSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("round", int, description="评定轮次ID"),
            OpenApiParameter("status", str, enum=list(ResultCorrection.Status.values)),
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ResultCorrection.objects.none()
        qs = selectors.corrections_for_user(self.request.user)
        round_id = self.request.query_params.get("round")
        if round_id:
            if not round_id.isdigit():
                raise serializers.ValidationError({"round": [_("须为整数")]})
            qs = qs.filter(assessment__round_id=int(round_id))
        status_ = self.request.query_params.get("status")
        if status_:
            if status_ not in ResultCorrection.Status.values:
                raise serializers.ValidationError({"status": [_("不是有效的状态")]})
            qs = qs.filter(status=status_)
        return qs.order_by("-proposed_at", "-pk")


class CorrectionDecisionView(APIView):
    """POST-only: approve or reject a pending correction (never by its proposer)."""

    approve = True

    @extend_schema(request=DecisionSerializer, responses=CorrectionSerializer)
    def post(self, request, pk: int):
        correction = selectors.correction_get_for_user(user=request.user, pk=pk)
        body = DecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        decide = services.correction_approve if self.approve else services.correction_reject
        correction = decide(
            actor=request.user,
            correction=correction,
            note=body.validated_data["note"],
            ip=client_ip(request),
        )
        return Response(CorrectionSerializer(correction).data)


# --- village merges and splits (撤并) ---------------------------------------------------------


class SuccessionSerializer(serializers.ModelSerializer):
    predecessor = OrganizationRefSerializer(read_only=True)
    successor = OrganizationRefSerializer(read_only=True)
    recorded_by = serializers.CharField(source="recorded_by.display_name", read_only=True)

    class Meta:
        model = Succession
        fields = [
            "id",
            "kind",
            "predecessor",
            "successor",
            "effective_date",
            "predecessor_members",
            "note",
            "recorded_by",
            "recorded_at",
        ]
        read_only_fields = fields


class SuccessionCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Succession.Kind.choices)
    predecessors = serializers.ListField(
        child=serializers.CharField(max_length=12),
        allow_empty=True,
        help_text=_("原村的12位区划代码：合并时一个或多个，拆分时一个"),
    )
    successors = serializers.ListField(
        child=serializers.CharField(max_length=12),
        allow_empty=True,
        help_text=_("现村的12位区划代码：合并时一个，拆分时至少两个"),
    )
    effective_date = serializers.DateField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class SuccessionListView(generics.ListAPIView):
    """Merges and splits of the county's villages (county-wide roles); POST records one
    (county admin): the predecessors are deactivated, the successors inherit the previous
    level by the rule of docs/scoring.md."""

    serializer_class = SuccessionSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Succession.objects.none()
        return selectors.successions_for_user(self.request.user).order_by("-effective_date", "-pk")

    @extend_schema(
        request=SuccessionCreateSerializer,
        responses={201: SuccessionSerializer(many=True)},
        summary="登记村（社区）合并或拆分",
    )
    def post(self, request):
        body = SuccessionCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        links = services.succession_record(
            actor=request.user,
            kind=body.validated_data["kind"],
            predecessor_codes=body.validated_data["predecessors"],
            successor_codes=body.validated_data["successors"],
            effective_date=body.validated_data["effective_date"],
            note=body.validated_data["note"],
            ip=client_ip(request),
        )
        return Response(SuccessionSerializer(links, many=True).data, status=status.HTTP_201_CREATED)
