"""The dashboard in the API: the same summary as the page, over the user's scope."""

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from assessments import selectors as core
from dashboards import selectors

from .serializers import DashboardQuerySerializer, DashboardSerializer


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
        return Response(DashboardSerializer(summary).data)
