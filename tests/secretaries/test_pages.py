"""The secretary-project pages walk STYLE.md's checklist."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from secretaries.models import ProjectOption, SecretaryProject
from tests.support.web import as_user

pytestmark = pytest.mark.django_db


def test_list_checklist(
    client,
    county_admin,
    auditor,
    assessor_a,
    secretary_a1,
    project_a,
    project_b,
    django_assert_max_num_queries,
):
    url = reverse("sp_list")
    assert client.get(url).status_code == 302
    assert as_user(client, secretary_a1).get(url).status_code == 403
    as_user(client, assessor_a)
    with django_assert_max_num_queries(14):
        response = client.get(url)
    html = response.content.decode()
    assert "七道江镇" in html and "六道江镇" not in html  # its own projects only
    assert "党建+村级集体经济" in html and "小区值日生" not in html  # options for a township
    assert client.post(url).status_code == 405
    html = as_user(client, auditor).get(url).content.decode()
    assert "六道江镇" in html and "认领" not in html


def test_claim_and_option_pages(client, county_admin, assessor_a, options, year):
    as_user(client, assessor_a)
    bad = client.post(reverse("sp_claim"), {"option": options["stars"].pk, "goal": ""})
    assert bad.status_code == 400 and "请填写项目目标" in bad.content.decode()
    assert client.post(reverse("sp_claim"), {"option": 999999, "goal": "x"}).status_code == 404
    ok = client.post(reverse("sp_claim"), {"option": options["stars"].pk, "goal": "评星定级"})
    assert ok.status_code == 302
    assert SecretaryProject.objects.filter(option=options["stars"]).exists()
    assert (
        client.post(
            reverse("sp_option_create"), {"year": year, "title": "x", "kind": "optional"}
        ).status_code
        == 403
    )
    as_user(client, county_admin)
    assert (
        client.post(reverse("sp_claim"), {"option": options["three"].pk, "goal": "x"}).status_code
        == 403
    )
    assert (
        client.post(
            reverse("sp_option_create"),
            {"year": year, "title": "党建引领社区治理", "kind": "optional", "applies_to": "street"},
        ).status_code
        == 302
    )
    assert ProjectOption.objects.filter(title="党建引领社区治理").exists()


def test_detail_flow(
    client, county_admin, assessor_a, assessor_b, county_admin2, options, project_a
):
    url = reverse("sp_detail", args=[project_a.pk])
    assert as_user(client, assessor_b).get(url).status_code == 404
    assert as_user(client, county_admin2).get(url).status_code == 404
    as_user(client, assessor_a)
    assert "提交县委组织部审核" in client.get(url).content.decode()
    refused = client.post(reverse("sp_submit", args=[project_a.pk]))
    assert refused.status_code == 400 and "必选项目尚未认领" in refused.content.decode()
    client.post(reverse("sp_claim"), {"option": options["economy"].pk, "goal": "增收"})
    assert client.post(reverse("sp_submit", args=[project_a.pk])).status_code == 302
    as_user(client, county_admin)
    returned = client.post(
        reverse("sp_review", args=[project_a.pk]), {"decision": "return", "reason": ""}
    )
    assert returned.status_code == 400 and "请填写退回原因" in returned.content.decode()
    assert (
        client.post(reverse("sp_review", args=[project_a.pk]), {"decision": "approve"}).status_code
        == 302
    )
    as_user(client, assessor_a)
    month = timezone.localdate().strftime("%Y-%m")
    report = reverse("sp_report", args=[project_a.pk])
    assert client.post(report, {"month": month, "progress": "", "evidence": ""}).status_code == 400
    assert (
        client.post(report, {"month": month, "progress": "推进", "evidence": "照片"}).status_code
        == 302
    )
    assert "按时" in client.get(url).content.decode()
    as_user(client, county_admin)
    grade = reverse("sp_grade", args=[project_a.pk])
    assert client.post(grade, {"grade": "fair", "comment": ""}).status_code == 400
    assert client.post(grade, {"grade": "fair", "comment": "一般"}).status_code == 302
    assert client.post(grade, {"grade": "fair", "comment": "一般"}).status_code == 409
    project_a.refresh_from_db()
    assert project_a.grade == "fair"


def test_export_page(client, assessor_a, secretary_a1, project_a):
    assert as_user(client, secretary_a1).get(reverse("sp_export")).status_code == 403
    response = as_user(client, assessor_a).get(reverse("sp_export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
