"""The score-sheet template: one worksheet per township, a row per village, a column per item,
with data validation, a frozen header and an instructions sheet."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import IO, Any

import xlsxwriter
from django.utils.translation import gettext as _

from assessments.models import Round, Score, Stage
from indicators.models import Item
from organizations.models import Role, User

from .cells import WORKBOOK_OPTIONS, formats, put, sheet_name
from .selectors import scoped_assessments

INSTRUCTIONS_SHEET = "填写说明"


HEADER_ROWS = 4  # template: item code, title, max points, kind
# Column A of each header row: the reader verifies the header by these, row by row.
HEADER_LABELS = ("村代码", "指标内容", "满分", "类别/类型")
# Row 1 of a township round's template (镇街评定) names its rows' organizations: 镇街代码.
TOWNSHIP_CODE_LABEL = "镇街代码"
CODE_LABELS = (HEADER_LABELS[0], TOWNSHIP_CODE_LABEL)
VERSION = "2"  # the template's layout; a file of another version is refused


META_LABELS = {
    "year": "评定年度",
    "stage": "评分阶段代码",
    "round": "评定轮次",
    "township": "镇街代码",
    "version": "模板版本",
}


@dataclasses.dataclass(frozen=True)
class TemplateItem:
    code: str
    title: str
    max_points: Decimal
    kind_label: str
    category: str


@dataclasses.dataclass
class TemplateSheet:
    """One township's villages: (code, name, existing points by item code)."""

    name: str
    villages: list[tuple[str, str, dict[str, Decimal]]]


def write_template(
    out: str | IO[bytes],
    *,
    round_name: str,
    year: int,
    stage: str,
    items: list[TemplateItem],
    sheets: list[TemplateSheet],
    township: str = "",
    rates_townships: bool = False,
) -> None:
    """The score-sheet template: an instructions sheet, then one sheet per township with a
    row per village and a column per item (code, title, max and kind in the header rows),
    each input cell limited by data validation to 0…max with two decimals. A township round's
    (``rates_townships``) has one sheet for the county, a row per township, and says 镇街."""
    wb = xlsxwriter.Workbook(out, WORKBOOK_OPTIONS)
    fmt = formats(wb)
    used: set[str] = {INSTRUCTIONS_SHEET.lower()}
    info = wb.add_worksheet(INSTRUCTIONS_SHEET)
    info.set_column(0, 0, 16)
    info.set_column(1, 1, 90)
    label = Stage(stage).label
    lines: list[tuple[str, Any]] = [
        (META_LABELS["round"], round_name),
        (META_LABELS["year"], year),
        (META_LABELS["stage"], stage),
        (_("评分阶段"), label),
        (META_LABELS["township"], township or _("全部")),
        (META_LABELS["version"], VERSION),
        ("", ""),
        (
            _("填写说明"),
            _("1. 本区县一个工作表，每行一个镇街，每列一个指标。")
            if rates_townships
            else _("1. 每个镇（街道）一个工作表，每行一个村，每列一个指标。"),
        ),
        ("", _("2. 只填写黄色单元格中的得分：数字，最多两位小数，不小于0，不超过该列“满分”。")),
        ("", _("3. 减分项填写扣分数（正数），不扣分填0或留空。")),
        ("", _("4. 留空的单元格不修改系统中已有的得分；不要输入公式或文字。")),
        (
            "",
            _("5. 不要修改前4行表头、镇街代码列和工作表结构；可删除不需要的镇街所在行。")
            if rates_townships
            else _("5. 不要修改前4行表头、村代码列和工作表结构；可删除不需要的村所在行。"),
        ),
        ("", _("6. 上传后系统先检查全部单元格，有任何错误都会列出并且不导入任何数据。")),
        ("", _("7. 同一文件可以重复上传，未变化的得分不会重复记录。")),
    ]
    for row, (key, value) in enumerate(lines):
        put(info, row, 0, key)
        put(info, row, 1, value, fmt["note"])
    # One printed page: A4 portrait, the two columns scaled to its width.
    info.set_paper(9)
    info.fit_to_pages(1, 1)
    info.print_area(0, 0, len(lines) - 1, 1)

    for sheet in sheets:
        ws = wb.add_worksheet(sheet_name(sheet.name, used))
        ws.set_column(0, 0, 15)
        ws.set_column(1, 1, 16)
        ws.set_column(2, 1 + len(items), 10)
        ws.set_row(1, 60)
        header = [
            [CODE_LABELS[rates_townships], *(i.code for i in items)],
            [HEADER_LABELS[1], *(i.title for i in items)],
            [HEADER_LABELS[2], *(i.max_points for i in items)],
            [HEADER_LABELS[3], *(f"{i.category}·{i.kind_label}" for i in items)],
        ]
        for row, values in enumerate(header):
            put(ws, row, 0, values[0], fmt["header"])
            name_label = _("镇街名称") if rates_townships else _("村名称")
            put(ws, row, 1, name_label if row == 0 else "", fmt["header"])
            for col, value in enumerate(values[1:], start=2):
                put(ws, row, col, value, fmt["points"] if row == 2 else fmt["header"])
        for offset, (code, name, points) in enumerate(sheet.villages):
            row = HEADER_ROWS + offset
            put(ws, row, 0, code, fmt["text"])
            put(ws, row, 1, name, fmt["text"])
            for col, item in enumerate(items, start=2):
                value = points.get(item.code)
                if value is None:
                    ws.write_blank(row, col, None, fmt["input"])
                else:
                    put(ws, row, col, value, fmt["input"])
        last_row = HEADER_ROWS + max(len(sheet.villages), 1) - 1
        for col, item in enumerate(items, start=2):
            ws.data_validation(
                HEADER_ROWS,
                col,
                max(last_row, HEADER_ROWS + 200),
                col,
                {
                    "validate": "decimal",
                    "criteria": "between",
                    "minimum": 0,
                    "maximum": float(item.max_points),
                    "input_title": item.code,
                    "input_message": _("0至%(max)s分，最多两位小数") % {"max": item.max_points},
                    "error_title": _("得分超出范围"),
                    "error_message": _("%(code)s的得分必须是0至%(max)s之间的数字。")
                    % {"code": item.code, "max": item.max_points},
                },
            )
        ws.freeze_panes(HEADER_ROWS, 2)
        ws.set_paper(9)
        ws.set_landscape()
        ws.repeat_rows(0, HEADER_ROWS - 1)
        ws.repeat_columns(0, 1)  # village code and name on every printed page
        ws.set_footer("&C第&P页 共&N页")
    wb.close()


