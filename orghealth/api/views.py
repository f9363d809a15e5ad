"""The organization-health API (mounted at ``/api/v1/health/``). Thin: parse → selector
(scoped: out of scope is a 404) or service (authorizes, validates, writes atomically, audits)
→ serialize."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from orghealth import exports, policies, rules, selectors, services
from starrating.client import client_ip
from starrating.errors import NotPermitted

from .serializers import (
    BodyAdjustmentSerializer,
    BodyAdjustmentWriteSerializer,
    BodyFlagSerializer,
    CommitmentCompleteSerializer,
    CommitmentRatesSerializer,
    CommitmentSerializer,
    CommitmentWriteSerializer,
    CommitteeMemberLeaveSerializer,
    CommitteeMemberSerializer,
    CommitteeMemberWriteSerializer,
    ElectionRowSerializer,
    ElectionSerializer,
    ElectionWriteSerializer,
    HealthSettingsSerializer,
    HealthSettingsWriteSerializer,
    HealthSummarySerializer,
    PostingExtendSerializer,
    PostingSerializer,
    PostingWriteSerializer,
    TeamFactsSerializer,
    WeakDesignationSerializer,
    WeakDesignationWriteSerializer,
    WeakDismissalSerializer,
    WeakSuggestionDesignateSerializer,
    WeakSuggestionDismissSerializer,
    WeakSuggestionsSerializer,
)

YEAR = OpenApiParameter("year", int, description="年度（默认今年）")
STATUSES = [rules.OVERDUE, rules.DUE_SOON, rules.ON_TERM, rules.UNRECORDED]


def year_of(request) -> int:
    try:
        year = int(request.query_params.get("year", ""))
    except ValueError:
        return timezone.localdate().year
    return year if 2000 <= year <= 2100 else timezone.localdate().year


class RoleMixin:
    roles = policies.READ_ROLES

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not request.user.has_role(*self.roles):
            raise NotPermitted(_("您的角色不能使用此接口。"))


def _org(request, data: dict):
    return selectors.organization_get_for_user(user=request.user, pk=data.pop("organization"))


class SummaryView(RoleMixin, APIView):
    @extend_schema(parameters=[YEAR], responses=HealthSummarySerializer, summary="组织建设概况")
    def get(self, request):
        data = selectors.summary(request.user, year=year_of(request), today=timezone.localdate())
        return Response(HealthSummarySerializer(data).data)


class SettingsView(RoleMixin, APIView):
    @extend_schema(responses=HealthSettingsSerializer, summary="本县组织建设设置")
    def get(self, request):
        return Response(
            HealthSettingsSerializer(selectors.settings_for(request.user.county_id)).data
        )

    @extend_schema(request=HealthSettingsWriteSerializer, responses=HealthSettingsSerializer)
    def put(self, request):
        if not policies.can_manage(request.user):
            raise NotPermitted(_("只有县级管理员可以修改组织建设设置。"))
        body = HealthSettingsWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        row = services.settings_save(
            actor=request.user, ip=client_ip(request), **body.validated_data
        )
        return Response(HealthSettingsSerializer(row).data)


class ElectionListView(RoleMixin, APIView):
    @extend_schema(
        parameters=[OpenApiParameter("status", str, enum=STATUSES)],
        responses=ElectionRowSerializer(many=True),
        summary="各党组织换届情况（逾期在前）",
    )
    def get(self, request):
        rows, _counts = selectors.election_rows(
            request.user, today=timezone.localdate(), status=request.query_params.get("status", "")
        )
        return Response(ElectionRowSerializer(rows, many=True).data)

    @extend_schema(request=ElectionWriteSerializer, responses={201: ElectionSerializer})
    def post(self, request):
        body = ElectionWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        election = services.election_record(
            actor=request.user, organization=_org(request, data), ip=client_ip(request), **data
        )
        return Response(ElectionSerializer(election).data, status=status.HTTP_201_CREATED)


class BodyFlagListView(RoleMixin, APIView):
    @extend_schema(responses=BodyFlagSerializer(many=True), summary="党组织类型与党员人数不符")
    def get(self, request):
        return Response(BodyFlagSerializer(selectors.body_flags(request.user), many=True).data)


class BodyAdjustmentListView(RoleMixin, generics.ListAPIView):
    serializer_class = BodyAdjustmentSerializer
    filter_backends = []

    def get_queryset(self):
        return selectors.body_adjustments_for_user(self.request.user)

    @extend_schema(request=BodyAdjustmentWriteSerializer, responses={201: BodyAdjustmentSerializer})
    def post(self, request):
        body = BodyAdjustmentWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        row = services.body_adjust(
            actor=request.user, organization=_org(request, data), ip=client_ip(request), **data
        )
        return Response(BodyAdjustmentSerializer(row).data, status=status.HTTP_201_CREATED)


class CommitmentListView(RoleMixin, generics.ListAPIView):
    serializer_class = CommitmentSerializer
    filter_backends = []

    def get_queryset(self):
        return selectors.commitments_for_user(self.request.user, year=year_of(self.request))

    @extend_schema(parameters=[YEAR])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=CommitmentWriteSerializer, responses={201: CommitmentSerializer})
    def post(self, request):
        body = CommitmentWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        row = services.commitment_create(
            actor=request.user, organization=_org(request, data), ip=client_ip(request), **data
        )
        return Response(CommitmentSerializer(row).data, status=status.HTTP_201_CREATED)


class CommitmentRatesView(RoleMixin, APIView):
    @extend_schema(
        parameters=[YEAR],
        responses=CommitmentRatesSerializer,
        summary="双承诺完成率",
    )
    def get(self, request):
        rates = selectors.commitment_rates(request.user, year=year_of(request))
        return Response(CommitmentRatesSerializer(rates).data)


class CommitmentCompleteView(RoleMixin, APIView):
    @extend_schema(request=CommitmentCompleteSerializer, responses=CommitmentSerializer)
    def post(self, request, pk: int):
        row = selectors.commitment_get_for_user(user=request.user, pk=pk)
        body = CommitmentCompleteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        row = services.commitment_complete(
            actor=request.user, commitment=row, ip=client_ip(request), **body.validated_data
        )
        return Response(CommitmentSerializer(row).data)


class PostingListView(RoleMixin, generics.ListAPIView):
    serializer_class = PostingSerializer
    filter_backends = []

    def get_queryset(self):
        return selectors.postings_for_user(self.request.user)

    @extend_schema(request=PostingWriteSerializer, responses={201: PostingSerializer})
    def post(self, request):
        body = PostingWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        row = services.posting_create(
            actor=request.user, organization=_org(request, data), ip=client_ip(request), **data
        )
        return Response(PostingSerializer(row).data, status=status.HTTP_201_CREATED)


class PostingExtendView(RoleMixin, APIView):
    @extend_schema(request=PostingExtendSerializer, responses=PostingSerializer)
    def post(self, request, pk: int):
        posting = selectors.posting_get_for_user(user=request.user, pk=pk)
        body = PostingExtendSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.posting_extend(
            actor=request.user, posting=posting, ip=client_ip(request), **body.validated_data
        )
        return Response(
            PostingSerializer(selectors.postings_for_user(request.user).get(pk=pk)).data
        )


class MemberListView(RoleMixin, generics.ListAPIView):
    serializer_class = CommitteeMemberSerializer
    filter_backends = []

    def get_queryset(self):
        return selectors.members_for_user(self.request.user)

    @extend_schema(
        request=CommitteeMemberWriteSerializer, responses={201: CommitteeMemberSerializer}
    )
    def post(self, request):
        body = CommitteeMemberWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        row = services.member_add(
            actor=request.user, organization=_org(request, data), ip=client_ip(request), **data
        )
        return Response(CommitteeMemberSerializer(row).data, status=status.HTTP_201_CREATED)


class MemberLeaveView(RoleMixin, APIView):
    @extend_schema(request=CommitteeMemberLeaveSerializer, responses=CommitteeMemberSerializer)
    def post(self, request, pk: int):
        member = selectors.member_get_for_user(user=request.user, pk=pk)
        body = CommitteeMemberLeaveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        member = services.member_leave(
            actor=request.user, member=member, ip=client_ip(request), **body.validated_data
        )
        return Response(CommitteeMemberSerializer(member).data)


class TeamFactsView(RoleMixin, APIView):
    @extend_schema(responses=TeamFactsSerializer, summary="两委班子结构（队伍星参考）")
    def get(self, request, pk: int):
        village = selectors.village_get_for_user(user=request.user, pk=pk)
        facts = selectors.team_facts(village, today=timezone.localdate())
        return Response(TeamFactsSerializer(facts).data)


class WeakListView(RoleMixin, generics.ListAPIView):
    serializer_class = WeakDesignationSerializer
    filter_backends = []

    def get_queryset(self):
        return selectors.weak_for_user(self.request.user, year=year_of(self.request))

    @extend_schema(parameters=[YEAR])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=WeakDesignationWriteSerializer, responses={201: WeakDesignationSerializer}
    )
    def post(self, request):
        body = WeakDesignationWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        row = services.weak_designate(
            actor=request.user, organization=_org(request, data), ip=client_ip(request), **data
        )
        return Response(WeakDesignationSerializer(row).data, status=status.HTTP_201_CREATED)


class ExportView(RoleMixin, APIView):
    roles = policies.EXPORT_ROLES

    @extend_schema(
        parameters=[YEAR],
        responses={
            (200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): (
                OpenApiResponse(OpenApiTypes.BINARY)
            )
        },
        summary="导出组织建设台账（Excel）",
    )
    def get(self, request):
        year = year_of(request)
        data = exports.health_workbook(request.user, year=year, today=timezone.localdate())
        response = HttpResponse(
            data,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="orghealth-{year}.xlsx"'
        return response


class WeakSuggestionsView(RoleMixin, APIView):
    @extend_schema(
        parameters=[YEAR], responses=WeakSuggestionsSerializer, summary="建议列为软弱涣散的村"
    )
    def get(self, request):
        year = year_of(request)
        data = selectors.weak_suggestions(request.user, year=year)
        return Response(WeakSuggestionsSerializer({"year": year, **data}).data)


class WeakSuggestionDesignateView(RoleMixin, APIView):
    @extend_schema(
        request=WeakSuggestionDesignateSerializer,
        responses={201: WeakDesignationSerializer},
        summary="按建议认定软弱涣散党组织（建立整顿台账）",
    )
    def post(self, request):
        body = WeakSuggestionDesignateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        village = selectors.village_get_for_user(user=request.user, pk=data["organization"])
        row = services.weak_designate_suggested(
            actor=request.user, organization=village, year=data["year"], ip=client_ip(request)
        )
        return Response(WeakDesignationSerializer(row).data, status=status.HTTP_201_CREATED)


class WeakSuggestionDismissView(RoleMixin, APIView):
    @extend_schema(
        request=WeakSuggestionDismissSerializer,
        responses={201: WeakDismissalSerializer},
        summary="不予认定软弱涣散建议（须写明理由）",
    )
    def post(self, request):
        body = WeakSuggestionDismissSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        village = selectors.village_get_for_user(user=request.user, pk=data["organization"])
        row = services.weak_suggestion_dismiss(
            actor=request.user,
            organization=village,
            year=data["year"],
            reason=data["reason"],
            ip=client_ip(request),
        )
        return Response(WeakDismissalSerializer(row).data, status=status.HTTP_201_CREATED)
