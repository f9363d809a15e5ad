"""The 记分手册 workbook of one member or organization for a year: a sheet of monthly sums and a
sheet of every entry (S1). Text is written as text (workbooks.cells): a name never runs as a
formula."""

from __future__ import annotations

import io

import xlsxwriter

from workbooks.cells import WORKBOOK_OPTIONS, put
from workbooks.registry import ReportRows, ReportSheet

from . import rules, selectors

MONTHS = [f"{m}月" for m in range(1, 13)]


def handbook_xlsx(*, title: str, book: dict) -> bytes:
    out = io.BytesIO()
    options = dict(WORKBOOK_OPTIONS, constant_memory=False, in_memory=True)
    wb = xlsxwriter.Workbook(out, options)
    bold = wb.add_format({"bold": True})
    ws = wb.add_worksheet("月度汇总")
    put(ws, 0, 0, f"{book['year']}年创星晋级记分手册：{title}", bold)
    standing = book["standing"]
    put(ws, 1, 0, "当前星级")
    put(ws, 1, 1, standing.stars if standing else 0)
    put(ws, 2, 0, "累计得分")
    put(ws, 2, 1, standing.points if standing else 0)
    put(ws, 3, 0, "减星数")
    put(ws, 3, 1, standing.deducted if standing else 0)
    put(ws, 4, 0, "否决")
    put(ws, 4, 1, bool(standing and standing.vetoed))
    put(ws, 6, 0, "月份", bold)
    put(ws, 6, 1, "得分（已审核）", bold)
    for n, label in enumerate(MONTHS, start=1):
        put(ws, 6 + n, 0, label)
        put(ws, 6 + n, 1, standing.monthly[n] if standing else 0)
    detail = wb.add_worksheet("记分明细")
    headers = [
        "日期",
        "编号",
        "记分项",
        "类型",
        "分值/减星数",
        "所做工作",
        "佐证",
        "状态",
        "记录人",
        "审核人",
    ]
    for col, h in enumerate(headers):
        put(detail, 0, col, h, bold)
    for row, e in enumerate(book["entries"], start=1):
        values = [
            e.occurred_on.isoformat(),
            e.item.code,
            e.item.name,
            e.item.get_kind_display(),
            e.points,
            e.description,
            e.evidence,
            e.get_status_display(),
            e.recorded_by.display_name,
            e.decided_by.display_name if e.decided_by_id else "",
        ]
        for col, value in enumerate(values):
            put(detail, row, col, value)
    wb.close()
    return out.getvalue()


def pay_list_xlsx(*, year: int, data: dict) -> bytes:
    """The finance office's list (S8): each village, its branch's stars and the cadres'
    performance-pay ratio, with the award and 软弱涣散 flags."""
    out = io.BytesIO()
    wb = xlsxwriter.Workbook(out, dict(WORKBOOK_OPTIONS, constant_memory=False, in_memory=True))
    bold = wb.add_format({"bold": True})
    ws = wb.add_worksheet(f"{year}年绩效补贴")
    headers = [
        "乡镇",
        "村（社区）",
        "堡垒星",
        "否决",
        "绩效补贴系数",
        "优先评先评优",
        "软弱涣散候选",
    ]
    for col, h in enumerate(headers):
        put(ws, 0, col, h, bold)
    for row, v in enumerate(data["villages"], start=1):
        for col, value in enumerate(
            [
                v["township"],
                v["name"],
                v["stars"],
                v["vetoed"],
                v["pay_ratio"],
                v["award"],
                v["weak"],
            ]
        ):
            put(ws, row, col, value)
    wb.close()
    return out.getvalue()


# --- the annual report's 奖惩凭星 sheet (workbooks.registry) ---------------------------------

OUTCOME_LABELS = ("堡垒星", "否决", "绩效补贴系数", "优先评先评优", "软弱涣散候选")


def _outcome_values(table, stars: int, vetoed: bool) -> list:
    result = rules.village_outcome(
        stars,
        vetoed,
        table.pay_ratios,
        award_min=table.award_min_stars,
        weak_max=table.weak_max_stars,
    )
    return [
        f"{result.stars}星" if result.stars else "无星",
        "是" if vetoed else None,
        result.pay_ratio,
        "是" if result.award_eligible else None,
        "是" if result.weak_candidate else None,
    ]


def report_outcome_rows(round_, organization_ids) -> ReportRows | None:
    """Each village's 奖惩凭星 outcome (S8/S9) for the annual report, when the round's county
    has a consequence table for the round's year; a village without a 堡垒星 standing stands at
    no star. One query for all villages, streamed."""
    found = selectors.report_outcomes(round_=round_, organization_ids=organization_ids)
    if found is None:
        return None
    table, standings = found
    return ReportRows(
        labels=OUTCOME_LABELS,
        rows=((code, _outcome_values(table, stars, vetoed)) for code, stars, vetoed in standings),
        missing=_outcome_values(table, 0, False),
        widths={4: 8, 5: 6, 6: 12, 7: 12, 8: 12},
    )


OUTCOME_SHEET = ReportSheet(
    key="stars.outcomes", name="奖惩凭星", title="奖惩凭星结果表", rows=report_outcome_rows
)
