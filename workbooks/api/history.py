"""The history API (issue 14, item 5): previous years' published levels — their imports (with
the source), the levels, the template, and the import itself as a job. Thin: the services and
the job authorize and validate; the selectors scope every read."""

from __future__ import annotations

import io

from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from assessments import selectors
from assessments.models import HistoryImport, PublishedLevel
from organizations.models import Role
from organizations.selectors import villages_in_county
from starrating.client import client_ip
from starrating.errors import NotPermitted

from ..history import history_import_start, write_history_template

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class HistoryImportSerializer(serializers.ModelSerializer):
    imported_by = serializers.CharField(source="imported_by.display_name", read_only=True)

    class Meta:
        model = HistoryImport
        fields = ["id", "file_name", "imported_by", "imported_at", "rows", "years"]
        read_only_fields = fields


class PublishedLevelSerializer(serializers.ModelSerializer):
    organization_code = serializers.CharField(source="organization.code", read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    source = HistoryImportSerializer(read_only=True)

    class Meta:
        model = PublishedLevel
        fields = ["id", "organization", "organization_code", "organization_name", "year"]
        fields += ["level", "source"]
        read_only_fields = fields


class HistoryUploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        allow_empty_file=True, use_url=False, help_text="历年星级Excel（xlsx）"
    )


class HistoryJobStartedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    status = serializers.CharField()
    status_url = serializers.SerializerMethodField()

    def get_status_url(self, obj) -> str:
        return reverse("job_status", args=[obj.pk])


class HistoryImportListView(generics.ListAPIView):
    """The imports of the county's previous years' levels, newest first (the source of each
    level: file name, who, when)."""

    serializer_class = HistoryImportSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return HistoryImport.objects.none()
        return selectors.history_imports_for_user(self.request.user).order_by("-imported_at", "-pk")


class PublishedLevelListView(generics.ListAPIView):
    """Imported published levels in the user's scope; ``?year=`` filters."""

    serializer_class = PublishedLevelSerializer

    @extend_schema(parameters=[OpenApiParameter("year", int, description="年度")])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return PublishedLevel.objects.none()
        year = self.request.query_params.get("year")
        if year and not year.isdigit():
            raise serializers.ValidationError({"year": [_("须为整数年份")]})
        return selectors.published_levels_for_user(
            self.request.user, year=int(year) if year else None
        ).order_by("-year", "organization__code")


class HistoryImportStartView(APIView):
    """Start the import (county admin) as a job: 202 with the job; every row is checked by the
    job, all or nothing, and the job page lists each problem by row and column."""

    parser_classes = [MultiPartParser]

    @extend_schema(
        request={"multipart/form-data": HistoryUploadSerializer},
        responses={202: HistoryJobStartedSerializer},
        summary="导入历年星级（后台任务）",
    )
    def post(self, request):
        body = HistoryUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        job = history_import_start(
            actor=request.user, upload=body.validated_data["file"], ip=client_ip(request)
        )
        return Response(HistoryJobStartedSerializer(job).data, status=status.HTTP_202_ACCEPTED)


class HistoryTemplateView(APIView):
    """The template, pre-filled with the county's villages (county admin)."""

    @extend_schema(
        responses={(200, XLSX): OpenApiResponse(OpenApiTypes.BINARY, description="xlsx")},
        summary="下载历年星级导入模板",
    )
    def get(self, request):
        if not request.user.has_role(Role.COUNTY_ADMIN):
            raise NotPermitted(_("只有县级管理员可以导入历年星级。"))
        out = io.BytesIO()
        villages = list(villages_in_county(request.user.county_id).order_by("code"))
        write_history_template(out, villages=villages)
        response = HttpResponse(out.getvalue(), content_type=XLSX)
        response["Content-Disposition"] = 'attachment; filename="history-template.xlsx"'
        return response
