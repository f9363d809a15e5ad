"""PostgreSQL refuses UPDATE and DELETE on the audit log whoever asks (raw SQL included), except
the purge path for rows past retention."""

from datetime import timedelta
from unittest import mock

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from organizations.models import AUDIT_RETENTION_DAYS, AuditLog
from organizations.services import audit_purge, audit_record

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("the trigger is PostgreSQL's (run with DATABASE_URL=postgres://…)")


def row(actor, obj, days_ago=0):
    with mock.patch("django.utils.timezone.now", return_value=timezone.now() - timedelta(days_ago)):
        return audit_record(actor=actor, action=AuditLog.Action.UPDATE, obj=obj)


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE organizations_auditlog SET reason = %s WHERE id = %s",
        "DELETE FROM organizations_auditlog WHERE id = %s AND %s IS NOT NULL",
    ],
    ids=["update", "delete"],
)
def test_raw_sql_cannot_change_or_delete_a_row(county_admin, village_a1, sql):
    entry = row(county_admin, village_a1, days_ago=400)  # even an old row

    params = ["x", entry.pk] if sql.startswith("UPDATE") else [entry.pk, "x"]
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, params)

    entry = AuditLog.objects.get(pk=entry.pk)
    assert entry.reason == ""


def test_the_purge_setting_does_not_release_young_rows(county_admin, village_a1):
    young = row(county_admin, village_a1, days_ago=AUDIT_RETENTION_DAYS - 2)

    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("SELECT set_config('starrating.audit_purge', 'on', true)")
        cursor.execute("DELETE FROM organizations_auditlog WHERE id = %s", [young.pk])

    assert AuditLog.objects.filter(pk=young.pk).exists()


def test_the_purge_deletes_old_rows_through_the_trigger(county_admin, village_a1):
    old = row(county_admin, village_a1, days_ago=AUDIT_RETENTION_DAYS + 3)
    young = row(county_admin, village_a1, days_ago=1)

    assert audit_purge(days=AUDIT_RETENTION_DAYS) == 1

    assert not AuditLog.objects.filter(pk=old.pk).exists()
    assert AuditLog.objects.filter(pk=young.pk).exists()
