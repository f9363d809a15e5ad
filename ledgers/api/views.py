"""The ledgers' API: 整改台账 (with 销号 by a second person), 督导, 包保, reminders. Thin:
parse → selector (scoped: out of scope is a 404) or service (authorizes, validates, writes
atomically, audits) → serialize."""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from assessments import selectors as assessment_selectors
from ledgers import policies, selectors, services
from ledgers.models import Rectification
from ledgers.services.evidence import CONTENT_TYPES
from organizations.selectors import villages_for_user
from starrating.client import client_ip
from starrating.errors import InvalidInput, NotPermitted

from .serializers import (
    CloseSerializer,
    EvidenceSerializer,
    EvidenceTargetSerializer,
    EvidenceUploadSerializer,
    JobStartedSerializer,
    LedgerReopenSerializer,
    NoteSerializer,
    NoteWriteSerializer,
    PairingImportSerializer,
    PairingSerializer,
    ReadSerializer,
    RectificationDetailSerializer,
    RectificationSerializer,
    RectificationUpdateSerializer,
    RectificationWriteSerializer,
    ReminderSerializer,
    VisitSerializer,
    VisitWriteSerializer,
    WeaknessSerializer,
)


class RoleMixin:
    roles = policies.LEDGER_ROLES

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not request.user.has_role(*self.roles):
            raise NotPermitted(_("您的角色不能使用此接口。"))


def _entry(request, pk) -> Rectification:
    return selectors.rectification_get_for_user(user=request.user, pk=pk)


def _village(request, pk):
    village = villages_for_user(request.user).select_related("parent").filter(pk=pk).first()
    if village is None:
        raise InvalidInput(
            _("村（社区）不存在。"),
            [{"field": "organization", "value": pk, "message": _("村（社区）不存在")}],
        )
    return village


LIST_PARAMETERS = [
    OpenApiParameter("township", int, description="乡镇 id"),
    OpenApiParameter("village", int, description="村 id"),
    OpenApiParameter("status", str, enum=list(selectors.STATUS_FILTERS)),
    OpenApiParameter("source", str, enum=list(Rectification.Source.values)),
    OpenApiParameter("department", str, description="包保部门（本年度结对）"),
]


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class RectificationListView(RoleMixin, generics.ListAPIView):
    """The ledger, overdue first; county admins, township assessors and evaluators add to it."""

    serializer_class = RectificationSerializer
    filter_backends = []

    def get_queryset(self):
        p = self.request.query_params
        return selectors.rectifications_filtered(
            self.request.user,
            township=_int(p.get("township")),
            village=_int(p.get("village")),
            status=p.get("status", "") if p.get("status") in selectors.STATUS_FILTERS else "",
            source=p.get("source", "") if p.get("source") in Rectification.Source.values else "",
            department=p.get("department", "")[:100],
        )

    @extend_schema(parameters=LIST_PARAMETERS)
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=RectificationWriteSerializer, responses={201: RectificationSerializer})
    def post(self, request):
        body = RectificationWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        entry = services.rectification_create(
            actor=request.user,
            organization=_village(request, data.pop("organization")),
            ip=client_ip(request),
            **data,
        )
        return Response(RectificationSerializer(entry).data, status=status.HTTP_201_CREATED)


class RectificationDetailView(RoleMixin, APIView):
    @extend_schema(responses=RectificationDetailSerializer)
    def get(self, request, pk: int):
        return Response(RectificationDetailSerializer(_entry(request, pk)).data)

    @extend_schema(request=RectificationUpdateSerializer, responses=RectificationSerializer)
    def patch(self, request, pk: int):
        entry = _entry(request, pk)
        body = RectificationUpdateSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        entry = services.rectification_update(
            actor=request.user, entry=entry, ip=client_ip(request), **body.validated_data
        )
        return Response(RectificationSerializer(_entry(request, entry.pk)).data)


class RectificationNoteView(RoleMixin, APIView):
    @extend_schema(request=NoteWriteSerializer, responses={201: NoteSerializer})
    def post(self, request, pk: int):
        entry = _entry(request, pk)
        body = NoteWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        note = services.rectification_note_add(
            actor=request.user, entry=entry, ip=client_ip(request), **body.validated_data
        )
        return Response(NoteSerializer(note).data, status=status.HTTP_201_CREATED)


