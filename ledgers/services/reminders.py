"""Reminders of the notification centre, built once a day by a Celery beat task.

Idempotent: a reminder is unique per (user, key, day), so any number of runs on one day adds
each reminder once, and only the newly added ones go to the sender. The sender is pluggable
(``settings.REMINDER_SENDER``): one interface, ``send(reminders)``; the default logs them, an
SMS or 政务微信 gateway can be put in its place later."""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from collections.abc import Iterable
from typing import Protocol

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from assessments.models import Finding, Round, Sheet, Stage
from organizations.models import AuditLog, Role, User
from starrating.errors import NotPermitted

from ..models import Pairing, Rectification, Reminder, VisitProblem

log = logging.getLogger(__name__)

DEADLINE_DAYS = (3, 1)
DUE_DAYS = 7
ACTIVE_ROUND = (
    Round.Status.SELF_ASSESSMENT,
    Round.Status.TOWNSHIP_REVIEW,
    Round.Status.COUNTY_REVIEW,
)


class ReminderSender(Protocol):
    def send(self, reminders: list[Reminder]) -> None: ...


class LoggingSender:
    """The default sender: one log line per reminder (the journal is the outbox)."""

    def send(self, reminders: list[Reminder]) -> None:
        for r in reminders:
            log.info("reminder user=%s kind=%s key=%s %s", r.user_id, r.kind, r.key, r.text)


def sender() -> ReminderSender:
    return import_string(settings.REMINDER_SENDER)()


class _Collector:
    def __init__(self, day: datetime.date) -> None:
        self.day = day
        self.rows: dict[tuple[int, str], Reminder] = {}

    def add(self, users: Iterable[User | int | None], kind: str, key: str, text: str, url: str):
        for user in users:
            if user is None:
                continue
            user_id = user if isinstance(user, int) else user.pk
            self.rows.setdefault(
                (user_id, key),
                Reminder(
                    user_id=user_id,
                    kind=kind,
                    key=key[:100],
                    day=self.day,
                    text=text[:300],
                    url=url,
                ),
            )


def _users(county_id: int, *roles: str) -> list[int]:
    return list(
        User.objects.filter(is_active=True, role__in=roles)
        .filter(organization__pk=county_id)
        .values_list("pk", flat=True)
    )


def _stage_deadlines(c: _Collector, today: datetime.date) -> None:
    for round_ in Round.objects.filter(status__in=ACTIVE_ROUND):
        stage = round_.open_stage
        deadline = round_.deadline_for(stage) if stage else None
        if deadline is None:
            continue
        left = (timezone.localtime(deadline).date() - today).days
        if left not in DEADLINE_DAYS:
            continue
        county = round_.county_id
        if stage == Stage.SELF:
            users = User.objects.filter(
                is_active=True, role=Role.VILLAGE_SECRETARY, organization__parent__parent_id=county
            ).values_list("pk", flat=True)
        elif stage == Stage.TOWNSHIP:
            users = User.objects.filter(
                is_active=True, role=Role.TOWNSHIP_ASSESSOR, organization__parent_id=county
            ).values_list("pk", flat=True)
        else:
            users = _users(county, Role.EVALUATOR, Role.COUNTY_ADMIN)
        c.add(
            list(users),
            Reminder.Kind.STAGE_DEADLINE,
            f"deadline:{round_.pk}:{stage}:{left}",
            _("%(round)s“%(stage)s”还有%(n)s天截止（%(at)s）。")
            % {
                "round": round_.name,
                "stage": Stage(stage).label,
                "n": left,
                "at": timezone.localtime(deadline).strftime("%Y-%m-%d %H:%M"),
            },
            reverse("home"),
        )


def _sheets_returned(c: _Collector, today: datetime.date) -> None:
    since = timezone.now() - datetime.timedelta(days=2)
    returns = AuditLog.objects.filter(
        action=AuditLog.Action.SHEET_REOPEN, object_type=Sheet._meta.label, at__gte=since
    ).values_list("object_id", "pk")
    sheets = Sheet.objects.filter(
        pk__in=[int(i) for i, _pk in returns], status=Sheet.Status.DRAFT
    ).select_related("assessment__organization", "assessment__round")
    for sheet in sheets:
        org = sheet.assessment.organization
        if sheet.stage == Stage.SELF:
            users = User.objects.filter(
                is_active=True, role=Role.VILLAGE_SECRETARY, organization=org
            )
        elif sheet.stage == Stage.TOWNSHIP:
            users = User.objects.filter(
                is_active=True, role=Role.TOWNSHIP_ASSESSOR, organization_id=org.parent_id
            )
        else:
            users = User.objects.filter(
                is_active=True,
                role=Role.EVALUATOR,
                evaluation_groups__round=sheet.assessment.round,
                evaluation_groups__villages=org,
            )
        c.add(
            users,
            Reminder.Kind.SHEET_RETURNED,
            f"returned:{sheet.pk}:{sheet.version}",
            _("%(org)s的“%(stage)s”评分表已被退回，请修改后重新提交。")
            % {"org": org.name, "stage": sheet.get_stage_display()},
            reverse("sheet", args=[sheet.assessment_id, sheet.stage]),
        )


