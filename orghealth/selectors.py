"""Reads of organization health, scoped by the user asking (another township's or county's
organization is a 404). Rules come from ``orghealth.rules``; nothing here writes."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils.translation import gettext as _

from assessments import selectors as core_selectors
from assessments.models import Assessment, Round
from indicators.models import Item
from organizations.models import (
    TOWNSHIP_KINDS,
    VILLAGE_KINDS,
    Organization,
    RatingTarget,
    Role,
    User,
)
from organizations.selectors import village_scope_q
from stars import selectors as star_selectors

from . import rules
from .models import (
    FLAG_LABELS,
    STATUS_LABELS,
    BodyAdjustment,
    Commitment,
    CommitteeMember,
    Election,
    HealthSettings,
    Posting,
    WeakDesignation,
    WeakDismissal,
)

TEAM_STAR = "队伍星"
# An annual rating's results count for 软弱涣散 suggestions once they are public.
PUBLIC_STATUSES = (Round.Status.PUBLICITY, Round.Status.PUBLISHED, Round.Status.ARCHIVED)


def settings_for(county_id: int | None) -> HealthSettings:
    """The county's thresholds, or the defaults (unsaved) until the county sets its own."""
    found = HealthSettings.objects.filter(county_id=county_id).first() if county_id else None
    return found or HealthSettings(county_id=county_id)


def organizations_for_user(user: User) -> QuerySet[Organization]:
    """The Party organizations of health records: the townships and villages in reach."""
    if not user.is_authenticated or not user.is_active or user.county_id is None:
        return Organization.objects.none()
    villages = Q(kind__in=VILLAGE_KINDS) & village_scope_q(user)
    if user.role == Role.VILLAGE_SECRETARY:
        townships = Q(pk__in=[])
    elif user.role == Role.TOWNSHIP_ASSESSOR:
        townships = Q(pk=user.organization_id)
    else:
        townships = Q(kind__in=TOWNSHIP_KINDS, parent_id=user.county_id)
    return Organization.objects.filter(villages | townships, is_active=True).select_related(
        "parent"
    )


def villages_for_user(user: User) -> QuerySet[Organization]:
    return organizations_for_user(user).filter(kind__in=VILLAGE_KINDS)


def organization_get_for_user(*, user: User, pk) -> Organization:
    org = organizations_for_user(user).filter(pk=pk).first()
    if org is None:
        raise Http404(_("组织不存在。"))
    return org


def village_get_for_user(*, user: User, pk) -> Organization:
    org = villages_for_user(user).filter(pk=pk).first()
    if org is None:
        raise Http404(_("村（社区）不存在。"))
    return org


def _scoped(qs: QuerySet, user: User) -> QuerySet:
    return qs.filter(organization__in=organizations_for_user(user).values("pk"))


def _get(qs: QuerySet, user: User, pk, label: str):
    row = _scoped(qs, user).filter(pk=pk).first()
    if row is None:
        raise Http404(label)
    return row


# --- 换届 ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ElectionRow:
    organization: Organization
    elected_on: datetime.date | None
    term_years: int | None
    due_on: datetime.date | None
    status: str

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])


def election_rows(
    user: User, *, today: datetime.date, status: str = ""
) -> tuple[list[ElectionRow], dict[str, int]]:
    """Every organization in reach with its last election, due date and status, overdue first;
    and the counts by status (the seed's "23 of 474" is ``counts["overdue"]`` of
    ``counts["total"]``). One query whatever the number of organizations."""
    remind = settings_for(user.county_id).remind_days
    last = Election.objects.filter(organization=OuterRef("pk")).order_by("-elected_on")
    orgs = organizations_for_user(user).annotate(
        last_on=Subquery(last.values("elected_on")[:1]),
        last_term=Subquery(last.values("term_years")[:1]),
    )
    rows = []
    for org in orgs:
        due = rules.election_due(org.last_on, org.last_term) if org.last_on else None
        rows.append(
            ElectionRow(
                org, org.last_on, org.last_term, due, rules.election_status(due, today, remind)
            )
        )
    order = [rules.OVERDUE, rules.DUE_SOON, rules.UNRECORDED, rules.ON_TERM]
    rows.sort(
        key=lambda r: (order.index(r.status), r.due_on or datetime.date.max, r.organization.code)
    )
    counts = {s: sum(1 for r in rows if r.status == s) for s in order} | {"total": len(rows)}
    if status in order:
        rows = [r for r in rows if r.status == status]
    return rows, counts


