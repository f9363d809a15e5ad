"""Reads of secretary projects and 述职评议, scoped by the user asking: a township sees its own
committee's projects only; another township's or county's project or session is a 404."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from assessments.models import SpotCheck
from ledgers.models import Rectification
from organizations.models import TOWNSHIP_KINDS, Organization, Role, User

from . import policies, rules
from .models import (
    ProgressReport,
    ProjectOption,
    ReviewedSecretary,
    ReviewProblem,
    ReviewQuestion,
    ReviewReportFile,
    ReviewScore,
    ReviewSession,
    SecretaryProject,
)
from .models.reviews import Grade


def due_day() -> int:
    return settings.SECRETARY_REPORT_DUE_DAY


def _scope(user: User) -> Q:
    if not user.is_authenticated or not user.is_active or user.county_id is None:
        return Q(pk__in=[])
    if user.role == Role.TOWNSHIP_ASSESSOR:
        return Q(committee_id=user.organization_id)
    if user.role in (Role.COUNTY_ADMIN, Role.AUDITOR):
        return Q(committee__parent_id=user.county_id)
    return Q(pk__in=[])


def options_for_user(user: User, *, year: int) -> QuerySet[ProjectOption]:
    if not user.is_authenticated or user.county_id is None:
        return ProjectOption.objects.none()
    return ProjectOption.objects.filter(county_id=user.county_id, year=year)


def option_get_for_user(*, user: User, pk) -> ProjectOption:
    option = ProjectOption.objects.filter(county_id=user.county_id, pk=pk).first()
    if option is None or user.county_id is None:
        raise Http404(_("清单项目不存在。"))
    return option


def committees_for_user(user: User) -> QuerySet[Organization]:
    if user.role == Role.TOWNSHIP_ASSESSOR:
        return Organization.objects.filter(pk=user.organization_id)
    if user.county_id is None:
        return Organization.objects.none()
    return Organization.objects.filter(kind__in=TOWNSHIP_KINDS, parent_id=user.county_id)


def projects_for_user(user: User, *, year: int | None = None) -> QuerySet[SecretaryProject]:
    qs = (
        SecretaryProject.objects.filter(_scope(user))
        .select_related("committee", "option")
        .prefetch_related(Prefetch("reports", queryset=ProgressReport.objects.order_by("month")))
    )
    return qs.filter(year=year) if year else qs


def project_get_for_user(*, user: User, pk) -> SecretaryProject:
    project = projects_for_user(user).filter(pk=pk).first()
    if project is None:
        raise Http404(_("书记项目不存在。"))
    return project


def project_spot_checks(project: SecretaryProject) -> QuerySet[SpotCheck]:
    """The assessment spot checks (三随机) of the committee's villages a visit may name."""
    return (
        SpotCheck.objects.filter(assessment__organization__parent_id=project.committee_id)
        .select_related("assessment__organization", "assessment__round")
        .order_by("-assessment__round__year", "draw__superseded_at", "position")
    )


@dataclass(frozen=True)
class Lateness:
    late_reports: int
    owed: list[datetime.date]

    @property
    def is_late(self) -> bool:
        return bool(self.late_reports or self.owed)


def lateness(project: SecretaryProject, *, today: datetime.date) -> Lateness:
    """Reports handed in late, and months owed (past due, no report) since approval, up to
    December of the project's year (docs/scoring.md §10.1). Uses the prefetched reports."""
    reports = list(project.reports.all())
    if project.approved_on is None:
        return Lateness(0, [])
    done = {r.month for r in reports}
    owed = [
        m
        for m in rules.months_owed(
            project.approved_on, datetime.date(project.year, 12, 1), today, due_day()
        )
        if m not in done
    ]
    return Lateness(sum(1 for r in reports if r.is_late), owed)


def dashboard(user: User, *, year: int, today: datetime.date) -> dict:
    """Projects by status, lateness and township (one query for the projects and one for
    their reports, whatever their number)."""
    projects = list(projects_for_user(user, year=year))
    by_status = {s: 0 for s in SecretaryProject.Status.values}
    townships: dict[int, dict] = defaultdict(
        lambda: {"projects": 0, "approved": 0, "late": 0, "graded": 0, "name": ""}
    )
    late = 0
    for p in projects:
        by_status[p.status] += 1
        row = townships[p.committee_id]
        row["name"] = p.committee.name
        row["projects"] += 1
        row["approved"] += p.status in ("approved", "graded")
        row["graded"] += p.status == "graded"
        if lateness(p, today=today).is_late:
            row["late"] += 1
            late += 1
    return {
        "year": year,
        "total": len(projects),
        "by_status": by_status,
        "late": late,
        "townships": [dict(v, id=k) for k, v in sorted(townships.items())],
    }


# --- 述职评议考核 ------------------------------------------------------------------------------


