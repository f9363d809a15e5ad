"""The assessments a workbook covers: the round, the user's scope (everything for the command
line) and, if asked, one township."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from assessments import selectors
from assessments.models import Assessment, Round
from organizations.models import Role, User


def scope_q(round_: Round, user: User | None, township_code: str | None, *, prefix: str = "") -> Q:
    """The filter of ``scoped_assessments`` on a model reached through ``prefix``."""
    q = Q(**{f"{prefix}round": round_})
    if user is not None:
        q &= selectors.assessment_scope_q(user, prefix=prefix)
    if township_code:
        # A township round rates the townships themselves: one township is its own row.
        field = "organization__code" if round_.rates_townships else "organization__parent__code"
        q &= Q(**{f"{prefix}{field}": township_code})
    return q


def scoped_assessments(
    round_: Round, user: User | None, township_code: str | None
) -> QuerySet[Assessment]:
    """The round's assessments ``user`` may see (everything for the command line), narrowed
    to one township if asked. A township outside the user's scope is not found."""
    qs = Assessment.objects.filter(scope_q(round_, user, township_code))
    if user is not None and user.role == Role.EVALUATOR:
        qs = qs.distinct()  # the group join could repeat a village
    if township_code and not qs.exists():
        raise Http404(_("镇街代码%(code)s不存在或不在您的范围内") % {"code": township_code})
    return qs
