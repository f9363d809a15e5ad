"""Jobs: the task functions called directly, the job pages, expiry of result files."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from assessments.models import Score
from jobs import services as job_services
from jobs import tasks as job_tasks
from jobs.models import Job
from organizations.models import Organization
from starrating.errors import NotPermitted
from tests.support.excel import fill, template_for
from workbooks import tasks
from workbooks.kinds import Kind


def _job(user, kind, **parameters):
    return Job.objects.create(kind=kind, parameters=parameters, created_by=user)


def test_the_report_task_stores_the_file_and_counts(township_round, county_admin):
    job = _job(county_admin, Kind.EXPORT_REPORT, round=township_round.pk, township="")

    assert tasks.export_report(job.pk) == "succeeded"

    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert job.progress == 100
    assert job.counts["villages"] == 3
    assert job.result_file.name.startswith("jobs/")
    assert job.result_available
    assert job.expires_at > timezone.now()
    with job.result_file.open("rb") as f:
        assert openpyxl.load_workbook(f).sheetnames[0] == "汇总"


def test_a_finished_job_is_not_run_again(township_round, county_admin):
    job = _job(county_admin, Kind.EXPORT_TEMPLATE, round=township_round.pk, stage="township")
    assert tasks.export_template(job.pk) == "succeeded"
    first = Job.objects.get(pk=job.pk).result_file.name

    assert tasks.export_template(job.pk) == "skipped"  # a redelivered message
    assert Job.objects.get(pk=job.pk).result_file.name == first


def test_a_failed_import_says_why_in_chinese_and_lists_every_error(
    township_round, assessor_a, village_a1, tmp_path
):
    path = template_for(tmp_path, township_round, assessor_a)
    fill(path, {(village_a1.code, "SJ01"): 99, (village_a1.code, "SJ02"): "好"})
    job = job_services.job_create(
        actor=assessor_a,
        kind=Kind.IMPORT_SCORES,
        parameters={"round": township_round.pk, "stage": "township", "filename": "t.xlsx"},
        upload=SimpleUploadedFile("t.xlsx", path.read_bytes()),
    )

    assert tasks.import_scores(job.pk) == "failed"

    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert "2处错误" in job.error_message
    assert [(e["column"], e["item"]) for e in job.errors] == [("C", "SJ01"), ("D", "SJ02")]
    assert not Score.objects.exists()


def test_a_good_import_task_writes_the_scores(township_round, assessor_a, village_a1, tmp_path):
    path = template_for(tmp_path, township_round, assessor_a)
    fill(path, {(village_a1.code, "SJ01"): 2})
    job = job_services.job_create(
        actor=assessor_a,
        kind=Kind.IMPORT_SCORES,
        parameters={"round": township_round.pk, "stage": "township"},
        upload=SimpleUploadedFile("t.xlsx", path.read_bytes()),
    )
    assert tasks.import_scores(job.pk) == "succeeded"
    job.refresh_from_db()
    assert job.counts["created"] == 1
    assert not job.result_file


def test_an_unexpected_error_fails_the_job_with_a_chinese_message(county_admin, monkeypatch):
    job = _job(county_admin, Kind.EXPORT_REPORT, round=999999)
    assert tasks.export_report(job.pk) == "failed"
    job.refresh_from_db()
    assert job.error_message == "系统内部错误，任务未完成，请联系管理员。"


def test_jobs_are_enqueued_after_commit(
    township_round, county_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        job = job_services.job_create(
            actor=county_admin,
            kind=Kind.EXPORT_REPORT,
            parameters={"round": township_round.pk},
        )
        assert Job.objects.get(pk=job.pk).status == Job.Status.QUEUED  # not before commit
    assert len(callbacks) == 1
    assert Job.objects.get(pk=job.pk).status == Job.Status.SUCCEEDED  # eager, in-process


def test_roles_that_may_not_start_a_job_are_refused(reviewer, assessor_a):
    with pytest.raises(NotPermitted):
        job_services.job_create(actor=reviewer, kind=Kind.IMPORT_SCORES, parameters={})
    with pytest.raises(NotPermitted):
        job_services.job_create(actor=assessor_a, kind=Kind.IMPORT_ORGANIZATIONS, parameters={})


def test_expired_result_files_are_deleted(township_round, county_admin, media_root):
    job = _job(county_admin, Kind.EXPORT_REPORT, round=township_round.pk)
    tasks.export_report(job.pk)
    job.refresh_from_db()
    stored = Path(job.result_file.path)
    assert stored.exists()

    assert job_services.jobs_expire(now=timezone.now()) == 0  # not yet
    assert job_tasks.jobs_expire.run() == 0
    assert job_services.jobs_expire(now=job.expires_at + timedelta(seconds=1)) == 1

    job.refresh_from_db()
    assert not stored.exists()
    assert not job.result_file
    assert not job.result_available


# --- pages --------------------------------------------------------------------------------


def test_upload_page_starts_an_import_and_the_status_page_shows_the_errors(
    client, township_round, assessor_a, village_a1, tmp_path, django_capture_on_commit_callbacks
):
    client.force_login(assessor_a)
    url = reverse("job_scores_upload", args=[township_round.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "镇街初评" in page.content.decode()

    path = template_for(tmp_path, township_round, assessor_a)
    fill(path, {(village_a1.code, "SJ01"): 99})
    with django_capture_on_commit_callbacks(execute=True), path.open("rb") as f:
        response = client.post(url, {"stage": "township", "action": "import", "file": f})
    job = Job.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("job_status", args=[job.pk])

    status = client.get(response.url)
    text = status.content.decode()
    assert "失败" in text
    assert "超过该项最高分" in text
    assert "七道江村" in text


def test_status_page_polls_with_htmx_until_finished_then_links_the_download(
    client, township_round, county_admin
):
    client.force_login(county_admin)
    job = _job(county_admin, Kind.EXPORT_REPORT, round=township_round.pk)
    running = client.get(reverse("job_status", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in running
    assert "htmx.min.js" in running

    tasks.export_report(job.pk)
    partial = client.get(reverse("job_status", args=[job.pk]), HTTP_HX_REQUEST="true")
    text = partial.content.decode()
    assert "hx-trigger" not in text
    assert "<html" not in text
    download = reverse("job_download", args=[job.pk])
    assert download in text
    response = client.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:2] == b"PK"


def test_template_and_report_buttons_start_jobs(
    client, township_round, assessor_a, django_capture_on_commit_callbacks
):
    client.force_login(assessor_a)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("job_scores_upload", args=[township_round.pk]),
            {"stage": "township", "action": "template"},
        )
        client.post(reverse("job_report_export", args=[township_round.pk]))
    kinds = dict(Job.objects.values_list("kind", "status"))
    assert kinds == {
        Kind.EXPORT_TEMPLATE: Job.Status.SUCCEEDED,
        Kind.EXPORT_REPORT: Job.Status.SUCCEEDED,
    }
    report = Job.objects.get(kind=Kind.EXPORT_REPORT)
    assert report.parameters["township"] == assessor_a.organization.code


def test_job_pages_check_who_is_asking(
    client, township_round, county_admin, assessor_a, assessor_b, reviewer
):
    job = _job(assessor_a, Kind.EXPORT_REPORT, round=township_round.pk)
    status = reverse("job_status", args=[job.pk])
    assert client.get(status).status_code == 302  # anonymous → login
    client.force_login(assessor_b)
    assert client.get(status).status_code == 404  # someone else's job
    assert client.get(reverse("job_download", args=[job.pk])).status_code == 404
    client.force_login(reviewer)
    upload = reverse("job_scores_upload", args=[township_round.pk])
    assert client.get(upload).status_code == 403
    client.force_login(assessor_a)
    assert client.get(reverse("job_organizations_upload")).status_code == 403
    assert client.post(upload, {"stage": "county", "action": "import"}).status_code == 400
    assert client.delete(status).status_code == 405


def _org_file(
    tmp_path, rows, header=("区划代码", "名称", "类型", "上级代码", "党组织类型", "书记姓名")
):
    wb = openpyxl.Workbook()
    wb.active.append(list(header))
    for row in rows:
        wb.active.append(row)
    path = tmp_path / "o.xlsx"
    wb.save(path)
    return path


def _post_file(client, url, path, callbacks):
    with callbacks(execute=True), path.open("rb") as f:
        return client.post(url, {"file": f})


def test_organization_upload_previews_then_imports_on_confirmation(
    client, county_admin, county, township_a, tmp_path, django_capture_on_commit_callbacks
):
    path = _org_file(tmp_path, [["220602100203", "新村", "村", township_a.code, "党支部", "钱"]])
    client.force_login(county_admin)

    response = _post_file(
        client, reverse("job_organizations_upload"), path, django_capture_on_commit_callbacks
    )

    assert response.status_code == 302
    preview = Job.objects.get()
    assert preview.kind == Kind.PREVIEW_ORGANIZATIONS
    assert preview.status == Job.Status.SUCCEEDED, preview.error_message
    assert not Organization.objects.filter(code="220602100203").exists()  # nothing yet
    confirm = reverse("organizations_confirm", args=[preview.pk])
    assert confirm in client.get(response.url).content.decode()
    page = client.get(confirm).content.decode()
    assert "新增 <strong>1</strong>" in page and "220602100203 新村" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(confirm)

    job = Job.objects.get(kind=Kind.IMPORT_ORGANIZATIONS)
    assert response.status_code == 302
    assert job.status == Job.Status.SUCCEEDED, job.error_message
    assert job.counts["created"] == 1
    assert Organization.objects.filter(code="220602100203", is_active=True).exists()


def test_a_header_only_organization_file_changes_nothing_on_the_web(
    client,
    county_admin,
    county,
    village_a1,
    village_a2,
    tmp_path,
    django_capture_on_commit_callbacks,
):
    client.force_login(county_admin)
    _post_file(
        client,
        reverse("job_organizations_upload"),
        _org_file(tmp_path, []),
        django_capture_on_commit_callbacks,
    )
    job = Job.objects.get()
    assert job.status == Job.Status.FAILED
    assert "没有任何组织数据" in job.errors[0]["message"]
    assert (
        Organization.objects.filter(pk__in=[village_a1.pk, village_a2.pk], is_active=True).count()
        == 2
    )


def test_deactivating_most_of_a_county_needs_the_explicit_checkbox(
    client,
    county_admin,
    county,
    township_a,
    village_a1,
    village_a2,
    tmp_path,
    django_capture_on_commit_callbacks,
):
    path = _org_file(tmp_path, [[village_a1.code, village_a1.name, "村", township_a.code, "", ""]])
    client.force_login(county_admin)
    _post_file(
        client, reverse("job_organizations_upload"), path, django_capture_on_commit_callbacks
    )
    preview = Job.objects.get()
    assert preview.counts["deactivated"] == 1 and preview.counts["needs_confirmation"] is True
    confirm = reverse("organizations_confirm", args=[preview.pk])
    assert "confirm_deactivation" in client.get(confirm).content.decode()

    refused = client.post(confirm)

    assert refused.status_code == 400 and "确认停用" in refused.content.decode()
    village_a2.refresh_from_db()
    assert village_a2.is_active is True
    with django_capture_on_commit_callbacks(execute=True):
        client.post(confirm, {"confirm_deactivation": "1"})
    village_a2.refresh_from_db()
    assert village_a2.is_active is False


def test_organization_errors_name_columns_in_chinese_and_refuse_formula_names(
    client,
    county_admin,
    county,
    township_a,
    village_a1,
    tmp_path,
    django_capture_on_commit_callbacks,
):
    path = _org_file(
        tmp_path,
        [[village_a1.code, '=HYPERLINK("http://x","点我")', "村", township_a.code, "", "", -1]],
        header=("区划代码", "名称", "类型", "上级代码", "党组织类型", "书记姓名", "党员人数"),
    )
    client.force_login(county_admin)
    response = _post_file(
        client, reverse("job_organizations_upload"), path, django_capture_on_commit_callbacks
    )
    job = Job.objects.get()
    fields = {e["field"] for e in job.errors}
    assert fields == {"名称", "党员人数"}
    text = client.get(response.url).content.decode()
    assert "member_count" not in text and "党员人数" in text
    village_a1.refresh_from_db()
    assert not village_a1.name.startswith("=")


def test_the_blank_organization_template_downloads(client, county_admin, county, assessor_a):
    client.force_login(county_admin)
    response = client.get(reverse("organizations_template"))
    assert response.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    assert [c.value for c in wb["组织机构"][1]] == [
        "区划代码",
        "名称",
        "类型",
        "上级代码",
        "党组织类型",
        "书记姓名",
        "党员人数",
    ]
    assert county.code in str(wb["填写说明"]["A3"].value)
    client.force_login(assessor_a)
    assert client.get(reverse("organizations_template")).status_code == 403


def test_an_oversize_upload_states_the_limit(settings, client, township_round, assessor_a):
    settings.EXCEL_MAX_UPLOAD_BYTES = 1024 * 1024
    client.force_login(assessor_a)
    big = SimpleUploadedFile("big.xlsx", b"PK" + b"0" * (2 * 1024 * 1024))
    response = client.post(
        reverse("job_scores_upload", args=[township_round.pk]),
        {"stage": "township", "action": "import", "file": big},
    )
    assert response.status_code == 400
    assert "上限为1 MB" in response.content.decode()


def test_the_upload_page_offers_only_the_stages_the_user_may_score(
    client, township_round, assessor_a
):
    client.force_login(assessor_a)
    text = client.get(reverse("job_scores_upload", args=[township_round.pk])).content.decode()
    assert 'value="township"' in text
    assert 'value="county"' not in text
    assert 'value="self"' not in text


def test_a_township_outside_the_users_scope_fails_the_job_with_a_reason(
    township_round, assessor_a, township_b
):
    job = _job(
        assessor_a,
        Kind.EXPORT_TEMPLATE,
        round=township_round.pk,
        stage="township",
        township=township_b.code,
    )
    assert tasks.export_template(job.pk) == "failed"
    job.refresh_from_db()
    assert township_b.code in job.error_message
    assert not job.result_file


def test_a_failed_job_is_logged_with_its_id_and_reason(county_admin, caplog):
    job = _job(county_admin, Kind.EXPORT_REPORT, round=0, township="")

    def work(job, tmp):
        raise NotPermitted("只有县级管理员可以导出。", [{"field": "round", "message": "无权"}])

    with caplog.at_level("WARNING", logger="jobs.tasks"):
        assert job_tasks.run(job.pk, work) == "failed"

    line = next(r.getMessage() for r in caplog.records if r.name == "jobs.tasks")
    assert f"job {job.pk} (export_report, user {county_admin.pk}) failed" in line
    assert "只有县级管理员可以导出。" in line and "1 problem(s)" in line


def test_a_crashed_job_is_logged_with_its_id_and_the_traceback(county_admin, caplog):
    job = _job(county_admin, Kind.EXPORT_REPORT, round=0, township="")

    def work(job, tmp):
        raise ZeroDivisionError("boom")

    with caplog.at_level("WARNING", logger="jobs.tasks"):
        assert job_tasks.run(job.pk, work) == "failed"

    crashed = [r for r in caplog.records if r.name == "jobs.tasks" and r.exc_info]
    assert crashed and f"job {job.pk}" in crashed[0].getMessage()
    assert Job.objects.get(pk=job.pk).status == Job.Status.FAILED
