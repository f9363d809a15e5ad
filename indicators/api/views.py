"""API of the catalogues: read for every logged-in user, write for indicator maintainers while
the catalogue is not frozen (the services refuse otherwise)."""

from __future__ import annotations

from decimal import Decimal

import django_filters
from django.db.models import Prefetch
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from indicators import services
from indicators.models import Catalogue, Category, Item
from organizations.models import RatingTarget, Role
from starrating.api import IdFilter
from starrating.client import client_ip
from starrating.errors import NotPermitted

# --- serializers ---------------------------------------------------------------------------


class ItemSerializer(serializers.ModelSerializer):
    category_code = serializers.CharField(source="category.code", read_only=True, allow_null=True)

    class Meta:
        model = Item
        fields = [
            "id",
            "code",
            "title",
            "guidance",
            "evidence",
            "max_points",
            "kind",
            "category",
            "category_code",
            "position",
        ]
        read_only_fields = fields


class CategorySerializer(serializers.ModelSerializer):
    items = ItemSerializer(many=True, read_only=True)

    class Meta:
        model = Category
        fields = [
            "id",
            "code",
            "name",
            "description",
            "max_points",
            "pass_points",
            "position",
            "items",
        ]
        read_only_fields = fields


class CatalogueSerializer(serializers.ModelSerializer):
    is_frozen = serializers.BooleanField(read_only=True)

    class Meta:
        model = Catalogue
        fields = [
            "id",
            "name",
            "year",
            "target",
            "description",
            "copied_from",
            "is_frozen",
            "created_at",
        ]
        read_only_fields = fields


class CatalogueDetailSerializer(CatalogueSerializer):
    categories = CategorySerializer(many=True, read_only=True)
    special_items = serializers.SerializerMethodField(help_text="否决项和减星项（不属于任何类别）")

    class Meta(CatalogueSerializer.Meta):
        fields = [*CatalogueSerializer.Meta.fields, "categories", "special_items"]
        read_only_fields = fields

    @extend_schema(responses=ItemSerializer(many=True))
    def get_special_items(self, catalogue) -> list[dict]:
        return ItemSerializer(
            [i for i in catalogue.items.all() if i.category_id is None], many=True
        ).data


POINTS_FIELD = {"max_digits": 5, "decimal_places": 2}


class CategoryWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=20, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    max_points = serializers.DecimalField(**POINTS_FIELD, required=False, min_value=0)
    pass_points = serializers.DecimalField(
        **POINTS_FIELD, required=False, allow_null=True, min_value=0
    )
    position = serializers.IntegerField(required=False, min_value=0, max_value=32767)


class ItemWriteSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=8)
    category = serializers.IntegerField(required=False, allow_null=True)
    title = serializers.CharField(max_length=200)
    guidance = serializers.CharField(required=False, allow_blank=True)
    evidence = serializers.CharField(required=False, allow_blank=True)
    max_points = serializers.DecimalField(**POINTS_FIELD, required=False, min_value=0)
    kind = serializers.ChoiceField(choices=Item.Kind.choices, required=False)
    position = serializers.IntegerField(required=False, min_value=0, max_value=32767)


class ItemUpdateSerializer(ItemWriteSerializer):
    code = None
    title = serializers.CharField(max_length=200, required=False)


class CatalogueItemInput(serializers.Serializer):
    code = serializers.CharField(max_length=8)
    title = serializers.CharField(max_length=200)
    guidance = serializers.CharField(required=False, allow_blank=True, default="")
    evidence = serializers.CharField(required=False, allow_blank=True, default="")
    max_points = serializers.DecimalField(**POINTS_FIELD, min_value=0, default=0)
    kind = serializers.ChoiceField(choices=Item.Kind.choices)


class CatalogueCategoryInput(serializers.Serializer):
    code = serializers.CharField(max_length=8)
    name = serializers.CharField(max_length=20)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    max_points = serializers.DecimalField(**POINTS_FIELD, min_value=0)
    pass_points = serializers.DecimalField(
        **POINTS_FIELD, min_value=0, required=False, allow_null=True, default=None
    )
    items = CatalogueItemInput(many=True, max_length=500)


class CatalogueCreateSerializer(serializers.Serializer):
    """A whole catalogue in its JSON form (as ``fixtures/catalogue_2024.json``)."""

    name = serializers.CharField(max_length=100)
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    target = serializers.ChoiceField(
        choices=RatingTarget.choices,
        default=RatingTarget.VILLAGE,
        help_text="评定对象：village 村（社区）评定用，township 镇街评定用",
    )
    description = serializers.CharField(required=False, allow_blank=True, default="")
    categories = CatalogueCategoryInput(many=True, min_length=1, max_length=20)
    special_items = CatalogueItemInput(many=True, required=False, default=list, max_length=200)


class CatalogueCopySerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100, help_text="新版本名称，如“2025版”")
    year = serializers.IntegerField(min_value=2000, max_value=2100)


