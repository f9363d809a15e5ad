"""The dashboard's long lists made in Python (the township filter, the townships' table):
the same HTML as Django's widget and the template loop, every text escaped."""

from django import forms
from pytest_django.asserts import assertHTMLEqual

from dashboards.forms import DashboardFilterForm, QuickSelect
from dashboards.templatetags.table_rows import number_rows

CHOICES = [("", "全部乡镇"), ("3", "七道江镇"), ("4", '<b>"六道江镇"</b> & 1')]


def test_the_quick_select_renders_as_djangos_select():
    for value in (None, "", "3", 4):
        ours = QuickSelect(choices=CHOICES).render("township", value, {"id": "id_township"})
        django = forms.Select(choices=CHOICES).render("township", value, {"id": "id_township"})
        assertHTMLEqual(ours, django)
    assert "&lt;b&gt;&quot;六道江镇&quot;&lt;/b&gt; &amp; 1" in ours


def test_the_filter_form_lists_the_townships_it_is_given():
    form = DashboardFilterForm({"township": "4"}, townships=[(3, "七道江镇"), (4, "六道江镇")])
    assert form.is_valid() and form.cleaned_data["township"] == 4
    assert '<option value="4" selected>六道江镇</option>' in str(form["township"])
    assert not DashboardFilterForm({"township": "9"}, townships=[(3, "七道江镇")]).is_valid()


def test_number_rows_are_the_template_loops_rows_escaped():
    html = number_rows([("七道江镇", 1, 0, 12), ("<i>x</i>", 0, 0, 0)])
    assertHTMLEqual(
        html,
        '<tr><td>七道江镇</td><td class="num">1</td><td class="num">0</td>'
        '<td class="num">12</td></tr><tr><td>&lt;i&gt;x&lt;/i&gt;</td><td class="num">0</td>'
        '<td class="num">0</td><td class="num">0</td></tr>',
    )
