"""The rating-year API: rounds, assessments, score sheets, findings, surveys, results.

Thin by design (STYLE.md): parse the request → call a selector (reads, scoped by the user: out
of scope is a 404) or a service (writes: it authorizes, validates, writes atomically and audits)
→ serialize. Domain errors become the one error shape in ``starrating.api.exception_handler``.
"""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from assessments import policies, selectors, services
from assessments.models import Assessment, Finding, SatisfactionSurvey, Score, Sheet, Stage
from organizations.models import Organization
from starrating.client import client_ip
from starrating.errors import NotPermitted
from starrating.representation import representer

from . import filters
from .serializers import (
    AdvanceSerializer,
    AssessmentDetailSerializer,
    AssessmentSerializer,
    ClearanceResultSerializer,
    ClearanceSerializer,
    ExceptionalSerializer,
    FindingCreateSerializer,
    FindingSerializer,
    OverrideSerializer,
    ReasonSerializer,
    ReopenSerializer,
    ResultRecordSerializer,
    RoundCreateSerializer,
    RoundDetailSerializer,
    RoundSerializer,
    RoundUpdateSerializer,
    SheetSerializer,
    SheetWriteSerializer,
    SurveySerializer,
    SurveyWriteSerializer,
    survey_data,
)

STAGE_PARAMETER = OpenApiParameter(
    "stage",
    str,
    OpenApiParameter.PATH,
    enum=list(Stage.values),
    description="self / township / county",
)


def _round(request, pk: int):
    return selectors.round_get_for_user(user=request.user, pk=pk)


def _assessment(request, pk: int) -> Assessment:
    return selectors.assessment_get_for_user(user=request.user, pk=pk)


