"""Serializers of the rating-year API: shapes in and out, no business rules (the services
validate and the selectors read)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from assessments import selectors, services
from assessments.models import (
    Assessment,
    Finding,
    ResultCorrection,
    Round,
    SatisfactionSurvey,
    Sheet,
    Stage,
)
from organizations.models import Department

POINTS = {"max_digits": 5, "decimal_places": 2}

# --- rounds --------------------------------------------------------------------------------

ROUND_READ_ONLY = [
    "id",
    "county",
    "status",
    "open_stage",
    "counting_stages",
    "opened_at",
    "published_at",
    "created_at",
    "updated_at",
]
ROUND_RULES = list(services.ROUND_RULE_FIELDS)


class RoundSerializer(serializers.ModelSerializer):
    open_stage = serializers.CharField(read_only=True, allow_null=True)
    counting_stages = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Round
        fields = [*ROUND_READ_ONLY, "year", "target", "catalogue", *ROUND_RULES]
        read_only_fields = fields


class PassLineSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    max_points = serializers.DecimalField(**POINTS)
    pass_points = serializers.DecimalField(**POINTS)
    source = serializers.ChoiceField(
        choices=[("catalogue", _("指标体系设定")), ("round_ratio", _("按本轮达标比例计算"))]
    )
    source_label = serializers.CharField()


class RuleWarningSerializer(serializers.Serializer):
    field = serializers.CharField()
    message = serializers.CharField()


class RoundDetailSerializer(RoundSerializer):
    """A round with the rules it actually applies (issue 14, item 9): each category's pass
    line and its source, and warnings naming the settings that change nothing."""

    effective_pass_lines = serializers.SerializerMethodField()
    rule_warnings = serializers.SerializerMethodField()

    class Meta(RoundSerializer.Meta):
        fields = [*RoundSerializer.Meta.fields, "effective_pass_lines", "rule_warnings"]
        read_only_fields = fields

    def _effective(self, round_: Round) -> dict:
        if not hasattr(self, "_effective_cache"):
            self._effective_cache = selectors.effective_rules(round_)
        return self._effective_cache

    @extend_schema_field(PassLineSerializer(many=True))
    def get_effective_pass_lines(self, round_: Round) -> list[dict]:
        return PassLineSerializer(self._effective(round_)["pass_lines"], many=True).data

    @extend_schema_field(RuleWarningSerializer(many=True))
    def get_rule_warnings(self, round_: Round) -> list[dict]:
        return RuleWarningSerializer(self._effective(round_)["warnings"], many=True).data


# Ranges checked here so that one response lists every bad field; the model's constraints
# and Round.clean() (via the service) remain the authority.
ROUND_FIELD_KWARGS = (
    {f: {"required": False} for f in ["catalogue", "target", *ROUND_RULES]}
    | {f: {"required": False, "min_value": 0, "max_value": 1} for f in Round.RATIO_FIELDS}
    | {
        f: {"required": False, "min_value": 0, "max_value": 100}
        for f in ("band_min_5", "band_min_4", "band_min_3", "band_min_2", "band_min_1")
    }
    | {
        f: {"required": False, "min_value": 0, "max_value": 5}
        for f in ("satisfaction_cap_level", "max_promotion", "first_year_max")
    }
    | {"appeal_window_days": {"required": False, "min_value": 0, "max_value": 365}}
)


class DatesInRangeMixin:
    """Deadlines and publicity dates within 2000–2100: a year like 1232 is a typo, and before
    1900 the local time zone has no sensible offset to write it back with."""

    def _in_range(self, value):
        if value is not None and not 2000 <= value.year <= 2100:
            raise serializers.ValidationError(_("日期必须在2000年至2100年之间"))
        return value

    def validate_self_deadline(self, value):
        return self._in_range(value)

    def validate_township_deadline(self, value):
        return self._in_range(value)

    def validate_county_deadline(self, value):
        return self._in_range(value)

    def validate_publicity_start(self, value):
        return self._in_range(value)

    def validate_publicity_end(self, value):
        return self._in_range(value)


class RoundCreateSerializer(DatesInRangeMixin, serializers.ModelSerializer):
    """Create a round of the user's county; every rule field is optional (defaults of §4).
    ``target``: ``village`` (default) rates the county's villages, ``township`` its townships
    (镇街) on a township catalogue, scored by the county alone; locked once the round opens."""

    class Meta:
        model = Round
        fields = ["year", "target", "catalogue", *ROUND_RULES]
        extra_kwargs = ROUND_FIELD_KWARGS | {
            "year": {"min_value": 2000, "max_value": 2100},
            "catalogue": {"required": True},
        }


class RoundUpdateSerializer(DatesInRangeMixin, serializers.ModelSerializer):
    """Change a round's rules; ``target`` and ``catalogue`` only while it is a draft."""

    class Meta:
        model = Round
        fields = ["target", "catalogue", *ROUND_RULES]
        extra_kwargs = ROUND_FIELD_KWARGS