def _with_category(catalogue: Catalogue, data: dict) -> dict:
    """Turn the category id of a request into a category of that catalogue (or a 400)."""
    if "category" not in data or data["category"] is None:
        return data
    category = Category.objects.filter(catalogue=catalogue, pk=data["category"]).first()
    if category is None:
        raise serializers.ValidationError({"category": ["该类别不属于此指标体系"]})
    return data | {"category": category}


# --- filters and views ---------------------------------------------------------------------


class CatalogueFilter(django_filters.FilterSet):
    year = IdFilter()

    class Meta:
        model = Catalogue
        fields = ["year"]


def _catalogues():
    return Catalogue.objects.order_by("-year", "name", "pk")


class CatalogueListView(generics.ListAPIView):
    serializer_class = CatalogueSerializer
    filterset_class = CatalogueFilter

    def get_queryset(self):
        return _catalogues()

    @extend_schema(
        request=CatalogueCreateSerializer,
        responses={201: CatalogueSerializer},
        summary="新建指标体系（指标维护员，完整JSON）",
    )
    def post(self, request):
        _maintainer(request)
        body = CatalogueCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        catalogue = services.catalogue_create(
            actor=request.user, data=_plain(body.validated_data), ip=client_ip(request)
        )
        return Response(CatalogueSerializer(catalogue).data, status=status.HTTP_201_CREATED)


def _plain(value):
    """Validated data (ordered dicts, Decimals) as the catalogue's JSON form."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return str(value) if isinstance(value, Decimal) else value


def _maintainer(request) -> None:
    """Catalogue writes are the indicator maintainer's: a wrong role is a 403 whatever the
    body says."""
    if not (request.user.is_superuser or request.user.has_role(Role.INDICATOR_MAINTAINER)):
        raise NotPermitted(_("只有指标维护员可以修改指标体系。"))


class CatalogueCopyView(APIView):
    @extend_schema(
        request=CatalogueCopySerializer,
        responses={201: CatalogueSerializer},
        summary="复制为新版本（可编辑，直到使用它的评定轮次开启）",
    )
    def post(self, request, pk: int):
        catalogue = _catalogues().filter(pk=pk).first()
        if catalogue is None:
            raise Http404
        body = CatalogueCopySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        copy = services.catalogue_copy(
            actor=request.user, catalogue=catalogue, ip=client_ip(request), **body.validated_data
        )
        return Response(CatalogueSerializer(copy).data, status=status.HTTP_201_CREATED)


class CatalogueDetailView(generics.RetrieveAPIView):
    """A catalogue with its categories and items (a fixed number of queries)."""

    serializer_class = CatalogueDetailSerializer

    def get_queryset(self):
        items = Item.objects.select_related("category").order_by("position", "code")
        return _catalogues().prefetch_related(
            Prefetch(
                "categories",
                queryset=Category.objects.order_by("position", "code").prefetch_related(
                    Prefetch("items", queryset=items)
                ),
            ),
            Prefetch("items", queryset=items),
        )


class CatalogueItemsView(APIView):
    @extend_schema(
        request=ItemWriteSerializer, responses={201: ItemSerializer}, summary="新增指标项"
    )
    def post(self, request, pk: int):
        catalogue = _catalogues().filter(pk=pk).first()
        if catalogue is None:
            raise Http404
        body = ItemWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = _with_category(catalogue, dict(body.validated_data))
        item = services.item_create(actor=request.user, catalogue=catalogue, **data)
        return Response(ItemSerializer(item).data, status=status.HTTP_201_CREATED)


class CategoryDetailView(APIView):
    def _get(self, pk: int) -> Category:
        category = Category.objects.select_related("catalogue").filter(pk=pk).first()
        if category is None:
            raise Http404
        return category

    @extend_schema(responses=CategorySerializer, summary="指标类别")
    def get(self, request, pk: int):
        return Response(CategorySerializer(self._get(pk)).data)

    @extend_schema(
        request=CategoryWriteSerializer, responses=CategorySerializer, summary="修改指标类别"
    )
    def patch(self, request, pk: int):
        category = self._get(pk)
        body = CategoryWriteSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        category = services.category_update(
            actor=request.user, category=category, **body.validated_data
        )
        return Response(CategorySerializer(category).data)


class ItemDetailView(APIView):
    def _get(self, pk: int) -> Item:
        item = Item.objects.select_related("catalogue", "category").filter(pk=pk).first()
        if item is None:
            raise Http404
        return item

    @extend_schema(responses=ItemSerializer, summary="指标项")
    def get(self, request, pk: int):
        return Response(ItemSerializer(self._get(pk)).data)

    @extend_schema(request=ItemUpdateSerializer, responses=ItemSerializer, summary="修改指标项")
    def patch(self, request, pk: int):
        item = self._get(pk)
        body = ItemUpdateSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        data = _with_category(item.catalogue, dict(body.validated_data))
        item = services.item_update(actor=request.user, item=item, **data)
        return Response(ItemSerializer(item).data)
