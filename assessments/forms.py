"""Forms of the web pages: they parse what the browser sends; the services validate the rest."""

from django import forms
from django.utils.translation import gettext_lazy as _

from organizations.models import Department

from .models import Stage

LEVEL_CHOICES = [("", _("全部星级")), *[(str(n), f"{n}星") for n in range(5, -1, -1)]]
SORT_CHOICES = [
    ("-composite", _("得分从高到低")),
    ("composite", _("得分从低到高")),
    ("-level", _("星级从高到低")),
    ("township", _("按乡镇")),
    ("name", _("按村名")),
]


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
        self.fields["item_code"].choices = [
            (item.code, f"{item.code} {item.get_kind_display()}：{item.title}") for item in items
        ]


class DashboardFilterForm(forms.Form):
    township = forms.IntegerField(required=False, widget=forms.HiddenInput)
    level = forms.ChoiceField(label=_("星级"), choices=LEVEL_CHOICES, required=False)
    sort = forms.ChoiceField(label=_("排序"), choices=SORT_CHOICES, required=False)

    def __init__(self, *args, townships=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"] = forms.TypedChoiceField(
            label=_("乡镇"),
            choices=[("", _("全部乡镇"))] + [(str(t.pk), t.name) for t in townships],
            coerce=int,
            empty_value=None,
            required=False,
        )
