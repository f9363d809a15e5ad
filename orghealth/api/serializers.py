"""Shapes of the organization-health API. Write serializers only shape the body (strings are
parsed and checked by the services, which name every bad field in Chinese)."""

from __future__ import annotations

from rest_framework import serializers

from orghealth.models import (
    BodyAdjustment,
    Commitment,
    CommitteeMember,
    Election,
    HealthSettings,
    Posting,
    PostingExtension,
    WeakDesignation,
    WeakDismissal,
)


class HealthSettingsSerializer(serializers.ModelSerializer):
    class Meta:
        model = HealthSettings
        fields = ["term_years", "remind_days", "committee_above", "branch_below", "max_average_age"]


class HealthSettingsWriteSerializer(serializers.Serializer):
    term_years = serializers.IntegerField(min_value=1, max_value=10)
    remind_days = serializers.IntegerField(min_value=0, max_value=366)
    committee_above = serializers.IntegerField(min_value=1, max_value=100000)
    branch_below = serializers.IntegerField(min_value=1, max_value=100000)
    max_average_age = serializers.DecimalField(max_digits=4, decimal_places=1)


class ElectionRowSerializer(serializers.Serializer):
    organization = serializers.IntegerField(source="organization.pk")
    organization_code = serializers.CharField(source="organization.code")
    organization_name = serializers.CharField(source="organization.name")
    elected_on = serializers.DateField(allow_null=True)
    term_years = serializers.IntegerField(allow_null=True)
    due_on = serializers.DateField(allow_null=True)
    status = serializers.CharField()
    status_label = serializers.CharField()


class ElectionSerializer(serializers.ModelSerializer):
    due_on = serializers.DateField(read_only=True)

    class Meta:
        model = Election
        fields = ["id", "organization", "elected_on", "term_years", "due_on", "note"]


class ElectionWriteSerializer(serializers.Serializer):
    organization = serializers.IntegerField(min_value=1)
    elected_on = serializers.CharField(max_length=10)
    term_years = serializers.IntegerField(min_value=1, max_value=10, required=False)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True)


class BodyFlagSerializer(serializers.Serializer):
    organization = serializers.IntegerField(source="organization.pk")
    organization_name = serializers.CharField(source="organization.name")
    party_body = serializers.CharField(source="organization.party_body")
    member_count = serializers.IntegerField(source="organization.member_count")
    suggested = serializers.CharField()
    suggested_label = serializers.CharField()


class BodyAdjustmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = BodyAdjustment
        fields = [
            "id",
            "organization",
            "from_body",
            "to_body",
            "member_count",
            "adjusted_on",
            "reason",
        ]


class BodyAdjustmentWriteSerializer(serializers.Serializer):
    organization = serializers.IntegerField(min_value=1)
    to_body = serializers.CharField(max_length=16)
    adjusted_on = serializers.CharField(max_length=10)
    reason = serializers.CharField(max_length=200)


class CommitmentSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    is_done = serializers.BooleanField(read_only=True)

    class Meta:
        model = Commitment
        fields = [
            "id",
            "organization",
            "organization_name",
            "year",
            "kind",
            "member_name",
            "content",
            "is_done",
            "done_on",
            "evidence",
        ]


class CommitmentWriteSerializer(serializers.Serializer):
    organization = serializers.IntegerField(min_value=1)
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    kind = serializers.CharField(max_length=16)
    member_name = serializers.CharField(max_length=50, required=False, allow_blank=True)
    content = serializers.CharField(max_length=300)


class CommitmentCompleteSerializer(serializers.Serializer):
    done_on = serializers.CharField(max_length=10)
    evidence = serializers.CharField(max_length=300)


class CommitmentRateSerializer(serializers.Serializer):
    label = serializers.CharField()
    made = serializers.IntegerField()
    done = serializers.IntegerField()
    rate = serializers.DecimalField(max_digits=4, decimal_places=1, allow_null=True)


class CommitmentRatesSerializer(serializers.Serializer):
    organization = CommitmentRateSerializer()
    member = CommitmentRateSerializer()


class PostingExtensionSerializer(serializers.ModelSerializer):
    class Meta:
        model = PostingExtension
        fields = ["id", "previous_end", "new_end", "reason"]


class PostingSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    extensions = PostingExtensionSerializer(many=True, read_only=True)

    class Meta:
        model = Posting
        fields = [
            "id",
            "organization",
            "organization_name",
            "kind",
            "person_name",
            "unit",
            "starts_on",
            "ends_on",
            "extensions",
        ]


