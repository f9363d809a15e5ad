"""API of the organization tree, the current user and their API tokens. Thin: parse → call a
selector or service → serialize."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, permissions, serializers, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from organizations import selectors, services
from organizations.models import ApiToken, AuditLog, Organization, Role
from starrating.api import IdFilter
from starrating.client import client_ip
from starrating.errors import NotPermitted

# Created only at install (docs/deployment.md), never over the API.
REGION_KINDS = (Organization.Kind.PROVINCE, Organization.Kind.CITY, Organization.Kind.COUNTY)

# --- serializers ---------------------------------------------------------------------------


class OrganizationSerializer(serializers.ModelSerializer):
    parent_code = serializers.CharField(source="parent.code", read_only=True, allow_null=True)

    class Meta:
        model = Organization
        fields = [
            "id",
            "code",
            "name",
            "kind",
            "parent",
            "parent_code",
            "party_body",
            "secretary_name",
            "member_count",
            "is_active",
        ]
        read_only_fields = fields


@extend_schema_field(OpenApiTypes.INT)
class CountyOrganizationField(serializers.PrimaryKeyRelatedField):
    """An organization of the requesting user's county, by id: another county's is "not
    found" like one that does not exist (its existence is not told)."""

    def get_queryset(self):
        request = self.context.get("request")
        user = getattr(request, "user", None)
        county_id = getattr(user, "county_id", None)
        if not county_id:
            return Organization.objects.none()
        return selectors.county_organizations(county_id)


class OrganizationUpdateSerializer(serializers.Serializer):
    """Rename, move, or change the Party body, secretary or member count (county admin)."""

    name = serializers.CharField(max_length=100, required=False)
    parent = CountyOrganizationField(required=False, help_text=_("上级组织ID（移动）"))
    party_body = serializers.ChoiceField(choices=Organization.PartyBody.choices, required=False)
    secretary_name = serializers.CharField(max_length=50, required=False, allow_blank=True)
    member_count = serializers.IntegerField(min_value=0, max_value=1_000_000, required=False)


class OrganizationCreateSerializer(OrganizationUpdateSerializer):
    code = serializers.RegexField(r"^[0-9]{12}$", help_text=_("12位统计用区划代码"))
    name = serializers.CharField(max_length=100)
    kind = serializers.ChoiceField(
        choices=[(k, v) for k, v in Organization.Kind.choices if k not in REGION_KINDS]
    )
    parent = CountyOrganizationField(help_text=_("上级组织ID：乡镇的上级是区县，村的上级是乡镇"))


class OrganizationActiveSerializer(serializers.Serializer):
    active = serializers.BooleanField()
    reason = serializers.CharField(max_length=200, help_text=_("停用或启用的原因（必填）"))


class OrganizationNodeSerializer(serializers.Serializer):
    """One node of the tree with its children (documented one level; the tree nests)."""

    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=Organization.Kind.choices)
    is_active = serializers.BooleanField()
    children = serializers.ListField(child=serializers.DictField())


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    display_name = serializers.CharField()
    role = serializers.CharField()
    organization = OrganizationSerializer(allow_null=True)
    county = serializers.IntegerField(source="county_id", allow_null=True)
    department = serializers.CharField()


class ApiTokenSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "created_at", "last_used_at", "revoked_at"]
        read_only_fields = fields


class ApiTokenCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)


class ApiTokenCreatedSerializer(ApiTokenSerializer):
    key = serializers.CharField(help_text=_("完整密钥，只在创建时返回一次，请妥善保存。"))

    class Meta(ApiTokenSerializer.Meta):
        fields = [*ApiTokenSerializer.Meta.fields, "key"]
        read_only_fields = fields


class AuditDiffSerializer(serializers.Serializer):
    field = serializers.CharField()
    old = serializers.CharField()
    new = serializers.CharField()


