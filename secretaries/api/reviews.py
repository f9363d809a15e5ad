"""The 述职评议 API (mounted at ``/api/v1/secretary-reviews/``). Thin: parse → selector (scoped:
another county's session, another township's secretary is a 404) or service → serialize."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from ledgers.services.evidence import CONTENT_TYPES
from ledgers.views.evidence import private_file_response
from secretaries import exports, policies, selectors, services
from starrating.client import client_ip
from starrating.errors import NotPermitted

from .review_serializers import (
    ReviewAnswerSerializer,
    ReviewAnswerWriteSerializer,
    ReviewCheckSerializer,
    ReviewCheckWriteSerializer,
    ReviewedSecretarySerializer,
    ReviewProblemSerializer,
    ReviewProblemWriteSerializer,
    ReviewQuestionSerializer,
    ReviewQuestionWriteSerializer,
    ReviewReportFileSerializer,
    ReviewReportFileUploadSerializer,
    ReviewReportSerializer,
    ReviewScoreSerializer,
    ReviewScoreWithdrawSerializer,
    ReviewScoreWriteSerializer,
    ReviewSessionCreateSerializer,
    ReviewSessionDetailSerializer,
    ReviewSessionSerializer,
    ReviewSettingsSerializer,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ReviewRoleMixin:
    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not request.user.has_role(*policies.REVIEW_READ_ROLES):
            raise NotPermitted(_("您的角色不能使用此接口。"))


def _session(request, pk):
    return selectors.session_get_for_user(user=request.user, pk=pk)


def _session_body(request, pk) -> dict:
    session = _session(request, pk)
    session.results = selectors.results(
        session, selectors.reviewees_for_user(request.user, session)
    )
    return ReviewSessionDetailSerializer(session).data


def _reviewee_body(request, pk) -> dict:
    reviewee = selectors.reviewee_get_for_user(user=request.user, pk=pk)
    session = reviewee.session
    reviewee = (
        selectors.reviewees_for_user(request.user, session)
        .prefetch_related("answers")
        .get(pk=reviewee.pk)
    )
    reviewee.result = selectors.results(session, [reviewee])[0]
    reviewee.questions = selectors.questions_for(session, reviewee)
    reviewee.scores_shown = selectors.scores_for_user(request.user, reviewee)
    reviewee.report_file = next(iter(reviewee.current_report_files), None)
    return ReviewedSecretarySerializer(reviewee).data


class SessionListView(ReviewRoleMixin, APIView):
    @extend_schema(
        parameters=[OpenApiParameter("year", int, description="年度（不填为全部）")],
        responses=ReviewSessionSerializer(many=True),
        summary="述职评议列表",
    )
    def get(self, request):
        try:
            year = int(request.query_params.get("year", "") or 0)
        except ValueError:
            year = 0
        year = year if 2000 <= year <= 2100 else None
        sessions = selectors.sessions_for_user(request.user, year=year)
        return Response(ReviewSessionSerializer(sessions, many=True).data)

    @extend_schema(
        request=ReviewSessionCreateSerializer,
        responses={201: ReviewSessionDetailSerializer},
        summary="组织述职评议",
    )
    def post(self, request):
        body = ReviewSessionCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        session = services.session_create(
            actor=request.user, ip=client_ip(request), **body.validated_data
        )
        return Response(_session_body(request, session.pk), status=status.HTTP_201_CREATED)


class SessionDetailView(ReviewRoleMixin, APIView):
    @extend_schema(responses=ReviewSessionDetailSerializer, summary="述职评议及评议结果")
    def get(self, request, pk: int):
        return Response(_session_body(request, pk))

    @extend_schema(
        request=ReviewSettingsSerializer,
        responses=ReviewSessionDetailSerializer,
        summary="修改评议设置（权重、等次起点分、书记项目限制）",
    )
    def patch(self, request, pk: int):
        session = _session(request, pk)
        body = ReviewSettingsSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        services.session_update(
            actor=request.user, session=session, ip=client_ip(request), **body.validated_data
        )
        return Response(_session_body(request, pk))


class SessionOpenView(ReviewRoleMixin, APIView):
    @extend_schema(request=None, responses=ReviewSessionDetailSerializer, summary="开始评议")
    def post(self, request, pk: int):
        services.session_open(
            actor=request.user, session=_session(request, pk), ip=client_ip(request)
        )
        return Response(_session_body(request, pk))


class SessionCloseView(ReviewRoleMixin, APIView):
    @extend_schema(
        request=None, responses=ReviewSessionDetailSerializer, summary="结束评议（锁定结果）"
    )
    def post(self, request, pk: int):
        services.session_close(
            actor=request.user, session=_session(request, pk), ip=client_ip(request)
        )
        return Response(_session_body(request, pk))


class QuestionView(ReviewRoleMixin, APIView):
    @extend_schema(
        request=ReviewQuestionWriteSerializer,
        responses={201: ReviewQuestionSerializer},
        summary="同题共答、加试题",
    )
    def post(self, request, pk: int):
        session = _session(request, pk)
        body = ReviewQuestionWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        question = services.question_add(
            actor=request.user, session=session, ip=client_ip(request), **body.validated_data
        )
        return Response(ReviewQuestionSerializer(question).data, status=status.HTTP_201_CREATED)


class ProblemView(ReviewRoleMixin, APIView):
    @extend_schema(responses=ReviewProblemSerializer(many=True), summary="点评问题清单")
    def get(self, request, pk: int):
        problems = selectors.problems_for_user(request.user, _session(request, pk))
        return Response(ReviewProblemSerializer(problems, many=True).data)

    @extend_schema(
        request=ReviewProblemWriteSerializer,
        responses={201: ReviewProblemSerializer},
        summary="登记点评问题（每个涉及党组织一条整改台账）",
    )
    def post(self, request, pk: int):
        session = _session(request, pk)
        body = ReviewProblemWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        problem = services.problem_add(
            actor=request.user, session=session, ip=client_ip(request), **body.validated_data
        )
        found = selectors.problems_for_user(request.user, session).get(pk=problem.pk)
        return Response(ReviewProblemSerializer(found).data, status=status.HTTP_201_CREATED)


class ExportView(ReviewRoleMixin, APIView):
    @extend_schema(
        responses={(200, XLSX): OpenApiResponse(OpenApiTypes.BINARY)},
        summary="导出评议结果和问题清单（Excel）",
    )
    def get(self, request, pk: int):
        if not request.user.has_role(*policies.REVIEW_EXPORT_ROLES):
            raise NotPermitted(_("您的角色不能导出述职评议。"))
        session = _session(request, pk)
        data = exports.review_workbook(request.user, session, today=timezone.localdate())
        response = HttpResponse(data, content_type=XLSX)
        response["Content-Disposition"] = (
            f'attachment; filename="secretary-review-{session.year}-{session.pk}.xlsx"'
        )
        return response


class SecretaryView(ReviewRoleMixin, APIView):
    @extend_schema(
        responses=ReviewedSecretarySerializer, summary="述职书记（报告、答题、打分、核查）"
    )
    def get(self, request, pk: int):
        return Response(_reviewee_body(request, pk))


def _reviewee(request, pk):
    return selectors.reviewee_get_for_user(user=request.user, pk=pk)


class ReportView(ReviewRoleMixin, APIView):
    @extend_schema(
        request=ReviewReportSerializer, responses=ReviewedSecretarySerializer, summary="述职报告"
    )
    def post(self, request, pk: int):
        reviewee = _reviewee(request, pk)
        body = ReviewReportSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.report_save(
            actor=request.user, reviewee=reviewee, ip=client_ip(request), **body.validated_data
        )
        return Response(_reviewee_body(request, pk))


class AnswerView(ReviewRoleMixin, APIView):
    @extend_schema(
        request=ReviewAnswerWriteSerializer, responses=ReviewAnswerSerializer, summary="答题"
    )
    def post(self, request, pk: int):
        reviewee = _reviewee(request, pk)
        body = ReviewAnswerWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        answer = services.answer_save(
            actor=request.user, reviewee=reviewee, ip=client_ip(request), **body.validated_data
        )
        return Response(ReviewAnswerSerializer(answer).data)


class ScoreView(ReviewRoleMixin, APIView):
    @extend_schema(
        request=ReviewScoreWriteSerializer,
        responses={201: ReviewScoreSerializer},
        summary="现场测评打分",
    )
    def post(self, request, pk: int):
        reviewee = _reviewee(request, pk)
        body = ReviewScoreWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        score = services.score_add(
            actor=request.user, reviewee=reviewee, ip=client_ip(request), **body.validated_data
        )
        return Response(ReviewScoreSerializer(score).data, status=status.HTTP_201_CREATED)


class CheckView(ReviewRoleMixin, APIView):
    @extend_schema(
        request=ReviewCheckWriteSerializer,
        responses={201: ReviewCheckSerializer},
        summary="实地核查（三随机）",
    )
    def post(self, request, pk: int):
        reviewee = _reviewee(request, pk)
        body = ReviewCheckWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        check = services.check_add(
            actor=request.user, reviewee=reviewee, ip=client_ip(request), **body.validated_data
        )
        return Response(ReviewCheckSerializer(check).data, status=status.HTTP_201_CREATED)


class ScoreWithdrawView(ReviewRoleMixin, APIView):
    @extend_schema(
        request=ReviewScoreWithdrawSerializer,
        responses=ReviewScoreSerializer,
        summary="撤回测评打分（保留记录，不计入平均分；评议中）",
    )
    def post(self, request, pk: int):
        score = selectors.score_get_for_user(user=request.user, pk=pk)
        body = ReviewScoreWithdrawSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        row = services.score_withdraw(
            actor=request.user, score=score, ip=client_ip(request), **body.validated_data
        )
        return Response(ReviewScoreSerializer(row).data)


class ReportFileView(ReviewRoleMixin, APIView):
    parser_classes = [MultiPartParser]

    @extend_schema(
        request={"multipart/form-data": ReviewReportFileUploadSerializer},
        responses={201: ReviewReportFileSerializer},
        summary="上传述职报告文件（替换当前文件）",
    )
    def post(self, request, pk: int):
        reviewee = _reviewee(request, pk)
        body = ReviewReportFileUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        row = services.report_file_upload(
            actor=request.user,
            reviewee=reviewee,
            upload=body.validated_data.get("file"),
            ip=client_ip(request),
        )
        return Response(ReviewReportFileSerializer(row).data, status=status.HTTP_201_CREATED)


class ReportFileDownloadView(ReviewRoleMixin, APIView):
    """The report file as an attachment, for those who may read the review (else 404); audited."""

    def perform_content_negotiation(self, request, force=False):
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        responses={
            (200, CONTENT_TYPES[kind]): OpenApiResponse(OpenApiTypes.BINARY, description="文件")
            for kind in ("pdf", "docx", "jpeg", "png")
        },
        summary="下载述职报告文件",
    )
    def get(self, request, pk: int):
        row = selectors.report_file_get_for_user(user=request.user, pk=pk)
        try:
            handle = row.file.open("rb")
        except (FileNotFoundError, OSError) as exc:
            raise Http404 from exc
        services.report_file_download_record(
            actor=request.user, report_file=row, ip=client_ip(request)
        )
        return private_file_response(handle, name=row.name, kind=row.kind)
