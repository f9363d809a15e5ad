"""API of the Excel jobs: start the score template, a score import, the annual report, the
ledger export and the organization import (a preview job, then a confirmed import job). Thin:
parse → ``workbooks.services`` (which checks role and scope, then ``jobs.services.job_create``,
audited) → 202 with the job, to be polled at ``/api/v1/jobs/{id}/``."""

from __future__ import annotations

import io
from urllib.parse import quote

from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from assessments.models import Stage
from assessments.selectors import round_get_for_user
from jobs.api.views import XLSX, JobSerializer
from jobs.selectors import job_get_for_user
from organizations.models import Role
from starrating.client import client_ip
from starrating.errors import NotPermitted
from workbooks import services
from workbooks.organizations import write_blank_template

# --- serializers ---------------------------------------------------------------------------

TOWNSHIP_HELP = "镇（街道）区划代码：村评定时只含该镇街的村，镇街评定时只含该镇街本身"


class TemplateExportSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=Stage.choices)
    township = serializers.CharField(
        max_length=12,
        required=False,
        allow_blank=True,
        default="",
        help_text=TOWNSHIP_HELP,
    )


class ScoresImportSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=Stage.choices)
    file = serializers.FileField(allow_empty_file=True, use_url=False, help_text="填好的评分模板")


class ReportExportSerializer(serializers.Serializer):
    township = serializers.CharField(
        max_length=12,
        required=False,
        allow_blank=True,
        default="",
        help_text=TOWNSHIP_HELP,
    )


class LedgerExportSerializer(ReportExportSerializer):
    status = serializers.ChoiceField(
        choices=["open", "in_progress", "closed", "overdue"], required=False, allow_blank=True
    )


class OrganizationsFileSerializer(serializers.Serializer):
    file = serializers.FileField(
        allow_empty_file=True, use_url=False, help_text="组织机构导入模板（xlsx）"
    )


class OrganizationsConfirmSerializer(serializers.Serializer):
    confirm_deactivation = serializers.BooleanField(
        required=False, default=False, help_text="停用的村超过规定比例时须为true"
    )


def _started(job) -> Response:
    return Response(JobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


STARTED = {202: JobSerializer}

# --- views ---------------------------------------------------------------------------------


class TemplateExportView(APIView):
    @extend_schema(
        request=TemplateExportSerializer, responses=STARTED, summary="导出评分模板（后台任务）"
    )
    def post(self, request, pk: int):
        round_ = round_get_for_user(user=request.user, pk=pk)
        body = TemplateExportSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return _started(
            services.template_export_start(
                actor=request.user, round_=round_, ip=client_ip(request), **body.validated_data
            )
        )


class ScoresImportView(APIView):
    parser_classes = [MultiPartParser]

    @extend_schema(
        request={"multipart/form-data": ScoresImportSerializer},
        responses=STARTED,
        summary="导入评分（后台任务；全部校验通过才写入）",
    )
    def post(self, request, pk: int):
        round_ = round_get_for_user(user=request.user, pk=pk)
        body = ScoresImportSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return _started(
            services.scores_import_start(
                actor=request.user,
                round_=round_,
                stage=body.validated_data["stage"],
                upload=body.validated_data["file"],
                ip=client_ip(request),
            )
        )


class ReportExportView(APIView):
    @extend_schema(
        request=ReportExportSerializer, responses=STARTED, summary="导出年度报表（后台任务）"
    )
    def post(self, request, pk: int):
        round_ = round_get_for_user(user=request.user, pk=pk)
        body = ReportExportSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return _started(
            services.report_export_start(
                actor=request.user, round_=round_, ip=client_ip(request), **body.validated_data
            )
        )


class LedgerExportView(APIView):
    @extend_schema(
        request=LedgerExportSerializer, responses=STARTED, summary="导出整改台账（后台任务）"
    )
    def post(self, request):
        body = LedgerExportSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return _started(
            services.ledger_export_start(
                actor=request.user, ip=client_ip(request), **body.validated_data
            )
        )


class OrganizationsPreviewView(APIView):
    parser_classes = [MultiPartParser]

    @extend_schema(
        request={"multipart/form-data": OrganizationsFileSerializer},
        responses=STARTED,
        summary="组织导入第一步：预览变动（后台任务，不写入）",
    )
    def post(self, request):
        body = OrganizationsFileSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return _started(
            services.organizations_preview_start(
                actor=request.user, upload=body.validated_data["file"], ip=client_ip(request)
            )
        )


class OrganizationsConfirmView(APIView):
    @extend_schema(
        request=OrganizationsConfirmSerializer,
        responses=STARTED,
        summary="组织导入第二步：确认预览并导入（后台任务）",
    )
    def post(self, request, pk: int):
        preview = job_get_for_user(user=request.user, pk=pk)  # one's own job, else 404
        body = OrganizationsConfirmSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return _started(
            services.organizations_import_confirm(
                actor=request.user, preview=preview, ip=client_ip(request), **body.validated_data
            )
        )


class OrganizationsTemplateView(APIView):
    def perform_content_negotiation(self, request, force=False):
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        responses={(200, XLSX): OpenApiResponse(OpenApiTypes.BINARY, description="空白模板")},
        summary="组织机构导入模板（县级管理员）",
    )
    def get(self, request):
        if not request.user.has_role(Role.COUNTY_ADMIN):
            raise NotPermitted(_("只有县级管理员可以导入组织机构。"))
        out = io.BytesIO()
        org = request.user.organization
        write_blank_template(out, county_code=org.code if org else "")
        response = HttpResponse(out.getvalue(), content_type=XLSX)
        response["Content-Disposition"] = "attachment; filename*=UTF-8''" + quote(
            "组织机构导入模板.xlsx"
        )
        return response
