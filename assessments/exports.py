"""Excel out: the score-sheet template and the annual report workbook.

Written with XlsxWriter in ``constant_memory`` mode: each worksheet is streamed row by row to
a temporary file, so memory stays flat whatever the number of villages. Data comes from the
selectors in a constant number of queries, read with iterators.

Safety: every text cell is written with ``write_string`` (never ``write``), so a village name
such as ``=HYPERLINK(...)`` stays text and is never a formula (CSV/formula injection); numbers
are written as numbers.
"""

from __future__ import annotations

import dataclasses
import itertools
import operator
from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from typing import IO, Any

import xlsxwriter
from django.db import connection
from django.db.models import FloatField, Q, QuerySet
from django.db.models.functions import Cast
from django.http import Http404
from django.utils.translation import gettext as _

from indicators.models import Item
from organizations.models import Organization, Role, User

from . import scoring, selectors
from .models import Assessment, Rectification, Round, Score, Sheet, Stage

Progress = Callable[[int], None]

# Any text starting with these could be taken for a formula by a spreadsheet.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
INSTRUCTIONS_SHEET = "填写说明"
HEADER_ROWS = 4  # template: item code, title, max points, kind
META_LABELS = {"year": "评定年度", "stage": "评分阶段代码", "round": "评定轮次"}
WORKBOOK_OPTIONS = {
    "constant_memory": True,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}
LEVEL_NAMES = {5: "五星", 4: "四星", 3: "三星", 2: "二星", 1: "一星", 0: "零星"}


def is_formula_like(text: str) -> bool:
    return text.startswith(FORMULA_PREFIXES)


def put(ws, row: int, col: int, value: Any, fmt=None) -> None:
    """Write one cell: numbers as numbers, everything else as text (never a formula)."""
    if value is None:
        if fmt is not None:
            ws.write_blank(row, col, None, fmt)
        return
    if isinstance(value, bool):
        ws.write_string(row, col, _("是") if value else _("否"), fmt)
    elif isinstance(value, int | float | Decimal):
        ws.write_number(row, col, float(value), fmt)
    else:
        ws.write_string(row, col, str(value), fmt)


def _sheet_name(name: str, used: set[str]) -> str:
    """Excel sheet names: at most 31 characters, none of []:*?/\\, unique."""
    clean = "".join("_" if ch in "[]:*?/\\" else ch for ch in name).strip("'")[:31] or "Sheet"
    candidate, n = clean, 2
    while candidate.lower() in used:
        suffix = f"({n})"
        candidate, n = clean[: 31 - len(suffix)] + suffix, n + 1
    used.add(candidate.lower())
    return candidate


def _formats(wb) -> dict[str, Any]:
    return {
        "title": wb.add_format(
            {"bold": True, "font_size": 16, "align": "center", "valign": "vcenter"}
        ),
        "sub": wb.add_format({"font_size": 10}),
        "header": wb.add_format(
            {
                "bold": True,
                "border": 1,
                "align": "center",
                "valign": "vcenter",
                "text_wrap": True,
                "bg_color": "#D9E1F2",
            }
        ),
        "text": wb.add_format({"border": 1}),
        "int": wb.add_format({"border": 1, "num_format": "0"}),
        "points": wb.add_format({"border": 1, "num_format": "0.00"}),
        "percent": wb.add_format({"border": 1, "num_format": "0.0%"}),
        "date": wb.add_format({"border": 1, "num_format": "yyyy-mm-dd"}),
        "input": wb.add_format({"border": 1, "num_format": "0.00", "bg_color": "#FFF2CC"}),
        "total": wb.add_format({"bold": True, "border": 1, "num_format": "0.00"}),
        "total_text": wb.add_format({"bold": True, "border": 1}),
        "note": wb.add_format({"text_wrap": True, "valign": "top"}),
    }


def _print_setup(ws, *, header_row: int, last_col: int) -> None:
    """Government report conventions: A4 landscape, one page wide, the header repeated on
    every page, centred page numbers 第&P页 共&N页."""
    ws.set_paper(9)  # A4
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(header_row)
    ws.set_footer("&C第&P页 共&N页")
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.center_horizontally()
    ws.freeze_panes(header_row + 1, 0)


