"""述职评议考核 pages: the sessions, one session (its settings, questions, the secretaries with
score, grade and problems, the problems with their 销号 tally), one secretary (report, answers,
scores, on-site checks). Thin: parse → service or selector → render."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ledgers.views.evidence import private_file_response
from organizations.models import Organization
from secretaries import exports, policies, selectors, services
from secretaries.models import ReviewProblem, ReviewQuestion, ReviewScore, ReviewSession
from secretaries.models.reviews import Grade
from starrating.client import client_ip
from starrating.pages import require_role

from .pages import _fields, _object_write, _write, _year

READ = policies.REVIEW_READ_ROLES
SETTINGS = services.reviews.SETTING_FIELDS
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _list_context(request) -> dict:
    year = _year(request)
    user = request.user
    return {
        "year": year,
        "sessions": selectors.sessions_for_user(user, year=year),
        "may_create_township": policies.can_create_review(user, "township"),
        "may_create_village": policies.can_create_review(user, "village"),
        "may_see_projects": user.has_role(*policies.READ_ROLES),
        "other_years": selectors.session_years(user, exclude=year),
        "grades": Grade.choices,
        "today": timezone.localdate(),
    }


@login_required
@require_GET
def review_list(request: HttpRequest) -> HttpResponse:
    require_role(request.user, READ)
    return render(request, "secretaries/review_list.html", _list_context(request))


@login_required
@require_POST
def review_create(request: HttpRequest) -> HttpResponse:
    require_role(request.user, READ)

    def write():
        session = services.session_create(
            actor=request.user,
            level=request.POST.get("level", ""),
            year=request.POST.get("year"),
            ip=client_ip(request),
            **_fields(request, ("title", "held_on")),
        )
        return _("已创建述职评议，可设置题目后开始评议。"), reverse("sr_detail", args=[session.pk])

    return _write(request, write, "secretaries/review_list.html", lambda: _list_context(request))


def _session_context(request, session: ReviewSession) -> dict:
    user = request.user
    reviewees = selectors.reviewees_for_user(user, session)
    found = selectors.results(session, reviewees)
    problems = list(selectors.problems_for_user(user, session))
    return {
        "session": session,
        "tally": selectors.ledger_tally(problems, today=timezone.localdate()),
        "results": found,
        "counts": selectors.grade_counts(found),
        "questions": list(session.questions.select_related("reviewee__organization")),
        "problems": problems,
        "reviewees": [r.reviewee for r in found],
        "may_manage": policies.can_manage_review(user, session) and not session.is_closed,
        "may_export": user.has_role(*policies.REVIEW_EXPORT_ROLES),
        "grades": Grade.choices,
        "question_kinds": ReviewQuestion.Kind.choices,
        "problem_kinds": ReviewProblem.Kind.choices,
        "domains": [
            (k, label)
            for k, label in Organization.Kind.choices
            if k not in (Organization.Kind.COUNTY, "city", "province")
        ],
        "today": timezone.localdate(),
    }


@login_required
@require_GET
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_role(request.user, READ)
    session = selectors.session_get_for_user(user=request.user, pk=pk)
    return render(request, "secretaries/review_session.html", _session_context(request, session))


def _session_action(request, pk: int, run: Callable, message: str) -> HttpResponse:
    require_role(request.user, READ)
    session = selectors.session_get_for_user(user=request.user, pk=pk)
    return _object_write(
        request,
        session,
        run,
        message,
        "sr_detail",
        "secretaries/review_session.html",
        _session_context,
    )


@login_required
@require_POST
def session_update(request: HttpRequest, pk: int) -> HttpResponse:
    return _session_action(
        request,
        pk,
        lambda s: services.session_update(
            actor=request.user, session=s, ip=client_ip(request), **_fields(request, SETTINGS)
        ),
        _("已保存评议设置。"),
    )


@login_required
@require_POST
def session_open(request: HttpRequest, pk: int) -> HttpResponse:
    return _session_action(
        request,
        pk,
        lambda s: services.session_open(actor=request.user, session=s, ip=client_ip(request)),
        _("述职评议已开始，可以登记测评打分和点评问题。"),
    )


@login_required
@require_POST
def session_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _session_action(
        request,
        pk,
        lambda s: services.session_close(actor=request.user, session=s, ip=client_ip(request)),
        _("述职评议已结束，评议结果已锁定。"),
    )


@login_required
@require_POST
def question_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _session_action(
        request,
        pk,
        lambda s: services.question_add(
            actor=request.user,
            session=s,
            ip=client_ip(request),
            **_fields(request, ("kind", "text", "domain", "reviewee")),
        ),
        _("已添加题目。"),
    )


@login_required
@require_POST
def problem_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _session_action(
        request,
        pk,
        lambda s: services.problem_add(
            actor=request.user,
            session=s,
            reviewees=request.POST.getlist("reviewees"),
            ip=client_ip(request),
            **_fields(request, ("kind", "text", "measures", "deadline")),
        ),
        _("已登记问题并建立整改台账。"),
    )


@login_required
@require_GET
def session_export(request: HttpRequest, pk: int) -> HttpResponse:
    require_role(request.user, policies.REVIEW_EXPORT_ROLES)
    session = selectors.session_get_for_user(user=request.user, pk=pk)
    data = exports.review_workbook(request.user, session, today=timezone.localdate())
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = (
        f'attachment; filename="secretary-review-{session.year}-{session.pk}.xlsx"'
    )
    return response


def _reviewee_context(request, reviewee) -> dict:
    user = request.user
    session = reviewee.session
    reviewee = selectors.reviewees_for_user(user, session).get(pk=reviewee.pk)
    answers = {a.question_id: a for a in reviewee.answers.all()}
    return {
        "session": session,
        "reviewee": reviewee,
        "report_file": next(iter(reviewee.current_report_files), None),
        "scores": selectors.scores_for_user(user, reviewee),
        "result": selectors.results(session, [reviewee])[0],
        "questions": [(q, answers.get(q.pk)) for q in selectors.questions_for(session, reviewee)],
        "problems": list(selectors.problems_for_user(user, session).filter(reviewees=reviewee)),
        "checks": list(
            reviewee.checks.select_related(
                "spot_check__assessment__organization", "spot_check__draw"
            )
        ),
        "spot_checks": list(selectors.spot_checks_for(reviewee)[:50]),
        "groups": ReviewScore.Group.choices,
        "may_manage": policies.can_manage_review(user, session) and not session.is_closed,
        "may_answer": policies.can_answer(user, reviewee) and not session.is_closed,
        "today": timezone.localdate(),
    }


@login_required
@require_GET
def reviewee_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_role(request.user, READ)
    reviewee = selectors.reviewee_get_for_user(user=request.user, pk=pk)
    return render(
        request, "secretaries/review_secretary.html", _reviewee_context(request, reviewee)
    )


def _reviewee_action(request, pk: int, run: Callable, message: str) -> HttpResponse:
    require_role(request.user, READ)
    reviewee = selectors.reviewee_get_for_user(user=request.user, pk=pk)
    return _object_write(
        request,
        reviewee,
        run,
        message,
        "sr_secretary",
        "secretaries/review_secretary.html",
        _reviewee_context,
    )


@login_required
@require_POST
def report_save(request: HttpRequest, pk: int) -> HttpResponse:
    return _reviewee_action(
        request,
        pk,
        lambda r: services.report_save(
            actor=request.user,
            reviewee=r,
            ip=client_ip(request),
            **_fields(request, ("report", "report_evidence")),
        ),
        _("已保存述职报告。"),
    )


@login_required
@require_POST
def answer_save(request: HttpRequest, pk: int) -> HttpResponse:
    return _reviewee_action(
        request,
        pk,
        lambda r: services.answer_save(
            actor=request.user,
            reviewee=r,
            question=request.POST.get("question"),
            text=request.POST.get("text", ""),
            ip=client_ip(request),
        ),
        _("已保存答题。"),
    )


@login_required
@require_POST
def score_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _reviewee_action(
        request,
        pk,
        lambda r: services.score_add(
            actor=request.user,
            reviewee=r,
            ip=client_ip(request),
            **_fields(request, ("group", "reviewer", "score", "comment")),
        ),
        _("已登记测评打分。"),
    )


@login_required
@require_POST
def check_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _reviewee_action(
        request,
        pk,
        lambda r: services.check_add(
            actor=request.user,
            reviewee=r,
            ip=client_ip(request),
            **_fields(request, ("checked_on", "checkers", "findings", "spot_check")),
        ),
        _("已登记实地核查。"),
    )


@login_required
@require_POST
def score_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    require_role(request.user, READ)
    score = selectors.score_get_for_user(user=request.user, pk=pk)
    return _reviewee_action(
        request,
        score.reviewee.pk,
        lambda r: services.score_withdraw(
            actor=request.user,
            score=score,
            reason=request.POST.get("reason", ""),
            ip=client_ip(request),
        ),
        _("已撤回该打分，可重新登记。"),
    )


@login_required
@require_POST
def report_file_upload(request: HttpRequest, pk: int) -> HttpResponse:
    return _reviewee_action(
        request,
        pk,
        lambda r: services.report_file_upload(
            actor=request.user,
            reviewee=r,
            upload=request.FILES.get("file"),
            ip=client_ip(request),
        ),
        _("已上传述职报告文件。"),
    )


@login_required
@require_GET
def report_file_download(request: HttpRequest, pk: int) -> HttpResponse:
    require_role(request.user, READ)
    row = selectors.report_file_get_for_user(user=request.user, pk=pk)
    try:
        handle = row.file.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404 from exc
    services.report_file_download_record(actor=request.user, report_file=row, ip=client_ip(request))
    return private_file_response(handle, name=row.name, kind=row.kind)
