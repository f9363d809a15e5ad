"""Backup and restore: back up, change data and files, restore, and find every result, score,
audit row and uploaded file as it was (SQLite here; PostgreSQL in CI's postgres pass)."""

import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from assessments import services
from assessments.models import Assessment, Round, Score
from organizations.models import AuditLog
from tests.conftest import assessment_of, move_to, submit_county

pytestmark = pytest.mark.django_db(transaction=True)


def snapshot():
    return {
        "results": list(
            Assessment.objects.order_by("pk").values_list("pk", "total", "composite", "level")
        ),
        "scores": list(Score.objects.order_by("pk").values_list("pk", "sheet_id", "points")),
        "audit": list(
            AuditLog.objects.order_by("pk").values_list("pk", "at", "action", "before", "after")
        ),
    }


@pytest.fixture
def scored(round_2024, county_admin, catalogue, village_a1, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    (tmp_path / "media" / "jobs").mkdir(parents=True)
    (tmp_path / "media" / "jobs" / "upload.xlsx").write_bytes(b"uploaded workbook")
    move_to(round_2024, Round.Status.COUNTY_REVIEW)
    submit_county(county_admin, round_2024, village_a1, catalogue)
    return round_2024


def back_up_change_restore(tmp_path, round_, county_admin, village_a1):
    before = snapshot()
    assert before["scores"] and before["audit"] and any(r[3] is not None for r in before["results"])
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", output=str(archive))

    # Change everything: a sheet reopened and rescored, a file gone, another added.
    sheet = assessment_of(round_, village_a1).sheets.get(stage="county")
    services.sheet_return(actor=county_admin, sheet=sheet, reason="复核")
    services.scores_save(
        actor=county_admin,
        assessment=assessment_of(round_, village_a1),
        stage="county",
        scores={"SJ01": "0"},
    )
    media = Path(str(tmp_path / "media"))
    (media / "jobs" / "upload.xlsx").unlink()
    (media / "stray.txt").write_text("after the backup")
    assert snapshot() != before

    call_command("restore", str(archive), yes=True)

    assert snapshot() == before
    assert (media / "jobs" / "upload.xlsx").read_bytes() == b"uploaded workbook"
    assert not (media / "stray.txt").exists()


def test_sqlite_backup_and_restore_round_trip(scored, county_admin, village_a1, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite path")
    back_up_change_restore(tmp_path, scored, county_admin, village_a1)


@pytest.mark.postgres
def test_postgresql_backup_and_restore_round_trip(scored, county_admin, village_a1, tmp_path):
    if connection.vendor != "postgresql" or not shutil.which("pg_dump"):
        pytest.skip("needs PostgreSQL and pg_dump (run with DATABASE_URL=postgres://…)")
    back_up_change_restore(tmp_path, scored, county_admin, village_a1)


def test_restore_asks_for_confirmation(tmp_path):
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(tmp_path / "none.tar.gz"))
