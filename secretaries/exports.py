"""The year's secretary projects as a workbook: projects (status, lateness, grade) and their
monthly reports. Text cells go through ``workbooks.cells.put`` (never a formula)."""

from __future__ import annotations

import datetime
import io

import xlsxwriter
from django.utils.translation import gettext as _

from organizations.models import User
from workbooks.cells import WORKBOOK_OPTIONS, formats, put, write_header

from . import selectors


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
