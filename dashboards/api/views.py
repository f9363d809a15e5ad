"""The dashboard in the API: the same summary as the page, over the user's scope."""

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.response import Response
from rest_framework.views import APIView

from assessments import selectors as core
from dashboards import selectors
from organizations.models import Role
from starrating.errors import NotPermitted
from starrating.representation import representer

from .serializers import (
    DashboardQuerySerializer,
    DashboardSerializer,
    RegionQuerySerializer,
    RegionSerializer,
    VillageMatchSerializer,
    VillageSearchQuerySerializer,
)

# The same output as the serializers (the contract), without DRF's per-field work: a county's
# dashboard carries every township (hundreds at province scale).
dashboard_data = representer(DashboardSerializer)
region_data = representer(RegionSerializer)


class RoundDashboardView(APIView):
    @extend_schema(
        responses=DashboardSerializer,
        parameters=[DashboardQuerySerializer],
        summary="评定概况：各星级与乡镇数量、70/80分以上、与上年相比、薄弱指标",
    )
    def get(self, request, pk: int):
        round_ = core.round_get_for_user(user=request.user, pk=pk)
        params = DashboardQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        limit = params.validated_data["weakest"]
        summary = selectors.dashboard_summary(round_, request.user, weakest_limit=limit)
        return Response(dashboard_data(summary))


class RegionSummaryView(APIView):
    """A city's or province's roll-up of its counties (region viewers only)."""

    @extend_schema(
        responses=RegionSerializer,
        parameters=[RegionQuerySerializer],
        summary="所辖区县汇总（市/省组织部只读）：各区县星级分布、保三争四、升降、薄弱指标",
    )
    def get(self, request):
        if not request.user.has_role(Role.REGION_VIEWER):
            raise NotPermitted(_("只有市/省组织部可以查看所辖区县汇总。"))
        params = RegionQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        years = selectors.region_years(request.user)
        year = params.validated_data.get("year") or (years[0] if years else None)
        if year is None:
            raise Http404(_("所辖区县还没有评定轮次。"))
        summary = selectors.region_summary(
            request.user, year=year, weakest_limit=params.validated_data["weakest"]
        )
        return Response(region_data(summary))


class VillageSearchView(generics.ListAPIView):
    """The village search of the top bar (autocomplete): name, code or pinyin initials, over
    the villages the user may open — a township its own, the county its county."""

    serializer_class = VillageMatchSerializer
    filter_backends: list = []

    @extend_schema(
        parameters=[VillageSearchQuerySerializer], summary="查找村（名称、代码、拼音首字母）"
    )
    def get(self, request, *args, **kwargs):
        if not request.user.has_role(*selectors.VILLAGE_SEARCH_ROLES):
            raise NotPermitted(_("您的角色不能查找村。"))
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        params = VillageSearchQuerySerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        return selectors.villages_search(
            self.request.user,
            q=params.validated_data.get("q", ""),
            township_id=params.validated_data.get("township"),
        )
