"""The roll of the joint review: which departments must give every village a conclusion before
the county stage closes (docs/scoring.md "Gates")."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from assessments.models import ReviewDepartment, Round
from organizations.models import AuditLog, Department, User
from organizations.services import audit_record
from starrating.errors import Conflict, InvalidInput

from .rounds import ensure_round_admin


def review_departments_set(
    *, actor: User, round_: Round, departments: list[str], ip: str | None = None
) -> list[str]:
    """Replace the round's list of reviewing departments (in the given order). Refused once
    the county stage is closed: the gate has been judged on the list as it was."""
    ensure_round_admin(actor, round_)
    errors = [
        {"field": "departments", "value": d, "message": _("部门不存在")}
        for d in departments
        if d not in Department.values
    ]
    if len(set(departments)) != len(departments):
        errors.append({"field": "departments", "message": _("部门重复")})
    if errors:
        raise InvalidInput(_("联审部门有误，未保存。"), errors)
    with transaction.atomic():
        round_.refresh_from_db()
        if round_.status in (
            Round.Status.PUBLICITY,
            Round.Status.PUBLISHED,
            Round.Status.ARCHIVED,
        ):
            raise Conflict(
                _("本轮当前状态（%(s)s）不能再修改联审部门。") % {"s": round_.get_status_display()}
            )
        before = list(
            ReviewDepartment.objects.filter(round=round_).values_list("department", flat=True)
        )
        ReviewDepartment.objects.filter(round=round_).delete()
        ReviewDepartment.objects.bulk_create(
            [
                ReviewDepartment(round=round_, department=d, position=i)
                for i, d in enumerate(departments)
            ]
        )
        if before != departments:
            audit_record(
                actor=actor,
                action=AuditLog.Action.UPDATE,
                obj=round_,
                before={"review_departments": before},
                after={"review_departments": departments},
                ip=ip,
            )
    return departments
