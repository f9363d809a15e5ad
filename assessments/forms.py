"""Forms of the web pages: they parse what the browser sends; the services validate the rest."""

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from indicators.models import Catalogue
from organizations.models import Department, RatingTarget

from .models import Round, Stage
from .services import BAND_FIELDS, ROUND_RULE_FIELDS


class ReopenForm(forms.Form):
    stage = forms.ChoiceField(label=_("阶段"), choices=Stage.choices)
    reason = forms.CharField(label=_("原因"), widget=forms.Textarea(attrs={"rows": 2}))
    deadline = forms.DateTimeField(
        label=_("新截止时间"),
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("留空表示不设截止时间"),
    )


class AdvanceForm(forms.Form):
    """进入下一阶段: the next stage's deadline, required by the service when the stored one has
    passed (the stage would open locked)."""

    deadline = forms.DateTimeField(
        label=_("下一阶段截止时间"),
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


class FindingForm(forms.Form):
    item_code = forms.ChoiceField(label=_("否决/减星项"))
    evidence = forms.CharField(
        label=_("问题事实与依据"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    department = forms.ChoiceField(
        label=_("部门"), choices=[("", "—"), *list(Department.choices)], required=False
    )

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        # An empty first choice: a reviewer who only types the evidence must not record the
        # list's first (the most serious) veto by default; the browser and the service refuse.
        self.fields["item_code"].choices = [
            ("", _("请选择否决项")),
            *(
                (item.code, f"{item.code} {item.get_kind_display()}：{item.title}")
                for item in items
            ),
        ]


DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"]
LEVEL_FIELDS = ("satisfaction_cap_level", "max_promotion", "first_year_max")
DEADLINE_FIELDS = ("self_deadline", "township_deadline", "county_deadline")
DATE_FIELDS = ("publicity_start", "publicity_end")
STAR_NAMES = {"5": "五", "4": "四", "3": "三", "2": "二", "1": "一"}
# Help texts of rules that count the rated organizations: 村 reads 镇街 on a township round.
TOWNSHIP_WORDED_HELP = (
    "quota_5",
    "quota_4",
    "target_share_3",
    "target_share_4",
    "appeal_window_days",
)
DEADLINE_HELP = _("截止后该阶段锁定，不能再填写；管理员可说明原因重新开放。留空表示不设截止。")


class RoundForm(forms.ModelForm):
    """A round's rules, deadlines and publicity details (DOMAIN.md §4, docs/scoring.md).

    It only parses what the browser sends: services.round_create / round_update run the
    model's full validation (stage weights summing to 1, band order…) inside their
    transaction, so the messages come from one place for the API and the pages alike."""

    FIELDSETS = (
        (_("基本信息"), ("year", "target", "name", "catalogue")),
        (
            _("阶段与截止时间"),
            ("self_assessment_enabled", *DEADLINE_FIELDS),
        ),
        (
            _("计分规则"),
            (
                "authoritative_stage",
                "weight_self",
                "weight_township",
                "weight_county",
                "pass_ratio",
                "level_mode",
                *BAND_FIELDS,
                "max_promotion",
                "first_year_max",
            ),
        ),
        (_("满意度测评"), ("satisfaction_weight", "satisfaction_floor", "satisfaction_cap_level")),
        (_("星级名额"), ("quota_5", "quota_4")),
        (_("“保三争四”目标"), ("target_share_3", "target_share_4")),
        (_("公示"), (*DATE_FIELDS, "supervision_phone", "appeal_window_days")),
    )
    HELP = {
        "year": _("评定年度；每个区县每年村评定和镇街评定各有一个评定轮次。"),
        "target": _(
            "评定村（社区）党组织，或评定镇街党（工）委：镇街评定使用镇街指标体系，"
            "开启后直接进入考评组评定（不开展自评和初评）；开启后不能更改。"
        ),
        "name": _("显示在各页面和公示名单上；新建时留空则自动命名。"),
        "catalogue": _("规则0：各阶段评分表按此指标体系逐项打分；评定开启后冻结，不能更换。"),
        "self_assessment_enabled": _("规则0：不开展时跳过村自评阶段，自评权重必须为0。"),
        "self_deadline": DEADLINE_HELP,
        "township_deadline": DEADLINE_HELP,
        "county_deadline": DEADLINE_HELP,
        "authoritative_stage": _("规则1：未设置阶段权重时，各项得分以此阶段的评分为准。"),
        "weight_self": _("规则1：各项得分按阶段权重加权，三个权重之和必须为1；全为0表示不加权。"),
        "weight_township": _("规则1：镇街初评在加权得分中的权重。"),
        "weight_county": _("规则1：考评组评定在加权得分中的权重。"),
        "pass_ratio": _("规则6：类别得分不低于“满分×此比例”即获得该类别的星（默认0.8）。"),
        "level_mode": _("规则7：按综合得分分档、按达标星数，或取两者中较低者定级。"),
        "max_promotion": _("规则10：比上一年最多晋升的星级数（破格晋升除外）。"),
        "first_year_max": _("规则10：没有上一年星级（首次评定）时最高可评的星级。"),
        "satisfaction_weight": _("规则4：满意率在综合得分中所占的权重；0表示不计入综合得分。"),
        "satisfaction_floor": _("规则8：满意人数低于“受访人数×此比例”时限制星级。"),
        "satisfaction_cap_level": _("规则8：满意度未达底线时最高可评的星级。"),
        "quota_5": _("规则12：五星村占有评定结果村数的比例上限；留空表示不限。"),
        "quota_4": _("规则12：四星村占有评定结果村数的比例上限；留空表示不限。"),
        "target_share_3": _("“保三”：三星及以上村所占比例的目标，在数据看板上对照（不影响定级）。"),
        "target_share_4": _("“争四”：四星及以上村所占比例的目标，在数据看板上对照（不影响定级）。"),
        "publicity_start": _("公示期第一天，显示在公示名单上。"),
        "publicity_end": _("公示期最后一天（一般为5天），显示在公示名单上。"),
        "supervision_phone": _("公示名单上公布的监督电话。"),
        "appeal_window_days": _("结果发布后，村可在此天数内申请复核；公示期内的异议不受此限。"),
    } | {
        f: _("规则5：综合得分不低于此分数线可评%(n)s星。") % {"n": STAR_NAMES[f[-1]]}
        for f in BAND_FIELDS
    }

    class Meta:
        model = Round
        fields = ["year", "target", "catalogue", *ROUND_RULE_FIELDS]
        widgets = {
            **{
                f: forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
                for f in DEADLINE_FIELDS
            },
            **{f: forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d") for f in DATE_FIELDS},
        }

    def __init__(self, *args, read_only: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        creating = self.instance.pk is None
        # Left out (an older client, a test): a village round, the default.
        self.fields["target"].required = False
        if creating:
            self.fields["year"].initial = timezone.localdate().year
            self.fields["year"].validators.append(MinValueValidator(2000))
            self.fields["name"].required = False
            self.fields["catalogue"].required = True
        else:
            del self.fields["year"]
            if self.instance.status != Round.Status.DRAFT:
                del self.fields["catalogue"]
                # Locked once opened: shown, never sent back.
                self.fields["target"].disabled = True
        if "catalogue" in self.fields:
            catalogues = Catalogue.objects.order_by("-year", "name")
            self.fields["catalogue"].queryset = catalogues
            if creating:
                self.fields["catalogue"].initial = catalogues.first()
        for name in DEADLINE_FIELDS:
            self.fields[name].input_formats = DATETIME_FORMATS
        ranges = (
            (Round.RATIO_FIELDS, 0, 1),
            (BAND_FIELDS, 0, 100),
            (LEVEL_FIELDS, 0, 5),
            (("appeal_window_days",), 0, 365),
        )
        for names, low, high in ranges:
            for name in names:
                field = self.fields[name]
                field.validators += [MinValueValidator(low), MaxValueValidator(high)]
                field.widget.attrs.update(min=low, max=high)
        for name, field in self.fields.items():
            field.help_text = self.HELP.get(name, "")
            if self.instance.rates_townships and name in TOWNSHIP_WORDED_HELP:
                # The same rules, counted over townships (镇街) on a township round.
                field.help_text = str(field.help_text).replace("村", str(_("镇街")))
            if read_only:
                field.disabled = True

    def clean(self):
        data = super().clean()
        for name in (*DEADLINE_FIELDS, *DATE_FIELDS):
            value = data.get(name)
            # A year like 1232 is a typo, and before 1900 the time zone has no sensible offset.
            if value is not None and not 2000 <= value.year <= 2100:
                self.add_error(name, _("日期必须在2000年至2100年之间。"))
        if data.get("target") == RatingTarget.TOWNSHIP and "self_assessment_enabled" in data:
            # The checkbox means nothing for a township round (scored by the county alone).
            data["self_assessment_enabled"] = False
        return data

    def _post_clean(self):
        """No model validation here: the service validates the round (see the class doc)."""

    def fieldsets(self):
        """(heading, bound fields) in page order, leaving out the fields this form lacks."""
        return [
            (heading, [self[name] for name in names if name in self.fields])
            for heading, names in self.FIELDSETS
        ]

    def rule_fields(self) -> dict:
        """The cleaned values for the services, keyed as their keyword arguments."""
        fields = {k: v for k, v in self.cleaned_data.items() if k not in ("year", "catalogue")}
        if "target" in self.fields and (self.fields["target"].disabled or not fields.get("target")):
            fields.pop("target", None)
        return fields
