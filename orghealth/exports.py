"""The organization-health workbook: one sheet per register, every text cell written through
``workbooks.cells.put`` (a name such as ``=HYPERLINK(...)`` stays text, never a formula)."""

from __future__ import annotations

import datetime
import io

import xlsxwriter
from django.utils.translation import gettext as _

from organizations.models import Organization, User
from workbooks.cells import WORKBOOK_OPTIONS, formats, put, write_header

from . import selectors


def _sheet(wb, fmt, title: str, labels: list[str], rows: list[list]) -> None:
    ws = wb.add_worksheet(title)
    write_header(ws, fmt, 0, labels, {c: 16 for c in range(len(labels))})
    for r, values in enumerate(rows, start=1):
        for c, value in enumerate(values):
            put(ws, r, c, value, fmt["text"])
    ws.freeze_panes(1, 0)


def _township(org: Organization) -> str:
    return org.name if org.is_township_level else (org.parent.name if org.parent else "")


def health_workbook(user: User, *, year: int, today: datetime.date) -> bytes:
    """换届 · 党组织设置 · 双承诺 · 驻村力量 · 两委班子 · 软弱涣散, as the user may see them."""
    buffer = io.BytesIO()
    options = {k: v for k, v in WORKBOOK_OPTIONS.items() if k != "constant_memory"}
    wb = xlsxwriter.Workbook(buffer, {**options, "in_memory": True})
    fmt = formats(wb)
    elections, _counts = selectors.election_rows(user, today=today)
    _sheet(
        wb,
        fmt,
        _("换届"),
        [_("乡镇"), _("党组织"), _("上次换届"), _("任期（年）"), _("应换届日期"), _("状态")],
        [
            [
                _township(r.organization),
                r.organization.name,
                r.elected_on,
                r.term_years,
                r.due_on,
                r.status_label,
            ]
            for r in elections
        ],
    )
    _sheet(
        wb,
        fmt,
        _("党组织设置"),
        [_("党组织"), _("现类型"), _("党员人数"), _("应设为")],
        [
            [
                f.organization.name,
                f.organization.get_party_body_display(),
                f.organization.member_count,
                f.suggested_label,
            ]
            for f in selectors.body_flags(user)
        ],
    )
    _sheet(
        wb,
        fmt,
        _("双承诺"),
        [
            _("乡镇"),
            _("村（社区）"),
            _("类型"),
            _("承诺党员"),
            _("承诺事项"),
            _("完成日期"),
            _("完成情况"),
        ],
        [
            [
                c.organization.parent.name,
                c.organization.name,
                c.get_kind_display(),
                c.member_name,
                c.content,
                c.done_on,
                c.evidence,
            ]
            for c in selectors.commitments_for_user(user, year=year)
        ],
    )
    _sheet(
        wb,
        fmt,
        _("驻村力量"),
        [
            _("乡镇"),
            _("村（社区）"),
            _("类型"),
            _("姓名"),
            _("派出单位"),
            _("起始"),
            _("截止"),
            _("延长次数"),
        ],
        [
            [
                p.organization.parent.name,
                p.organization.name,
                p.get_kind_display(),
                p.person_name,
                p.unit,
                p.starts_on,
                p.ends_on,
                len(p.extensions.all()),
            ]
            for p in selectors.postings_for_user(user)
        ],
    )
    _sheet(
        wb,
        fmt,
        _("两委班子"),
        [
            _("乡镇"),
            _("村（社区）"),
            _("姓名"),
            _("职务"),
            _("班子"),
            _("性别"),
            _("出生日期"),
            _("学历"),
            _("后备干部"),
            _("离任日期"),
        ],
        [
            [
                m.organization.parent.name,
                m.organization.name,
                m.name,
                m.position,
                m.get_body_display(),
                m.get_gender_display(),
                m.birth_date,
                m.get_education_display(),
                m.is_reserve_cadre,
                m.left_on,
            ]
            for m in selectors.members_for_user(user)
        ],
    )
    _sheet(
        wb,
        fmt,
        _("软弱涣散"),
        [_("乡镇"), _("村（社区）"), _("年度"), _("认定原因"), _("认定日期"), _("整顿台账状态")],
        [
            [
                w.organization.parent.name,
                w.organization.name,
                w.year,
                w.reason,
                w.designated_on,
                w.rectification.effective_status_label,
            ]
            for w in selectors.weak_for_user(user, year=year)
        ],
    )
    wb.close()
    return buffer.getvalue()
