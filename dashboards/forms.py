"""The dashboard's filters (township, level, order)."""

from django import forms
from django.utils.translation import gettext_lazy as _

LEVEL_CHOICES = [("", _("全部星级")), *[(str(n), f"{n}星") for n in range(5, -1, -1)]]
SORT_CHOICES = [
    ("-composite", _("得分从高到低")),
    ("composite", _("得分从低到高")),
    ("-level", _("星级从高到低")),
    ("township", _("按乡镇")),
    ("name", _("按村名")),
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


class VillageSearchForm(forms.Form):
    """The village search (top bar and results page): name, code or pinyin initials."""

    q = forms.CharField(label=_("村名、代码或拼音首字母"), required=False, max_length=50)

    def __init__(self, *args, townships=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"] = forms.TypedChoiceField(
            label=_("乡镇"),
            choices=[("", _("全部乡镇"))] + [(str(t.pk), t.name) for t in townships],
            coerce=int,
            empty_value=None,
            required=False,
        )
