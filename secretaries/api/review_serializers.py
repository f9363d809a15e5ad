"""Shapes of the 述职评议 API (strings and numbers are parsed and checked by the services, which
name the field of every problem)."""

from __future__ import annotations

from django.urls import reverse
from rest_framework import serializers

from secretaries.models import (
    OnSiteCheck,
    ReviewAnswer,
    ReviewedSecretary,
    ReviewProblem,
    ReviewQuestion,
    ReviewReportFile,
    ReviewScore,
    ReviewSession,
)

ID = {"min_value": 1, "max_value": 2**31 - 1}
SETTINGS = [
    "title",
    "held_on",
    "weight_leaders",
    "weight_members",
    "weight_public",
    "threshold_excellent",
    "threshold_good",
    "threshold_fair",
    "cap_project_poor",
    "cap_project_fair",
]


# Choice fields are plain strings here (their values in help_text): the OpenAPI schema keeps
# one enum per choice set of the other apps, without new name collisions.
def _text(help_text: str) -> serializers.CharField:
    return serializers.CharField(read_only=True, help_text=help_text)


class ReviewSessionSerializer(serializers.ModelSerializer):
    organizer_name = serializers.CharField(source="organizer.name", read_only=True)
    level = _text("township 乡镇（街道）书记 · village 村（社区）书记")
    status = _text("draft 筹备中 · open 评议中 · closed 已结束")
    cap_project_poor = _text("excellent 好 · good 较好 · fair 一般 · poor 差")
    cap_project_fair = _text("excellent 好 · good 较好 · fair 一般 · poor 差")

    class Meta:
        model = ReviewSession
        fields = ["id", "year", "level", "organizer", "organizer_name", "status", *SETTINGS]


class ReviewSettingsSerializer(serializers.Serializer):
    """Decimals as strings ("0.4", "90"): the service checks each and their sum."""

    title = serializers.CharField(max_length=100, required=False)
    held_on = serializers.CharField(max_length=10, required=False, help_text="YYYY-MM-DD")
    weight_leaders = serializers.CharField(max_length=10, required=False)
    weight_members = serializers.CharField(max_length=10, required=False)
    weight_public = serializers.CharField(max_length=10, required=False)
    threshold_excellent = serializers.CharField(max_length=10, required=False)
    threshold_good = serializers.CharField(max_length=10, required=False)
    threshold_fair = serializers.CharField(max_length=10, required=False)
    cap_project_poor = serializers.CharField(max_length=12, required=False)
    cap_project_fair = serializers.CharField(max_length=12, required=False)


class ReviewSessionCreateSerializer(ReviewSettingsSerializer):
    level = serializers.CharField(max_length=12, help_text="township 或 village")
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    title = serializers.CharField(max_length=100)
    held_on = serializers.CharField(max_length=10, help_text="YYYY-MM-DD")
    organizations = serializers.ListField(
        child=serializers.IntegerField(**ID),
        required=False,
        max_length=1000,
        help_text="述职党组织 id（默认本级全部）",
    )


class ReviewQuestionSerializer(serializers.ModelSerializer):
    kind = _text("common 同题共答 · extra 加试题")
    domain = _text("加试题适用的党组织类型（township、street、village、community），可为空")

    class Meta:
        model = ReviewQuestion
        fields = ["id", "kind", "text", "domain", "reviewee"]


class ReviewQuestionWriteSerializer(serializers.Serializer):
    kind = serializers.CharField(max_length=8)
    text = serializers.CharField(max_length=300)
    domain = serializers.CharField(max_length=12, required=False, allow_blank=True)
    reviewee = serializers.IntegerField(**ID, required=False, allow_null=True)


class ReviewScoreSerializer(serializers.ModelSerializer):
    group = _text("leaders 领导 · members 党员代表 · public 群众代表")
    is_withdrawn = serializers.BooleanField(read_only=True, help_text="已撤回（不计入平均分）")

    class Meta:
        model = ReviewScore
        fields = [
            "id",
            "group",
            "reviewer",
            "score",
            "comment",
            "is_withdrawn",
            "withdrawn_at",
            "withdraw_reason",
        ]


class ReviewScoreWithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=300, required=False, allow_blank=True, help_text="撤回原因（必填）"
    )


class ReviewReportFileSerializer(serializers.ModelSerializer):
    kind = _text("pdf · docx · jpeg · png")
    uploaded_by = serializers.CharField(source="uploaded_by.display_name", read_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = ReviewReportFile
        fields = [
            "id",
            "reviewee",
            "name",
            "kind",
            "size",
            "sha256",
            "uploaded_by",
            "uploaded_at",
            "download_url",
        ]

    def get_download_url(self, obj: ReviewReportFile) -> str:
        return reverse("api-sr-report-file-download", args=[obj.pk])


class ReviewReportFileUploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        required=False,
        allow_empty_file=True,
        use_url=False,
        help_text="PDF、DOCX、JPEG、PNG（按内容识别，不超过15MB）",
    )


