"""Publicity objections and appeals over the API: lodged (objections during 公示 by the county's
users, appeals by the village within the window after publishing), listed with counts, and
handled by the county admin (which may send the village back for a re-score)."""

from __future__ import annotations

import django_filters
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from assessments import selectors, services
from assessments.models import Assessment, Objection
from starrating.api import IdFilter
from starrating.client import client_ip

from .serializers import OrganizationRefSerializer


class ObjectionSerializer(serializers.ModelSerializer):
    organization = OrganizationRefSerializer(source="assessment.organization", read_only=True)
    lodged_by = serializers.CharField(source="lodged_by.display_name", read_only=True)
    handled_by = serializers.CharField(
        source="handled_by.display_name", read_only=True, allow_null=True
    )

    class Meta:
        model = Objection
        fields = [
            "id",
            "round",
            "assessment",
            "organization",
            "kind",
            "issue",
            "lodged_by",
            "lodged_at",
            "status",
            "reply",
            "handled_by",
            "handled_at",
            "reopened",
        ]
        read_only_fields = fields


class ObjectionCreateSerializer(serializers.Serializer):
    assessment = serializers.IntegerField(min_value=1, help_text=_("所涉村的评定对象ID"))
    kind = serializers.ChoiceField(choices=Objection.Kind.choices, default="objection")
    issue = serializers.CharField(allow_blank=True, max_length=5000)


class ObjectionHandleSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=[Objection.Status.UPHELD, Objection.Status.REJECTED])
    reply = serializers.CharField(allow_blank=True, max_length=5000)
    reopen = serializers.BooleanField(
        required=False, default=False, help_text=_("异议成立时退回该村的考评组评定重新评分")
    )


class ObjectionFilter(django_filters.FilterSet):
    round = IdFilter(field_name="round_id", label=_("评定轮次ID"))
    assessment = IdFilter(field_name="assessment_id", label=_("评定对象ID"))
    kind = django_filters.ChoiceFilter(choices=Objection.Kind.choices, label=_("类型"))
    status = django_filters.ChoiceFilter(choices=Objection.Status.choices, label=_("处理结果"))

    class Meta:
        model = Objection
        fields = ["round", "assessment", "kind", "status"]


class CountsSerializer(serializers.Serializer):
    pending = serializers.IntegerField()
    upheld = serializers.IntegerField()
    rejected = serializers.IntegerField()
    total = serializers.IntegerField()


class ObjectionCountsSerializer(serializers.Serializer):
    objection = CountsSerializer()
    appeal = CountsSerializer()


class ObjectionListView(generics.ListAPIView):
    """Objections and appeals in the user's scope (the county admin and auditors: all of the
    county; anyone else: those they lodged)."""

    serializer_class = ObjectionSerializer
    filterset_class = ObjectionFilter

    def get_queryset(self):
        return selectors.objections_for_user(self.request.user).order_by("-lodged_at", "-id")


class RoundObjectionsView(APIView):
    """POST lodges an objection (during 公示) or an appeal (after publishing, within the
    round's ``appeal_window_days``) about a village of the round."""

    @extend_schema(
        request=ObjectionCreateSerializer,
        responses={201: ObjectionSerializer},
        summary="提出公示异议或复核申请",
    )
    def post(self, request, pk: int):
        round_ = selectors.round_get_for_user(user=request.user, pk=pk)
        body = ObjectionCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        # Any village of the round may be named (the publicity list is public in the county);
        # another round's or county's is not found.
        assessment = (
            Assessment.objects.filter(round=round_, pk=body.validated_data["assessment"])
            .select_related("organization")
            .first()
        )
        if assessment is None:
            raise Http404
        objection = services.objection_lodge(
            actor=request.user,
            round_=round_,
            assessment=assessment,
            issue=body.validated_data["issue"],
            kind=body.validated_data["kind"],
            ip=client_ip(request),
        )
        return Response(ObjectionSerializer(objection).data, status=status.HTTP_201_CREATED)


class RoundObjectionCountsView(APIView):
    @extend_schema(responses=ObjectionCountsSerializer, summary="异议与复核统计")
    def get(self, request, pk: int):
        round_ = selectors.round_get_for_user(user=request.user, pk=pk)
        objections = selectors.objections_for_user(request.user).filter(round=round_)
        return Response(selectors.objection_counts(objections))


class ObjectionDetailView(APIView):
    @extend_schema(responses=ObjectionSerializer)
    def get(self, request, pk: int):
        return Response(
            ObjectionSerializer(selectors.objection_get_for_user(user=request.user, pk=pk)).data
        )


class ObjectionHandleView(APIView):
    @extend_schema(
        request=ObjectionHandleSerializer,
        responses=ObjectionSerializer,
        summary="处理异议或复核申请（县级管理员）",
    )
    def post(self, request, pk: int):
        objection = selectors.objection_get_for_user(user=request.user, pk=pk)
        body = ObjectionHandleSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        objection = services.objection_handle(
            actor=request.user,
            objection=objection,
            decision=body.validated_data["decision"],
            reply=body.validated_data["reply"],
            reopen=body.validated_data["reopen"],
            ip=client_ip(request),
        )
        return Response(ObjectionSerializer(objection).data)