def _session_scope(user: User) -> Q:
    """County admin and auditor: every session of their county; a township: the county's
    township-level sessions (its own row only, below) and its own village-level ones; a village
    secretary: its township's village-level sessions (its own row only)."""
    if not user.is_authenticated or not user.is_active or user.county_id is None:
        return Q(pk__in=[])
    county = Q(county_id=user.county_id)
    if user.role in (Role.COUNTY_ADMIN, Role.AUDITOR):
        return county
    if user.role == Role.TOWNSHIP_ASSESSOR:
        return county & (Q(level="township") | Q(organizer_id=user.organization_id))
    if user.role == Role.VILLAGE_SECRETARY and user.organization is not None:
        return county & Q(level="village", organizer_id=user.organization.parent_id)
    return Q(pk__in=[])


def sessions_for_user(user: User, *, year: int | None = None) -> QuerySet[ReviewSession]:
    qs = ReviewSession.objects.filter(_session_scope(user)).select_related("organizer")
    return qs.filter(year=year) if year else qs


def session_years(user: User, *, exclude: int | None = None) -> list[tuple[int, int]]:
    """(year, number of sessions) of the years the user has sessions in, newest first: the
    list page links to them (last year's closed review is one click away)."""
    rows = (
        ReviewSession.objects.filter(_session_scope(user))
        .exclude(year=exclude)
        .values("year")
        .annotate(n=Count("pk"))
        .order_by("-year")
    )
    return [(r["year"], r["n"]) for r in rows]


def session_get_for_user(*, user: User, pk) -> ReviewSession:
    session = sessions_for_user(user).filter(pk=pk).first()
    if session is None:
        raise Http404(_("述职评议不存在。"))
    return session


def _sees_every_reviewee(user: User, session: ReviewSession) -> bool:
    return user.role in (Role.COUNTY_ADMIN, Role.AUDITOR) or policies.can_manage_review(
        user, session
    )


def reviewees_for_user(user: User, session: ReviewSession) -> QuerySet[ReviewedSecretary]:
    """The session's secretaries the user may see: all for the organizer, the county admin
    and the auditor; a reviewed organization sees only its own secretary."""
    qs = ReviewedSecretary.objects.filter(session=session).select_related("organization")
    if not _sees_every_reviewee(user, session):
        qs = qs.filter(organization_id=user.organization_id)
    return qs.prefetch_related(
        Prefetch("scores", queryset=ReviewScore.objects.order_by("group", "pk")),
        Prefetch("problems", queryset=ReviewProblem.objects.order_by("pk")),
        Prefetch(
            "report_files",
            queryset=ReviewReportFile.objects.filter(is_active=True),
            to_attr="current_report_files",
        ),
        "checks",
    )


def reviewee_get_for_user(*, user: User, pk) -> ReviewedSecretary:
    reviewee = (
        ReviewedSecretary.objects.filter(pk=pk, session__in=sessions_for_user(user))
        .select_related("session", "organization", "session__organizer")
        .first()
    )
    if reviewee is None or not (
        _sees_every_reviewee(user, reviewee.session)
        or reviewee.organization_id == user.organization_id
    ):
        raise Http404(_("述职书记不存在。"))
    return reviewee


def score_get_for_user(*, user: User, pk) -> ReviewScore:
    """A score of a secretary the user may see (else 404)."""
    score = ReviewScore.objects.filter(pk=pk).only("reviewee_id").first()
    if score is None:
        raise Http404(_("测评打分不存在。"))
    reviewee = reviewee_get_for_user(user=user, pk=score.reviewee_id)
    found = ReviewScore.objects.get(pk=pk)
    found.reviewee = reviewee
    return found


def report_file_get_for_user(*, user: User, pk) -> ReviewReportFile:
    """A current report file of a secretary whose review the user may read (else 404):
    the organizer, the county admin, the auditor, the secretary's own organization."""
    row = ReviewReportFile.objects.filter(pk=pk, is_active=True).first()
    if row is None:
        raise Http404(_("述职报告文件不存在。"))
    row.reviewee = reviewee_get_for_user(user=user, pk=row.reviewee_id)
    return row


@dataclass(frozen=True)
class LedgerTally:
    """The 销号 progress of a session's problems: their ledger entries by state."""

    total: int
    closed: int
    open: int
    overdue: int


def ledger_tally(problems, *, today: datetime.date) -> LedgerTally:
    """Counts the prefetched ledger entries of ``problems`` (each once): closed (已销号),
    open (not closed, overdue included) and overdue (past the deadline, not closed)."""
    entries = {e.pk: e for p in problems for e in p.rectifications.all()}.values()
    closed = sum(1 for e in entries if e.is_closed)
    overdue = sum(1 for e in entries if e.is_overdue(today))
    total = len(entries)
    return LedgerTally(total=total, closed=closed, open=total - closed, overdue=overdue)


