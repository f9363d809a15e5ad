"""Reminders: built once a day whatever the number of runs, each role sees only its own, and
the sender is pluggable."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from ledgers import services, tasks
from ledgers.models import Rectification, Reminder
from tests.support.web import as_user

pytestmark = pytest.mark.django_db

SENT: list = []


class ListSender:
    def send(self, reminders):
        SENT.extend(reminders)


def test_built_once_per_day_whatever_the_number_of_runs(
    settings, entry, entry_b, secretary_a1, assessor_a, assessor_b, county_admin, today
):
    settings.REMINDER_SENDER = "tests.ledgers.test_reminders.ListSender"
    SENT.clear()
    Rectification.objects.filter(pk=entry.pk).update(deadline=today - datetime.timedelta(days=2))
    Rectification.objects.filter(pk=entry_b.pk).update(deadline=today + datetime.timedelta(days=7))
    first = services.reminders_build(today=today)
    assert first > 0 and len(SENT) == first
    assert services.reminders_build(today=today) == 0
    assert tasks.reminders_build() == 0  # the beat task, run again
    assert Reminder.objects.count() == first and len(SENT) == first
    assert Reminder.objects.filter(user=secretary_a1, kind="ledger_overdue").exists()
    assert Reminder.objects.filter(user=assessor_b, kind="ledger_due").exists()
    assert not Reminder.objects.filter(user=assessor_b, key=f"overdue:{entry.pk}").exists()
    assert Reminder.objects.filter(user=county_admin, kind="ledger_overdue").exists()
    # The next day builds that day's reminders again.
    assert services.reminders_build(today=today + datetime.timedelta(days=1)) > 0


def test_stage_deadline_and_findings_to_confirm(
    round_2024, county_admin, secretary_a1, reviewer, today
):
    from assessments import services as assessment_services
    from tests.conftest import assessment_of

    round_2024.self_deadline = timezone.make_aware(
        datetime.datetime.combine(today + datetime.timedelta(days=3), datetime.time(18))
    )
    round_2024.save()
    assessment_services.finding_create(
        actor=reviewer,
        assessment=assessment_of(round_2024, secretary_a1.organization),
        item_code="JX01",
        evidence="x",
    )
    services.reminders_build(today=today)
    assert Reminder.objects.filter(user=secretary_a1, kind="stage_deadline").exists()
    assert Reminder.objects.filter(user=county_admin, kind="finding_to_confirm").exists()
    assert not Reminder.objects.filter(user=reviewer).exists()


def test_each_user_sees_and_reads_only_their_own(client, entry, secretary_a1, assessor_a, today):
    Rectification.objects.filter(pk=entry.pk).update(deadline=today + datetime.timedelta(days=3))
    services.reminders_build(today=today)
    mine = Reminder.objects.get(user=secretary_a1)
    theirs = Reminder.objects.get(user=assessor_a)
    as_user(client, secretary_a1)
    page = client.get(reverse("reminder_list"))
    assert list(page.context["reminders"]) == [mine]
    assert "3天后到期" in page.content.decode()
    assert client.get(reverse("reminder_count")).content.decode().strip().endswith("</span>")
    client.post(reverse("reminder_read"), {"id": [mine.pk, theirs.pk]})
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.read_at and theirs.read_at is None
    assert client.get(reverse("reminder_read")).status_code == 405
    client.logout()
    assert client.get(reverse("reminder_list")).status_code == 302


def test_unassigned_visit_problems_remind_the_recorder(county_admin, village_a1, today):
    services.visit_create(
        actor=county_admin,
        visited_on=today,
        visitors="王部长",
        organizations=[village_a1],
        method="on_site",
        problems=[(village_a1, "阵地标识不规范")],
    )
    services.reminders_build(today=today)
    assert Reminder.objects.filter(user=county_admin, kind="visit_unassigned").count() == 2


def test_build_reminders_command(entry, today):
    import io

    from django.core.management import call_command

    Rectification.objects.filter(pk=entry.pk).update(deadline=today)
    out = io.StringIO()
    call_command("build_reminders", stdout=out)
    call_command("build_reminders", stdout=out)
    assert "新增提醒 0 条" in out.getvalue()
    assert Reminder.objects.filter(kind="ledger_due").count() == 1  # the assessor of A