def _finding(request, pk: int):
    try:
        return selectors.findings_for_user(request.user).get(pk=pk)
    except (Finding.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def _stage(stage: str) -> str:
    if stage not in Stage.values:
        raise Http404
    return stage


# --- rounds --------------------------------------------------------------------------------


class RoundListView(generics.ListAPIView):
    """Rounds of the user's county, newest first; county admins create them."""

    serializer_class = RoundSerializer
    filterset_class = filters.RoundFilter

    def get_queryset(self):
        return selectors.rounds_for_user(self.request.user).order_by("-year", "pk")

    @extend_schema(request=RoundCreateSerializer, responses={201: RoundSerializer})
    def post(self, request):
        body = RoundCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        county = Organization.objects.filter(pk=request.user.county_id).first()
        if county is None:
            raise NotPermitted(_("您的账号未关联区县，不能创建评定轮次。"))
        round_ = services.round_create(
            actor=request.user,
            county=county,
            year=data.pop("year"),
            catalogue=data.pop("catalogue"),
            ip=client_ip(request),
            **data,
        )
        return Response(RoundSerializer(round_).data, status=status.HTTP_201_CREATED)


class RoundDetailView(APIView):
    """A round with its effective pass lines and the settings that have no effect."""

    @extend_schema(responses=RoundDetailSerializer)
    def get(self, request, pk: int):
        return Response(RoundDetailSerializer(_round(request, pk)).data)

    @extend_schema(request=RoundUpdateSerializer, responses=RoundDetailSerializer)
    def patch(self, request, pk: int):
        round_ = _round(request, pk)
        body = RoundUpdateSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        round_ = services.round_update(
            actor=request.user, round_=round_, ip=client_ip(request), **body.validated_data
        )
        return Response(RoundDetailSerializer(round_).data)


class RoundTransitionView(APIView):
    """POST-only transitions: open, publish, archive (advance: RoundAdvanceView). Each is
    validated by its service (e.g. publishing needs every result and no pending finding);
    publish takes an optional ``override_reason`` to pass an unmet gate (joint review,
    publicity period, objections), recorded and audited."""

    action = ""
    SERVICES = {
        "open": services.round_open,
        "publish": services.round_publish,
        "archive": services.round_archive,
    }

    @extend_schema(request=OverrideSerializer, responses=RoundSerializer)
    def post(self, request, pk: int):
        round_ = _round(request, pk)
        extra = {}
        if self.action == "publish":
            body = OverrideSerializer(data=request.data)
            body.is_valid(raise_exception=True)
            extra["override_reason"] = body.validated_data["override_reason"]
        round_ = self.SERVICES[self.action](
            actor=request.user, round_=round_, ip=client_ip(request), **extra
        )
        return Response(RoundSerializer(round_).data)


class RoundAdvanceView(APIView):
    """进入下一阶段. The next stage's ``deadline`` is required when its stored one has passed
    (the stage would otherwise open locked); it may be given to set or move it. An
    ``override_reason`` passes an unmet joint-review gate, recorded and audited."""

    @extend_schema(request=AdvanceSerializer, responses=RoundSerializer, summary="进入下一阶段")
    def post(self, request, pk: int):
        round_ = _round(request, pk)
        body = AdvanceSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        round_ = services.round_advance(
            actor=request.user,
            round_=round_,
            deadline=body.validated_data.get("deadline"),
            override_reason=body.validated_data["override_reason"],
            ip=client_ip(request),
        )
        return Response(RoundSerializer(round_).data)


class RoundReopenView(APIView):
    @extend_schema(
        request=ReopenSerializer, responses=RoundSerializer, summary="重新开放阶段（须填写原因）"
    )
    def post(self, request, pk: int):
        round_ = _round(request, pk)
        body = ReopenSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        round_ = services.round_reopen(
            actor=request.user,
            round_=round_,
            stage=body.validated_data["stage"],
            reason=body.validated_data["reason"],
            deadline=body.validated_data.get("deadline"),
            ip=client_ip(request),
        )
        return Response(RoundSerializer(round_).data)


# A record's JSON made without DRF's per-field work (the same output as
# ResultRecordSerializer, the contract).
result_data = representer(ResultRecordSerializer)
PAGE_PARAMETERS = {"page", "page_size"}


class _Rows:
    """A queryset's rows as plain values for the paginator, counted as the queryset itself:
    the count then joins none of the tables the columns come from."""

    ordered = True

    def __init__(self, queryset, columns):
        self.queryset, self.rows = queryset, queryset.values_list(*columns)

    def count(self) -> int:
        return self.queryset.count()

    def __getitem__(self, index):
        return self.rows[index]


class RoundResultsView(generics.ListAPIView):
    """The round's results in the ``export_results`` record format, filtered and ordered;
    a fixed number of queries whatever the page size: the user and token, the round, the
    count and the page (the category order of a frozen catalogue is kept in memory)."""

    serializer_class = ResultRecordSerializer
    filterset_class = filters.AssessmentFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Assessment.objects.none()
        self.round = _round(self.request, self.kwargs["pk"])
        return selectors.assessments_for_user(self.request.user, round_=self.round)

    def filter_queryset(self, queryset):
        if not set(self.request.query_params) - PAGE_PARAMETERS:
            # No filter asked for: the filterset's default order, without building its form.
            return filters.ordered(queryset, "")
        return super().filter_queryset(queryset)

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        order = selectors.category_codes(self.round)
        # What a record shows, and no more (no item points or steps JSON), as plain rows.
        columns = selectors.RESULT_RECORD_COLUMNS
        if queryset.query.distinct:
            # An evaluator's scope repeats rows: a page of ids, then their records.
            ids = [a.pk for a in self.paginate_queryset(queryset.select_related(None).only("pk"))]
            rows = {
                row[0]: row
                for row in Assessment.objects.filter(pk__in=ids).order_by().values_list(*columns)
            }
            page = [rows[pk] for pk in ids]
        else:
            page = self.paginate_queryset(_Rows(queryset, columns))
        return self.get_paginated_response(
            [result_data(selectors.result_record_of_row(row, order=order)) for row in page]
        )


# --- assessments ---------------------------------------------------------------------------


class AssessmentListView(generics.ListAPIView):
    """Assessments in the user's scope (a township assessor: their township only)."""

    serializer_class = AssessmentSerializer
    filterset_class = filters.AssessmentFilter

    def get_queryset(self):
        return selectors.assessments_for_user(self.request.user)


class AssessmentDetailView(APIView):
    """One assessment: its result, every stage's sheet (scores where the user may read them),
    its findings and survey."""

    @extend_schema(responses=AssessmentDetailSerializer)
    def get(self, request, pk: int):
        assessment = _assessment(request, pk)
        sheets = {s.stage: s for s in Sheet.objects.filter(assessment=assessment)}
        scores: dict[int, dict[str, str]] = {s.pk: {} for s in sheets.values()}
        for sheet_id, code, points in Score.objects.filter(
            sheet__assessment=assessment
        ).values_list("sheet_id", "item__code", "points"):
            scores[sheet_id][code] = f"{points:.2f}"
        stage_rows = []
        for stage in Stage.values:
            sheet = sheets.get(stage)
            visible = policies.can_view_sheet(request.user, assessment, stage)
            stage_rows.append(
                {
                    "stage": stage,
                    "status": sheet.status if sheet else "none",
                    "version": sheet.version if sheet else 0,
                    "submitted_at": sheet.submitted_at if sheet else None,
                    "scores": scores.get(sheet.pk, {}) if sheet and visible else {},
                    "visible": visible,
                }
            )
        context = {
            "sheets": stage_rows,
            "findings": selectors.findings_for_user(request.user).filter(assessment=assessment),
            "survey": SatisfactionSurvey.objects.filter(assessment=assessment).first(),
            # The trail oldest first; the current level is read from the approved ones.
            "corrections": list(
                selectors.corrections_for_user(request.user)
                .filter(assessment=assessment)
                .order_by("proposed_at", "pk")
            ),
        }
        return Response(AssessmentDetailSerializer(assessment, context=context).data)


class AssessmentExceptionalView(APIView):
    @extend_schema(
        request=ExceptionalSerializer,
        responses=AssessmentSerializer,
        summary="设置破格（须填写理由）",
    )
    def post(self, request, pk: int):
        assessment = _assessment(request, pk)
        body = ExceptionalSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        assessment = services.assessment_set_exceptional(
            actor=request.user,
            assessment=assessment,
            exceptional=body.validated_data["exceptional"],
            reason=body.validated_data["reason"],
            ip=client_ip(request),
        )
        assessment.refresh_from_db()
        return Response(AssessmentSerializer(assessment).data)


# --- score sheets --------------------------------------------------------------------------


def sheet_data(assessment: Assessment, stage: str, saved: Sheet | None = None) -> dict:
    """The sheet as stored; ``saved``: the sheet ``scores_save`` returned, with the points
    it wrote (``written_scores``), which then need no read."""
    written = getattr(saved, "written_scores", None)
    if written is not None:
        sheet, rows = saved, ((code, p, note) for code, (p, note) in written.items())
    else:
        sheet = (
            Sheet.objects.filter(assessment=assessment, stage=stage)
            .select_related("updated_by")
            .first()
        )
        rows = (
            sheet.scores.order_by("item__position").values_list("item__code", "points", "note")
            if sheet is not None
            else ()
        )
    scores, notes = {}, {}
    if sheet is not None:
        for code, points, note in rows:
            scores[code] = f"{points:.2f}"
            if note:
                notes[code] = note
    round_ = assessment.round
    return {
        "assessment": assessment.pk,
        "stage": stage,
        "status": sheet.status if sheet else Sheet.Status.DRAFT,
        "version": sheet.version if sheet else 0,
        "scores": scores,
        "notes": notes,
        "submitted_at": sheet.submitted_at if sheet else None,
        "updated_by": sheet.updated_by.display_name if sheet and sheet.updated_by else None,
        "updated_at": sheet.updated_at if sheet else None,
        "stage_open": round_.stage_open(stage),
        "deadline": round_.deadline_for(stage),
    }


class SheetView(APIView):
    """One stage's score sheet. PUT replaces the sheet (items left out are cleared), PATCH
    merges; both need the ``version`` last read (a stale one is a 409 with the current
    values). ``"submit": true`` submits it (every scored item must then have points)."""

    @extend_schema(parameters=[STAGE_PARAMETER], responses=SheetSerializer)
    def get(self, request, pk: int, stage: str):
        assessment = _assessment(request, pk)
        stage = _stage(stage)
        if not policies.can_view_sheet(request.user, assessment, stage):
            raise NotPermitted(
                _("您无权查看该村的“%(stage)s”评分表。") % {"stage": Stage(stage).label}
            )
        return Response(SheetSerializer(sheet_data(assessment, stage)).data)

    @extend_schema(
        parameters=[STAGE_PARAMETER], request=SheetWriteSerializer, responses=SheetSerializer
    )
    def put(self, request, pk: int, stage: str):
        return self._save(request, pk, stage, replace=True)

    @extend_schema(
        parameters=[STAGE_PARAMETER], request=SheetWriteSerializer, responses=SheetSerializer
    )
    def patch(self, request, pk: int, stage: str):
        return self._save(request, pk, stage, replace=False)

    def _save(self, request, pk: int, stage: str, *, replace: bool):
        assessment = _assessment(request, pk)
        stage = _stage(stage)
        body = SheetWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        scores = dict(body.validated_data["scores"])
        notes = dict(body.validated_data["notes"])
        if replace:
            sheet = Sheet.objects.filter(assessment=assessment, stage=stage).first()
            for code in selectors.sheet_scores(sheet):
                scores.setdefault(code, None)
            for code in scores:
                notes.setdefault(code, "")
        saved = services.scores_save(
            actor=request.user,
            assessment=assessment,
            stage=stage,
            scores=scores,
            notes=notes,
            version=body.validated_data["version"],
            submit=body.validated_data["submit"],
            ip=client_ip(request),
        )
        return Response(SheetSerializer(sheet_data(assessment, stage, saved)).data)


class SheetReturnView(APIView):
    @extend_schema(
        parameters=[STAGE_PARAMETER],
        request=ReasonSerializer,
        responses=SheetSerializer,
        summary="退回评分表（县级管理员，须填写原因）",
    )
    def post(self, request, pk: int, stage: str):
        assessment = _assessment(request, pk)
        stage = _stage(stage)
        body = ReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        sheet = Sheet.objects.filter(assessment=assessment, stage=stage).first()
        # A sheet never saved is "not submitted": the service says so (409) after checking
        # the role (403), as for any other draft.
        sheet = sheet or Sheet(assessment=assessment, stage=stage)
        sheet.assessment = assessment
        services.sheet_return(
            actor=request.user,
            sheet=sheet,
            reason=body.validated_data["reason"],
            ip=client_ip(request),
        )
        return Response(SheetSerializer(sheet_data(assessment, stage)).data)


# --- findings and surveys ------------------------------------------------------------------


class AssessmentFindingsView(generics.ListAPIView):
    """Findings of one assessment; department reviewers, evaluation groups and the county admin
    record new ones (pending until confirmed)."""

    serializer_class = FindingSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Finding.objects.none()
        assessment = _assessment(self.request, self.kwargs["pk"])
        return (
            selectors.findings_for_user(self.request.user)
            .filter(assessment=assessment)
            .order_by("-recorded_at", "-id")
        )

    @extend_schema(request=FindingCreateSerializer, responses={201: FindingSerializer})
    def post(self, request, pk: int):
        assessment = _assessment(request, pk)
        body = FindingCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        finding = services.finding_create(
            actor=request.user,
            assessment=assessment,
            item_code=body.validated_data["item"],
            evidence=body.validated_data["evidence"],
            department=body.validated_data.get("department"),
            ip=client_ip(request),
        )
        return Response(FindingSerializer(finding).data, status=status.HTTP_201_CREATED)


class FindingListView(generics.ListAPIView):
    serializer_class = FindingSerializer
    filterset_class = filters.FindingFilter

    def get_queryset(self):
        return selectors.findings_for_user(self.request.user).order_by("-recorded_at", "-id")


class FindingDetailView(APIView):
    @extend_schema(responses=FindingSerializer)
    def get(self, request, pk: int):
        return Response(FindingSerializer(_finding(request, pk)).data)


class FindingConfirmView(APIView):
    @extend_schema(request=None, responses=FindingSerializer, summary="确认联审问题（县级管理员）")
    def post(self, request, pk: int):
        finding = services.finding_confirm(
            actor=request.user, finding=_finding(request, pk), ip=client_ip(request)
        )
        return Response(FindingSerializer(finding).data)


class FindingWithdrawView(APIView):
    @extend_schema(request=ReasonSerializer, responses=FindingSerializer, summary="撤回联审问题")
    def post(self, request, pk: int):
        finding = _finding(request, pk)
        body = ReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        finding = services.finding_withdraw(
            actor=request.user,
            finding=finding,
            reason=body.validated_data["reason"],
            ip=client_ip(request),
        )
        return Response(FindingSerializer(finding).data)


class ClearanceView(APIView):
    """A department's “无重大问题” for a village: POST records it, DELETE takes it back
    (recorded by mistake), both while the joint review is open and audited."""

    @extend_schema(
        request=ClearanceSerializer,
        responses={201: ClearanceResultSerializer},
        summary="登记“无重大问题”（联查联审）",
    )
    def post(self, request, pk: int):
        assessment = _assessment(request, pk)
        body = ClearanceSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        clearance = services.clearance_record(
            actor=request.user,
            assessment=assessment,
            department=body.validated_data.get("department"),
            ip=client_ip(request),
        )
        body = {
            "assessment": assessment.pk,
            "department": clearance.department,
            "by": clearance.by_id,
            "at": clearance.at,
        }
        return Response(ClearanceResultSerializer(body).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=ClearanceSerializer,
        responses={204: None},
        summary="撤销“无重大问题”（登记有误时）",
    )
    def delete(self, request, pk: int):
        assessment = _assessment(request, pk)
        body = ClearanceSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.clearance_undo(
            actor=request.user,
            assessment=assessment,
            department=body.validated_data.get("department"),
            ip=client_ip(request),
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class SurveyView(APIView):
    @extend_schema(responses=SurveySerializer, summary="满意度测评")
    def get(self, request, pk: int):
        assessment = _assessment(request, pk)
        return Response(
            survey_data(SatisfactionSurvey.objects.filter(assessment=assessment).first())
        )

    @extend_schema(
        request=SurveyWriteSerializer, responses=SurveySerializer, summary="录入满意度测评"
    )
    def put(self, request, pk: int):
        assessment = _assessment(request, pk)
        body = SurveyWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        survey = services.survey_save(
            actor=request.user,
            assessment=assessment,
            respondents=body.validated_data["respondents"],
            satisfied=body.validated_data["satisfied"],
            ip=client_ip(request),
        )
        return Response(survey_data(survey))