def template_export(
    out: str | IO[bytes],
    *,
    round_: Round,
    stage: str,
    user: User | None = None,
    township_code: str | None = None,
) -> dict[str, int]:
    """Load the villages ``user`` may score in ``stage`` (all villages for the command line
    without a user) with their current points, and write the template. Four queries."""
    if stage not in Stage.values:
        raise ValueError(stage)
    assessments = scoped_assessments(round_, user, township_code)
    if user is not None and user.role == Role.EVALUATOR:
        # Evaluators score only the villages assigned to their group in this round.
        assessments = assessments.filter(
            organization__evaluation_groups__round=round_,
            organization__evaluation_groups__members=user,
        )
    assessments = assessments.order_by("organization__parent__code", "organization__code")
    rows = list(
        assessments.values_list(
            "pk",
            "organization__code",
            "organization__name",
            "organization__parent__code",
            "organization__parent__name",
        )
    )
    items = [
        TemplateItem(
            code=i.code,
            title=i.title,
            max_points=i.max_points,
            kind_label=str(Item.Kind(i.kind).label),
            category=i.category.name if i.category else "",
        )
        for i in Item.objects.filter(
            catalogue_id=round_.catalogue_id, kind__in=[Item.Kind.SCORED, Item.Kind.DEDUCTION]
        )
        .select_related("category")
        .order_by("category__position", "category__code", "position", "code")
    ]
    current: dict[int, dict[str, Decimal]] = {}
    for assessment_id, code, points in Score.objects.filter(
        sheet__assessment__in=assessments.values("pk"), sheet__stage=stage
    ).values_list("sheet__assessment_id", "item__code", "points"):
        current.setdefault(assessment_id, {})[code] = points
    sheets: dict[str, TemplateSheet] = {}
    for pk, code, name, _township_code, township_name in rows:
        sheet = sheets.setdefault(township_name, TemplateSheet(township_name, []))
        sheet.villages.append((code, name, current.get(pk, {})))
    write_template(
        out,
        round_name=round_.name,
        year=round_.year,
        stage=stage,
        items=items,
        sheets=list(sheets.values()),
        township=township_code or "",
        rates_townships=round_.rates_townships,
    )
    return {"sheets": len(sheets), "villages": len(rows), "items": len(items)}