class RectificationCloseView(RoleMixin, APIView):
    @extend_schema(
        request=CloseSerializer,
        responses=RectificationSerializer,
        summary="销号（登记人以外的镇街或县级人员）",
    )
    def post(self, request, pk: int):
        entry = _entry(request, pk)
        body = CloseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.rectification_close(
            actor=request.user, entry=entry, ip=client_ip(request), **body.validated_data
        )
        return Response(RectificationSerializer(_entry(request, pk)).data)


class RectificationReopenView(RoleMixin, APIView):
    @extend_schema(request=LedgerReopenSerializer, responses=RectificationSerializer)
    def post(self, request, pk: int):
        entry = _entry(request, pk)
        body = LedgerReopenSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.rectification_reopen(
            actor=request.user, entry=entry, ip=client_ip(request), **body.validated_data
        )
        return Response(RectificationSerializer(_entry(request, pk)).data)


class FindingRectificationView(RoleMixin, APIView):
    @extend_schema(request=None, responses={201: RectificationSerializer})
    def post(self, request, pk: int):
        finding = assessment_selectors.finding_get_for_user(user=request.user, pk=pk)
        entry = services.rectification_from_finding(
            actor=request.user, finding=finding, ip=client_ip(request)
        )
        return Response(RectificationSerializer(entry).data, status=status.HTTP_201_CREATED)


class WeaknessRectificationView(RoleMixin, APIView):
    @extend_schema(request=WeaknessSerializer, responses={201: RectificationSerializer})
    def post(self, request, pk: int):
        assessment = assessment_selectors.assessment_get_for_user(user=request.user, pk=pk)
        body = WeaknessSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        entry = services.rectification_from_weakness(
            actor=request.user,
            assessment=assessment,
            code=body.validated_data["code"],
            ip=client_ip(request),
        )
        return Response(RectificationSerializer(entry).data, status=status.HTTP_201_CREATED)


class VisitListView(RoleMixin, generics.ListAPIView):
    serializer_class = VisitSerializer
    filter_backends = []

    def get_queryset(self):
        return (
            selectors.visits_for_user(self.request.user)
            .prefetch_related("organizations", "problems__organization")
            .order_by("-visited_on", "-id")
        )

    @extend_schema(request=VisitWriteSerializer, responses={201: VisitSerializer})
    def post(self, request):
        body = VisitWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        villages = {pk: _village(request, pk) for pk in data["organizations"]}
        problems = []
        for p in data["problems"]:
            org = villages.get(p["organization"]) or _village(request, p["organization"])
            problems.append((org, p["description"]))
        visit = services.visit_create(
            actor=request.user,
            visited_on=data["visited_on"],
            visitors=data["visitors"],
            organizations=list(villages.values()),
            method=data["method"],
            summary=data["summary"],
            problems=problems,
            ip=client_ip(request),
        )
        return Response(VisitSerializer(visit).data, status=status.HTTP_201_CREATED)


class VisitDetailView(RoleMixin, APIView):
    @extend_schema(responses=VisitSerializer)
    def get(self, request, pk: int):
        return Response(
            VisitSerializer(selectors.visit_get_for_user(user=request.user, pk=pk)).data
        )


class VisitProblemRectificationView(RoleMixin, APIView):
    @extend_schema(request=None, responses={201: RectificationSerializer})
    def post(self, request, pk: int):
        problem = selectors.visit_problem_get_for_user(user=request.user, pk=pk)
        entry = services.visit_problem_to_ledger(
            actor=request.user, problem=problem, ip=client_ip(request)
        )
        return Response(RectificationSerializer(entry).data, status=status.HTTP_201_CREATED)


class PairingListView(RoleMixin, generics.ListAPIView):
    roles = policies.PAIRING_ROLES
    serializer_class = PairingSerializer
    filter_backends = []

    def get_queryset(self):
        qs = selectors.pairings_for_user(self.request.user)
        year = _int(self.request.query_params.get("year"))
        return qs.filter(year=year) if year else qs

    @extend_schema(parameters=[OpenApiParameter("year", int, description="年度")])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class PairingImportView(RoleMixin, APIView):
    """Start the Excel import of the year's pairings (county admin) as a job: 202 with the
    job; the rows are checked by the job, all or none, and its page lists the problems."""

    roles = policies.PAIRING_ROLES
    parser_classes = [MultiPartParser]

    @extend_schema(
        request={"multipart/form-data": PairingImportSerializer},
        responses={202: JobStartedSerializer},
        summary="导入包保结对（后台任务）",
    )
    def post(self, request):
        body = PairingImportSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        job = services.pairings_import_start(
            actor=request.user,
            year=body.validated_data["year"],
            upload=body.validated_data["file"],
            ip=client_ip(request),
        )
        return Response(JobStartedSerializer(job).data, status=status.HTTP_202_ACCEPTED)


