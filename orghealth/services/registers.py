"""County-level registers: the county's thresholds, 换届 dates, Party body-type adjustments,
and the daily 换届 reminders (docs/scoring.md §9)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ledgers.models import Reminder
from ledgers.services.reminders import sender
from organizations.models import AuditLog, Organization, Role, User
from organizations.services import audit_record
from starrating.errors import Conflict, NotPermitted

from .. import policies, rules, selectors
from ..models import BodyAdjustment, Election, HealthSettings
from .common import Problems, snapshot

SETTINGS_FIELDS = (
    "term_years",
    "remind_days",
    "committee_above",
    "branch_below",
    "max_average_age",
)


def settings_save(*, actor: User, ip: str | None = None, **fields) -> HealthSettings:
    """The county admin sets the county's term, reminder window, body thresholds, age limit."""
    if not policies.can_manage(actor) or actor.county_id is None:
        raise NotPermitted(_("只有县级管理员可以修改组织建设设置。"))
    p = Problems()
    p.unknown(fields, SETTINGS_FIELDS)
    current = selectors.settings_for(actor.county_id)
    values = {
        "term_years": p.integer(fields, "term_years", _("任期"), low=1, high=10),
        "remind_days": p.integer(fields, "remind_days", _("提醒天数"), low=0, high=366),
        "committee_above": p.integer(
            fields, "committee_above", _("设党委人数"), low=1, high=100000
        ),
        "branch_below": p.integer(fields, "branch_below", _("设支部人数"), low=1, high=100000),
    }
    try:
        age = Decimal(str(fields.get("max_average_age", "")).strip())
        if (
            not age.is_finite()
            or not Decimal("18") <= age <= Decimal("99")
            or age != age.quantize(Decimal("0.1"))
        ):
            raise InvalidOperation
        values["max_average_age"] = age
    except (InvalidOperation, ValueError):
        p.add("max_average_age", _("平均年龄上限应为18到99之间、最多一位小数的数"))
    if (
        values["branch_below"] is not None
        and values["committee_above"] is not None
        and values["branch_below"] >= values["committee_above"]
    ):
        p.add("branch_below", _("设支部人数应小于设党委人数"))
    p.raise_if_any(_("组织建设设置填写有误。"))
    with transaction.atomic():
        before = snapshot(current, SETTINGS_FIELDS) if current.pk else None
        row, _created = HealthSettings.objects.update_or_create(
            county_id=actor.county_id, defaults=values
        )
        audit_record(
            actor=actor,
            action=AuditLog.Action.UPDATE if before else AuditLog.Action.CREATE,
            obj=row,
            before=before,
            after=snapshot(row, SETTINGS_FIELDS),
            ip=ip,
        )
    return row


ELECTION_FIELDS = ("elected_on", "term_years", "note")


def election_record(
    *, actor: User, organization: Organization, ip: str | None = None, **fields
) -> Election:
    """Record a 换届选举 of a township or village organization; the term defaults to the
    county's. A date in the future or a second election on one day is refused."""
    if not policies.can_register(actor, organization):
        raise NotPermitted(_("您无权登记该党组织的换届。"))
    p = Problems()
    p.unknown(fields, ELECTION_FIELDS)
    elected_on = p.date(fields, "elected_on", _("换届日期"))
    term = p.integer(fields, "term_years", _("任期"), low=1, high=10, required=False)
    note = p.text(fields, "note", _("备注"), max_length=200, required=False)
    if elected_on and elected_on > timezone.localdate():
        p.add("elected_on", _("换届日期不能晚于今天"), elected_on)
    p.raise_if_any(_("换届记录填写有误。"))
    if Election.objects.filter(organization=organization, elected_on=elected_on).exists():
        raise Conflict(_("该党组织在这一天已有换届记录。"))
    term = term or selectors.settings_for(policies.county_of(organization)).term_years
    with transaction.atomic():
        election = Election.objects.create(
            organization=organization,
            elected_on=elected_on,
            term_years=term,
            note=note,
            recorded_by=actor,
        )
        audit_record(
            actor=actor,
            action=AuditLog.Action.CREATE,
            obj=election,
            after=snapshot(election, ("organization", "elected_on", "term_years", "note")),
            ip=ip,
        )
    return election


ADJUST_FIELDS = ("to_body", "adjusted_on", "reason")