class ReopenSerializer(DatesInRangeMixin, serializers.Serializer):
    stage = serializers.ChoiceField(choices=Stage.choices)
    reason = serializers.CharField(allow_blank=True, max_length=2000)
    deadline = serializers.DateTimeField(required=False, allow_null=True)

    def validate_deadline(self, value):
        return self._in_range(value)


class ClearanceSerializer(serializers.Serializer):
    department = serializers.ChoiceField(
        choices=Department.choices,
        required=False,
        help_text=_("部门；部门审查员只能是本部门，县级管理员可代部门登记"),
    )


class ClearanceResultSerializer(serializers.Serializer):
    assessment = serializers.IntegerField()
    department = serializers.ChoiceField(choices=Department.choices)
    by = serializers.IntegerField(help_text=_("登记人的用户id"))
    at = serializers.DateTimeField()


# --- assessments ---------------------------------------------------------------------------


class OrganizationRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class AssessmentSerializer(serializers.ModelSerializer):
    organization = OrganizationRefSerializer(read_only=True)
    township = OrganizationRefSerializer(source="organization.parent", read_only=True)
    change = serializers.SerializerMethodField(
        help_text=_("星级变化：整数；无上年星级时为\u201cnew\u201d；尚无结果时为null。")
    )
    change_kind = serializers.SerializerMethodField()
    missing = serializers.JSONField(source="result_missing", read_only=True)

    class Meta:
        model = Assessment
        fields = [
            "id",
            "round",
            "organization",
            "township",
            "exceptional",
            "exceptional_reason",
            "category_scores",
            "total",
            "composite",
            "band_level",
            "stars_earned",
            "level",
            "previous_level",
            "change",
            "change_kind",
            "vetoed",
            "missing",
            "computed_at",
        ]
        read_only_fields = fields

    @extend_schema_field(
        {"oneOf": [{"type": "integer"}, {"type": "string", "enum": ["new"]}], "nullable": True}
    )
    def get_change(self, assessment: Assessment):
        if assessment.level is None:
            return None
        return "new" if assessment.previous_level is None else assessment.change

    @extend_schema_field({"type": "string", "enum": list(selectors.CHANGE_KINDS), "nullable": True})
    def get_change_kind(self, assessment: Assessment):
        return selectors.change_kind(assessment.level, assessment.previous_level)


class StageSheetSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=Stage.choices)
    status = serializers.ChoiceField(choices=[*Sheet.Status.choices, ("none", _("未开始"))])
    version = serializers.IntegerField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    scores = serializers.DictField(child=serializers.CharField())
    visible = serializers.BooleanField(help_text=_("为false时您无权查看该阶段的分数"))


