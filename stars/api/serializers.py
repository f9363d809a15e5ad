"""Shapes of the 创星晋级 API."""

from __future__ import annotations

from rest_framework import serializers

from stars.models import Ladder, MemberCategory, PartyMember, PointEntry, PointsItem, PointsTable


class StarItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = PointsItem
        fields = ["id", "code", "name", "kind", "points", "category", "is_active"]


class StarTableSerializer(serializers.ModelSerializer):
    items = StarItemSerializer(many=True, read_only=True)

    class Meta:
        model = PointsTable
        fields = ["id", "year", "ladder", "star_1", "star_2", "star_3", "star_4", "star_5", "items"]


class StarTablesCopySerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    from_year = serializers.IntegerField(
        required=False, allow_null=True, min_value=2000, max_value=2100
    )


class StarThresholdsSerializer(serializers.Serializer):
    thresholds = serializers.ListField(
        child=serializers.DecimalField(max_digits=6, decimal_places=1), min_length=5, max_length=5
    )


class StarItemWriteSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=16)
    name = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=PointsItem.Kind.choices)
    points = serializers.DecimalField(max_digits=5, decimal_places=1)
    category = serializers.ChoiceField(
        choices=MemberCategory.choices, required=False, allow_blank=True
    )


class StarMemberSerializer(serializers.ModelSerializer):
    branch_name = serializers.CharField(source="branch.name", read_only=True)
    township = serializers.CharField(source="branch.parent.name", read_only=True)

    class Meta:
        model = PartyMember
        fields = ["id", "name", "category", "branch", "branch_name", "township", "is_active"]


class StarMemberWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=50)
    category = serializers.ChoiceField(choices=MemberCategory.choices)
    branch = serializers.IntegerField(min_value=1, max_value=2**63 - 1)


class StarMemberImportSerializer(serializers.Serializer):
    file = serializers.FileField()


class StarImportResultSerializer(serializers.Serializer):
    imported = serializers.IntegerField()


class StarEntrySerializer(serializers.ModelSerializer):
    ladder = serializers.CharField(source="table.ladder", read_only=True)
    item_code = serializers.CharField(source="item.code", read_only=True)
    item_kind = serializers.CharField(source="item.kind", read_only=True)
    subject = serializers.CharField(source="subject_name", read_only=True)
    recorded_by = serializers.CharField(source="recorded_by.display_name", read_only=True)
    decided_by = serializers.SerializerMethodField()

    class Meta:
        model = PointEntry
        fields = [
            "id",
            "ladder",
            "item",
            "item_code",
            "item_kind",
            "member",
            "organization",
            "subject",
            "occurred_on",
            "description",
            "evidence",
            "points",
            "status",
            "recorded_by",
            "decided_by",
            "decided_at",
            "reject_reason",
        ]

    def get_decided_by(self, obj) -> str:
        return obj.decided_by.display_name if obj.decided_by_id else ""


class StarEntryWriteSerializer(serializers.Serializer):
    item = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    member = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=2**63 - 1
    )
    organization = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=2**63 - 1
    )
    occurred_on = serializers.DateField()
    description = serializers.CharField(max_length=300)
    evidence = serializers.CharField(required=False, allow_blank=True, default="")
    evidence_file = serializers.FileField(required=False, allow_null=True)


class StarRejectSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


class StarRankingRowSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    id = serializers.IntegerField()
    name = serializers.CharField()
    township = serializers.CharField()
    branch = serializers.CharField()
    category = serializers.CharField()
    points = serializers.DecimalField(max_digits=7, decimal_places=1)
    deducted = serializers.IntegerField()
    vetoed = serializers.BooleanField()
    stars = serializers.IntegerField()
    exemplary = serializers.IntegerField(required=False)


class StarMonthSerializer(serializers.Serializer):
    month = serializers.IntegerField()
    points = serializers.DecimalField(max_digits=9, decimal_places=1)
    entries = serializers.IntegerField()


