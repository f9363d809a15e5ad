"""Reads of the joint review (联查联审): the departments a round needs, their progress over every
village, what is still open for the gate, and clearances in the user's scope."""

from __future__ import annotations

from django.db.models import CharField, QuerySet, Value
from django.http import Http404
from django.utils.translation import gettext as _

from assessments.models import DepartmentClearance, Finding, ReviewDepartment, Round
from organizations.models import Department, User

from .assessments import assessment_scope_q


def review_departments(round_: Round) -> list[str]:
    return list(
        ReviewDepartment.objects.filter(round=round_)
        .order_by("position", "department")
        .values_list("department", flat=True)
    )


def review_conclusions(round_: Round) -> tuple[dict[str, set[int]], dict[str, set[int]]]:
    """(department → assessments it cleared, department → assessments it recorded a finding
    on that was not withdrawn). One query whatever the size of the round."""
    cleared: dict[str, set[int]] = {}
    found: dict[str, set[int]] = {}
    clearances = (
        DepartmentClearance.objects.filter(assessment__round=round_, withdrawn_at__isnull=True)
        .order_by()
        .values_list("assessment_id", "department", Value("c", output_field=CharField()))
    )
    findings = (
        Finding.objects.filter(assessment__round=round_)
        .exclude(status=Finding.Status.WITHDRAWN)
        .order_by()
        .values_list("assessment_id", "department", Value("f", output_field=CharField()))
    )
    for assessment_id, department, kind in clearances.union(findings, all=True):
        (cleared if kind == "c" else found).setdefault(department, set()).add(assessment_id)
    return cleared, found


def review_progress(
    round_: Round,
    *,
    also: tuple[str, ...] = (),
    listed: list[str] | None = None,
    required_only: bool = False,
) -> list[dict]:
    """One row per listed department, in the round's order; a department that has done
    nothing is a row at 0 %, never missing. Departments that recorded something without
    being listed (or named in ``also``: the viewer's own) follow, marked ``required: False``."""
    listed = review_departments(round_) if listed is None else listed
    if required_only and not listed:
        return []
    total = round_.assessments.count()
    cleared, found = review_conclusions(round_)
    extra = (
        [] if required_only else sorted({*cleared, *found, *(d for d in also if d)} - set(listed))
    )
    rows = []
    for department in [*listed, *extra]:
        n = len(cleared.get(department, set()) | found.get(department, set()))
        rows.append(
            {
                "department": department,
                "label": str(Department(department).label)
                if department in Department.values
                else department,
                "required": department in listed,
                "cleared": len(cleared.get(department, ())),
                "found": len(found.get(department, ())),
                "done": n,
                "total": total,
                "left": max(total - n, 0),
                "percent": (100 * n // total) if total else 0,
            }
        )
    return rows


def joint_review_open(round_: Round) -> list[dict]:
    """The listed departments that have not concluded on every village (the gate of
    docs/scoring.md), with how many villages each still owes."""
    return [
        {
            "department": row["department"],
            "department_name": row["label"],
            "left": row["left"],
            "message": str(
                _("%(dept)s还有%(n)d个村未给出审查结论") % {"dept": row["label"], "n": row["left"]}
            ),
        }
        for row in review_progress(round_, required_only=True)
        if row["required"] and row["left"] > 0
    ]


def clearances_for_user(user: User) -> QuerySet[DepartmentClearance]:
    return DepartmentClearance.objects.filter(
        assessment_scope_q(user, prefix="assessment__")
    ).select_related("assessment__organization", "assessment__round", "by", "withdrawn_by")


def clearance_get_for_user(*, user: User, pk) -> DepartmentClearance:
    try:
        return clearances_for_user(user).get(pk=pk)
    except (DepartmentClearance.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