class FindingSerializer(serializers.ModelSerializer):
    organization = OrganizationRefSerializer(source="assessment.organization", read_only=True)
    item = serializers.CharField(source="item.code", read_only=True)
    item_title = serializers.CharField(source="item.title", read_only=True)
    kind = serializers.CharField(source="item.kind", read_only=True)
    recorded_by = serializers.CharField(source="recorded_by.display_name", read_only=True)
    confirmed_by = serializers.CharField(
        source="confirmed_by.display_name", read_only=True, allow_null=True
    )

    class Meta:
        model = Finding
        fields = [
            "id",
            "assessment",
            "organization",
            "item",
            "item_title",
            "kind",
            "department",
            "evidence",
            "status",
            "recorded_by",
            "recorded_at",
            "confirmed_by",
            "confirmed_at",
            "withdrawn_reason",
        ]
        read_only_fields = fields


class SurveySerializer(serializers.Serializer):
    respondents = serializers.IntegerField(allow_null=True)
    satisfied = serializers.IntegerField(allow_null=True)
    rate = serializers.DecimalField(max_digits=5, decimal_places=4, allow_null=True)


class CorrectionSerializer(serializers.ModelSerializer):
    organization = OrganizationRefSerializer(source="assessment.organization", read_only=True)
    year = serializers.IntegerField(source="assessment.round.year", read_only=True)
    published_level = serializers.IntegerField(
        source="assessment.level", read_only=True, allow_null=True
    )
    proposed_by = serializers.CharField(source="proposed_by.display_name", read_only=True)
    decided_by = serializers.CharField(
        source="decided_by.display_name", read_only=True, allow_null=True
    )

    class Meta:
        model = ResultCorrection
        fields = [
            "id",
            "assessment",
            "organization",
            "year",
            "kind",
            "published_level",
            "level_before",
            "new_level",
            "reason",
            "evidence",
            "status",
            "proposed_by",
            "proposed_at",
            "decided_by",
            "decided_at",
            "decision_note",
        ]
        read_only_fields = fields


class AssessmentDetailSerializer(AssessmentSerializer):
    """Reads its sheets, findings and survey from the context the view prepared (scoped)."""

    sheets = serializers.SerializerMethodField()
    findings = serializers.SerializerMethodField()
    survey = serializers.SerializerMethodField()
    result_steps = serializers.JSONField(source="steps", read_only=True)
    current_level = serializers.SerializerMethodField(
        help_text=_("现行星级：发布后经审批的更正（摘星/更正）生效后的星级；level 为发布时的星级")
    )
    corrections = serializers.SerializerMethodField()

    class Meta(AssessmentSerializer.Meta):
        fields = [
            *AssessmentSerializer.Meta.fields,
            "result_steps",
            "sheets",
            "findings",
            "survey",
            "current_level",
            "corrections",
        ]
        read_only_fields = fields

    @extend_schema_field({"type": "integer", "nullable": True})
    def get_current_level(self, assessment: Assessment) -> int | None:
        return selectors.current_of(assessment, list(self.context["corrections"]))

    @extend_schema_field(CorrectionSerializer(many=True))
    def get_corrections(self, assessment: Assessment) -> list[dict]:
        return CorrectionSerializer(self.context["corrections"], many=True).data

    @extend_schema_field(StageSheetSerializer(many=True))
    def get_sheets(self, assessment: Assessment) -> list[dict]:
        return self.context["sheets"]

    @extend_schema_field(FindingSerializer(many=True))
    def get_findings(self, assessment: Assessment) -> list[dict]:
        return FindingSerializer(self.context["findings"], many=True).data

    @extend_schema_field(SurveySerializer)
    def get_survey(self, assessment: Assessment) -> dict:
        return survey_data(self.context["survey"])


def survey_data(survey: SatisfactionSurvey | None) -> dict:
    if survey is None:
        return {"respondents": None, "satisfied": None, "rate": None}
    return {
        "respondents": survey.respondents,
        "satisfied": survey.satisfied,
        "rate": f"{survey.rate.quantize(Decimal('0.0001'))}",
    }


# --- score sheets --------------------------------------------------------------------------


