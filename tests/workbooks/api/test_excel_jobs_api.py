"""Starting the Excel jobs over the API (202 with the job, then polled at /api/v1/jobs/): who may
start which (the roles of the pages), scope (another county's round 404, a township outside
one's reach 400), bad input 400 naming each field, and the jobs really doing their work —
a score import writes the scores, the organization import previews then imports."""

from __future__ import annotations

import pytest

from assessments.models import Score
from jobs.models import Job
from organizations.models import AuditLog, Organization
from tests.support.api import problems
from tests.support.excel import fill, template_for
from tests.support.files import organizations_xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def run_jobs(django_capture_on_commit_callbacks):
    """Jobs run as they would after the request's commit (Celery eager in tests)."""

    def post(client, url, body, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, body, **kwargs)
        return response

    return post


def test_a_score_import_runs_and_writes_every_cell(
    api, township_round, assessor_a, village_a1, tmp_path, run_jobs
):
    path = template_for(tmp_path, township_round, assessor_a)
    fill(path, {(village_a1.code, "SJ01"): "2.5"})
    with path.open("rb") as f:
        response = run_jobs(
            api.as_(assessor_a),
            f"/api/v1/rounds/{township_round.pk}/scores/import/",
            {"stage": "township", "file": f},
            format="multipart",
        )

    assert response.status_code == 202, response.json()
    job = api.as_(assessor_a).get(response.json()["url"]).json()
    assert job["status"] == "succeeded", job
    score = Score.objects.get(
        sheet__assessment__organization=village_a1, sheet__stage="township", item__code="SJ01"
    )
    assert str(score.points) == "2.50"


def test_a_failed_import_lists_every_problem_on_the_job(
    api, township_round, assessor_a, village_a1, tmp_path, run_jobs
):
    path = template_for(tmp_path, township_round, assessor_a)
    fill(path, {(village_a1.code, "SJ01"): 99, (village_a1.code, "SJ02"): "好"})
    with path.open("rb") as f:
        response = run_jobs(
            api.as_(assessor_a),
            f"/api/v1/rounds/{township_round.pk}/scores/import/",
            {"stage": "township", "file": f},
            format="multipart",
        )

    job = api.as_(assessor_a).get(response.json()["url"]).json()
    assert job["status"] == "failed"
    assert len(job["errors"]) == 2 and job["error_message"]
    assert any("超过该项最高分" in e["message"] for e in job["errors"])
    assert not Score.objects.filter(sheet__stage="township").exists()


def test_template_and_report_exports_are_downloadable(api, township_round, assessor_a, run_jobs):
    client = api.as_(assessor_a)
    template = run_jobs(
        client,
        f"/api/v1/rounds/{township_round.pk}/template/",
        {"stage": "township"},
        format="json",
    )
    report = run_jobs(
        client,
        f"/api/v1/rounds/{township_round.pk}/report/",
        {"township": "220602101000"},  # another township: a township sees only its own
        format="json",
    )

    assert template.status_code == 202 and report.status_code == 202
    report_job = Job.objects.get(pk=report.json()["id"])
    assert report_job.parameters["township"] == "220602100000"
    for started in (template, report):
        job = client.get(started.json()["url"]).json()
        assert job["status"] == "succeeded", job
        assert client.get(job["download_url"]).status_code == 200
    # Each start is audited as an export, with who.
    assert AuditLog.objects.filter(action=AuditLog.Action.EXPORT, actor=assessor_a).count() == 2


def test_anonymous_401_wrong_role_403_other_county_404(
    api, round_2024, round2, reviewer, secretary_a1, county_admin
):
    url = f"/api/v1/rounds/{round_2024.pk}/template/"
    assert api.post(url, {"stage": "self"}, format="json").status_code == 401
    response = api.as_(reviewer).post(url, {"stage": "self"}, format="json")
    assert response.status_code == 403
    response = api.as_(secretary_a1).post(url, {"stage": "county"}, format="json")
    assert response.status_code == 403 and "评分阶段" in response.json()["message"]
    response = api.as_(reviewer).post(f"/api/v1/rounds/{round_2024.pk}/report/", {}, format="json")
    assert response.status_code == 403
    response = api.as_(county_admin).post(f"/api/v1/rounds/{round2.pk}/report/", {}, format="json")
    assert response.status_code == 404
    assert not Job.objects.exists()


