"""API of the background jobs: the user's own jobs (another user's is a 404, as on the job
pages), one job's status and progress, and its result file. Jobs are started by the app that
knows their kind (``workbooks.api`` for the Excel ones, ``ledgers.api`` for the pairings)."""

from __future__ import annotations

import django_filters
from django.http import FileResponse, Http404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.views import APIView

from jobs import selectors
from jobs.models import Job

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class JobSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    result_available = serializers.BooleanField(read_only=True)
    counts = serializers.SerializerMethodField(help_text="统计（预览任务另有变动名单）")
    url = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Job
        fields = [
            "id",
            "kind",
            "kind_label",
            "status",
            "status_label",
            "progress",
            "parameters",
            "counts",
            "error_message",
            "errors",
            "result_available",
            "download_url",
            "url",
            "created_at",
            "started_at",
            "finished_at",
            "expires_at",
        ]
        read_only_fields = fields

    @extend_schema_field({"type": "object", "additionalProperties": True})
    def get_counts(self, job: Job) -> dict:
        return job.counts or {}

    def get_url(self, job: Job) -> str:
        return reverse("api-job", args=[job.pk])

    @extend_schema_field({"type": "string", "nullable": True})
    def get_download_url(self, job: Job) -> str | None:
        return reverse("api-job-download", args=[job.pk]) if job.result_available else None


class JobFilter(django_filters.FilterSet):
    kind = django_filters.CharFilter(max_length=32)
    status = django_filters.ChoiceFilter(choices=Job.Status.choices)

    class Meta:
        model = Job
        fields = ["kind", "status"]


class JobListView(generics.ListAPIView):
    """The jobs the user started, newest first."""

    serializer_class = JobSerializer
    filterset_class = JobFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Job.objects.none()
        return selectors.jobs_of_user(self.request.user)


class JobDetailView(generics.RetrieveAPIView):
    """One job: poll it until ``status`` is ``succeeded`` or ``failed``."""

    serializer_class = JobSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Job.objects.none()
        return selectors.jobs_of_user(self.request.user)


class JobDownloadView(APIView):
    """The job's result file (an export), while it has not expired; else 404."""

    def perform_content_negotiation(self, request, force=False):
        # The file is an xlsx whatever the Accept header says: never a 406.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        responses={(200, XLSX): OpenApiResponse(OpenApiTypes.BINARY, description="结果文件")},
        summary="下载任务的结果文件",
    )
    def get(self, request, pk: int):
        job = selectors.job_get_for_user(user=request.user, pk=pk)
        if not job.result_available:
            raise Http404
        try:
            handle = job.result_file.open("rb")
        except (FileNotFoundError, OSError) as exc:
            raise Http404 from exc
        name = job.result_file.name.rsplit("/", 1)[-1].split("-", 1)[-1]
        return FileResponse(handle, as_attachment=True, filename=name, content_type=XLSX)