class PostingWriteSerializer(serializers.Serializer):
    organization = serializers.IntegerField(min_value=1)
    kind = serializers.CharField(max_length=16)
    person_name = serializers.CharField(max_length=50)
    unit = serializers.CharField(max_length=100)
    starts_on = serializers.CharField(max_length=10)
    ends_on = serializers.CharField(max_length=10)


class PostingExtendSerializer(serializers.Serializer):
    new_end = serializers.CharField(max_length=10)
    reason = serializers.CharField(max_length=200)


class CommitteeMemberSerializer(serializers.ModelSerializer):
    class Meta:
        model = CommitteeMember
        fields = [
            "id",
            "organization",
            "name",
            "position",
            "body",
            "gender",
            "birth_date",
            "education",
            "is_reserve_cadre",
            "left_on",
        ]


class CommitteeMemberWriteSerializer(serializers.Serializer):
    organization = serializers.IntegerField(min_value=1)
    name = serializers.CharField(max_length=50)
    position = serializers.CharField(max_length=50)
    body = serializers.CharField(max_length=16)
    gender = serializers.CharField(max_length=8)
    birth_date = serializers.CharField(max_length=10)
    education = serializers.CharField(max_length=16)
    is_reserve_cadre = serializers.BooleanField(required=False, default=False)


class CommitteeMemberLeaveSerializer(serializers.Serializer):
    left_on = serializers.CharField(max_length=10)


class TeamFactsSerializer(serializers.Serializer):
    count = serializers.IntegerField(source="facts.count")
    women = serializers.IntegerField(source="facts.women")
    average_age = serializers.DecimalField(
        source="facts.average_age", max_digits=4, decimal_places=1, allow_null=True
    )
    college = serializers.IntegerField(source="facts.college")
    reserve_cadres = serializers.IntegerField(source="facts.reserve_cadres")
    flags = serializers.ListField(source="facts.flags", child=serializers.CharField())
    flag_labels = serializers.ListField(child=serializers.CharField())
    max_average_age = serializers.DecimalField(max_digits=4, decimal_places=1)
    team_items = serializers.SerializerMethodField()

    def get_team_items(self, obj) -> list[str]:
        return [f"{i.code} {i.title}" for i in obj.items]


class WeakDesignationSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    ledger_status = serializers.CharField(source="rectification.effective_status", read_only=True)
    is_done = serializers.BooleanField(read_only=True)

    class Meta:
        model = WeakDesignation
        fields = [
            "id",
            "organization",
            "organization_name",
            "year",
            "reason",
            "designated_on",
            "rectification",
            "ledger_status",
            "is_done",
        ]


class WeakDesignationWriteSerializer(serializers.Serializer):
    organization = serializers.IntegerField(min_value=1)
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    reason = serializers.CharField(max_length=300)
    designated_on = serializers.CharField(max_length=10)
    measures = serializers.CharField(max_length=2000)
    deadline = serializers.CharField(max_length=10)
    responsible_person = serializers.CharField(max_length=50)


class HealthSummarySerializer(serializers.Serializer):
    year = serializers.IntegerField()
    elections = serializers.DictField(child=serializers.IntegerField())
    body_flags = serializers.IntegerField()
    commitments = CommitmentRatesSerializer()
    postings_active = serializers.IntegerField()
    weak = serializers.DictField(child=serializers.IntegerField())


class WeakSuggestionSerializer(serializers.Serializer):
    organization = serializers.IntegerField(source="organization.pk")
    organization_name = serializers.CharField(source="organization.name")
    township_name = serializers.CharField(source="organization.parent.name")
    reason = serializers.CharField()


class WeakDismissalSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    dismissed_by = serializers.CharField(source="dismissed_by.display_name", read_only=True)

    class Meta:
        model = WeakDismissal
        fields = ["id", "organization", "organization_name", "year", "reason", "dismissed_by"]


class WeakSuggestionsSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    suggestions = WeakSuggestionSerializer(many=True)
    dismissed = WeakDismissalSerializer(many=True)


class WeakSuggestionDesignateSerializer(serializers.Serializer):
    organization = serializers.IntegerField(min_value=1)
    year = serializers.IntegerField(min_value=2000, max_value=2100)


class WeakSuggestionDismissSerializer(serializers.Serializer):
    organization = serializers.IntegerField(min_value=1)
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    reason = serializers.CharField(max_length=300, allow_blank=True)
