"""Reads of the ledgers, visits, pairings, evidence and reminders, scoped by the user: another
township's entry or file is not found (404), never "forbidden"."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import BooleanField, Case, Count, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.selectors import (
    assessment_get_for_user,
    assessments_for_user,
    finding_get_for_user,
    objection_get_for_user,
    objections_for_user,
)
from indicators.models import Category, Item
from organizations.models import TOWNSHIP_KINDS, Role, User
from organizations.selectors import COUNTY_WIDE_ROLES, village_scope_q, villages_for_user
from starrating.errors import InvalidInput

from .models import (
    EvidenceFile,
    Pairing,
    Rectification,
    Reminder,
    SupervisionVisit,
    VisitProblem,
)
from .models.rectifications import OVERDUE

STATUS_FILTERS = ("open", "in_progress", "closed", OVERDUE)


# An item is weak below this share of its maximum (a category: below its pass line, rule 6).
WEAK_ITEM_SHARE = Decimal("0.6")


def _get(qs: QuerySet, pk):
    try:
        return qs.get(pk=pk)
    except (qs.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def overdue_q(today: datetime.date) -> Q:
    """Not closed and past its deadline: the deadline day itself is still on time."""
    return Q(deadline__lt=today) & ~Q(status=Rectification.Status.CLOSED)


def ledger_scope_q(user: User) -> Q:
    """The rectifications ``user`` may see: their villages' (``village_scope_q``) and, since
    township secretaries' 述职评议 problems go on the ledger, the township entries of their
    county (county-wide roles, evaluators) or their own township (township assessor)."""
    villages = village_scope_q(user, prefix="organization__")
    if not user.is_authenticated or not user.is_active or user.organization_id is None:
        return villages
    if user.role in COUNTY_WIDE_ROLES or user.role == Role.EVALUATOR:
        return villages | Q(
            organization__kind__in=TOWNSHIP_KINDS, organization__parent_id=user.organization_id
        )
    if user.role == Role.TOWNSHIP_ASSESSOR:
        return villages | Q(organization_id=user.organization_id)
    return villages


def rectifications_for_user(
    user: User, *, today: datetime.date | None = None
) -> QuerySet[Rectification]:
    today = today or timezone.localdate()
    return (
        Rectification.objects.filter(ledger_scope_q(user))
        .annotate(
            overdue=Case(
                When(overdue_q(today), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .select_related(
            "organization",
            "organization__parent",
            "assessment__round",
            "recorded_by",
            "closed_by",
            "item",
            "category",
        )
    )


def rectification_get_for_user(*, user: User, pk) -> Rectification:
    return _get(rectifications_for_user(user), pk)


def rectifications_filtered(
    user: User,
    *,
    township: int | None = None,
    village: int | None = None,
    status: str = "",
    source: str = "",
    department: str = "",
    today: datetime.date | None = None,
) -> QuerySet[Rectification]:
    """The ledger list: overdue first, then by deadline."""
    today = today or timezone.localdate()
    qs = rectifications_for_user(user, today=today)
    if township:
        qs = qs.filter(Q(organization__parent_id=township) | Q(organization_id=township))
    if village:
        qs = qs.filter(organization_id=village)
    if status == OVERDUE:
        qs = qs.filter(overdue_q(today))
    elif status in ("open", "in_progress"):
        qs = qs.filter(status=status).exclude(overdue_q(today))
    elif status == "closed":
        qs = qs.filter(status=status)
    if source:
        qs = qs.filter(source=source)
    if department:
        qs = qs.filter(
            organization__pairings__department=department,
            organization__pairings__year=today.year,
        )
    return qs.order_by("-overdue", "status", "deadline", "pk")


def ledger_counts(user: User, *, today: datetime.date | None = None) -> dict[str, int]:
    """Counts for the dashboard and the home page, in one query."""
    today = today or timezone.localdate()
    soon = today + datetime.timedelta(days=7)
    closed = Q(status=Rectification.Status.CLOSED)
    counts = Rectification.objects.filter(ledger_scope_q(user)).aggregate(
        total=Count("pk"),
        closed=Count("pk", filter=closed),
        overdue=Count("pk", filter=overdue_q(today)),
        due_soon=Count("pk", filter=~closed & Q(deadline__gte=today, deadline__lte=soon)),
        in_progress=Count("pk", filter=Q(status="in_progress") & ~overdue_q(today)),
        open=Count("pk", filter=Q(status="open") & ~overdue_q(today)),
    )
    return counts


def open_rectifications_of(village_id: int) -> QuerySet[Rectification]:
    """What a village still has to fix, whatever the year it was found (carried into the next
    round's village page). The caller has scoped the village."""
    today = timezone.localdate()
    return (
        Rectification.objects.filter(organization_id=village_id)
        .exclude(status=Rectification.Status.CLOSED)
        .annotate(
            overdue=Case(
                When(overdue_q(today), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .select_related("assessment__round")
        .order_by("-overdue", "deadline", "pk")
    )


# --- visits ---------------------------------------------------------------------------------


def visits_for_user(user: User) -> QuerySet[SupervisionVisit]:
    """County roles see the county's visits; a township or village those that went there."""
    if not user.is_authenticated or not user.is_active or user.county_id is None:
        return SupervisionVisit.objects.none()
    qs = SupervisionVisit.objects.filter(county_id=user.county_id)
    if user.role in COUNTY_WIDE_ROLES or user.role == Role.EVALUATOR:
        return qs
    if user.role in (Role.TOWNSHIP_ASSESSOR, Role.VILLAGE_SECRETARY):
        ids = SupervisionVisit.organizations.through.objects.filter(
            village_scope_q(user, prefix="organization__")
        ).values("supervisionvisit_id")
        return qs.filter(pk__in=ids)
    return SupervisionVisit.objects.none()


def visit_get_for_user(*, user: User, pk) -> SupervisionVisit:
    return _get(visits_for_user(user), pk)


def visit_problem_get_for_user(*, user: User, pk) -> VisitProblem:
    qs = VisitProblem.objects.filter(
        visit__in=visits_for_user(user).values("pk"),
    ).filter(village_scope_q(user, prefix="organization__"))
    return _get(qs.select_related("visit", "organization__parent", "rectification"), pk)


def visit_counts(user: User) -> dict:
    """Visits per township and per visitor (the visitors text, as recorded)."""
    visits = visits_for_user(user)
    per_township = list(
        SupervisionVisit.organizations.through.objects.filter(
            supervisionvisit__in=visits.values("pk")
        )
        .values("organization__parent__name")
        .annotate(visits=Count("supervisionvisit", distinct=True))
        .order_by("-visits", "organization__parent__name")
    )
    per_visitor = list(
        visits.values("visitors").annotate(visits=Count("pk")).order_by("-visits", "visitors")
    )
    problems = VisitProblem.objects.filter(visit__in=visits.values("pk")).aggregate(
        total=Count("pk"), unassigned=Count("pk", filter=Q(rectification__isnull=True))
    )
    return {
        "visits": sum(r["visits"] for r in per_visitor),
        "problems": problems["total"],
        "unassigned": problems["unassigned"],
        "per_township": per_township,
        "per_visitor": per_visitor,
    }


# --- pairings -------------------------------------------------------------------------------


def pairings_for_user(user: User) -> QuerySet[Pairing]:
    return Pairing.objects.filter(village_scope_q(user, prefix="organization__")).select_related(
        "organization", "organization__parent", "leader_user"
    )


def pairing_departments(user: User, year: int) -> list[str]:
    return list(
        pairings_for_user(user)
        .filter(year=year)
        .order_by("department")
        .values_list("department", flat=True)
        .distinct()
    )


def pairing_of(village_id: int, year: int) -> Pairing | None:
    """The village's pairing of ``year``, or the latest earlier one."""
    return (
        Pairing.objects.filter(organization_id=village_id, year__lte=year)
        .select_related("leader_user")
        .order_by("-year")
        .first()
    )


# --- evidence -------------------------------------------------------------------------------


def evidence_for_user(user: User) -> QuerySet[EvidenceFile]:
    """Files of the villages in the user's scope; an objection's files only for those who see
    the objection (its lodger and the county's staff), not the village it names."""
    return (
        EvidenceFile.objects.filter(is_active=True)
        .filter(
            (Q(objection__isnull=True) & village_scope_q(user, prefix="organization__"))
            | Q(objection__in=objections_for_user(user).values("pk"))
        )
        .select_related("uploaded_by", "item")
    )


def evidence_get_for_user(*, user: User, pk) -> EvidenceFile:
    return _get(evidence_for_user(user), pk)


def evidence_target_for_user(
    user: User,
    *,
    assessment=None,
    item: str = "",
    finding=None,
    rectification=None,
    visit=None,
    organization=None,
    objection=None,
) -> dict:
    """The objects an evidence file attaches to, from their ids (an item: its code in the
    assessment's catalogue), each through the user's scope (out of scope: 404). Whether
    exactly one target is given is the upload service's rule."""
    found: dict = {}
    if assessment is not None:
        found["assessment"] = assessment_get_for_user(user=user, pk=assessment)
        found["item"] = Item.objects.filter(
            catalogue_id=found["assessment"].round.catalogue_id, code=item or ""
        ).first()
        if found["item"] is None:
            raise InvalidInput(
                _("不是本轮的指标。"),
                [{"field": "item", "value": item, "message": _("不是本轮的指标")}],
            )
    if finding is not None:
        found["finding"] = finding_get_for_user(user=user, pk=finding)
    if rectification is not None:
        found["rectification"] = rectification_get_for_user(user=user, pk=rectification)
    if objection is not None:
        found["objection"] = objection_get_for_user(user=user, pk=objection)
    if visit is not None:
        found["visit"] = visit_get_for_user(user=user, pk=visit)
        found["organization"] = (
            villages_for_user(user).filter(pk=organization).first()
            if organization is not None
            else None
        )
    return found


def evidence_of_target(user: User, target: dict) -> QuerySet[EvidenceFile]:
    """The active files of one target (as ``evidence_target_for_user`` returns it)."""
    qs = evidence_for_user(user)
    if "item" in target:
        return qs.filter(assessment=target["assessment"], item=target["item"])
    for name in ("finding", "rectification", "visit", "objection"):
        if name in target:
            qs = qs.filter(**{name: target[name]})
            if name == "visit" and target.get("organization") is not None:
                qs = qs.filter(organization=target["organization"])
            return qs
    return qs.none()


def evidence_by_item(user: User, assessment_id: int) -> dict[int, list[EvidenceFile]]:
    """item id → files attached to that item of the assessment's sheets, in one query."""
    found: dict[int, list[EvidenceFile]] = {}
    for f in evidence_for_user(user).filter(assessment_id=assessment_id, item__isnull=False):
        found.setdefault(f.item_id, []).append(f)
    return found


# --- reminders ------------------------------------------------------------------------------


def reminders_for_user(user: User) -> QuerySet[Reminder]:
    if not user.is_authenticated:
        return Reminder.objects.none()
    return Reminder.objects.filter(user=user)


def unread_reminder_count(user: User) -> int:
    return reminders_for_user(user).filter(read_at__isnull=True).count()


def weak_villages(user: User, round_, code: str) -> list[dict]:
    """短板弱项 of one category or item over the round's villages the user may see: those below
    the pass line (a category) or 60 % of the maximum (an item), weakest first, with whether an
    open entry already tracks it. Two queries whatever the size."""
    category = Category.objects.filter(catalogue_id=round_.catalogue_id, code=code).first()
    item = (
        None
        if category is not None
        else Item.objects.filter(catalogue_id=round_.catalogue_id, code=code).first()
    )
    if category is None and item is None:
        raise Http404
    line = (
        category.resolved_pass_points(round_.pass_ratio)
        if category
        else WEAK_ITEM_SHARE * item.max_points
    )
    rows = []
    for a in assessments_for_user(user, round_=round_).order_by("code"):
        values = (a.category_scores if category else a.item_points) or {}
        got = values.get(code)
        if got is not None and Decimal(got) < line:
            rows.append({"assessment": a, "points": got})
    tracked = set(
        Rectification.objects.filter(
            assessment__round=round_,
            assessment_id__in=[r["assessment"].pk for r in rows],
            category=category,
            item=item,
        )
        .exclude(status=Rectification.Status.CLOSED)
        .values_list("assessment_id", flat=True)
    )
    for r in rows:
        r["tracked"] = r["assessment"].pk in tracked
    rows.sort(key=lambda r: Decimal(r["points"]))
    return [{"subject": category or item, "line": line, **r} for r in rows]
