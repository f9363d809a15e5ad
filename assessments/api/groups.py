"""Evaluation groups (考评组) and 回避 relations over the API: what the group pages do, through
the same selectors (scoped: another county's group is a 404) and services (authorized,
validated, audited)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from assessments import selectors, services
from assessments.models import EvaluationGroup, RecusalRelation
from organizations.models import Role
from starrating.client import client_ip
from starrating.errors import InvalidInput, NotPermitted

GROUP_ROLES = (Role.COUNTY_ADMIN, Role.AUDITOR, Role.EVALUATOR)
COUNTY_STAFF = (Role.COUNTY_ADMIN, Role.AUDITOR)


def _require(user, roles) -> None:
    if not user.has_role(*roles):
        raise NotPermitted(_("您的角色不能使用此功能。"))


# --- serializers ----------------------------------------------------------------------------


class MemberSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField(source="display_name")


class VillageSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    township_name = serializers.CharField(source="parent.name", default=None, allow_null=True)


class ProgressSerializer(serializers.Serializer):
    villages = serializers.IntegerField(help_text="负责的村数")
    scored = serializers.IntegerField(help_text="考评组评定评分表已提交的村数")
    percent = serializers.IntegerField()


class GroupSerializer(serializers.ModelSerializer):
    members = MemberSerializer(many=True, read_only=True)
    villages = VillageSerializer(many=True, read_only=True)
    progress = serializers.SerializerMethodField()

    class Meta:
        model = EvaluationGroup
        fields = ["id", "round", "name", "members", "villages", "progress"]

    @extend_schema(responses=ProgressSerializer)
    def get_progress(self, group: EvaluationGroup) -> dict:
        row = self.context["progress"].get(group.pk, {})
        return {k: row.get(k, 0) for k in ("villages", "scored", "percent")}


class GroupNameSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=50, allow_blank=True)


class GroupMembersSerializer(serializers.Serializer):
    members = serializers.ListField(
        child=serializers.IntegerField(), allow_empty=True, help_text="成员账号id"
    )


class GroupVillagesSerializer(serializers.Serializer):
    villages = serializers.ListField(
        child=serializers.CharField(max_length=20),
        allow_empty=True,
        help_text="村的id或12位区划代码",
    )
    move = serializers.BooleanField(
        default=False, help_text="已在本轮其他考评组的村从原组移入（否则拒绝）"
    )


class DoubleSerializer(serializers.Serializer):
    village = VillageSerializer()
    groups = serializers.ListField(child=serializers.CharField())


class CoverageSerializer(serializers.Serializer):
    ok = serializers.BooleanField(help_text="每个村恰好分配给一个考评组")
    unassigned = VillageSerializer(many=True)
    double = DoubleSerializer(many=True)


class RecusalSerializer(serializers.ModelSerializer):
    user = MemberSerializer(read_only=True)
    organization = VillageSerializer(read_only=True)
    recorded_by = serializers.CharField(source="recorded_by.display_name", read_only=True)
    ended_by = serializers.CharField(
        source="ended_by.display_name", default=None, allow_null=True, read_only=True
    )

    class Meta:
        model = RecusalRelation
        fields = [
            "id",
            "user",
            "organization",
            "kind",
            "reason",
            "is_active",
            "recorded_by",
            "created_at",
            "ended_by",
            "ended_at",
        ]


class RecusalCreateSerializer(serializers.Serializer):
    user = serializers.IntegerField(help_text="考评组成员账号id")
    organization = serializers.CharField(max_length=20, help_text="镇街或村的id或12位区划代码")
    kind = serializers.ChoiceField(
        choices=RecusalRelation.Kind.choices, default=RecusalRelation.Kind.WORKS_IN
    )
    reason = serializers.CharField(max_length=200, allow_blank=True)


class RecusalEndSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, max_length=200)


# --- views ----------------------------------------------------------------------------------


def _group_data(groups, round_=None) -> list[dict] | dict:
    groups = list(groups)
    progress = {}
    if groups:
        progress = {
            row["group"].pk: row
            for row in selectors.group_progress(round_ or groups[0].round, groups)
        }
    return GroupSerializer(groups, many=True, context={"progress": progress}).data


class RoundGroupsView(APIView):
    @extend_schema(responses=GroupSerializer(many=True), summary="本轮的考评组（含进度）")
    def get(self, request, pk: int):
        _require(request.user, GROUP_ROLES)
        round_ = selectors.round_get_for_user(user=request.user, pk=pk)
        groups = selectors.groups_for_user(request.user, round_=round_).order_by("name")
        return Response(_group_data(groups, round_))

    @extend_schema(
        request=GroupNameSerializer, responses={201: GroupSerializer}, summary="新建考评组"
    )
    def post(self, request, pk: int):
        round_ = selectors.round_get_for_user(user=request.user, pk=pk)
        body = GroupNameSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        group = services.group_create(
            actor=request.user,
            round_=round_,
            name=body.validated_data["name"],
            ip=client_ip(request),
        )
        return Response(_group_data([group], round_)[0], status=status.HTTP_201_CREATED)


class RoundGroupCoverageView(APIView):
    @extend_schema(responses=CoverageSerializer, summary="分组检查：未分配和重复分配考评组的村")
    def get(self, request, pk: int):
        _require(request.user, COUNTY_STAFF)
        round_ = selectors.round_get_for_user(user=request.user, pk=pk)
        return Response(CoverageSerializer(selectors.group_coverage(round_)).data)


def _group(request, pk: int) -> EvaluationGroup:
    _require(request.user, GROUP_ROLES)
    return selectors.group_get_for_user(user=request.user, pk=pk)


class GroupDetailView(APIView):
    @extend_schema(responses=GroupSerializer)
    def get(self, request, pk: int):
        return Response(_group_data([_group(request, pk)])[0])

    @extend_schema(request=GroupNameSerializer, responses=GroupSerializer, summary="考评组改名")
    def patch(self, request, pk: int):
        group = _group(request, pk)
        body = GroupNameSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.group_rename(
            actor=request.user,
            group=group,
            name=body.validated_data["name"],
            ip=client_ip(request),
        )
        return Response(_group_data([_group(request, pk)])[0])

    @extend_schema(request=None, responses={204: None}, summary="删除空的考评组")
    def delete(self, request, pk: int):
        services.group_delete(actor=request.user, group=_group(request, pk), ip=client_ip(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


def _missing(field: str, values: list[str]) -> InvalidInput:
    return InvalidInput(
        _("提交的数据有误，未保存。"),
        [{"field": field, "value": v, "message": _("不存在或不在本区县")} for v in values],
    )


class GroupMembersView(APIView):
    @extend_schema(
        request=GroupMembersSerializer,
        responses=GroupSerializer,
        summary="设置考评组成员（回避、一人一组）",
    )
    def put(self, request, pk: int):
        group = _group(request, pk)
        body = GroupMembersSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        users, missing = selectors.county_users_by_ids(
            group.round.county_id, body.validated_data["members"]
        )
        if missing and request.user.has_role(Role.COUNTY_ADMIN):
            raise _missing("members", missing)
        services.group_members_set(
            actor=request.user, group=group, members=users, ip=client_ip(request)
        )
        return Response(_group_data([_group(request, pk)])[0])


class GroupVillagesView(APIView):
    @extend_schema(
        request=GroupVillagesSerializer,
        responses=GroupSerializer,
        summary="设置考评组负责的村（回避、每村一组）",
    )
    def put(self, request, pk: int):
        group = _group(request, pk)
        body = GroupVillagesSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        villages, missing = selectors.round_villages_by_ids(
            group.round, body.validated_data["villages"]
        )
        if missing and request.user.has_role(Role.COUNTY_ADMIN):
            raise _missing("villages", missing)
        services.group_villages_set(
            actor=request.user,
            group=group,
            villages=villages,
            move=body.validated_data["move"],
            ip=client_ip(request),
        )
        return Response(_group_data([_group(request, pk)])[0])


class RecusalListView(APIView):
    @extend_schema(responses=RecusalSerializer(many=True), summary="本区县的回避关系")
    def get(self, request):
        _require(request.user, COUNTY_STAFF)
        relations = selectors.recusals_for_user(request.user).order_by("-is_active", "pk")
        return Response(RecusalSerializer(relations, many=True).data)

    @extend_schema(
        request=RecusalCreateSerializer, responses={201: RecusalSerializer}, summary="登记回避关系"
    )
    def post(self, request):
        _require(request.user, (Role.COUNTY_ADMIN,))
        body = RecusalCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        county_id = request.user.county_id
        users, missing_users = selectors.county_users_by_ids(county_id, [data["user"]])
        wanted = str(data["organization"]).strip()
        place = (
            selectors.county_places(county_id)
            .filter(**({"code": wanted} if len(wanted) == 12 else {"pk": int(wanted)}))
            .first()
            if wanted.isdigit() and len(wanted) <= 12
            else None
        )
        errors = [
            {"field": "user", "value": v, "message": _("不存在或不在本区县")} for v in missing_users
        ]
        if place is None:
            errors.append(
                {"field": "organization", "value": wanted, "message": _("不存在或不在本区县")}
            )
        if errors:
            raise InvalidInput(_("提交的数据有误，未保存。"), errors)
        relation = services.recusal_create(
            actor=request.user,
            user=users[0],
            organization=place,
            kind=data["kind"],
            reason=data["reason"],
            ip=client_ip(request),
        )
        return Response(RecusalSerializer(relation).data, status=status.HTTP_201_CREATED)


class RecusalEndView(APIView):
    @extend_schema(
        request=RecusalEndSerializer, responses=RecusalSerializer, summary="解除回避关系"
    )
    def post(self, request, pk: int):
        _require(request.user, COUNTY_STAFF)
        relation = selectors.recusal_get_for_user(user=request.user, pk=pk)
        body = RecusalEndSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        relation = services.recusal_end(
            actor=request.user,
            relation=relation,
            reason=body.validated_data["reason"],
            ip=client_ip(request),
        )
        return Response(RecusalSerializer(relation).data)
