"""The dashboard's filters (township, level, order)."""

from html import escape

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

LEVEL_CHOICES = [("", _("全部星级")), *[(str(n), f"{n}星") for n in range(5, -1, -1)]]
SORT_CHOICES = [
    ("-composite", _("得分从高到低")),
    ("composite", _("得分从低到高")),
    ("-level", _("星级从高到低")),
    ("township", _("按乡镇")),
    ("name", _("按村名")),
]


class QuickSelect(forms.Select):
    """A plain ``<select>`` (no option groups) made in Python: Django renders each option
    through a template, and a province-scale county lists hundreds of townships."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = set(self.format_value(value))
        options = "".join(
            f'<option value="{escape(str(key))}"'
            f"{' selected' if str(key) in chosen else ''}>{escape(str(label))}</option>"
            for key, label in self.choices
        )
        attrs = self.build_attrs(self.attrs, attrs)
        return format_html(
            '<select name="{}"{}>{}</select>',
            name,
            flatatt(attrs),
            mark_safe(options),  # each value and label escaped above
        )


class DashboardFilterForm(forms.Form):
    township = forms.IntegerField(required=False, widget=forms.HiddenInput)
    level = forms.ChoiceField(label=_("星级"), choices=LEVEL_CHOICES, required=False)
    sort = forms.ChoiceField(label=_("排序"), choices=SORT_CHOICES, required=False)

    def __init__(self, *args, townships=(), rates_townships: bool = False, **kwargs):
        """``townships``: (id, name) pairs. A township round (``rates_townships``) ranks the
        townships themselves: no 按乡镇, and its names are 镇街 names."""
        super().__init__(*args, **kwargs)
        if rates_townships:
            self.fields["sort"].choices = [
                (key, _("按名称") if key == "name" else label)
                for key, label in SORT_CHOICES
                if key != "township"
            ]
        self.fields["township"] = forms.TypedChoiceField(
            label=_("乡镇"),
            choices=[("", _("全部乡镇"))] + [(str(pk), name) for pk, name in townships],
            coerce=int,
            empty_value=None,
            required=False,
            widget=QuickSelect,
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