def body_adjust(
    *, actor: User, organization: Organization, ip: str | None = None, **fields
) -> BodyAdjustment:
    """Change an organization's Party body type (党总支 → 党委 …) and record why, with the member
    count at the time; the organization's own ``party_body`` follows."""
    if not (policies.can_manage(actor) and policies.in_reach(actor, organization)):
        raise NotPermitted(_("只有县级管理员可以调整党组织设置。"))
    p = Problems()
    p.unknown(fields, ADJUST_FIELDS)
    to_body = p.choice(fields, "to_body", _("调整后的类型"), Organization.PartyBody)
    adjusted_on = p.date(fields, "adjusted_on", _("调整日期"))
    reason = p.text(fields, "reason", _("调整依据"), max_length=200)
    if to_body and to_body == organization.party_body:
        p.add("to_body", _("调整后的类型与现有类型相同"), to_body)
    p.raise_if_any(_("党组织设置调整填写有误。"))
    with transaction.atomic():
        locked = Organization.objects.select_for_update().get(pk=organization.pk)
        adjustment = BodyAdjustment.objects.create(
            organization=locked,
            from_body=locked.party_body,
            to_body=to_body,
            member_count=locked.member_count,
            adjusted_on=adjusted_on,
            reason=reason,
            recorded_by=actor,
        )
        Organization.objects.filter(pk=locked.pk).update(party_body=to_body)
        audit_record(
            actor=actor,
            action=AuditLog.Action.UPDATE,
            obj=locked,
            before={"party_body": adjustment.from_body},
            after={"party_body": to_body},
            reason=reason,
            ip=ip,
        )
        audit_record(
            actor=actor,
            action=AuditLog.Action.CREATE,
            obj=adjustment,
            after=snapshot(
                adjustment, ("organization", "from_body", "to_body", "member_count", "adjusted_on")
            ),
            ip=ip,
        )
    organization.party_body = to_body
    return adjustment


def election_reminders_build(*, today: datetime.date | None = None) -> int:
    """The daily 换届 reminders in the notification centre: each township assessor for their own
    township's organizations due soon or overdue, and the county admins with the county's
    overdue count ("23 of 474"). Idempotent: a reminder is unique per user, subject and day."""
    today = today or timezone.localdate()
    rows: dict[tuple[int, str], Reminder] = {}

    def add(user_ids, key: str, text: str, url: str) -> None:
        for uid in user_ids:
            rows.setdefault(
                (uid, key),
                Reminder(
                    user_id=uid,
                    kind=Reminder.Kind.ELECTION_DUE,
                    key=key[:100],
                    day=today,
                    text=text[:300],
                    url=url,
                ),
            )

    url = reverse("health_elections")
    assessors: dict[int, list[int]] = defaultdict(list)
    for pk, org_id in User.objects.filter(is_active=True, role=Role.TOWNSHIP_ASSESSOR).values_list(
        "pk", "organization_id"
    ):
        assessors[org_id].append(pk)
    for admin in User.objects.filter(is_active=True, role=Role.COUNTY_ADMIN).select_related(
        "organization"
    ):
        rows_, counts = selectors.election_rows(admin, today=today)
        if counts[rules.OVERDUE]:
            add(
                [admin.pk],
                f"elections:{admin.organization_id}:{counts[rules.OVERDUE]}",
                _("全县%(n)s个党组织中有%(o)s个逾期未换届。")
                % {"n": counts["total"], "o": counts[rules.OVERDUE]},
                url + "?status=overdue",
            )
        for row in rows_:
            if row.status not in (rules.OVERDUE, rules.DUE_SOON):
                continue
            org = row.organization
            township_id = org.pk if org.is_township_level else org.parent_id
            text = (
                _("%(org)s已逾期未换届（应于%(due)s前换届）。")
                if row.status == rules.OVERDUE
                else _("%(org)s将于%(due)s换届到期，请做好准备。")
            ) % {"org": org.name, "due": row.due_on.isoformat()}
            add(assessors.get(township_id, []), f"election:{org.pk}:{row.status}", text, url)
    with transaction.atomic():
        existing = set(
            Reminder.objects.filter(day=today, user_id__in={u for u, _k in rows}).values_list(
                "user_id", "key"
            )
        )
        new = [r for (u, k), r in rows.items() if (u, k[:100]) not in existing]
        Reminder.objects.bulk_create(new, ignore_conflicts=True)
    if new:
        sender().send(new)
    return len(new)