def test_bad_input_names_each_field(api, round_2024, county_admin):
    client = api.as_(county_admin)
    response = client.post(
        f"/api/v1/rounds/{round_2024.pk}/template/",
        {"stage": "final", "township": "220621100000"},
        format="json",
    )
    assert response.status_code == 400 and problems(response)[0]["field"] == "stage"
    response = client.post(
        f"/api/v1/rounds/{round_2024.pk}/template/",
        {"stage": "county", "township": "220621100000"},  # the other county's township
        format="json",
    )
    assert response.status_code == 400
    assert problems(response) == [
        {
            "field": "township",
            "value": "220621100000",
            "message": "镇（街道）不存在或不在您的范围内",
        }
    ]
    response = client.post(
        f"/api/v1/rounds/{round_2024.pk}/scores/import/", {"stage": "county"}, format="multipart"
    )
    assert response.status_code == 400 and problems(response)[0]["field"] == "file"
    response = client.post("/api/v1/rectifications/export/", {"status": "lost"}, format="json")
    assert response.status_code == 400 and problems(response)[0]["field"] == "status"
    assert not Job.objects.exists()


def test_wrong_methods_are_405(api, round_2024, county_admin):
    client = api.as_(county_admin)
    assert client.get(f"/api/v1/rounds/{round_2024.pk}/template/").status_code == 405
    assert client.get(f"/api/v1/rounds/{round_2024.pk}/scores/import/").status_code == 405
    assert client.get("/api/v1/organizations/import/").status_code == 405
    assert client.post("/api/v1/organizations/template/").status_code == 405


def test_the_organization_import_previews_then_imports(
    api, county_admin, county, township_a, village_a1, village_a2, village_b1, run_jobs
):
    client = api.as_(county_admin)
    upload = organizations_xlsx(
        [
            [township_a.code, "七道江镇", "镇", county.code, "党委", "", None],
            [village_a1.code, "七道江村", "村", township_a.code, "党支部", "", None],
            [village_a2.code, "新兴村", "村", township_a.code, "党支部", "", None],
            ["220602100203", "新设村", "村", township_a.code, "党支部", "", 12],
        ]
    )
    response = run_jobs(
        client, "/api/v1/organizations/import/", {"file": upload}, format="multipart"
    )
    assert response.status_code == 202
    preview = client.get(response.json()["url"]).json()
    assert preview["status"] == "succeeded", preview
    assert preview["counts"]["created"] == 1 and preview["counts"]["deactivated"] == 1
    assert preview["counts"]["needs_confirmation"]  # 1 of 3 villages > 20 %
    assert not Organization.objects.filter(code="220602100203").exists()  # a preview only

    confirm = f"/api/v1/organizations/import/{preview['id']}/confirm/"
    response = client.post(confirm, {}, format="json")
    assert response.status_code == 400
    assert problems(response)[0]["field"] == "confirm_deactivation"

    response = run_jobs(client, confirm, {"confirm_deactivation": True}, format="json")
    assert response.status_code == 202
    job = client.get(response.json()["url"]).json()
    assert job["status"] == "succeeded", job
    assert Organization.objects.get(code="220602100203").member_count == 12
    village_b1.refresh_from_db()
    assert not village_b1.is_active  # absent from the file: deactivated, not deleted


def test_only_a_succeeded_preview_of_ones_own_is_confirmed(api, county_admin, county_admin2):
    client = api.as_(county_admin)
    other = Job.objects.create(
        kind="preview_organizations", status="succeeded", created_by=county_admin2
    )
    export = Job.objects.create(kind="export_ledger", status="succeeded", created_by=county_admin)
    running = Job.objects.create(
        kind="preview_organizations", status="running", created_by=county_admin
    )

    assert (
        client.post(
            f"/api/v1/organizations/import/{other.pk}/confirm/", {}, format="json"
        ).status_code
        == 404
    )
    response = client.post(f"/api/v1/organizations/import/{export.pk}/confirm/", {}, format="json")
    assert response.status_code == 400
    response = client.post(f"/api/v1/organizations/import/{running.pk}/confirm/", {}, format="json")
    assert response.status_code == 409
    assert Job.objects.count() == 3


def test_the_organization_template_is_the_county_admins(api, county_admin, assessor_a):
    response = api.as_(county_admin).get("/api/v1/organizations/template/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert api.as_(assessor_a).get("/api/v1/organizations/template/").status_code == 403


def test_an_import_into_a_stage_that_is_not_open_fails_and_writes_nothing(
    api, township_round, county_admin, village_a1, tmp_path, run_jobs
):
    # The round is in township review: the county stage is still to come.
    path = template_for(tmp_path, township_round, county_admin, stage="county")
    fill(path, {(village_a1.code, "SJ01"): "2.5"})
    with path.open("rb") as f:
        response = run_jobs(
            api.as_(county_admin),
            f"/api/v1/rounds/{township_round.pk}/scores/import/",
            {"stage": "county", "file": f},
            format="multipart",
        )

    assert response.status_code == 202
    job = api.as_(county_admin).get(response.json()["url"]).json()
    assert job["status"] == "failed"
    assert job["error_message"] == "“考评组评定”阶段当前未开放（本轮状态：镇街初评）。"
    assert not Score.objects.filter(sheet__stage="county").exists()
