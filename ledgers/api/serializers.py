"""Shapes of the ledgers' API."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from rest_framework import serializers

from ledgers.models import (
    EvidenceFile,
    Pairing,
    Rectification,
    RectificationNote,
    Reminder,
    SupervisionVisit,
)
from ledgers.services.pairings import IMPORT_KIND


class NoteSerializer(serializers.ModelSerializer):
    by = serializers.CharField(source="by.display_name", read_only=True)

    class Meta:
        model = RectificationNote
        fields = ["id", "on", "text", "by"]


class RectificationSerializer(serializers.ModelSerializer):
    organization_code = serializers.CharField(source="organization.code", read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    township_name = serializers.CharField(source="township.name", read_only=True)
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


# --- evidence files ---------------------------------------------------------------------------


def _id(help_text: str) -> serializers.IntegerField:
    return serializers.IntegerField(
        required=False, min_value=1, max_value=2**62, help_text=help_text
    )


class EvidenceSerializer(serializers.ModelSerializer):
    item_code = serializers.CharField(
        source="item.code", read_only=True, default=None, allow_null=True
    )
    uploaded_by = serializers.CharField(source="uploaded_by.display_name", read_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = EvidenceFile
        fields = [
            "id",
            "name",
            "kind",
            "size",
            "sha256",
            "organization",
            "assessment",
            "item_code",
            "finding",
            "rectification",
            "visit",
            "objection",
            "uploaded_by",
            "uploaded_at",
            "download_url",
        ]

    def get_download_url(self, obj: EvidenceFile) -> str:
        return reverse("api-evidence-download", args=[obj.pk])


TARGETS = ("assessment", "finding", "rectification", "visit", "objection")


class EvidenceTargetSerializer(serializers.Serializer):
    """Exactly one target: an item of an assessment (``assessment`` and ``item`` together), a
    finding, a ledger entry or a visit (with ``organization`` when it visited several)."""

    assessment = _id("评定对象 id（与 item 一起）")
    item = serializers.CharField(required=False, max_length=20, help_text="指标编号，如 SJ01")
    finding = _id("联审问题 id")
    rectification = _id("整改台账 id")
    visit = _id("督导记录 id")
    organization = _id("督导涉及多个村时：村 id")
    objection = _id("公示异议或复核申请 id")

    def validate(self, data):
        if "assessment" in data and "item" not in data:
            raise serializers.ValidationError({"item": [_("请填写指标编号")]})
        if "item" in data and "assessment" not in data:
            raise serializers.ValidationError({"assessment": [_("请填写评定对象")]})
        if "organization" in data and "visit" not in data:
            raise serializers.ValidationError({"organization": [_("仅用于督导记录")]})
        given = [name for name in TARGETS if name in data]
        if len(given) != 1:
            problem = _("只能填写其中一项") if given else _("须填写其中一项")
            raise serializers.ValidationError({name: [problem] for name in given or TARGETS})
        return data


class EvidenceUploadSerializer(EvidenceTargetSerializer):
    file = serializers.FileField(
        allow_empty_file=True,
        use_url=False,
        help_text="JPEG、PNG、PDF、DOCX、XLSX、PPTX（按内容识别）",
    )


# --- pairing import ---------------------------------------------------------------------------


class PairingImportSerializer(serializers.Serializer):
    year = serializers.IntegerField(help_text="年度")
    file = serializers.FileField(
        allow_empty_file=True, use_url=False, help_text="包保结对Excel（xlsx）"
    )


class JobStartedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField(default=IMPORT_KIND)
    status = serializers.CharField()
    status_url = serializers.SerializerMethodField()

    def get_status_url(self, obj) -> str:
        return reverse("job_status", args=[obj.pk])