class ReviewScoreWriteSerializer(serializers.Serializer):
    group = serializers.CharField(max_length=8)
    reviewer = serializers.CharField(max_length=50)
    score = serializers.CharField(max_length=10, help_text="0–100，最多2位小数")
    comment = serializers.CharField(max_length=500, required=False, allow_blank=True)


class ReviewAnswerSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReviewAnswer
        fields = ["id", "question", "text"]


class ReviewAnswerWriteSerializer(serializers.Serializer):
    question = serializers.IntegerField(**ID)
    text = serializers.CharField(max_length=10000)


class ReviewReportSerializer(serializers.Serializer):
    report = serializers.CharField(max_length=20000)
    report_evidence = serializers.CharField(max_length=300, required=False, allow_blank=True)


class ReviewCheckSerializer(serializers.ModelSerializer):
    class Meta:
        model = OnSiteCheck
        fields = ["id", "checked_on", "checkers", "findings", "spot_check"]


class ReviewCheckWriteSerializer(serializers.Serializer):
    checked_on = serializers.CharField(max_length=10)
    checkers = serializers.CharField(max_length=200)
    findings = serializers.CharField(max_length=5000)
    spot_check = serializers.IntegerField(**ID, required=False, allow_null=True)


class ReviewProblemSerializer(serializers.ModelSerializer):
    kind = _text("common 共性问题 · individual 个性问题")
    organizations = serializers.SerializerMethodField()
    rectifications = serializers.SerializerMethodField()

    class Meta:
        model = ReviewProblem
        fields = [
            "id",
            "kind",
            "text",
            "measures",
            "deadline",
            "reviewees",
            "organizations",
            "rectifications",
        ]

    def get_organizations(self, obj) -> list[str]:
        return [r.organization.name for r in obj.reviewees.all()]

    def get_rectifications(self, obj) -> list[dict]:
        return [
            {"id": e.pk, "organization": e.organization.name, "status": e.effective_status}
            for e in obj.rectifications.all()
        ]


class ReviewProblemWriteSerializer(serializers.Serializer):
    kind = serializers.CharField(max_length=12, help_text="common 共性 或 individual 个性")
    text = serializers.CharField(max_length=2000)
    measures = serializers.CharField(max_length=2000)
    deadline = serializers.CharField(max_length=10)
    reviewees = serializers.ListField(child=serializers.IntegerField(**ID), max_length=1000)


class ReviewResultSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="reviewee.pk")
    organization = serializers.IntegerField(source="reviewee.organization_id")
    organization_name = serializers.CharField(source="reviewee.organization.name")
    secretary_name = serializers.CharField(source="reviewee.secretary_name")
    averages = serializers.DictField(child=serializers.DecimalField(6, 2, allow_null=True))
    counts = serializers.DictField(child=serializers.IntegerField())
    score = serializers.DecimalField(6, 2, allow_null=True)
    score_grade = serializers.CharField()
    grade = serializers.CharField()
    project_grades = serializers.ListField(child=serializers.CharField())
    has_report = serializers.SerializerMethodField()
    has_report_file = serializers.SerializerMethodField()
    problems = serializers.SerializerMethodField()

    def get_has_report(self, obj) -> bool:
        """A written report or an uploaded report file, as the session page shows 已提交."""
        return bool(obj.reviewee.report) or self.get_has_report_file(obj)

    def get_has_report_file(self, obj) -> bool:
        return bool(getattr(obj.reviewee, "current_report_files", ()))

    def get_problems(self, obj) -> int:
        return len(obj.reviewee.problems.all())


class ReviewSessionDetailSerializer(ReviewSessionSerializer):
    results = ReviewResultSerializer(many=True, read_only=True)
    questions = ReviewQuestionSerializer(many=True, read_only=True)

    class Meta(ReviewSessionSerializer.Meta):
        fields = [*ReviewSessionSerializer.Meta.fields, "results", "questions"]


class ReviewedSecretarySerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    result = ReviewResultSerializer(read_only=True)
    scores = ReviewScoreSerializer(
        source="scores_shown",
        many=True,
        read_only=True,
        help_text="测评打分；对被评议书记本人不显示评议人（reviewer 为空）",
    )
    answers = ReviewAnswerSerializer(many=True, read_only=True)
    checks = ReviewCheckSerializer(many=True, read_only=True)
    questions = ReviewQuestionSerializer(many=True, read_only=True)
    report_file = ReviewReportFileSerializer(read_only=True, allow_null=True)

    class Meta:
        model = ReviewedSecretary
        fields = [
            "id",
            "session",
            "organization",
            "organization_name",
            "secretary_name",
            "report",
            "report_evidence",
            "report_at",
            "report_file",
            "result",
            "questions",
            "answers",
            "scores",
            "checks",
        ]