class AuditLogSerializer(serializers.ModelSerializer):
    action_label = serializers.CharField(source="get_action_display", read_only=True)
    object_type_label = serializers.SerializerMethodField()
    village_name = serializers.CharField(source="village.name", read_only=True, allow_null=True)
    diff = serializers.SerializerMethodField()

    class Meta:
        model = AuditLog
        fields = [
            "id",
            "at",
            "actor",
            "actor_name",
            "ip_address",
            "action",
            "action_label",
            "object_type",
            "object_type_label",
            "object_id",
            "object_repr",
            "village",
            "village_name",
            "before",
            "after",
            "diff",
            "reason",
        ]
        read_only_fields = fields

    def get_object_type_label(self, entry: AuditLog) -> str:
        return selectors.object_type_label(entry.object_type)

    @extend_schema_field(AuditDiffSerializer(many=True))
    def get_diff(self, entry: AuditLog) -> list[dict[str, str]]:
        return selectors.audit_diff(entry)


# --- filters -------------------------------------------------------------------------------


class OrganizationFilter(django_filters.FilterSet):
    parent = IdFilter(field_name="parent_id", label=_("上级组织ID"))
    kind = django_filters.MultipleChoiceFilter(choices=Organization.Kind.choices)
    is_active = django_filters.BooleanFilter()
    search = django_filters.CharFilter(method="filter_search", label=_("按名称或代码搜索"))

    class Meta:
        model = Organization
        fields = ["parent", "kind", "is_active", "search"]

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(code__startswith=value))


class AuditLogFilter(django_filters.FilterSet):
    actor = django_filters.CharFilter(method="filter_rows", label=_("操作人（姓名或用户名）"))
    action = django_filters.ChoiceFilter(choices=AuditLog.Action.choices, method="filter_rows")
    object_type = django_filters.CharFilter(
        method="filter_rows", label=_("对象类型，如assessments.Sheet")
    )
    village = IdFilter(method="filter_rows", label=_("村（社区）ID"))
    date_from = django_filters.DateFilter(method="filter_rows", label=_("起始日期（含，北京时间）"))
    date_to = django_filters.DateFilter(method="filter_rows", label=_("截止日期（含，北京时间）"))

    class Meta:
        model = AuditLog
        fields = ["actor", "action", "object_type", "village", "date_from", "date_to"]

    def filter_rows(self, queryset, name, value):
        return selectors.audit_filter(queryset, **{name: value}) if value else queryset


# --- views ---------------------------------------------------------------------------------


class MeView(APIView):
    @extend_schema(responses=MeSerializer, summary="当前用户")
    def get(self, request):
        return Response(MeSerializer(request.user).data)


class OrganizationListView(generics.ListAPIView):
    """The organizations the user may see: county, townships, villages (ordered by code)."""

    serializer_class = OrganizationSerializer
    filterset_class = OrganizationFilter

    def get_queryset(self):
        return selectors.organizations_for_user(self.request.user).order_by("code", "pk")

    @extend_schema(
        request=OrganizationCreateSerializer,
        responses={201: OrganizationSerializer},
        summary="新建乡镇（街道）或村（社区）（县级管理员）",
    )
    def post(self, request):
        _county_admin(request)
        body = OrganizationCreateSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        org = services.organization_create(
            actor=request.user, ip=client_ip(request), **body.validated_data
        )
        return Response(OrganizationSerializer(org).data, status=status.HTTP_201_CREATED)


def _county_admin(request) -> None:
    """Writes of the tree are the county admin's; checked before the body is read, so that a
    wrong role is a 403 whatever it sends."""
    if not request.user.has_role(Role.COUNTY_ADMIN):
        raise NotPermitted(_("只有县级管理员可以维护组织机构。"))


class OrganizationDetailView(generics.RetrieveAPIView):
    serializer_class = OrganizationSerializer

    def get_queryset(self):
        return selectors.organizations_for_user(self.request.user)

    @extend_schema(
        request=OrganizationUpdateSerializer,
        responses=OrganizationSerializer,
        summary="改名、调整隶属关系或修改组织信息（县级管理员）",
    )
    def patch(self, request, pk: int):
        org = self.get_object()  # out of scope: 404 before any role check
        _county_admin(request)
        body = OrganizationUpdateSerializer(
            data=request.data, partial=True, context={"request": request}
        )
        body.is_valid(raise_exception=True)
        org = services.organization_update(
            actor=request.user, organization=org, ip=client_ip(request), **body.validated_data
        )
        return Response(OrganizationSerializer(org).data)