# --- evidence files ---------------------------------------------------------------------------


def _evidence_target(request, data: dict) -> dict:
    """The validated ids → the target objects, through the user's scope (else 404)."""
    return selectors.evidence_target_for_user(request.user, **data)


TARGET_PARAMETERS = [
    OpenApiParameter("assessment", int, description="评定对象 id（与 item 一起）"),
    OpenApiParameter("item", str, description="指标编号"),
    OpenApiParameter("finding", int, description="联审问题 id"),
    OpenApiParameter("rectification", int, description="整改台账 id"),
    OpenApiParameter("visit", int, description="督导记录 id"),
    OpenApiParameter("organization", int, description="督导记录的村 id（可选）"),
    OpenApiParameter("objection", int, description="公示异议或复核申请 id"),
]


class EvidenceListView(RoleMixin, generics.ListAPIView):
    """佐证材料 of one target (exactly one: an item of an assessment, a finding, a ledger entry
    or a visit), newest first; uploading one is a multipart POST."""

    serializer_class = EvidenceSerializer
    filter_backends = []
    parser_classes = [MultiPartParser]

    def get_queryset(self):
        query = EvidenceTargetSerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        target = _evidence_target(self.request, dict(query.validated_data))
        return selectors.evidence_of_target(self.request.user, target)

    @extend_schema(parameters=TARGET_PARAMETERS)
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request={"multipart/form-data": EvidenceUploadSerializer},
        responses={201: EvidenceSerializer},
        summary="上传佐证材料",
    )
    def post(self, request):
        body = EvidenceUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        upload = data.pop("file")
        evidence = services.evidence_upload(
            actor=request.user,
            upload=upload,
            ip=client_ip(request),
            **_evidence_target(request, data),
        )
        return Response(EvidenceSerializer(evidence).data, status=status.HTTP_201_CREATED)


class EvidenceDownloadView(RoleMixin, APIView):
    """The file as an attachment, for those who may see the village (else 404); audited."""

    def perform_content_negotiation(self, request, force=False):
        # The file is whatever it is: an Accept naming its type must not be a 406.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        responses={
            (200, content_type): OpenApiResponse(OpenApiTypes.BINARY, description="文件")
            for content_type in CONTENT_TYPES.values()
        },
        summary="下载佐证材料",
    )
    def get(self, request, pk: int):
        evidence = selectors.evidence_get_for_user(user=request.user, pk=pk)
        try:
            handle = evidence.file.open("rb")
        except (FileNotFoundError, OSError) as exc:
            raise Http404 from exc
        services.evidence_download_record(
            actor=request.user, evidence=evidence, ip=client_ip(request)
        )
        response = FileResponse(
            handle,
            as_attachment=True,
            filename=evidence.name,
            content_type=CONTENT_TYPES[evidence.kind],
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response


class EvidenceWithdrawView(RoleMixin, APIView):
    @extend_schema(
        request=None, responses={204: None}, summary="撤下佐证材料（上传人或县级管理员）"
    )
    def post(self, request, pk: int):
        evidence = selectors.evidence_get_for_user(user=request.user, pk=pk)
        services.evidence_deactivate(actor=request.user, evidence=evidence, ip=client_ip(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class ReminderListView(generics.ListAPIView):
    """The user's own reminders (every role has some)."""

    serializer_class = ReminderSerializer
    filter_backends = []

    def get_queryset(self):
        return selectors.reminders_for_user(self.request.user).order_by("-day", "-id")


class ReminderReadView(APIView):
    @extend_schema(request=ReadSerializer, responses={200: None})
    def post(self, request):
        body = ReadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        n = services.reminder_mark_read(actor=request.user, reminder_ids=body.validated_data["ids"])
        return Response({"read": n})
