"""Random spot checks (三随机) over the API: every draw of a round (superseded ones too), a new
draw (a redraw needs a reason), checkers assigned, outcomes recorded."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from assessments import selectors, services
from assessments.models import SpotCheck, SpotCheckDraw
from starrating.client import client_ip
from starrating.errors import InvalidInput

from .serializers import OrganizationRefSerializer


class SpotCheckSerializer(serializers.ModelSerializer):
    organization = OrganizationRefSerializer(source="assessment.organization", read_only=True)
    township = OrganizationRefSerializer(source="assessment.organization.parent", read_only=True)
    checker = serializers.IntegerField(source="checker_id", read_only=True, allow_null=True)
    checker_name = serializers.CharField(
        source="checker.display_name", read_only=True, allow_null=True
    )
    item = serializers.CharField(source="item.code", read_only=True, allow_null=True)

    class Meta:
        model = SpotCheck
        fields = [
            "id",
            "draw",
            "position",
            "assessment",
            "organization",
            "township",
            "checker",
            "checker_name",
            "outcome",
            "item",
            "points",
            "note",
            "recorded_at",
        ]
        read_only_fields = fields


class SpotDrawSerializer(serializers.ModelSerializer):
    checks = SpotCheckSerializer(many=True, read_only=True)
    drawn_by = serializers.CharField(source="drawn_by.display_name", read_only=True)
    current = serializers.BooleanField(source="is_current", read_only=True)

    class Meta:
        model = SpotCheckDraw
        fields = [
            "id",
            "round",
            "number",
            "seed",
            "size_kind",
            "size_value",
            "population",
            "interviewee_pool",
            "interviewee_count",
            "interviewees",
            "reason",
            "current",
            "superseded_at",
            "drawn_by",
            "drawn_at",
            "checks",
        ]
        read_only_fields = fields


class SpotDrawCreateSerializer(serializers.Serializer):
    size_kind = serializers.ChoiceField(choices=SpotCheckDraw.SizeKind.choices)
    size_value = serializers.DecimalField(max_digits=8, decimal_places=3, min_value=0)
    seed = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=0,
        max_value=2**62 - 1,
        help_text=gettext_lazy("留空则随机生成并记录"),
    )
    interviewee_pool = serializers.ListField(
        child=serializers.CharField(max_length=50), required=False, default=list, max_length=5000
    )
    interviewee_count = serializers.IntegerField(required=False, default=0, min_value=0)
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=2000,
        help_text=gettext_lazy("重新抽取时必填"),
    )


class AssignSerializer(serializers.Serializer):
    checker = serializers.IntegerField(allow_null=True, min_value=1)


class OutcomeSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(
        choices=[SpotCheck.Outcome.CONFIRMED, SpotCheck.Outcome.DIFFERENCES]
    )
    item = serializers.CharField(required=False, allow_blank=True, default="", max_length=8)
    points = serializers.CharField(required=False, allow_blank=True, default="", max_length=12)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class RoundSpotDrawsView(APIView):
    """Every draw of the round, newest first; POST draws anew (county admin)."""

    @extend_schema(responses=SpotDrawSerializer(many=True), summary="三随机抽取记录")
    def get(self, request, pk: int):
        round_ = selectors.round_get_for_user(user=request.user, pk=pk)
        draws = selectors.spot_draws_for_user(request.user).filter(round=round_)
        return Response(SpotDrawSerializer(draws.order_by("-number"), many=True).data)

    @extend_schema(
        request=SpotDrawCreateSerializer,
        responses={201: SpotDrawSerializer},
        summary="抽取三随机核查对象",
    )
    def post(self, request, pk: int):
        round_ = selectors.round_get_for_user(user=request.user, pk=pk)
        body = SpotDrawCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        draw = services.spot_draw(
            actor=request.user,
            round_=round_,
            size_kind=data["size_kind"],
            size_value=data["size_value"],
            seed=data.get("seed"),
            interviewee_pool=data["interviewee_pool"],
            interviewee_count=data["interviewee_count"],
            reason=data["reason"],
            ip=client_ip(request),
        )
        draw = selectors.spot_draw_get_for_user(user=request.user, pk=draw.pk)
        return Response(SpotDrawSerializer(draw).data, status=status.HTTP_201_CREATED)


class SpotDrawDetailView(APIView):
    @extend_schema(responses=SpotDrawSerializer)
    def get(self, request, pk: int):
        return Response(
            SpotDrawSerializer(selectors.spot_draw_get_for_user(user=request.user, pk=pk)).data
        )


class SpotCheckAssignView(APIView):
    @extend_schema(request=AssignSerializer, responses=SpotCheckSerializer, summary="指派核查人")
    def post(self, request, pk: int):
        check = selectors.spot_check_get_for_user(user=request.user, pk=pk)
        body = AssignSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        checker = None
        if body.validated_data["checker"] is not None:
            checker = get_user_model().objects.filter(pk=body.validated_data["checker"]).first()
            # Another county's account is "not found" too: ids do not leak across counties.
            if checker is None or checker.county_id != request.user.county_id:
                raise InvalidInput(
                    _("核查人不存在。"),
                    [{"field": "checker", "message": _("用户不存在")}],
                )
        check = services.spot_check_assign(
            actor=request.user, check=check, checker=checker, ip=client_ip(request)
        )
        return Response(SpotCheckSerializer(check).data)


class SpotCheckOutcomeView(APIView):
    @extend_schema(request=OutcomeSerializer, responses=SpotCheckSerializer, summary="登记核查结果")
    def post(self, request, pk: int):
        check = selectors.spot_check_get_for_user(user=request.user, pk=pk)
        body = OutcomeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        check = services.spot_check_record(
            actor=request.user,
            check=check,
            outcome=data["outcome"],
            item_code=data["item"],
            points=data["points"],
            note=data["note"],
            ip=client_ip(request),
        )
        return Response(SpotCheckSerializer(check).data)