# --- score-sheet template ---------------------------------------------------------------------


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
) -> None:
    """The score-sheet template: an instructions sheet, then one sheet per township with a
    row per village and a column per item (code, title, max and kind in the header rows),
    each input cell limited by data validation to 0…max with two decimals."""
    wb = xlsxwriter.Workbook(out, WORKBOOK_OPTIONS)
    fmt = _formats(wb)
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
        ("", ""),
        (_("填写说明"), _("1. 每个镇（街道）一个工作表，每行一个村，每列一个指标。")),
        ("", _("2. 只填写黄色单元格中的得分：数字，最多两位小数，不小于0，不超过该列“满分”。")),
        ("", _("3. 减分项填写扣分数（正数），不扣分填0或留空。")),
        ("", _("4. 留空的单元格不修改系统中已有的得分；不要输入公式或文字。")),
        ("", _("5. 不要修改前4行表头、村代码列和工作表结构；可删除不需要的村所在行。")),
        ("", _("6. 上传后系统先检查全部单元格，有任何错误都会列出并且不导入任何数据。")),
        ("", _("7. 同一文件可以重复上传，未变化的得分不会重复记录。")),
    ]
    for row, (key, value) in enumerate(lines):
        put(info, row, 0, key)
        put(info, row, 1, value, fmt["note"])

    for sheet in sheets:
        ws = wb.add_worksheet(_sheet_name(sheet.name, used))
        ws.set_column(0, 0, 15)
        ws.set_column(1, 1, 16)
        ws.set_column(2, 1 + len(items), 10)
        ws.set_row(1, 60)
        header = [
            [_("村代码"), *(i.code for i in items)],
            [_("指标内容"), *(i.title for i in items)],
            [_("满分"), *(i.max_points for i in items)],
            [_("类别/类型"), *(f"{i.category}·{i.kind_label}" for i in items)],
        ]
        for row, values in enumerate(header):
            put(ws, row, 0, values[0], fmt["header"])
            put(ws, row, 1, _("村名称") if row == 0 else "", fmt["header"])
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
    assessments = _scoped_assessments(round_, user, township_code)
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
    )
    return {"sheets": len(sheets), "villages": len(rows), "items": len(items)}


def _scope_q(round_: Round, user: User | None, township_code: str | None, *, prefix: str = "") -> Q:
    """The filter of ``_scoped_assessments`` on a model reached through ``prefix``."""
    q = Q(**{f"{prefix}round": round_})
    if user is not None:
        q &= selectors.assessment_scope_q(user, prefix=prefix)
    if township_code:
        q &= Q(**{f"{prefix}organization__parent__code": township_code})
    return q


def _scoped_assessments(
    round_: Round, user: User | None, township_code: str | None
) -> QuerySet[Assessment]:
    """The round's assessments ``user`` may see (everything for the command line), narrowed
    to one township if asked. A township outside the user's scope is not found."""
    qs = Assessment.objects.filter(_scope_q(round_, user, township_code))
    if user is not None and user.role == Role.EVALUATOR:
        qs = qs.distinct()  # the group join could repeat a village
    if township_code and not qs.exists():
        raise Http404(_("镇（街道）代码%(code)s不存在或不在您的范围内") % {"code": township_code})
    return qs


# --- annual report ----------------------------------------------------------------------------


def _title(ws, fmt, text: str, last_col: int, unit: str, on: date) -> None:
    ws.set_row(0, 30)
    ws.merge_range(0, 0, 0, last_col, text, fmt["title"])
    put(ws, 1, 0, _("填报单位：%(unit)s") % {"unit": unit}, fmt["sub"])
    put(ws, 1, max(last_col - 2, 1), _("填报日期：%(d)s") % {"d": f"{on:%Y年%m月%d日}"}, fmt["sub"])


def _header(ws, fmt, row: int, labels: list[str], widths: dict[int, int] | None = None) -> None:
    for col, label in enumerate(labels):
        put(ws, row, col, label, fmt["header"])
    for col, width in (widths or {}).items():
        ws.set_column(col, col, width)


