"""Reads of secretary projects, scoped by the user asking: a township sees its own committee's
projects only; another township's or county's project is a 404."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from organizations.models import TOWNSHIP_KINDS, Organization, Role, User

from . import rules
from .models import ProgressReport, ProjectOption, SecretaryProject


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