@extend_schema_field(
    {
        "oneOf": [{"type": "string"}, {"type": "number"}],
        "nullable": True,
        "description": ('得分，如"2.50"（推荐字符串；JSON数字按十进制精确读取）；null或""清除该项'),
    }
)
class PointsValueField(serializers.Field):
    """An entered value as given: a string or a JSON number (read as Decimal by the parser),
    or null. Range and decimal places are checked by the service, which lists every bad item."""

    default_error_messages = {"invalid": _("必须是数字、字符串或null")}

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, str | int | Decimal):
            self.fail("invalid")
        return data

    def to_representation(self, value):
        return value


class SheetSerializer(serializers.Serializer):
    assessment = serializers.IntegerField()
    stage = serializers.ChoiceField(choices=Stage.choices)
    status = serializers.ChoiceField(choices=Sheet.Status.choices)
    version = serializers.IntegerField()
    scores = serializers.DictField(child=serializers.CharField())
    notes = serializers.DictField(child=serializers.CharField())
    submitted_at = serializers.DateTimeField(allow_null=True)
    updated_by = serializers.CharField(allow_null=True)
    updated_at = serializers.DateTimeField(allow_null=True)
    stage_open = serializers.BooleanField()
    deadline = serializers.DateTimeField(allow_null=True)


class SheetWriteSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        min_value=0, help_text=_("读取时得到的版本号；与当前版本不一致时返回409")
    )
    scores = serializers.DictField(child=PointsValueField(), required=False, default=dict)
    notes = serializers.DictField(
        child=serializers.CharField(max_length=500, allow_blank=True),
        required=False,
        default=dict,
    )
    submit = serializers.BooleanField(required=False, default=False)


class OverrideSerializer(serializers.Serializer):
    override_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=2000,
        help_text=_(
            "进入公示或发布时：联查联审未完成、公示期未满或异议未处理时强制通过的原因（留空则拒绝）"
        ),
    )


class AdvanceSerializer(DatesInRangeMixin, OverrideSerializer):
    deadline = serializers.DateTimeField(
        required=False,
        allow_null=True,
        help_text=_(
            "下一阶段的截止时间；原定截止时间已过时必填（否则进入后该阶段即被锁定），未设置时可留空"
        ),
    )

    def validate_deadline(self, value):
        return self._in_range(value)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, max_length=2000)


class ExceptionalSerializer(serializers.Serializer):
    exceptional = serializers.BooleanField()
    reason = serializers.CharField(allow_blank=True, required=False, default="", max_length=2000)


class FindingCreateSerializer(serializers.Serializer):
    item = serializers.CharField(max_length=8, help_text=_("否决项或减星项的代码"))
    evidence = serializers.CharField(allow_blank=True, max_length=5000)
    department = serializers.ChoiceField(choices=Department.choices, required=False)


class SurveyWriteSerializer(serializers.Serializer):
    respondents = serializers.IntegerField(min_value=0, max_value=1_000_000)
    satisfied = serializers.IntegerField(min_value=0, max_value=1_000_000)


# --- results -----------------------------------------------------------------------


class ResultRecordSerializer(serializers.Serializer):
    """The ``export_results`` contract record, plus the assessment id."""

    assessment = serializers.IntegerField()
    organization_code = serializers.CharField()
    organization_name = serializers.CharField()
    township_code = serializers.CharField(allow_null=True)
    township_name = serializers.CharField(allow_null=True)
    category_scores = serializers.DictField(child=serializers.CharField(), allow_null=True)
    total = serializers.CharField(allow_null=True)
    composite = serializers.CharField(allow_null=True)
    stars_earned = serializers.ListField(child=serializers.CharField(), allow_null=True)
    level = serializers.IntegerField(allow_null=True)
    previous_level = serializers.IntegerField(allow_null=True)
    change = serializers.SerializerMethodField()

    @extend_schema_field(
        {"oneOf": [{"type": "integer"}, {"type": "string", "enum": ["new"]}], "nullable": True}
    )
    def get_change(self, record: dict):
        return record["change"]
