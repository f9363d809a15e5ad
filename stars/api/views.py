"""The 创星晋级 API. Thin: parse → selector (scoped: out of scope is a 404) or service
(authorizes, validates, writes atomically, audits) → serialize."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from assessments.selectors import assessment_get_for_user
from organizations.selectors import townships_for_user, villages_for_user
from starrating.api import DecimalJSONParser
from starrating.client import client_ip
from starrating.errors import InvalidInput, NotPermitted
from stars import policies, selectors, services
from stars.models import Ladder, PointsItem
from stars.report import handbook_xlsx, pay_list_xlsx

from .serializers import (
    StarConsequencesSerializer,
    StarEntrySerializer,
    StarEntryWriteSerializer,
    StarImportResultSerializer,
    StarItemSerializer,
    StarItemWriteSerializer,
    StarLadderFillResultSerializer,
    StarLadderFillSerializer,
    StarLadderInputSerializer,
    StarLadderInputWriteSerializer,
    StarLadderValueSerializer,
    StarMemberImportSerializer,
    StarMemberSerializer,
    StarMemberWriteSerializer,
    StarOutcomesSerializer,
    StarRankingRowSerializer,
    StarRejectSerializer,
    StarSummarySerializer,
    StarTablesCopySerializer,
    StarTableSerializer,
    StarThresholdsSerializer,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class RoleMixin:
    roles = policies.READ_ROLES

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not request.user.has_role(*self.roles):
            raise NotPermitted(_("您的角色不能使用此接口。"))


def _int(value, field: str, *, required: bool = False) -> int | None:
    if value in (None, ""):
        if required:
            raise InvalidInput(_("缺少参数。"), [{"field": field, "message": _("必填")}])
        return None
    try:
        number = int(value)
    except (TypeError, ValueError) as error:
        raise InvalidInput(
            _("参数有误。"), [{"field": field, "value": str(value), "message": _("应为整数")}]
        ) from error
    if not 0 < number < 2**63:
        raise InvalidInput(
            _("参数有误。"), [{"field": field, "value": str(value), "message": _("超出范围")}]
        )
    return number


def scope_params(request) -> tuple[int, str, object]:
    """year (default this year), ladder, township (scoped: another's is a 404)."""
    p = request.query_params
    year = _int(p.get("year"), "year") or timezone.localdate().year
    if year > 9999:
        raise InvalidInput(_("年度有误。"), [{"field": "year", "message": _("年度有误")}])
    ladder = p.get("ladder", Ladder.MEMBER)
    if ladder not in Ladder.values:
        raise InvalidInput(
            _("星级类别不存在。"), [{"field": "ladder", "value": ladder, "message": _("不存在")}]
        )
    township_id = _int(p.get("township"), "township")
    township = None
    if township_id is not None:
        township = townships_for_user(request.user).filter(pk=township_id).first()
        if township is None:
            raise Http404
    return year, ladder, township


SCOPE_PARAMETERS = [
    OpenApiParameter("year", int, description="年度（默认今年）"),
    OpenApiParameter("ladder", str, enum=Ladder.values, description="星级类别"),
    OpenApiParameter("township", int, description="乡镇 id（默认全县）"),
]


class TableListView(RoleMixin, generics.ListAPIView):
    """The county's 定星 tables (all years; a year starts at zero, earlier years stay)."""

    serializer_class = StarTableSerializer
    filter_backends = []

    def get_queryset(self):
        return selectors.tables_for_user(self.request.user).prefetch_related("items")


class TablesCopyView(RoleMixin, APIView):
    @extend_schema(
        request=StarTablesCopySerializer,
        responses={201: StarTableSerializer(many=True)},
        summary="建立某年度三类记分表（复制上年或默认表）",
    )
    def post(self, request):
        body = StarTablesCopySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        tables = services.tables_copy(
            actor=request.user, ip=client_ip(request), **body.validated_data
        )
        return Response(StarTableSerializer(tables, many=True).data, status=status.HTTP_201_CREATED)


class ThresholdsView(RoleMixin, APIView):
    @extend_schema(request=StarThresholdsSerializer, responses=StarTableSerializer)
    def post(self, request, pk: int):
        table = selectors.table_get_for_user(user=request.user, pk=pk)
        body = StarThresholdsSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        table = services.table_set_thresholds(
            actor=request.user, table=table, ip=client_ip(request), **body.validated_data
        )
        return Response(StarTableSerializer(table).data)


class ItemCreateView(RoleMixin, APIView):
    @extend_schema(request=StarItemWriteSerializer, responses={201: StarItemSerializer})
    def post(self, request, pk: int):
        table = selectors.table_get_for_user(user=request.user, pk=pk)
        body = StarItemWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        item = services.item_create(
            actor=request.user, table=table, ip=client_ip(request), **body.validated_data
        )
        return Response(StarItemSerializer(item).data, status=status.HTTP_201_CREATED)


class MemberListView(RoleMixin, generics.ListAPIView):
    """The members register, scoped (a township sees its own villages' branches)."""

    serializer_class = StarMemberSerializer
    filter_backends = []

    def get_queryset(self):
        qs = selectors.members_for_user(self.request.user)
        branch = _int(self.request.query_params.get("branch"), "branch")
        return qs.filter(branch_id=branch) if branch else qs

    @extend_schema(parameters=[OpenApiParameter("branch", int, description="支部（村）id")])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=StarMemberWriteSerializer, responses={201: StarMemberSerializer})
    def post(self, request):
        body = StarMemberWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        branch = (
            villages_for_user(request.user)
            .select_related("parent")
            .filter(pk=data.pop("branch"))
            .first()
        )
        if branch is None:
            raise InvalidInput(
                _("支部不存在。"),
                [{"field": "branch", "message": _("支部不存在或不在您的管辖范围内")}],
            )
        member = services.member_create(
            actor=request.user, branch=branch, ip=client_ip(request), **data
        )
        return Response(StarMemberSerializer(member).data, status=status.HTTP_201_CREATED)


