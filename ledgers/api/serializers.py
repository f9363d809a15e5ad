"""Shapes of the ledgers' API."""

from __future__ import annotations

from rest_framework import serializers

from ledgers.models import Pairing, Rectification, RectificationNote, Reminder, SupervisionVisit


class NoteSerializer(serializers.ModelSerializer):
    by = serializers.CharField(source="by.display_name", read_only=True)

    class Meta:
        model = RectificationNote
        fields = ["id", "on", "text", "by"]


class RectificationSerializer(serializers.ModelSerializer):
    organization_code = serializers.CharField(source="organization.code", read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    township_name = serializers.CharField(source="organization.parent.name", read_only=True)
    effective_status = serializers.CharField(read_only=True)
    overdue = serializers.SerializerMethodField()
    recorded_by = serializers.CharField(
        source="recorded_by.display_name", read_only=True, default=None, allow_null=True
    )
    closed_by = serializers.CharField(
        source="closed_by.display_name", read_only=True, default=None, allow_null=True
    )
    item_code = serializers.CharField(
        source="item.code", read_only=True, default=None, allow_null=True
    )
    category_code = serializers.CharField(
        source="category.code", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = Rectification
        fields = [
            "id",
            "organization",
            "organization_code",
            "organization_name",
            "township_name",
            "assessment",
            "source",
            "finding",
            "category_code",
            "item_code",
            "problem",
            "measures",
            "standard",
            "deadline",
            "responsible_person",
            "status",
            "effective_status",
            "overdue",
            "recorded_by",
            "closure_evidence",
            "closed_by",
            "closed_at",
            "reopen_reason",
            "created_at",
        ]

    def get_overdue(self, obj) -> bool:
        return obj.is_overdue()


class RectificationDetailSerializer(RectificationSerializer):
    notes = NoteSerializer(many=True, read_only=True)

    class Meta(RectificationSerializer.Meta):
        fields = [*RectificationSerializer.Meta.fields, "notes"]


class RectificationWriteSerializer(serializers.Serializer):
    organization = serializers.IntegerField(min_value=1, max_value=2**62)
    problem = serializers.CharField(allow_blank=True, max_length=5000)
    measures = serializers.CharField(allow_blank=True, max_length=5000)
    standard = serializers.CharField(allow_blank=True, required=False, default="", max_length=5000)
    deadline = serializers.DateField()
    responsible_person = serializers.CharField(allow_blank=True, max_length=200)


class RectificationUpdateSerializer(serializers.Serializer):
    problem = serializers.CharField(allow_blank=True, max_length=5000, required=False)
    measures = serializers.CharField(allow_blank=True, max_length=5000, required=False)
    standard = serializers.CharField(allow_blank=True, max_length=5000, required=False)
    deadline = serializers.DateField(required=False)
    responsible_person = serializers.CharField(allow_blank=True, max_length=200, required=False)


class NoteWriteSerializer(serializers.Serializer):
    text = serializers.CharField(allow_blank=True, max_length=5000)
    on = serializers.DateField(required=False, allow_null=True, default=None)


class CloseSerializer(serializers.Serializer):
    closure_evidence = serializers.CharField(allow_blank=True, max_length=5000)


class LedgerReopenSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, max_length=2000)


class WeaknessSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=16)


class VisitProblemSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    organization = serializers.IntegerField(source="organization_id", read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    description = serializers.CharField(read_only=True)
    rectification = serializers.IntegerField(
        source="rectification_id", read_only=True, allow_null=True
    )


class VisitSerializer(serializers.ModelSerializer):
    organizations = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    problems = VisitProblemSerializer(many=True, read_only=True)

    class Meta:
        model = SupervisionVisit
        fields = ["id", "visited_on", "visitors", "method", "summary", "organizations", "problems"]


class ProblemWriteSerializer(serializers.Serializer):
    organization = serializers.IntegerField(min_value=1, max_value=2**62)
    description = serializers.CharField(allow_blank=True, max_length=5000)


class VisitWriteSerializer(serializers.Serializer):
    visited_on = serializers.DateField()
    visitors = serializers.CharField(allow_blank=True, max_length=500)
    organizations = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**62), max_length=500
    )
    method = serializers.CharField(max_length=32)
    summary = serializers.CharField(allow_blank=True, required=False, default="", max_length=5000)
    problems = ProblemWriteSerializer(many=True, required=False, default=list)


class PairingSerializer(serializers.ModelSerializer):
    organization_code = serializers.CharField(source="organization.code", read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True)

    class Meta:
        model = Pairing
        fields = [
            "id",
            "year",
            "organization",
            "organization_code",
            "organization_name",
            "leader_name",
            "leader_title",
            "department",
        ]


class ReminderSerializer(serializers.ModelSerializer):
    class Meta:
        model = Reminder
        fields = ["id", "kind", "day", "text", "url", "read_at"]


class ReadSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**62),
        required=False,
        allow_null=True,
        default=None,
        max_length=1000,
    )
