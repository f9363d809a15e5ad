"""The dashboard's shape in the API."""

from django.urls import reverse
from rest_framework import serializers

from indicators.models import POINTS


class ChangesSerializer(serializers.Serializer):
    promoted = serializers.IntegerField()
    demoted = serializers.IntegerField()
    same = serializers.IntegerField()
    new = serializers.IntegerField()
    stripped = serializers.IntegerField()


class CountsSerializer(serializers.Serializer):
    assessments = serializers.IntegerField()
    rated = serializers.IntegerField()
    pending = serializers.IntegerField()
    vetoed = serializers.IntegerField()
    levels = serializers.DictField(child=serializers.IntegerField(), help_text='"0"…"5"')
    level_3_plus = serializers.IntegerField()
    level_4_plus = serializers.IntegerField()
    share_3_plus = serializers.DecimalField(max_digits=5, decimal_places=3, allow_null=True)
    share_4_plus = serializers.DecimalField(max_digits=5, decimal_places=3, allow_null=True)
    composite_at_least_70 = serializers.IntegerField()
    composite_at_least_80 = serializers.IntegerField()
    changes = ChangesSerializer()


class TownshipCountsSerializer(CountsSerializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class WeakItemSerializer(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()
    category_code = serializers.CharField()
    category_name = serializers.CharField()
    max_points = serializers.DecimalField(**POINTS)
    sheets = serializers.IntegerField()
    average = serializers.DecimalField(max_digits=7, decimal_places=2)
    share = serializers.DecimalField(max_digits=5, decimal_places=3)


class RoundRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    year = serializers.IntegerField()
    name = serializers.CharField()
    status = serializers.CharField()


class DashboardQuerySerializer(serializers.Serializer):
    weakest = serializers.IntegerField(min_value=0, max_value=100, default=10)


class DashboardCorrectionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    assessment = serializers.IntegerField()
    organization = serializers.DictField()
    township = serializers.CharField()
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    published_level = serializers.IntegerField(allow_null=True)
    level_before = serializers.IntegerField()
    new_level = serializers.IntegerField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    reason = serializers.CharField()
    proposed_by = serializers.CharField()
    proposed_at = serializers.DateTimeField()
    decided_by = serializers.CharField(allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)


class DashboardSerializer(CountsSerializer):
    round = RoundRefSerializer()
    target_share_3 = serializers.DecimalField(max_digits=4, decimal_places=3)
    target_share_4 = serializers.DecimalField(max_digits=4, decimal_places=3)
    townships = TownshipCountsSerializer(many=True)
    weakest_items = WeakItemSerializer(many=True)
    corrections = DashboardCorrectionSerializer(many=True)


class RegionQuerySerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100, required=False)
    weakest = serializers.IntegerField(min_value=0, max_value=100, default=10)


class CountyRoundSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    status = serializers.CharField()


class CountyCountsSerializer(TownshipCountsSerializer):
    """A county's counts (as a township's: id, code, name) and its round of the year."""

    round = CountyRoundSerializer(allow_null=True)


class RegionRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class RegionSerializer(CountsSerializer):
    year = serializers.IntegerField()
    region = RegionRefSerializer()
    counties = CountyCountsSerializer(many=True)
    weakest_items = WeakItemSerializer(many=True)


class VillageSearchQuerySerializer(serializers.Serializer):
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=50,
        help_text="村名的一部分、区划代码的开头或拼音首字母（如 qdj）",
    )
    township = serializers.IntegerField(required=False, min_value=1, help_text="乡镇（街道）ID")


class VillageMatchSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    name_initials = serializers.CharField()
    township = serializers.CharField(source="parent.name")
    township_id = serializers.IntegerField(source="parent_id")
    is_active = serializers.BooleanField()
    url = serializers.SerializerMethodField(help_text="该村历年评定页面")

    def get_url(self, obj) -> str:
        return reverse("village", args=[obj.pk])
