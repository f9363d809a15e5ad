"""The audit log is append-only (等保2.0 安全审计 c), records security events with the address,
and is purged only past its retention period."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from organizations.models import AUDIT_RETENTION_DAYS, AppendOnlyError, AuditLog
from organizations.services import audit_purge, audit_record

pytestmark = pytest.mark.django_db


def recorded(actor, obj, at=None):
    """One audit row, recorded at ``at`` (auto_now_add reads the clock)."""
    with mock.patch("django.utils.timezone.now", return_value=at or timezone.now()):
        return audit_record(actor=actor, action=AuditLog.Action.UPDATE, obj=obj, after={"x": 1})


# --- append-only --------------------------------------------------------------------------


def test_a_stored_row_cannot_be_saved_again(county_admin, village_a1):
    entry = recorded(county_admin, village_a1)
    entry.reason = "tampered"

    with pytest.raises(AppendOnlyError):
        entry.save()

    assert AuditLog.objects.get(pk=entry.pk).reason == ""


def test_a_row_cannot_be_deleted(county_admin, village_a1):
    entry = recorded(county_admin, village_a1)

    with pytest.raises(AppendOnlyError):
        entry.delete()

    assert AuditLog.objects.filter(pk=entry.pk).exists()


@pytest.mark.parametrize(
    "call",
    [
        lambda qs: qs.update(reason="x"),
        lambda qs: qs.delete(),
        lambda qs: qs.bulk_update(list(qs), ["reason"]),
        lambda qs: qs.update_or_create(pk=qs[0].pk, defaults={"reason": "x"}),
    ],
    ids=["update", "delete", "bulk_update", "update_or_create"],
)
def test_the_queryset_refuses_changes(county_admin, village_a1, call):
    recorded(county_admin, village_a1)

    with pytest.raises(AppendOnlyError):
        call(AuditLog.objects.all())

    assert AuditLog.objects.get().reason == ""


def test_the_admin_offers_no_change_or_delete(client, county_admin, village_a1):
    county_admin.is_staff = True
    county_admin.save()
    entry = recorded(county_admin, village_a1)
    client.force_login(county_admin)

    url = reverse("admin:organizations_auditlog_delete", args=[entry.pk])
    response = client.post(url, {"post": "yes"})

    assert response.status_code == 403
    assert AuditLog.objects.filter(pk=entry.pk).exists()


# --- scope: county and village --------------------------------------------------------------


def test_rows_carry_the_county_and_village_of_their_object(
    county_admin, county, township_a, village_a1
):
    on_village = recorded(county_admin, village_a1)
    on_township = recorded(county_admin, township_a)

    assert (on_village.county_id, on_village.village_id) == (county.pk, village_a1.pk)
    assert (on_township.county_id, on_township.village_id) == (county.pk, None)


# --- retention ------------------------------------------------------------------------------


def test_purge_deletes_only_rows_past_retention(county_admin, village_a1):
    now = timezone.now()
    old = recorded(county_admin, village_a1, at=now - timedelta(days=AUDIT_RETENTION_DAYS + 5))
    kept = recorded(county_admin, village_a1, at=now - timedelta(days=AUDIT_RETENTION_DAYS - 1))

    deleted = audit_purge(days=AUDIT_RETENTION_DAYS)

    assert deleted == 1
    assert not AuditLog.objects.filter(pk=old.pk).exists()
    assert AuditLog.objects.filter(pk=kept.pk).exists()
    purge = AuditLog.objects.get(action=AuditLog.Action.AUDIT_PURGE)
    assert purge.after == {"deleted": 1, "days": AUDIT_RETENTION_DAYS}


def test_purge_refuses_a_period_shorter_than_retention(county_admin, village_a1):
    recorded(county_admin, village_a1, at=timezone.now() - timedelta(days=100))

    with pytest.raises(CommandError, match="184"):
        call_command("purge_audit", days=AUDIT_RETENTION_DAYS - 1)
    with pytest.raises(AppendOnlyError):
        AuditLog.objects.purge_older_than(timezone.now() - timedelta(days=10))

    assert AuditLog.objects.count() == 1


def test_purge_command_reports_what_it_deleted(county_admin, village_a1, capsys):
    recorded(county_admin, village_a1, at=timezone.now() - timedelta(days=400))

    call_command("purge_audit")

    assert "已删除 1 条" in capsys.readouterr().out
    assert list(AuditLog.objects.values_list("action", flat=True)) == ["audit_purge"]
