"""API of user management (the system administrator, 三员) and of the security
administrator's unlock and session actions. Thin: parse → selector or service → serialize."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from organizations import selectors, services
from organizations.forms import parse_users_workbook
from organizations.models import Department, Organization, Role, User
from starrating.client import client_ip
from starrating.errors import InvalidInput, NotPermitted


class UserSerializer(serializers.ModelSerializer):
    # Blank for accounts without a role or department: plain strings, not enums.
    role = serializers.CharField(read_only=True, help_text=_("角色代码，见 RoleEnum"))
    department = serializers.CharField(read_only=True, help_text=_("部门代码，可为空"))

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "full_name",
            "role",
            "organization",
            "department",
            "phone",
            "is_active",
            "expires_on",
            "must_change_password",
            "last_login",
            "password_changed_at",
        ]
        read_only_fields = fields


class UserWriteSerializer(serializers.Serializer):
    """Fields of an account; the service checks role, county and level."""

    full_name = serializers.CharField(max_length=50, required=False, allow_blank=True)
    role = serializers.ChoiceField(choices=Role.choices, required=False)
    organization = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.all(), required=False
    )
    department = serializers.ChoiceField(
        choices=Department.choices, required=False, allow_blank=True
    )
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    expires_on = serializers.DateField(required=False, allow_null=True)


class UserCreateSerializer(UserWriteSerializer):
    username = serializers.CharField(max_length=150)
    role = serializers.ChoiceField(choices=Role.choices)
    organization = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all())


class UserCreatedSerializer(UserSerializer):
    password = serializers.CharField(help_text=_("初始密码，只在此响应中返回一次。"))

    class Meta(UserSerializer.Meta):
        fields = [*UserSerializer.Meta.fields, "password"]
        read_only_fields = fields


class UserBulkSerializer(serializers.Serializer):
    file = serializers.FileField(
        allow_empty_file=True, use_url=False, help_text=_("按“批量新建账号”模板填写的xlsx文件")
    )


class UsersCreatedSerializer(serializers.Serializer):
    created = UserCreatedSerializer(many=True)


class PasswordSerializer(serializers.Serializer):
    password = serializers.CharField(help_text=_("新的初始密码，只返回一次。"))


class ActiveSerializer(serializers.Serializer):
    active = serializers.BooleanField()


def _manager(request) -> None:
    if not services.is_account_manager(request.user):
        raise NotPermitted(_("只有系统管理员可以管理用户账号。"))


def _security(request) -> None:
    if not services.is_security_admin(request.user):
        raise NotPermitted(_("只有安全管理员可以执行此操作。"))


class UserListView(generics.ListAPIView):
    """The accounts of the system administrator's county, searched and filtered."""

    serializer_class = UserSerializer
    filter_backends: list = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return User.objects.none()
        _manager(self.request)
        params = self.request.query_params
        township = params.get("township", "")
        active = {"true": True, "false": False}.get(params.get("is_active", "").lower())
        return selectors.users_search(
            self.request.user,
            search=params.get("search", ""),
            role=params.get("role", ""),
            township=int(township) if township.isdigit() and len(township) < 19 else None,
            active=active,
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("search", str, description="用户名、姓名或组织"),
            OpenApiParameter("role", str, enum=Role.values),
            OpenApiParameter("township", int, description="乡镇ID（含其下各村）"),
            OpenApiParameter("is_active", bool),
        ],
        summary="账号列表（系统管理员，本区县）",
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=UserCreateSerializer,
        responses={201: UserCreatedSerializer},
        summary="新建账号（初始密码只返回一次）",
    )
    def post(self, request):
        _manager(request)
        body = UserCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        user, password = services.user_create(
            actor=request.user, row=services.UserRow(**body.validated_data), ip=client_ip(request)
        )
        data = UserSerializer(user).data | {"password": password}
        return Response(data, status=status.HTTP_201_CREATED)


class UserBulkView(APIView):
    """Accounts from the page's Excel template, all or none. Synchronous like the page rather
    than a background job: the initial passwords are answered once and must never be stored,
    not even in a job's record."""

    parser_classes = [MultiPartParser]

    @extend_schema(
        request={"multipart/form-data": UserBulkSerializer},
        responses={201: UsersCreatedSerializer},
        summary="批量新建账号（Excel；初始密码只返回一次）",
    )
    def post(self, request):
        _manager(request)
        body = UserBulkSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        upload = body.validated_data["file"]
        if upload.size > settings.EXCEL_MAX_UPLOAD_BYTES:
            raise InvalidInput(
                _("请检查填写的内容。"), [{"field": "file", "message": _("文件过大")}]
            )
        rows = parse_users_workbook(upload.read())
        created = services.users_create(actor=request.user, rows=rows, ip=client_ip(request))
        data = [UserSerializer(user).data | {"password": pw} for user, pw in created]
        return Response({"created": data}, status=status.HTTP_201_CREATED)


class UserDetailView(APIView):
    @extend_schema(responses=UserSerializer, summary="账号")
    def get(self, request, pk: int):
        _manager(request)
        return Response(UserSerializer(selectors.user_get_for_user(user=request.user, pk=pk)).data)

    @extend_schema(request=UserWriteSerializer, responses=UserSerializer, summary="修改账号")
    def patch(self, request, pk: int):
        _manager(request)
        target = selectors.user_get_for_user(user=request.user, pk=pk)
        body = UserWriteSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        user = services.user_update(
            actor=request.user, user=target, ip=client_ip(request), **body.validated_data
        )
        return Response(UserSerializer(user).data)


class UserActiveView(APIView):
    @extend_schema(request=ActiveSerializer, responses=UserSerializer, summary="启用或停用账号")
    def post(self, request, pk: int):
        _manager(request)
        target = selectors.user_get_for_user(user=request.user, pk=pk)
        body = ActiveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        user = services.user_set_active(
            actor=request.user,
            user=target,
            active=body.validated_data["active"],
            ip=client_ip(request),
        )
        return Response(UserSerializer(user).data)


class UserResetPasswordView(APIView):
    @extend_schema(request=None, responses=PasswordSerializer, summary="重置密码（只返回一次）")
    def post(self, request, pk: int):
        _manager(request)
        target = selectors.user_get_for_user(user=request.user, pk=pk)
        password = services.user_reset_password(
            actor=request.user, user=target, ip=client_ip(request)
        )
        return Response({"password": password})


class UserUnlockView(APIView):
    @extend_schema(request=None, responses={204: None}, summary="解除登录锁定（安全管理员）")
    def post(self, request, pk: int):
        _security(request)
        target = selectors.user_get_for_user(user=request.user, pk=pk)
        services.account_unlock(actor=request.user, user=target, ip=client_ip(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class UserSessionsRevokeView(APIView):
    @extend_schema(
        request=None, responses={204: None}, summary="注销账号的全部会话和令牌（安全管理员）"
    )
    def post(self, request, pk: int):
        _security(request)
        target = selectors.user_get_for_user(user=request.user, pk=pk)
        services.sessions_revoke(actor=request.user, user=target, ip=client_ip(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class LogoutEverywhereView(APIView):
    @extend_schema(request=None, responses={204: None}, summary="退出所有设备并撤销全部令牌")
    def post(self, request):
        services.sessions_revoke(actor=request.user, user=request.user, ip=client_ip(request))
        return Response(status=status.HTTP_204_NO_CONTENT)
