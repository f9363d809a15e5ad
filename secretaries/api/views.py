"""The secretary-projects API (mounted at ``/api/v1/secretary-projects/``). Thin: parse →
selector (scoped: another township's project is a 404) or service → serialize."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from secretaries import exports, policies, selectors, services
from starrating.client import client_ip
from starrating.errors import NotPermitted

from .serializers import (
    ProgressReportSerializer,
    ProgressReportWriteSerializer,
    ProjectClaimSerializer,
    ProjectDashboardSerializer,
    ProjectDetailSerializer,
    ProjectGradeSerializer,
    ProjectOptionSerializer,
    ProjectOptionWriteSerializer,
    ProjectReviewSerializer,
    ProjectSerializer,
    ProjectUpdateSerializer,
    ProjectVisitSerializer,
    ProjectVisitWriteSerializer,
)

YEAR = OpenApiParameter("year", int, description="年度（默认今年）")


def year_of(request) -> int:
    try:
        year = int(request.query_params.get("year", ""))
    except ValueError:
        return timezone.localdate().year
    return year if 2000 <= year <= 2100 else timezone.localdate().year


class RoleMixin:
    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not request.user.has_role(*policies.READ_ROLES):
            raise NotPermitted(_("您的角色不能使用此接口。"))


def _project(request, pk):
    return selectors.project_get_for_user(user=request.user, pk=pk)


class OptionListView(RoleMixin, generics.ListAPIView):
    serializer_class = ProjectOptionSerializer
    filter_backends = []

    def get_queryset(self):
        return selectors.options_for_user(self.request.user, year=year_of(self.request))

    @extend_schema(parameters=[YEAR])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=ProjectOptionWriteSerializer, responses={201: ProjectOptionSerializer})
    def post(self, request):
        if not policies.can_manage(request.user):
            raise NotPermitted(_("只有县级管理员可以维护书记项目清单。"))
        body = ProjectOptionWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        option = services.option_create(
            actor=request.user, ip=client_ip(request), **body.validated_data
        )
        return Response(ProjectOptionSerializer(option).data, status=status.HTTP_201_CREATED)


class ProjectListView(RoleMixin, generics.ListAPIView):
    serializer_class = ProjectSerializer
    filter_backends = []

    def get_queryset(self):
        return selectors.projects_for_user(self.request.user, year=year_of(self.request))

    @extend_schema(parameters=[YEAR])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=ProjectClaimSerializer, responses={201: ProjectSerializer})
    def post(self, request):
        if not policies.can_propose(request.user):
            raise NotPermitted(_("只有乡镇（街道）可以为本级党（工）委书记申报项目。"))
        body = ProjectClaimSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        option = selectors.option_get_for_user(user=request.user, pk=data.pop("option"))
        project = services.project_claim(
            actor=request.user, option=option, ip=client_ip(request), **data
        )
        return Response(ProjectSerializer(_project(request, project.pk)).data, status=201)


class ProjectDetailView(RoleMixin, APIView):
    @extend_schema(responses=ProjectDetailSerializer)
    def get(self, request, pk: int):
        return Response(ProjectDetailSerializer(_project(request, pk)).data)

    @extend_schema(request=ProjectUpdateSerializer, responses=ProjectDetailSerializer)
    def patch(self, request, pk: int):
        project = _project(request, pk)
        body = ProjectUpdateSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        services.project_update(
            actor=request.user, project=project, ip=client_ip(request), **body.validated_data
        )
        return Response(ProjectDetailSerializer(_project(request, pk)).data)


class SubmitView(RoleMixin, APIView):
    @extend_schema(request=None, responses=ProjectDetailSerializer, summary="提交县委组织部审核")
    def post(self, request, pk: int):
        services.project_submit(
            actor=request.user, project=_project(request, pk), ip=client_ip(request)
        )
        return Response(ProjectDetailSerializer(_project(request, pk)).data)


class ReviewView(RoleMixin, APIView):
    @extend_schema(
        request=ProjectReviewSerializer,
        responses=ProjectDetailSerializer,
        summary="审核（通过或退回）",
    )
    def post(self, request, pk: int):
        project = _project(request, pk)
        if not policies.can_manage(request.user):
            raise NotPermitted(_("只有县级管理员可以审核书记项目。"))
        body = ProjectReviewSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.project_review(
            actor=request.user, project=project, ip=client_ip(request), **body.validated_data
        )
        return Response(ProjectDetailSerializer(_project(request, pk)).data)


class ReportView(RoleMixin, APIView):
    @extend_schema(
        request=ProgressReportWriteSerializer,
        responses={201: ProgressReportSerializer},
        summary="月度调度",
    )
    def post(self, request, pk: int):
        project = _project(request, pk)
        if not policies.can_propose(request.user, project):
            raise NotPermitted(_("只有本乡镇（街道）可以报送调度情况。"))
        body = ProgressReportWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        report = services.report_add(
            actor=request.user, project=project, ip=client_ip(request), **body.validated_data
        )
        return Response(ProgressReportSerializer(report).data, status=status.HTTP_201_CREATED)


class VisitView(RoleMixin, APIView):
    @extend_schema(
        request=ProjectVisitWriteSerializer,
        responses={201: ProjectVisitSerializer},
        summary="随机调研走访",
    )
    def post(self, request, pk: int):
        project = _project(request, pk)
        if not policies.can_manage(request.user):
            raise NotPermitted(_("只有县级管理员可以登记项目走访。"))
        body = ProjectVisitWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        visit = services.visit_add(
            actor=request.user, project=project, ip=client_ip(request), **body.validated_data
        )
        return Response(ProjectVisitSerializer(visit).data, status=status.HTTP_201_CREATED)


class GradeView(RoleMixin, APIView):
    @extend_schema(
        request=ProjectGradeSerializer, responses=ProjectDetailSerializer, summary="年终考核"
    )
    def post(self, request, pk: int):
        project = _project(request, pk)
        if not policies.can_manage(request.user):
            raise NotPermitted(_("只有县级管理员可以考核书记项目。"))
        body = ProjectGradeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.project_grade(
            actor=request.user, project=project, ip=client_ip(request), **body.validated_data
        )
        return Response(ProjectDetailSerializer(_project(request, pk)).data)


class DashboardView(RoleMixin, APIView):
    @extend_schema(parameters=[YEAR], responses=ProjectDashboardSerializer, summary="书记项目看板")
    def get(self, request):
        data = selectors.dashboard(request.user, year=year_of(request), today=timezone.localdate())
        return Response(ProjectDashboardSerializer(data).data)


class ExportView(RoleMixin, APIView):
    @extend_schema(
        parameters=[YEAR],
        responses={
            (200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): (
                OpenApiResponse(OpenApiTypes.BINARY)
            )
        },
        summary="导出书记项目（Excel）",
    )
    def get(self, request):
        year = year_of(request)
        data = exports.projects_workbook(request.user, year=year, today=timezone.localdate())
        response = HttpResponse(
            data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = f'attachment; filename="secretary-projects-{year}.xlsx"'
        return response