def elections_for_user(user: User) -> QuerySet[Election]:
    return _scoped(Election.objects.all(), user).select_related("organization", "recorded_by")


# --- Party body type ------------------------------------------------------------------------


@dataclass(frozen=True)
class BodyFlag:
    organization: Organization
    suggested: str

    @property
    def suggested_label(self) -> str:
        return str(Organization.PartyBody(self.suggested).label)


def body_flags(user: User) -> list[BodyFlag]:
    """Organizations whose body type the member count no longer fits (county thresholds)."""
    s = settings_for(user.county_id)
    flags = []
    for org in organizations_for_user(user):
        wanted = rules.suggested_body(
            org.party_body,
            org.member_count,
            committee_above=s.committee_above,
            branch_below=s.branch_below,
        )
        if wanted:
            flags.append(BodyFlag(org, wanted))
    return flags


def body_adjustments_for_user(user: User) -> QuerySet[BodyAdjustment]:
    return _scoped(BodyAdjustment.objects.all(), user).select_related(
        "organization__parent", "recorded_by"
    )


# --- 双承诺 ---------------------------------------------------------------------------------


def commitments_for_user(user: User, *, year: int | None = None) -> QuerySet[Commitment]:
    qs = _scoped(Commitment.objects.all(), user).select_related("organization__parent")
    return qs.filter(year=year) if year else qs


def commitment_get_for_user(*, user: User, pk) -> Commitment:
    return _get(
        Commitment.objects.select_related("organization__parent"), user, pk, _("承诺不存在。")
    )


def commitment_rates(user: User, *, year: int) -> dict[str, dict]:
    """Made, done and the rate per kind (the seed: 党组织 297 / 256 → 86.2 %)."""
    counts = (
        commitments_for_user(user, year=year)
        .order_by()
        .values("kind")
        .annotate(made=Count("pk"), done=Count("pk", filter=Q(done_on__isnull=False)))
    )
    by_kind = {c["kind"]: c for c in counts}
    result = {}
    for kind in Commitment.Kind:
        c = by_kind.get(kind.value, {"made": 0, "done": 0})
        result[kind.value] = {
            "label": str(kind.label),
            "made": c["made"],
            "done": c["done"],
            "rate": rules.rate(c["done"], c["made"]),
        }
    return result


# --- 驻村力量 -------------------------------------------------------------------------------


def postings_for_user(user: User) -> QuerySet[Posting]:
    return (
        _scoped(Posting.objects.all(), user)
        .select_related("organization__parent")
        .prefetch_related("extensions")
    )


def posting_get_for_user(*, user: User, pk) -> Posting:
    return _get(
        Posting.objects.select_related("organization__parent"), user, pk, _("派驻记录不存在。")
    )


# --- 两委 roster ----------------------------------------------------------------------------


def members_for_user(user: User, *, village: Organization | None = None) -> QuerySet:
    qs = _scoped(CommitteeMember.objects.all(), user).select_related("organization__parent")
    return qs.filter(organization=village) if village is not None else qs


def member_get_for_user(*, user: User, pk) -> CommitteeMember:
    return _get(
        CommitteeMember.objects.select_related("organization__parent"), user, pk, _("成员不存在。")
    )


@dataclass(frozen=True)
class TeamFacts:
    facts: rules.RosterFacts
    max_average_age: Decimal
    flag_labels: list[str]
    items: list[Item]


