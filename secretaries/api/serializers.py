"""Shapes of the secretary-projects API (strings are parsed and checked by the services)."""

from __future__ import annotations

from rest_framework import serializers

from secretaries.models import ProgressReport, ProjectOption, ProjectVisit, SecretaryProject


class ProjectOptionSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProjectOption
        fields = ["id", "year", "title", "kind", "applies_to", "description"]


class ProjectOptionWriteSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    title = serializers.CharField(max_length=100)
    kind = serializers.CharField(max_length=12)
    applies_to = serializers.CharField(max_length=12, required=False)
    description = serializers.CharField(max_length=300, required=False, allow_blank=True)


class ProgressReportSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProgressReport
        fields = ["id", "month", "progress", "evidence", "submitted_on", "days_late"]


class ProgressReportWriteSerializer(serializers.Serializer):
    month = serializers.CharField(max_length=10, help_text="YYYY-MM")
    progress = serializers.CharField(max_length=5000)
    evidence = serializers.CharField(max_length=300)


class ProjectVisitSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProjectVisit
        fields = ["id", "visited_on", "method", "visitors", "findings", "spot_check"]


class ProjectVisitWriteSerializer(serializers.Serializer):
    visited_on = serializers.CharField(max_length=10)
    method = serializers.CharField(max_length=12)
    visitors = serializers.CharField(max_length=200)
    findings = serializers.CharField(max_length=5000)
    spot_check = serializers.IntegerField(
        min_value=1,
        max_value=2**31 - 1,
        required=False,
        allow_null=True,
        help_text="本乡镇（街道）某村的三随机核查记录 id（可选）",
    )


class ProjectSerializer(serializers.ModelSerializer):
    committee_name = serializers.CharField(source="committee.name", read_only=True)
    option_title = serializers.CharField(source="option.title", read_only=True)
    option_kind = serializers.CharField(source="option.kind", read_only=True)
    reports = ProgressReportSerializer(many=True, read_only=True)

    class Meta:
        model = SecretaryProject
        fields = [
            "id",
            "year",
            "committee",
            "committee_name",
            "option",
            "option_title",
            "option_kind",
            "secretary_name",
            "goal",
            "plan",
            "team",
            "status",
            "review_reason",
            "approved_on",
            "grade",
            "grade_comment",
            "reports",
        ]


class ProjectDetailSerializer(ProjectSerializer):
    visits = ProjectVisitSerializer(many=True, read_only=True)

    class Meta(ProjectSerializer.Meta):
        fields = [*ProjectSerializer.Meta.fields, "visits"]


class ProjectClaimSerializer(serializers.Serializer):
    option = serializers.IntegerField(min_value=1)
    secretary_name = serializers.CharField(max_length=50, required=False)
    goal = serializers.CharField(max_length=2000)
    plan = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    team = serializers.CharField(max_length=300, required=False, allow_blank=True)


class ProjectUpdateSerializer(serializers.Serializer):
    secretary_name = serializers.CharField(max_length=50, required=False)
    goal = serializers.CharField(max_length=2000, required=False)
    plan = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    team = serializers.CharField(max_length=300, required=False, allow_blank=True)


class ProjectReviewSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["approve", "return"])
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True)


class ProjectGradeSerializer(serializers.Serializer):
    grade = serializers.ChoiceField(choices=SecretaryProject.Grade.choices)
    comment = serializers.CharField(max_length=300)


class ProjectTownshipRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    projects = serializers.IntegerField()
    approved = serializers.IntegerField()
    late = serializers.IntegerField()
    graded = serializers.IntegerField()


class ProjectDashboardSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    total = serializers.IntegerField()
    by_status = serializers.DictField(child=serializers.IntegerField())
    late = serializers.IntegerField()
    townships = ProjectTownshipRowSerializer(many=True)
