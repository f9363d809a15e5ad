"""The year's secretary projects as a workbook: projects (status, lateness, grade) and their
monthly reports; a 述职评议's results and problem list. Text cells go through
``workbooks.cells.put`` (never a formula)."""

from __future__ import annotations

import datetime
import io

import xlsxwriter
from django.utils.translation import gettext as _

from organizations.models import User
from workbooks.cells import WORKBOOK_OPTIONS, formats, put, write_header

from . import selectors
from .models import ReviewSession
from .models.reviews import Grade


def projects_workbook(user: User, *, year: int, today: datetime.date) -> bytes:
    buffer = io.BytesIO()
    options = {k: v for k, v in WORKBOOK_OPTIONS.items() if k != "constant_memory"}
    wb = xlsxwriter.Workbook(buffer, {**options, "in_memory": True})
    fmt = formats(wb)
    projects = list(selectors.projects_for_user(user, year=year))
    ws = wb.add_worksheet(_("书记项目"))
    labels = [
        _("乡镇（街道）"),
        _("领办书记"),
        _("项目"),
        _("类型"),
        _("项目目标"),
        _("状态"),
        _("月度调度"),
        _("逾期报送"),
        _("欠报月份"),
        _("考核等次"),
        _("考核评语"),
    ]
    write_header(ws, fmt, 0, labels, {c: 16 for c in range(len(labels))})
    for r, p in enumerate(projects, start=1):
        late = selectors.lateness(p, today=today)
        values = [
            p.committee.name,
            p.secretary_name,
            p.option.title,
            p.option.get_kind_display(),
            p.goal,
            p.get_status_display(),
            len(p.reports.all()),
            late.late_reports,
            "、".join(f"{m:%Y-%m}" for m in late.owed),
            p.get_grade_display(),
            p.grade_comment,
        ]
        for c, value in enumerate(values):
            put(ws, r, c, value, fmt["text"])
    ws2 = wb.add_worksheet(_("月度调度"))
    labels = [
        _("乡镇（街道）"),
        _("项目"),
        _("月份"),
        _("进展情况"),
        _("佐证"),
        _("报送日期"),
        _("逾期天数"),
    ]
    write_header(ws2, fmt, 0, labels, {c: 16 for c in range(len(labels))})
    row = 1
    for p in projects:
        for report in p.reports.all():
            values = [
                p.committee.name,
                p.option.title,
                f"{report.month:%Y-%m}",
                report.progress,
                report.evidence,
                report.submitted_on,
                report.days_late,
            ]
            for c, value in enumerate(values):
                put(ws2, row, c, value, fmt["text"])
            row += 1
    wb.close()
    return buffer.getvalue()


def review_workbook(user: User, session: ReviewSession, *, today: datetime.date) -> bytes:
    """One 述职评议: the results (group averages, weighted score, grade, project grades,
    problems) and the problem list with each ledger entry's 销号 status. Scoped like the
    session page: a reviewed organization sees its own row and problems only."""
    buffer = io.BytesIO()
    options = {k: v for k, v in WORKBOOK_OPTIONS.items() if k != "constant_memory"}
    wb = xlsxwriter.Workbook(buffer, {**options, "in_memory": True})
    fmt = formats(wb)
    found = selectors.results(session, selectors.reviewees_for_user(user, session))
    ws = wb.add_worksheet(_("评议结果"))
    labels = [
        _("党组织"),
        _("书记"),
        _("领导平均分"),
        _("党员代表平均分"),
        _("群众代表平均分"),
        _("综合得分"),
        _("按得分等次"),
        _("评议等次"),
        _("书记项目考核"),
        _("点评问题"),
        _("实地核查"),
    ]
    write_header(ws, fmt, 0, labels, {c: 14 for c in range(len(labels))})
    grade_label = dict(Grade.choices)
    for r, result in enumerate(found, start=1):
        reviewee = result.reviewee
        values = [
            reviewee.organization.name,
            reviewee.secretary_name,
            result.averages["leaders"],
            result.averages["members"],
            result.averages["public"],
            result.score,
            result.score_grade_label,
            result.grade_label,
            "、".join(str(grade_label.get(g, g)) for g in result.project_grades),
            len(reviewee.problems.all()),
            len(reviewee.checks.all()),
        ]
        for c, value in enumerate(values):
            put(ws, r, c, value, fmt["text"])
    ws2 = wb.add_worksheet(_("问题清单"))
    labels = [
        _("类型"),
        _("问题"),
        _("整改要求"),
        _("整改时限"),
        _("涉及党组织"),
        _("台账条数"),
        _("已销号"),
        _("逾期"),
    ]
    write_header(ws2, fmt, 0, labels, {c: 16 for c in range(len(labels))})
    for r, problem in enumerate(selectors.problems_for_user(user, session), start=1):
        entries = list(problem.rectifications.all())
        values = [
            problem.get_kind_display(),
            problem.text,
            problem.measures,
            problem.deadline.isoformat(),
            "、".join(x.organization.name for x in problem.reviewees.all()),
            len(entries),
            sum(1 for e in entries if e.is_closed),
            sum(1 for e in entries if e.is_overdue(today)),
        ]
        for c, value in enumerate(values):
            put(ws2, r, c, value, fmt["text"])
    wb.close()
    return buffer.getvalue()