def team_facts(village: Organization, *, today: datetime.date) -> TeamFacts:
    """The serving 两委 members' facts, and the 队伍星 items of the county's latest round they
    stand beside (the village is already in the caller's scope)."""
    county_id = village.parent.parent_id
    s = settings_for(county_id)
    serving = CommitteeMember.objects.filter(organization=village, left_on__isnull=True)
    facts = rules.roster_facts(
        [m.as_person() for m in serving], today=today, max_average_age=s.max_average_age
    )
    latest = (
        Round.objects.filter(county_id=county_id, target=RatingTarget.VILLAGE)
        .select_related("catalogue")
        .order_by("-year", "-pk")
        .first()
    )
    items: list[Item] = []
    if latest:  # (a frozen catalogue from memory)
        for category in core_selectors.round_categories(latest):
            if category.name == TEAM_STAR:
                items += category.catalogue_items
        items.sort(key=lambda item: (item.position, item.code))
    labels = [
        str(FLAG_LABELS[f])
        + (f"（{facts.average_age}岁 > {s.max_average_age}岁）" if f == rules.AGE_OVER else "")
        for f in facts.flags
    ]
    return TeamFacts(facts, s.max_average_age, labels, items)


# --- 软弱涣散 -------------------------------------------------------------------------------


def weak_for_user(user: User, *, year: int | None = None) -> QuerySet[WeakDesignation]:
    qs = _scoped(WeakDesignation.objects.all(), user).select_related(
        "organization__parent", "rectification"
    )
    return qs.filter(year=year) if year else qs


def weak_summary(user: User, *, year: int) -> dict[str, int]:
    """Designated and done (整顿完成 = its ledger entry closed); the seed: 5 designated, 2 done."""
    qs = weak_for_user(user, year=year)
    return {
        "designated": qs.count(),
        "done": qs.filter(rectification__status="closed").count(),
    }


def summary(user: User, *, year: int, today: datetime.date) -> dict:
    _rows, counts = election_rows(user, today=today)
    return {
        "year": year,
        "elections": counts,
        "body_flags": len(body_flags(user)),
        "commitments": commitment_rates(user, year=year),
        "postings_active": postings_for_user(user)
        .filter(starts_on__lte=today, ends_on__gte=today)
        .count(),
        "weak": weak_summary(user, year=year),
    }


def weak_suggestions(user: User, *, year: int) -> dict:
    """建议列为软弱涣散 (issue 15 item 3, docs/scoring.md §9): the villages in scope that
    创星晋级 flags (堡垒星 at the county's weak line or below, or vetoed — S9) or that the year's
    annual rating put at one star or none, or vetoed (once its results are public); less those
    already designated that year and those the county dismissed (listed apart, with the reason).
    """
    reasons: dict[int, list[str]] = {}
    for found in star_selectors.weak_candidates(user=user, year=year):
        reasons.setdefault(found["organization_id"], []).append(found["reason"])
    rated = (
        Assessment.objects.filter(
            round__county_id=user.county_id,
            round__year=year,
            round__status__in=PUBLIC_STATUSES,
            organization__in=villages_for_user(user).values("pk"),
            level__isnull=False,
        )
        .filter(Q(level__lte=1) | Q(vetoed=True))
        .values_list("organization_id", "level", "vetoed")
    )
    for org_id, level, vetoed in rated:
        reasons.setdefault(org_id, []).append(
            _("%(y)s年度星级评定被一票否决") % {"y": year}
            if vetoed
            else _("%(y)s年度星级评定%(n)s") % {"y": year, "n": f"{level}星" if level else "无星"}
        )
    designated = set(weak_for_user(user, year=year).values_list("organization_id", flat=True))
    dismissed = list(
        _scoped(WeakDismissal.objects.filter(year=year), user).select_related(
            "organization__parent", "dismissed_by"
        )
    )
    gone = designated | {d.organization_id for d in dismissed}
    villages = {
        v.pk: v
        for v in villages_for_user(user).filter(pk__in=[pk for pk in reasons if pk not in gone])
    }
    rows = [
        {"organization": villages[pk], "reason": "；".join(texts)}
        for pk, texts in reasons.items()
        if pk in villages
    ]
    rows.sort(key=lambda r: r["organization"].code)
    return {"suggestions": rows, "dismissed": dismissed}
