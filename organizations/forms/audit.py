"""Forms of the organizations pages: the audit log's filters (kept in the URL)."""

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from organizations import selectors
from organizations.models import AuditLog


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=_("操作人"), required=False, max_length=150)
    action = forms.ChoiceField(label=_("操作"), required=False)
    object_type = forms.ChoiceField(label=_("对象类型"), required=False)
    village = forms.TypedChoiceField(label=_("村（社区）"), required=False, coerce=int)
    date_from = forms.DateField(
        label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, object_types=(), villages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("全部")), *AuditLog.Action.choices]
        self.fields["object_type"].choices = [("", _("全部")), *object_types]
        self.fields["village"].choices = [("", _("全部")), *((v.pk, v.name) for v in villages)]

    def filters(self) -> dict:
        """The cleaned filters for ``selectors.audit_filter`` (empty when the form is invalid)."""
        if not self.is_valid():
            return {}
        data = dict(self.cleaned_data)
        data["village"] = data["village"] or None
        return data


def audit_rows_for(user, query) -> tuple[AuditFilterForm, QuerySet[AuditLog]]:
    """The filter form bound to ``query`` (a GET) and the rows ``user`` may read, filtered:
    shared by the audit page and its Excel export, so both show the same rows."""
    rows = selectors.audit_for_user(user)
    form = AuditFilterForm(
        query or None,
        object_types=selectors.audit_object_types(rows),
        villages=selectors.villages_for_user(user).order_by("code"),
    )
    return form, selectors.audit_filter(rows, **form.filters())