class StarQuarterSerializer(serializers.Serializer):
    quarter = serializers.IntegerField()
    points = serializers.DecimalField(max_digits=9, decimal_places=1)


class StarGradeSerializer(serializers.Serializer):
    stars = serializers.IntegerField()
    count = serializers.IntegerField()


class StarSummarySerializer(serializers.Serializer):
    monthly = StarMonthSerializer(many=True)
    quarterly = StarQuarterSerializer(many=True)
    grades = StarGradeSerializer(many=True)
    subjects = serializers.IntegerField()


LADDERS = Ladder.values


class StarConsequencesSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    pay = serializers.ListField(
        child=serializers.DecimalField(max_digits=4, decimal_places=2), min_length=6, max_length=6
    )
    award_min_stars = serializers.IntegerField(required=False, default=4)
    unqualified_max_stars = serializers.IntegerField(required=False, default=1)
    weak_max_stars = serializers.IntegerField(required=False, default=1)


class StarVillageOutcomeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    township = serializers.CharField()
    stars = serializers.IntegerField()
    vetoed = serializers.BooleanField()
    pay_ratio = serializers.DecimalField(max_digits=3, decimal_places=2)
    award = serializers.BooleanField()
    weak = serializers.BooleanField()


class StarFlaggedMemberSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    branch = serializers.CharField()
    township = serializers.CharField()
    stars = serializers.IntegerField()


class StarOutcomesSerializer(serializers.Serializer):
    configured = serializers.BooleanField()
    pay = serializers.ListField(child=serializers.DecimalField(max_digits=3, decimal_places=2))
    award_min_stars = serializers.IntegerField()
    unqualified_max_stars = serializers.IntegerField()
    weak_max_stars = serializers.IntegerField()
    villages = StarVillageOutcomeSerializer(many=True)
    members_award = StarFlaggedMemberSerializer(many=True)
    members_review = StarFlaggedMemberSerializer(many=True)


class StarLadderInputSerializer(serializers.Serializer):
    """S11: a round's item that takes its points from a ladder figure."""

    id = serializers.IntegerField(read_only=True)
    round = serializers.IntegerField(source="round_id", read_only=True)
    item = serializers.CharField(source="item.code", read_only=True)
    item_title = serializers.CharField(source="item.title", read_only=True)
    max_points = serializers.DecimalField(
        source="item.max_points", max_digits=6, decimal_places=2, read_only=True
    )
    figure = serializers.CharField(read_only=True)
    min_stars = serializers.IntegerField(read_only=True)
    full_share = serializers.DecimalField(max_digits=5, decimal_places=4, read_only=True)
    is_active = serializers.BooleanField(read_only=True)
    rule = serializers.CharField(source="rule_text", read_only=True)


class StarLadderInputWriteSerializer(serializers.Serializer):
    round = serializers.IntegerField(min_value=1)
    item = serializers.CharField(max_length=8)
    figure = serializers.ChoiceField(choices=["member_share", "branch_stars"])
    min_stars = serializers.IntegerField(required=False, default=4)
    full_share = serializers.CharField(required=False, default="1", max_length=12)
    is_active = serializers.BooleanField(required=False, default=True)


class StarLadderValueSerializer(serializers.Serializer):
    """One ladder input's figure for an assessment's village and the points it gives."""

    item = serializers.CharField(source="code")
    rule = serializers.CharField()
    share = serializers.DecimalField(max_digits=5, decimal_places=4)
    points = serializers.DecimalField(max_digits=6, decimal_places=2)


class StarLadderFillSerializer(serializers.Serializer):
    assessment = serializers.IntegerField(min_value=1)
    stage = serializers.CharField(max_length=20)
    item = serializers.CharField(max_length=8, required=False, allow_blank=True)
    version = serializers.IntegerField(required=False, min_value=0)


class StarLadderFillResultSerializer(serializers.Serializer):
    assessment = serializers.IntegerField()
    stage = serializers.CharField()
    version = serializers.IntegerField()
    scores = serializers.DictField(child=serializers.CharField())
