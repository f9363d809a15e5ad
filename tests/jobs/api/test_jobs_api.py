"""The jobs API: each user lists, polls and downloads only the jobs they started (another
user's job is a 404, as on the job pages); an expired result is gone (404)."""

from __future__ import annotations

from datetime import timedelta

import openpyxl
import pytest
from django.utils import timezone

from jobs.models import Job
from tests.support.api import problems
from workbooks import tasks
from workbooks.kinds import Kind

pytestmark = pytest.mark.django_db


def _report(user, round_) -> Job:
    job = Job.objects.create(
        kind=Kind.EXPORT_REPORT, parameters={"round": round_.pk, "township": ""}, created_by=user
    )
    tasks.export_report(job.pk)
    job.refresh_from_db()
    return job


def test_my_jobs_only_newest_first_in_fixed_queries(
    api, round_2024, county_admin, auditor, django_assert_max_num_queries
):
    first = _report(county_admin, round_2024)
    second = Job.objects.create(kind=Kind.EXPORT_LEDGER, created_by=county_admin)
    _report(auditor, round_2024)
    client = api.as_(county_admin)

    with django_assert_max_num_queries(6):
        body = client.get("/api/v1/jobs/").json()

    assert [j["id"] for j in body["results"]] == [second.pk, first.pk]
    done = body["results"][1]
    assert done["status"] == "succeeded" and done["progress"] == 100
    assert done["kind_label"] == "导出年度报表" and done["counts"]["villages"] == 3
    assert done["download_url"] == f"/api/v1/jobs/{first.pk}/download/"
    assert body["results"][0]["download_url"] is None
    for _ in range(5):
        Job.objects.create(kind=Kind.EXPORT_LEDGER, created_by=county_admin)
    with django_assert_max_num_queries(6):
        assert client.get("/api/v1/jobs/?status=queued").json()["count"] == 6


def test_a_job_is_polled_and_its_file_downloaded(api, round_2024, county_admin, tmp_path):
    job = _report(county_admin, round_2024)
    client = api.as_(county_admin)

    body = client.get(f"/api/v1/jobs/{job.pk}/").json()
    assert body["status"] == "succeeded" and body["result_available"]
    response = client.get(body["download_url"])

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    path = tmp_path / "report.xlsx"
    path.write_bytes(b"".join(response.streaming_content))
    assert openpyxl.load_workbook(path).sheetnames[0] == "汇总"


def test_anonymous_401_and_another_users_job_404(
    api, round_2024, county_admin, county_admin2, auditor
):
    job = _report(county_admin, round_2024)
    assert api.get(f"/api/v1/jobs/{job.pk}/").status_code == 401
    assert api.get("/api/v1/jobs/").status_code == 401
    for user in (auditor, county_admin2):  # same county, another county: never another's job
        client = api.as_(user)
        assert client.get(f"/api/v1/jobs/{job.pk}/").status_code == 404
        assert client.get(f"/api/v1/jobs/{job.pk}/download/").status_code == 404
        assert client.get("/api/v1/jobs/").json()["count"] == 0


def test_an_expired_or_unfinished_result_is_404(api, round_2024, county_admin):
    job = _report(county_admin, round_2024)
    queued = Job.objects.create(kind=Kind.EXPORT_REPORT, created_by=county_admin)
    Job.objects.filter(pk=job.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    client = api.as_(county_admin)

    assert client.get(f"/api/v1/jobs/{job.pk}/download/").status_code == 404
    assert client.get(f"/api/v1/jobs/{queued.pk}/download/").status_code == 404
    assert client.get(f"/api/v1/jobs/{job.pk}/").json()["download_url"] is None


def test_bad_filter_400_and_wrong_method_405(api, county_admin):
    client = api.as_(county_admin)
    response = client.get("/api/v1/jobs/?status=done")
    assert response.status_code == 400 and problems(response)[0]["field"] == "status"
    assert client.post("/api/v1/jobs/", {}, format="json").status_code == 405
    assert client.delete("/api/v1/jobs/1/").status_code == 405