@dataclass(frozen=True)
class ReviewResult:
    """One secretary's result: live from the scores while the session is open, frozen once it
    is closed (docs/scoring.md §11)."""

    reviewee: ReviewedSecretary
    averages: dict[str, Decimal | None]
    counts: dict[str, int]
    score: Decimal | None
    score_grade: str
    grade: str
    project_grades: list[str]

    @property
    def grade_label(self) -> str:
        return str(Grade(self.grade).label) if self.grade else ""

    @property
    def score_grade_label(self) -> str:
        return str(Grade(self.score_grade).label) if self.score_grade else ""

    @property
    def capped(self) -> bool:
        return bool(self.grade) and self.grade != self.score_grade


def project_grades_of(session: ReviewSession, organization_ids) -> dict[int, list[str]]:
    """The year's 书记项目 year-end grades of each committee (township-level sessions only)."""
    grades: dict[int, list[str]] = defaultdict(list)
    if session.level != ReviewSession.Level.TOWNSHIP:
        return grades
    for committee, grade in SecretaryProject.objects.filter(
        committee_id__in=list(organization_ids), year=session.year, status="graded"
    ).values_list("committee_id", "grade"):
        grades[committee].append(grade)
    return grades


def results(session: ReviewSession, reviewees) -> list[ReviewResult]:
    """Each reviewee's result (the scores prefetched: two queries whatever their number)."""
    reviewees = list(reviewees)
    projects = project_grades_of(session, [r.organization_id for r in reviewees])
    out = []
    for r in reviewees:
        by_group: dict[str, list[Decimal]] = {g: [] for g in rules.GROUPS}
        for s in r.scores.all():
            if s.withdrawn_at is None:  # a withdrawn score is kept but counts no more
                by_group[s.group].append(s.score)
        mine = projects.get(r.organization_id, [])
        if session.is_closed:
            score, score_grade, grade = r.score, r.score_grade, r.grade
        else:
            score, score_grade, grade = rules.review_grade(
                by_group,
                session.weights,
                **session.thresholds,
                project_grades=mine,
                caps=session.caps,
            )
        out.append(
            ReviewResult(
                reviewee=r,
                averages={
                    g: (
                        avg.quantize(rules.CENT)
                        if (avg := rules.group_average(v)) is not None
                        else None
                    )
                    for g, v in by_group.items()
                },
                counts={g: len(v) for g, v in by_group.items()},
                score=score,
                score_grade=score_grade,
                grade=grade,
                project_grades=mine,
            )
        )
    return out


def grade_counts(found: list[ReviewResult]) -> dict[str, int]:
    counts = {g: 0 for g in rules.GRADES}
    for r in found:
        if r.grade:
            counts[r.grade] += 1
    return counts


def problems_for_user(user: User, session: ReviewSession) -> QuerySet[ReviewProblem]:
    """The session's problems the user may see (a reviewed organization: those naming it),
    with their ledger entries for the 销号 tally."""
    qs = ReviewProblem.objects.filter(session=session)
    reviewees = ReviewedSecretary.objects.select_related("organization")
    entries = Rectification.objects.select_related("organization")
    if not _sees_every_reviewee(user, session):
        # A common problem shows its own organization only: nothing of another township's.
        own = user.organization_id
        qs = qs.filter(reviewees__organization_id=own)
        reviewees = reviewees.filter(organization_id=own)
        entries = entries.filter(organization_id=own)
    return qs.prefetch_related(
        Prefetch("reviewees", queryset=reviewees),
        Prefetch("rectifications", queryset=entries),
    ).distinct()


def scores_for_user(user: User, reviewee: ReviewedSecretary) -> list[ReviewScore]:
    """The reviewee's scores, withdrawn ones included (struck through). 现场测评 is anonymous
    to the person reviewed: their own organization sees each score's group, score and comment,
    not who gave it (``reviewer`` blank); the organizer and the county see everything."""
    scores = list(reviewee.scores.select_related("withdrawn_by").order_by("group", "pk"))
    if policies.is_reviewee_own(user, reviewee) and not policies.can_manage_review(
        user, reviewee.session
    ):
        for score in scores:
            score.reviewer = ""
    return scores


def questions_for(session: ReviewSession, reviewee: ReviewedSecretary) -> list[ReviewQuestion]:
    kind = reviewee.organization.kind
    return [q for q in session.questions.all() if q.asks(reviewee, kind)]


def spot_checks_for(reviewee: ReviewedSecretary) -> QuerySet[SpotCheck]:
    """The assessment spot checks (三随机) of the reviewed organization's villages, current
    draws first, that an on-site check may be linked to."""
    org = reviewee.organization
    village = Q(assessment__organization_id=org.pk)
    if org.kind in TOWNSHIP_KINDS:
        village = Q(assessment__organization__parent_id=org.pk)
    return (
        SpotCheck.objects.filter(village, assessment__round__county_id=reviewee.session.county_id)
        .select_related("assessment__organization", "assessment__round", "draw")
        .order_by("-assessment__round__year", "draw__superseded_at", "position")
    )
