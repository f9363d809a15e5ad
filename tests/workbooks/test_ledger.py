"""The 整改台账 export: the user's scope, overdue first with the computed status, the approver;
started as a job from the ledger page."""

from __future__ import annotations

import datetime

import openpyxl
import pytest
from django.urls import reverse

from jobs.models import Job
from ledgers import services
from ledgers.models import Rectification
from tests.support.web import as_user
from workbooks import ledger

pytestmark = pytest.mark.django_db


def _entry(actor, village, problem, deadline):
    return services.rectification_create(
        actor=actor,
        organization=village,
        problem=problem,
        measures="m",
        deadline=deadline,
        responsible_person="r",
    )


def test_export_is_scoped_and_puts_overdue_first(
    tmp_path, assessor_a, assessor_b, county_admin, village_a1, village_a2, village_b1
):
    on = datetime.date(2026, 6, 1)
    later = _entry(assessor_a, village_a1, "later", "2026-12-31")
    late = _entry(assessor_a, village_a2, "late", "2026-12-31")
    Rectification.objects.filter(pk=late.pk).update(deadline=datetime.date(2026, 5, 31))
    _entry(assessor_b, village_b1, "other township", "2026-12-31")
    services.rectification_close(actor=county_admin, entry=later, closure_evidence="到位")
    counts = ledger.ledger_export(tmp_path / "l.xlsx", user=assessor_a, on=on)
    assert counts == {"rectifications": 2}
    ws = openpyxl.load_workbook(tmp_path / "l.xlsx")["整改台账"]
    assert [ws["D4"].value, ws["J4"].value] == ["late", "已逾期"]
    assert [ws["D5"].value, ws["J5"].value, ws["L5"].value] == ["later", "已销号", "组织部管理员"]


def test_a_township_entry_is_listed_under_its_own_township(
    tmp_path, assessor_a, county_admin, township_a, village_a1
):
    """A 述职评议 entry of a township itself (issue 16): its township column is the township,
    not the county above it."""
    _entry(assessor_a, village_a1, "village", "2026-12-31")
    services.rectification_create(
        actor=county_admin,
        organization=township_a,
        source=Rectification.Source.REVIEW,
        problem="township",
        measures="m",
        deadline="2026-12-31",
        responsible_person="r",
    )
    ledger.ledger_export(tmp_path / "l.xlsx", user=county_admin, on=datetime.date(2026, 6, 1))
    ws = openpyxl.load_workbook(tmp_path / "l.xlsx")["整改台账"]
    rows = {ws[f"D{r}"].value: (ws[f"B{r}"].value, ws[f"C{r}"].value) for r in (4, 5)}
    assert rows == {
        "village": (township_a.name, village_a1.name),
        "township": (township_a.name, township_a.name),
    }


def test_export_job_from_the_page(
    client, assessor_a, village_a1, secretary_a1, media_root, django_capture_on_commit_callbacks
):
    _entry(assessor_a, village_a1, "p", "2030-01-01")
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(client, assessor_a).post(reverse("job_ledger_export"), {"status": ""})
    assert response.status_code == 302
    job = Job.objects.get()
    job.refresh_from_db()
    assert job.kind == "export_ledger" and job.status == Job.Status.SUCCEEDED
    assert job.counts["rectifications"] == 1
    assert as_user(client, secretary_a1).post(reverse("job_ledger_export")).status_code == 403
    assert client.get(reverse("job_ledger_export")).status_code == 405