def _signatures(ws, fmt, row: int, last_col: int) -> None:
    step = max((last_col + 1) // 3, 1)
    for n, label in enumerate((_("单位负责人："), _("审核人："), _("填表人："))):
        put(ws, row, n * step, label, fmt["sub"])


@dataclasses.dataclass
class _TownshipTotals:
    name: str
    villages: int = 0
    levels: dict[int, int] = dataclasses.field(default_factory=lambda: dict.fromkeys(range(6), 0))
    assessed: int = 0
    composite_sum: Decimal = Decimal("0")
    at_least_70: int = 0
    at_least_80: int = 0
    up: int = 0
    down: int = 0
    same: int = 0
    new: int = 0

    def add(self, record: dict) -> None:
        self.villages += 1
        if record["level"] is None:
            return
        self.assessed += 1
        self.levels[record["level"]] += 1
        composite = Decimal(record["composite"])
        self.composite_sum += composite
        self.at_least_70 += composite >= 70
        self.at_least_80 += composite >= 80
        change = record["change"]
        if change == "new":
            self.new += 1
        elif change > 0:
            self.up += 1
        elif change < 0:
            self.down += 1
        else:
            self.same += 1

    def merge(self, other: _TownshipTotals) -> None:
        self.villages += other.villages
        self.assessed += other.assessed
        for level, n in other.levels.items():
            self.levels[level] += n
        self.composite_sum += other.composite_sum
        for name in ("at_least_70", "at_least_80", "up", "down", "same", "new"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def average(self) -> Decimal | None:
        if not self.assessed:
            return None
        return scoring.quantize(self.composite_sum / self.assessed)


class _Organization:
    __slots__ = ("code", "name", "parent", "secretary_name")

    def __init__(self, code, name, parent=None, secretary_name=""):
        self.code, self.name, self.parent = code, name, parent
        self.secretary_name = secretary_name


class _Assessment:
    """The fields of an Assessment that ``selectors.result_record`` reads, from one
    values_list row: a third of the cost of three model instances per village."""

    FIELDS = (
        "pk",
        "level",
        "previous_level",
        "change",
        "category_scores",
        "total",
        "composite",
        "stars_earned",
    )
    __slots__ = (*FIELDS, "organization")


def _light_assessments(queryset: QuerySet[Assessment]) -> Iterator[_Assessment]:
    townships: dict[str | None, _Organization | None] = {None: None}
    org_fields = ("code", "name", "secretary_name", "parent__code", "parent__name")
    rows = queryset.values_list(
        *_Assessment.FIELDS, *(f"organization__{f}" for f in org_fields)
    ).iterator(chunk_size=2000)
    width = len(_Assessment.FIELDS)
    for row in rows:
        a = _Assessment()
        for name, value in zip(_Assessment.FIELDS, row, strict=False):
            setattr(a, name, value)
        code, name, secretary, parent_code, parent_name = row[width:]
        parent = townships.get(parent_code)
        if parent is None and parent_code is not None:
            parent = townships[parent_code] = _Organization(parent_code, parent_name)
        a.organization = _Organization(code, name, parent, secretary)
        yield a


def _merge_scores(
    assessments: Iterator[_Assessment], scores: Iterator[tuple[int, str, int, float]]
) -> Iterator[tuple[_Assessment, dict[str, dict[int, float]]]]:
    """Pair each assessment with its submitted sheets' points (stage → item id → points).
    Both streams are ordered by village code, so this is a merge join: ``groupby`` cuts the
    points stream into one group per assessment, one group of lookahead."""
    groups = itertools.groupby(scores, key=operator.itemgetter(0))
    pending = next(groups, None)
    for assessment in assessments:
        sheets: dict[str, dict[int, float]] = {}
        if pending is not None and pending[0] == assessment.pk:
            for _id, stage, item_id, points in pending[1]:
                stage_points = sheets.get(stage)
                if stage_points is None:
                    stage_points = sheets[stage] = {}
                stage_points[item_id] = points
            pending = next(groups, None)
        yield assessment, sheets


def report_export(
    out: str | IO[bytes],
    *,
    round_: Round,
    user: User | None = None,
    township_code: str | None = None,
    progress: Progress | None = None,
    on: date | None = None,
) -> dict[str, int]:
    """The annual report (DOMAIN.md §3 step 6) in five sheets: 汇总, 星级名单, 评分明细,
    短板弱项 and, when the ledger has entries, 整改台账. Numbers are those of
    ``selectors.result_records`` (the same function builds each record).

    Streams: one pass over the assessments and one over their points, merge-joined; sheets
    are filled side by side and the summaries written last. Eight queries whatever the size.
    """
    on = on or date.today()
    rules = selectors.round_rules(round_)
    categories = rules.categories
    items = [
        (category, code, kind)
        for category in categories
        for kind, codes in (
            ("scored", category.scored_items),
            ("deduction", category.deduction_items),
        )
        for code in codes
    ]
    item_meta = {
        i.code: i
        for i in Item.objects.filter(
            catalogue_id=round_.catalogue_id, kind__in=[Item.Kind.SCORED, Item.Kind.DEDUCTION]
        )
    }
    county: Organization = Organization.objects.get(pk=round_.county_id)
    unit = _("中共%(county)s委员会组织部") % {"county": county.name}
    scope = _scoped_assessments(round_, user, township_code)
    total_rows = scope.count()
    # Statistical codes nest (a village's first 9 digits are its township's), so ordering by
    # the village code alone groups the townships, and sorts 650,000 points with one join less.
    ordering = ("organization__code",)
    assessments = _light_assessments(scope.order_by(*ordering))
    # Points as floats straight from the database: they only become cells (Excel numbers
    # are doubles), and per-value Decimal conversion costs more than writing the cell.
    # The points are filtered by the same scope through the join, not by ``IN (subquery)``:
    # SQLite reads them twice as fast that way.
    scores = _rows(
        Score.objects.filter(
            _scope_q(round_, user, township_code, prefix="sheet__assessment__"),
            sheet__stage__in=round_.counting_stages,
            sheet__status=Sheet.Status.SUBMITTED,
        )
        .order_by(*(f"sheet__assessment__{f}" for f in ordering))
        .values_list(
            "sheet__assessment_id", "sheet__stage", "item_id", Cast("points", FloatField())
        )
    )

    wb = xlsxwriter.Workbook(out, WORKBOOK_OPTIONS)
    fmt = _formats(wb)
    year_title = f"{county.name}{round_.year}年度村党组织星级评定"
    summary = wb.add_worksheet("汇总")
    roster = wb.add_worksheet("星级名单")
    detail = wb.add_worksheet("评分明细")
    weak = wb.add_worksheet("短板弱项")
    ledger_qs = Rectification.objects.filter(assessment__in=scope.values("pk"))
    ledger = wb.add_worksheet("整改台账") if ledger_qs.exists() else None

    roster_labels = [
        _("序号"),
        _("镇（街道）"),
        _("村（社区）"),
        _("区划代码"),
        _("党组织书记"),
        _("星级"),
        _("达标星"),
        _("综合得分"),
    ]
    _title(roster, fmt, f"{year_title}结果公示名单", len(roster_labels) - 1, unit, on)
    _header(roster, fmt, 2, roster_labels, {0: 6, 1: 14, 2: 16, 3: 15, 4: 10, 6: 40, 7: 10})
    _print_setup(roster, header_row=2, last_col=len(roster_labels) - 1)

    detail_labels = [
        _("序号"),
        _("镇（街道）"),
        _("区划代码"),
        _("村（社区）"),
        *(code for _c, code, _k in items),
        *(f"{c.name}得分" for c in categories),
        _("总分"),
        _("综合得分"),
        _("达标星数"),
        _("达标星"),
        _("星级"),
        _("上年星级"),
        _("星级变化"),
    ]
    last_detail = len(detail_labels) - 1
    _title(detail, fmt, f"{year_title}评分明细表", last_detail, unit, on)
    _header(detail, fmt, 2, detail_labels, {0: 6, 1: 12, 2: 14, 3: 14})
    _print_setup(detail, header_row=2, last_col=last_detail)
    detail.freeze_panes(3, 4)

    star_names = {c.code: c.name for c in categories}
    townships: dict[str, _TownshipTotals] = {}
    codes = [code for _c, code, _k in items]
    code_ids = [(code, item_meta[code].pk) for code in codes]
    item_cents = dict.fromkeys(codes, 0)  # exact sums of 2-place points, in cents
    item_zero = dict.fromkeys(codes, 0)
    points_fmt, int_fmt, text_fmt = fmt["points"], fmt["int"], fmt["text"]
    write_number, write_blank = detail.write_number, detail.write_blank
    write_string = detail.write_string
    new_label = _("新评")
    item_n = 0
    roster_row = detail_row = 3
    step = max(total_rows // 50, 1)
    for n, (assessment, sheets) in enumerate(_merge_scores(assessments, scores), start=1):
        record = selectors.result_record(assessment)
        township = townships.setdefault(
            record["township_code"] or "", _TownshipTotals(record["township_name"] or "")
        )
        township.add(record)
        has_result = record["level"] is not None
        township_name = record["township_name"] or ""
        earned = "、".join(star_names.get(c, c) for c in record["stars_earned"] or [])
        if has_result:
            item_n += 1
            r = roster_row
            roster.write_number(r, 0, r - 2, int_fmt)
            roster.write_string(r, 1, township_name, text_fmt)
            roster.write_string(r, 2, record["organization_name"], text_fmt)
            roster.write_string(r, 3, record["organization_code"], text_fmt)
            roster.write_string(r, 4, assessment.organization.secretary_name, text_fmt)
            roster.write_number(r, 5, record["level"], int_fmt)
            roster.write_string(r, 6, earned, text_fmt)
            roster.write_number(r, 7, float(record["composite"]), points_fmt)
            roster_row += 1

        # Per village: 4 + 65 + 12 cells written straight to XlsxWriter, text always as
        # text (write_string), numbers as numbers, no per-cell type dispatch.
        row = detail_row
        write_number(row, 0, row - 2, int_fmt)
        write_string(row, 1, township_name, text_fmt)
        write_string(row, 2, record["organization_code"], text_fmt)
        write_string(row, 3, record["organization_name"], text_fmt)
        if has_result:
            for col, (code, value) in enumerate(_item_points(rules, sheets, code_ids), start=4):
                write_number(row, col, value, points_fmt)
                item_cents[code] += round(value * 100)
                if not value:
                    item_zero[code] += 1
            col = 4 + len(codes)
            category_scores = record["category_scores"]
            for category in categories:
                write_number(row, col, float(category_scores[category.code]), points_fmt)
                col += 1
            write_number(row, col, float(record["total"]), points_fmt)
            write_number(row, col + 1, float(record["composite"]), points_fmt)
            write_number(row, col + 2, len(record["stars_earned"]), int_fmt)
            write_string(row, col + 3, earned, text_fmt)
            write_number(row, col + 4, record["level"], int_fmt)
            put(detail, row, col + 5, record["previous_level"], int_fmt)
            change = record["change"]
            put(detail, row, col + 6, new_label if change == "new" else change, int_fmt)
        else:
            for col in range(4, last_detail + 1):
                write_blank(row, col, None, points_fmt)
        detail_row += 1
        if progress is not None and n % step == 0:
            progress(min(95, n * 95 // max(total_rows, 1)))

    _signatures(roster, fmt, roster_row + 1, len(roster_labels) - 1)
    _signatures(detail, fmt, detail_row + 1, last_detail)

    # 汇总: one row per township and the 合计 row.
    summary_labels = [
        _("序号"),
        _("镇（街道）"),
        _("村数"),
        *(LEVEL_NAMES[level] for level in range(5, -1, -1)),
        _("平均分"),
        _("70分以上"),
        _("80分以上"),
        _("较上年升星"),
        _("较上年降星"),
        _("持平"),
        _("首次评定"),
    ]
    last_summary = len(summary_labels) - 1
    _title(summary, fmt, f"{year_title}结果汇总表", last_summary, unit, on)
    _header(summary, fmt, 2, summary_labels, {0: 6, 1: 16})
    _print_setup(summary, header_row=2, last_col=last_summary)
    grand = _TownshipTotals(_("合计"))
    row = 3
    for totals in townships.values():
        _summary_row(summary, fmt, row, row - 2, totals, fmt["int"], fmt["points"], fmt["text"])
        grand.merge(totals)
        row += 1
    _summary_row(summary, fmt, row, None, grand, fmt["total"], fmt["total"], fmt["total_text"])
    _signatures(summary, fmt, row + 2, last_summary)

    # 短板弱项: per item, over the villages with a result.
    weak_labels = [
        _("序号"),
        _("类别"),
        _("指标代码"),
        _("指标内容"),
        _("类型"),
        _("满分"),
        _("平均得分"),
        _("得分率"),
        _("得零分村数"),
    ]
    _title(weak, fmt, f"{year_title}短板弱项分析表", len(weak_labels) - 1, unit, on)
    _header(weak, fmt, 2, weak_labels, {0: 6, 1: 10, 2: 10, 3: 50, 4: 8})
    _print_setup(weak, header_row=2, last_col=len(weak_labels) - 1)
    for n, (category, code, kind) in enumerate(items, start=1):
        meta = item_meta[code]
        average = scoring.quantize(Decimal(item_cents[code]) / 100 / item_n) if item_n else None
        row = 2 + n
        put(weak, row, 0, n, fmt["int"])
        put(weak, row, 1, category.name, fmt["text"])
        put(weak, row, 2, code, fmt["text"])
        put(weak, row, 3, meta.title, fmt["text"])
        put(weak, row, 4, Item.Kind(kind).label, fmt["text"])
        put(weak, row, 5, meta.max_points, fmt["points"])
        put(weak, row, 6, average, fmt["points"])
        share = None if average is None else (average / meta.max_points).quantize(Decimal("0.0001"))
        put(weak, row, 7, share, fmt["percent"])
        put(weak, row, 8, item_zero[code] if item_n else None, fmt["int"])
    _signatures(weak, fmt, 3 + len(items) + 1, len(weak_labels) - 1)

    ledger_rows = 0
    if ledger is not None:
        ledger_labels = [
            _("序号"),
            _("镇（街道）"),
            _("村（社区）"),
            _("存在问题"),
            _("整改措施"),
            _("整改标准"),
            _("整改时限"),
            _("责任人"),
            _("状态"),
        ]
        _title(ledger, fmt, f"{year_title}整改台账", len(ledger_labels) - 1, unit, on)
        _header(ledger, fmt, 2, ledger_labels, {0: 6, 1: 12, 2: 14, 3: 36, 4: 36, 5: 24, 6: 12})
        _print_setup(ledger, header_row=2, last_col=len(ledger_labels) - 1)
        entries = ledger_qs.select_related(
            "assessment__organization", "assessment__organization__parent"
        ).order_by("assessment__organization__code", "deadline", "pk")
        for n, entry in enumerate(entries.iterator(chunk_size=2000), start=1):
            org = entry.assessment.organization
            row = 2 + n
            put(ledger, row, 0, n, fmt["int"])
            put(ledger, row, 1, org.parent.name if org.parent else "", fmt["text"])
            put(ledger, row, 2, org.name, fmt["text"])
            put(ledger, row, 3, entry.problem, fmt["text"])
            put(ledger, row, 4, entry.measures, fmt["text"])
            put(ledger, row, 5, entry.standard, fmt["text"])
            ledger.write_datetime(row, 6, entry.deadline, fmt["date"])
            put(ledger, row, 7, entry.responsible_person, fmt["text"])
            put(ledger, row, 8, entry.get_status_display(), fmt["text"])
            ledger_rows = n
        _signatures(ledger, fmt, 3 + ledger_rows + 1, len(ledger_labels) - 1)

    wb.close()
    if progress is not None:
        progress(100)
    return {
        "villages": detail_row - 3,
        "with_result": item_n,
        "townships": len(townships),
        "items": len(items),
        "rectifications": ledger_rows,
    }


def _rows(queryset) -> Iterator[tuple]:
    """A values_list queryset's rows, streamed through the driver's chunked cursor (server-side
    on PostgreSQL) without Django's per-row machinery: 650,000 rows for 10,000 villages."""
    sql, params = queryset.query.sql_with_params()
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(10000):
            yield from rows


def _item_points(
    rules: scoring.RoundRules, sheets: dict, code_ids: list[tuple[str, int]]
) -> list[tuple[str, float]]:
    """Item points as plain numbers for the cells, in column order. Rule 1 with one
    authoritative stage is that stage's points as entered (absent deduction items count 0);
    with stage weights the engine's ``item_points`` does the weighting and rounding."""
    if rules.stage_weights is None:
        entered = sheets.get(rules.authoritative_stage, {})
        return [(code, entered.get(item_id, 0.0)) for code, item_id in code_ids]
    code_of = {item_id: code for code, item_id in code_ids}
    weighted = scoring.item_points(
        rules,
        {
            stage: {code_of[i]: Decimal(str(v)) for i, v in points.items() if i in code_of}
            for stage, points in sheets.items()
        },
    )
    return [(code, float(weighted[code])) for code, _id in code_ids]


def _num(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def _summary_row(ws, fmt, row, number, totals: _TownshipTotals, int_fmt, points_fmt, text_fmt):
    put(ws, row, 0, number, int_fmt if number is not None else text_fmt)
    put(ws, row, 1, totals.name, text_fmt)
    put(ws, row, 2, totals.villages, int_fmt)
    for col, level in enumerate(range(5, -1, -1), start=3):
        put(ws, row, col, totals.levels[level], int_fmt)
    put(ws, row, 9, totals.average(), points_fmt)
    values = (totals.at_least_70, totals.at_least_80, totals.up, totals.down, totals.same)
    for col, value in enumerate(values, start=10):
        put(ws, row, col, value, int_fmt)
    put(ws, row, 15, totals.new, int_fmt)
