"""The 记分手册 workbook of one member or organization for a year: a sheet of monthly sums and a
sheet of every entry (S1). Text is written as text (workbooks.cells): a name never runs as a
formula."""

from __future__ import annotations

import io

import xlsxwriter

from workbooks.cells import WORKBOOK_OPTIONS, put

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