class OrganizationActiveView(generics.GenericAPIView):
    serializer_class = OrganizationSerializer

    def get_queryset(self):
        return selectors.organizations_for_user(self.request.user)

    @extend_schema(
        request=OrganizationActiveSerializer,
        responses=OrganizationSerializer,
        summary="停用（撤并）或重新启用组织（县级管理员，须填原因）",
    )
    def post(self, request, pk: int):
        org = self.get_object()
        _county_admin(request)
        body = OrganizationActiveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        org = services.organization_set_active(
            actor=request.user,
            organization=org,
            active=body.validated_data["active"],
            reason=body.validated_data["reason"],
            ip=client_ip(request),
        )
        return Response(OrganizationSerializer(org).data)


class OrganizationTreeView(APIView):
    """The visible tree nested from the county down, in one query."""

    @extend_schema(responses=OrganizationNodeSerializer, summary="组织树")
    def get(self, request):
        nodes = {
            org.pk: {
                "id": org.pk,
                "code": org.code,
                "name": org.name,
                "kind": org.kind,
                "is_active": org.is_active,
                "parent": org.parent_id,
                "children": [],
            }
            for org in selectors.organizations_for_user(request.user).order_by("code")
        }
        root = None
        for node in nodes.values():
            parent = nodes.get(node.pop("parent"))
            if parent is not None:
                parent["children"].append(node)
            elif node["kind"] == Organization.Kind.COUNTY:
                root = node
        if root is None:
            raise Http404
        return Response(root)


class ApiTokenListView(generics.ListAPIView):
    """The user's own tokens; creating one returns its key once. Throttled more tightly than
    the rest of the API (``tokens`` rate) on top of the per-user rate."""

    serializer_class = ApiTokenSerializer
    throttle_classes = [*api_settings.DEFAULT_THROTTLE_CLASSES, ScopedRateThrottle]
    throttle_scope = "tokens"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ApiToken.objects.none()
        return ApiToken.objects.filter(user=self.request.user).order_by("-created_at", "-id")

    @extend_schema(
        request=ApiTokenCreateSerializer,
        responses={201: ApiTokenCreatedSerializer},
        summary="创建API令牌（密钥只显示一次）",
    )
    def post(self, request):
        body = ApiTokenCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        token, key = services.api_token_create(
            actor=request.user, name=body.validated_data["name"], ip=client_ip(request)
        )
        data = ApiTokenSerializer(token).data | {"key": key}
        return Response(data, status=status.HTTP_201_CREATED)


class ApiTokenDetailView(APIView):
    throttle_classes = [*api_settings.DEFAULT_THROTTLE_CLASSES, ScopedRateThrottle]
    throttle_scope = "tokens"

    @extend_schema(responses={204: None}, summary="撤销API令牌")
    def delete(self, request, pk: int):
        token = ApiToken.objects.filter(user=request.user, pk=pk).first()
        if token is None:
            raise Http404
        services.api_token_revoke(actor=request.user, token=token, ip=client_ip(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class IsAuditor(permissions.BasePermission):
    """The audit log's API is for who reads the audit page: the auditor, the audit
    administrator (三员) and the IT administrator."""

    def has_permission(self, request, view) -> bool:
        return selectors.can_read_audit(request.user)


class AuditLogListView(generics.ListAPIView):
    """The audit log of the auditor's county, newest first, filtered, paginated; read only."""

    serializer_class = AuditLogSerializer
    filterset_class = AuditLogFilter
    permission_classes = [permissions.IsAuthenticated, IsAuditor]

    def get_queryset(self):
        return selectors.audit_for_user(self.request.user).select_related("village")