def _findings_to_confirm(c: _Collector, today: datetime.date) -> None:
    pending: dict[int, int] = defaultdict(int)
    rounds: dict[int, int] = {}
    for county, round_id in Finding.objects.filter(
        status=Finding.Status.PENDING, assessment__round__status__in=[*ACTIVE_ROUND, "publicity"]
    ).values_list("assessment__round__county_id", "assessment__round_id"):
        pending[county] += 1
        rounds[county] = round_id
    for county, n in pending.items():
        c.add(
            _users(county, Role.COUNTY_ADMIN),
            Reminder.Kind.FINDING_TO_CONFIRM,
            f"findings:{county}:{n}",
            _("有%(n)s个联审问题待确认。") % {"n": n},
            reverse("findings", args=[rounds[county]]),
        )


def _ledger(c: _Collector, today: datetime.date) -> None:
    entries = (
        Rectification.objects.exclude(status=Rectification.Status.CLOSED)
        .filter(deadline__lte=today + datetime.timedelta(days=DUE_DAYS))
        .select_related("organization__parent")
    )
    entries = list(entries)
    leaders = {
        (p.organization_id): p.leader_user_id
        for p in Pairing.objects.filter(
            organization_id__in={e.organization_id for e in entries}, year=today.year
        )
    }
    secretaries: dict[int, list[int]] = defaultdict(list)
    assessors: dict[int, list[int]] = defaultdict(list)
    for pk, role, org_id in User.objects.filter(
        is_active=True, role__in=[Role.VILLAGE_SECRETARY, Role.TOWNSHIP_ASSESSOR]
    ).values_list("pk", "role", "organization_id"):
        (secretaries if role == Role.VILLAGE_SECRETARY else assessors)[org_id].append(pk)
    overdue_by_county: dict[int, int] = defaultdict(int)
    for e in entries:
        org = e.organization
        overdue = e.is_overdue(today)
        users = [
            *secretaries.get(org.pk, []),
            *assessors.get(e.township.pk, []),
            leaders.get(org.pk),
        ]
        if overdue:
            overdue_by_county[e.township.parent_id] += 1
            kind, key = Reminder.Kind.LEDGER_OVERDUE, f"overdue:{e.pk}"
            text = _("%(org)s的整改事项已逾期%(n)s天：%(p)s") % {
                "org": org.name,
                "n": (today - e.deadline).days,
                "p": e.problem[:60],
            }
        else:
            kind, key = Reminder.Kind.LEDGER_DUE, f"due:{e.pk}"
            text = _("%(org)s的整改事项%(n)s天后到期：%(p)s") % {
                "org": org.name,
                "n": (e.deadline - today).days,
                "p": e.problem[:60],
            }
        c.add(users, kind, key, text, reverse("ledger_detail", args=[e.pk]))
    for county, n in overdue_by_county.items():
        c.add(
            _users(county, Role.COUNTY_ADMIN),
            Reminder.Kind.LEDGER_OVERDUE,
            f"overdue:county:{county}:{n}",
            _("全县有%(n)s条整改台账已逾期。") % {"n": n},
            reverse("ledger_list") + "?status=overdue",
        )


def _visits_unassigned(c: _Collector, today: datetime.date) -> None:
    by_county: dict[int, int] = defaultdict(int)
    for p in VisitProblem.objects.filter(rectification__isnull=True).select_related(
        "visit", "organization"
    ):
        by_county[p.visit.county_id] += 1
        c.add(
            [p.visit.recorded_by_id],
            Reminder.Kind.VISIT_UNASSIGNED,
            f"visit_problem:{p.pk}",
            _("督导发现%(org)s的问题尚未建立整改台账：%(d)s")
            % {"org": p.organization.name, "d": p.description[:60]},
            reverse("visit_detail", args=[p.visit_id]),
        )
    for county, n in by_county.items():
        c.add(
            _users(county, Role.COUNTY_ADMIN),
            Reminder.Kind.VISIT_UNASSIGNED,
            f"visit_problems:{county}:{n}",
            _("督导发现的%(n)s个问题尚未建立整改台账。") % {"n": n},
            reverse("visit_list"),
        )


def reminders_build(*, today: datetime.date | None = None) -> int:
    """Build today's reminders for every role; returns how many were new."""
    today = today or timezone.localdate()
    c = _Collector(today)
    for part in (
        _stage_deadlines,
        _sheets_returned,
        _findings_to_confirm,
        _ledger,
        _visits_unassigned,
    ):
        part(c, today)
    with transaction.atomic():
        existing = set(
            Reminder.objects.filter(day=today, user_id__in={u for u, _k in c.rows}).values_list(
                "user_id", "key"
            )
        )
        new = [r for (u, k), r in c.rows.items() if (u, k[:100]) not in existing]
        Reminder.objects.bulk_create(new, ignore_conflicts=True)
    if new:
        sender().send(new)
        Reminder.objects.filter(
            day=today, sent_at__isnull=True, key__in=[r.key for r in new]
        ).update(sent_at=timezone.now())
    return len(new)


def reminder_mark_read(*, actor: User, reminder_ids: list[int] | None = None) -> int:
    """Mark the user's own reminders read (all unread ones when no ids are given)."""
    if not actor.is_authenticated:
        raise NotPermitted(_("请先登录。"))
    qs = Reminder.objects.filter(user=actor, read_at__isnull=True)
    if reminder_ids is not None:
        qs = qs.filter(pk__in=reminder_ids)
    return qs.update(read_at=timezone.now())