class MemberImportView(RoleMixin, APIView):
    parser_classes = [MultiPartParser]

    @extend_schema(
        request={"multipart/form-data": StarMemberImportSerializer},
        responses={201: StarImportResultSerializer},
        summary="导入党员名册（姓名 | 党员类别 | 所在支部代码）",
    )
    def post(self, request):
        body = StarMemberImportSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        n = services.members_import(
            actor=request.user, file=body.validated_data["file"], ip=client_ip(request)
        )
        return Response({"imported": n}, status=status.HTTP_201_CREATED)


class EntryListView(RoleMixin, generics.ListAPIView):
    """Point entries, newest first; ``status`` filters (pending = 待审核)."""

    serializer_class = StarEntrySerializer
    filter_backends = []
    parser_classes = [DecimalJSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        qs = selectors.entries_for_user(self.request.user)
        state = self.request.query_params.get("status")
        return qs.filter(status=state) if state else qs

    @extend_schema(
        parameters=[OpenApiParameter("status", str, enum=["pending", "approved", "rejected"])]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=StarEntryWriteSerializer, responses={201: StarEntrySerializer})
    def post(self, request):
        if not request.user.has_role(*policies.RECORD_ROLES):
            raise NotPermitted(_("您的角色不能记分。"))
        body = StarEntryWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        user = request.user
        item = (
            PointsItem.objects.filter(
                pk=data.pop("item"), table__in=selectors.tables_for_user(user)
            )
            .select_related("table")
            .first()
        )
        if item is None:
            raise InvalidInput(
                _("记分项不存在。"), [{"field": "item", "message": _("记分项不存在")}]
            )
        member_id, org_id = data.pop("member", None), data.pop("organization", None)
        member = selectors.member_get_for_user(user=user, pk=member_id) if member_id else None
        org = selectors.subject_org_for_user(user=user, pk=org_id) if org_id else None
        entry = services.entry_record(
            actor=user, item=item, member=member, organization=org, ip=client_ip(request), **data
        )
        return Response(StarEntrySerializer(entry).data, status=status.HTTP_201_CREATED)


class EntryDetailView(RoleMixin, APIView):
    @extend_schema(responses=StarEntrySerializer)
    def get(self, request, pk: int):
        return Response(
            StarEntrySerializer(selectors.entry_get_for_user(user=request.user, pk=pk)).data
        )


class EntryApproveView(RoleMixin, APIView):
    @extend_schema(
        request=None, responses=StarEntrySerializer, summary="审核通过（记录人以外的县级管理员）"
    )
    def post(self, request, pk: int):
        entry = selectors.entry_get_for_user(user=request.user, pk=pk)
        services.entry_approve(actor=request.user, entry=entry, ip=client_ip(request))
        return Response(
            StarEntrySerializer(selectors.entry_get_for_user(user=request.user, pk=pk)).data
        )


class EntryRejectView(RoleMixin, APIView):
    @extend_schema(request=StarRejectSerializer, responses=StarEntrySerializer)
    def post(self, request, pk: int):
        entry = selectors.entry_get_for_user(user=request.user, pk=pk)
        body = StarRejectSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.entry_reject(
            actor=request.user, entry=entry, ip=client_ip(request), **body.validated_data
        )
        return Response(
            StarEntrySerializer(selectors.entry_get_for_user(user=request.user, pk=pk)).data
        )


class RankingView(RoleMixin, APIView):
    @extend_schema(parameters=SCOPE_PARAMETERS, responses=StarRankingRowSerializer(many=True))
    def get(self, request):
        year, ladder, township = scope_params(request)
        rows = selectors.ranking(user=request.user, year=year, ladder=ladder, township=township)
        return Response(StarRankingRowSerializer(rows, many=True).data)


class SummaryView(RoleMixin, APIView):
    @extend_schema(parameters=SCOPE_PARAMETERS, responses=StarSummarySerializer)
    def get(self, request):
        year, ladder, township = scope_params(request)
        data = selectors.summary(user=request.user, year=year, ladder=ladder, township=township)
        return Response(StarSummarySerializer(data).data)


def handbook_response(
    request, *, year: int, member_id: int | None, org_id: int | None
) -> HttpResponse:
    """The 记分手册 of one member (``member``) or organization (``organization``) as Excel."""
    if (member_id is None) == (org_id is None):
        raise InvalidInput(
            _("请选择党员或党组织之一。"), [{"field": "member", "message": _("请选择记分对象")}]
        )
    user = request.user
    member = selectors.member_get_for_user(user=user, pk=member_id) if member_id else None
    org = selectors.subject_org_for_user(user=user, pk=org_id) if org_id else None
    book = selectors.handbook(user=user, year=year, member=member, organization=org)
    title = member.name if member else org.name
    response = HttpResponse(handbook_xlsx(title=title, book=book), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="handbook-{year}.xlsx"'
    return response


class HandbookView(RoleMixin, APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("year", int),
            OpenApiParameter("member", int, description="党员 id"),
            OpenApiParameter("organization", int, description="支部（村）或党委（乡镇）id"),
        ],
        responses={(200, XLSX): OpenApiResponse(OpenApiTypes.BINARY, description="记分手册")},
    )
    def get(self, request):
        p = request.query_params
        return handbook_response(
            request,
            year=_int(p.get("year"), "year") or timezone.localdate().year,
            member_id=_int(p.get("member"), "member"),
            org_id=_int(p.get("organization"), "organization"),
        )


class ConsequencesView(RoleMixin, APIView):
    @extend_schema(
        request=StarConsequencesSerializer,
        responses=StarConsequencesSerializer,
        summary="设置某年度奖惩凭星表（县级管理员）",
    )
    def post(self, request):
        body = StarConsequencesSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        table = services.consequences_set(
            actor=request.user, ip=client_ip(request), **body.validated_data
        )
        return Response(_consequences_body(table))


def _consequences_body(table) -> dict:
    return {
        "year": table.year,
        "pay": [str(r) for r in table.pay_ratios],
        "award_min_stars": table.award_min_stars,
        "unqualified_max_stars": table.unqualified_max_stars,
        "weak_max_stars": table.weak_max_stars,
    }


def _outcomes(request) -> tuple[int, dict]:
    year, _ladder, township = scope_params(request)
    data = selectors.outcomes(user=request.user, year=year, township=township)
    return year, data


class OutcomesView(RoleMixin, APIView):
    @extend_schema(
        parameters=[SCOPE_PARAMETERS[0], SCOPE_PARAMETERS[2]],
        responses=StarOutcomesSerializer,
        summary="奖惩凭星：各村绩效补贴系数、评先评优和审查名单",
    )
    def get(self, request):
        _year, data = _outcomes(request)
        body = {
            "configured": data["consequences"] is not None,
            "pay": [r for _n, r in data["ratios"]],
            "award_min_stars": data["award_min"],
            "unqualified_max_stars": data["unqualified_max"],
            "weak_max_stars": data["weak_max"],
            "villages": data["villages"],
            "members_award": data["members_award"],
            "members_review": data["members_review"],
        }
        return Response(StarOutcomesSerializer(body).data)


class PayListView(RoleMixin, APIView):
    @extend_schema(
        parameters=[SCOPE_PARAMETERS[0], SCOPE_PARAMETERS[2]],
        responses={(200, XLSX): OpenApiResponse(OpenApiTypes.BINARY, description="绩效补贴名单")},
    )
    def get(self, request):
        year, data = _outcomes(request)
        response = HttpResponse(pay_list_xlsx(year=year, data=data), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="pay-{year}.xlsx"'
        return response


class EntryEvidenceView(RoleMixin, APIView):
    @extend_schema(
        responses={(200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY)},
        summary="下载记分佐证文件",
    )
    def get(self, request, pk: int):
        entry = selectors.entry_get_for_user(user=request.user, pk=pk)
        if not entry.evidence_file:
            raise Http404
        return FileResponse(
            entry.evidence_file.open("rb"),
            as_attachment=True,
            content_type="application/octet-stream",
        )


# --- S11: ladder figures as annual-rating item inputs ------------------------------------------

ROUND = OpenApiParameter("round", int, description="评定轮次ID", required=True)
ASSESSMENT = OpenApiParameter("assessment", int, description="评定（村）ID", required=True)


class LadderInputsView(RoleMixin, APIView):
    @extend_schema(
        parameters=[ROUND],
        responses=StarLadderInputSerializer(many=True),
        summary="评定轮次中按创星晋级数据计分的指标",
    )
    def get(self, request):
        round_ = selectors.round_get_for_user(
            user=request.user, pk=_int(request.query_params.get("round"), "round", required=True)
        )
        rows = selectors.ladder_inputs(round_, active_only=False)
        return Response(StarLadderInputSerializer(rows, many=True).data)

    @extend_schema(
        request=StarLadderInputWriteSerializer,
        responses=StarLadderInputSerializer,
        summary="设置某指标按创星晋级数据计分（本县县级管理员）",
    )
    def post(self, request):
        body = StarLadderInputWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        round_ = selectors.round_get_for_user(user=request.user, pk=data.pop("round"))
        row = services.ladder_input_set(
            actor=request.user,
            round_=round_,
            item_code=data.pop("item"),
            ip=client_ip(request),
            **data,
        )
        return Response(StarLadderInputSerializer(row).data)


class LadderValuesView(RoleMixin, APIView):
    roles = (*policies.READ_ROLES, *policies.SHEET_EXTRA_ROLES)

    @extend_schema(
        parameters=[ASSESSMENT],
        responses=StarLadderValueSerializer(many=True),
        summary="某村评分表中创星数据指标的本村数据和折合得分",
    )
    def get(self, request):
        assessment = assessment_get_for_user(
            user=request.user,
            pk=_int(request.query_params.get("assessment"), "assessment", required=True),
        )
        rows = selectors.ladder_values(assessment)
        return Response(StarLadderValueSerializer(rows, many=True).data)


class LadderFillView(RoleMixin, APIView):
    roles = (*policies.READ_ROLES, *policies.SHEET_EXTRA_ROLES)

    @extend_schema(
        request=StarLadderFillSerializer,
        responses=StarLadderFillResultSerializer,
        summary="按创星晋级数据填入评分表（经评分表保存）",
    )
    def post(self, request):
        body = StarLadderFillSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        assessment = assessment_get_for_user(user=request.user, pk=data["assessment"])
        sheet = services.ladder_input_fill(
            actor=request.user,
            assessment=assessment,
            stage=data["stage"],
            item_code=data.get("item") or None,
            version=data.get("version"),
            ip=client_ip(request),
        )
        return Response(
            {
                "assessment": assessment.pk,
                "stage": data["stage"],
                "version": sheet.version,
                "scores": {c: f"{p:.2f}" for c, (p, _n) in sheet.written_scores.items()},
            }
        )
