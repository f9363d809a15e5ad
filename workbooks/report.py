"""The annual report workbook (汇总 / 星级名单 / 评分明细 / 短板弱项 / 整改台账), streamed from
the stored results in a constant number of queries; its numbers are those of
``selectors.result_records``."""

from __future__ import annotations

import itertools
import operator
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import IO

import xlsxwriter
from django.db import connection
from django.db.models import FloatField, QuerySet
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from assessments import scoring, selectors
from assessments.models import Assessment, Round, Score, Sheet
from indicators.models import Item
from ledgers.models import Rectification
from organizations.models import Organization, User

from .cells import (
    LEVEL_NAMES,
    WORKBOOK_OPTIONS,
    Progress,
    formats,
    print_setup,
    put,
    write_header,
    write_signatures,
    write_title,
)
from .ledger import ledger_entries, write_ledger_sheet
from .report_extras import open_extra_sheets
from .report_notes import detail_print_setup, explanation, explanations
from .report_summary import TownshipTotals, summary_row
from .selectors import scope_q, scoped_assessments


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
        "band_level",
        "vetoed",
        "exceptional",
        "exceptional_reason",
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
    短板弱项 and, when the ledger has entries, 整改台账; then any sheet an app above registered
    in ``workbooks.registry`` that applies to the round (创星晋级's 奖惩凭星). Numbers are those of
    ``selectors.result_records`` (the same function builds each record).

    Streams: one pass over the assessments and one over their points, merge-joined; sheets
    are filled side by side and the summaries written last. Eight queries whatever the size,
    and one or two per registered extra sheet.
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
    place = county.name
    if township_code:  # a township's report is titled and signed by the township
        township_org = Organization.objects.filter(code=township_code).first()
        if township_org is not None:
            place = f"{county.name}{township_org.name}"
            unit = _("中共%(township)s委员会") % {"township": township_org.name}
    scope = scoped_assessments(round_, user, township_code)
    notes = explanations(scope)
    total_rows = scope.count()
    # Statistical codes nest (a village's first 9 digits are its township's), so ordering by
    # the village code alone groups the townships; the code is on the assessment, so the
    # 650,000 points are sorted without a join to the organizations.
    ordering = ("code",)
    assessments = _light_assessments(scope.order_by(*ordering))
    # Points as floats straight from the database: they only become cells (Excel numbers
    # are doubles), and per-value Decimal conversion costs more than writing the cell.
    # The points are filtered by the same scope through the join, not by ``IN (subquery)``:
    # SQLite reads them twice as fast that way.
    scores = _rows(
        Score.objects.filter(
            scope_q(round_, user, township_code, prefix="sheet__assessment__"),
            sheet__stage__in=round_.counting_stages,
            sheet__status=Sheet.Status.SUBMITTED,
        )
        .order_by(*(f"sheet__assessment__{f}" for f in ordering))
        .values_list(
            "sheet__assessment_id", "sheet__stage", "item_id", Cast("points", FloatField())
        )
    )

    wb = xlsxwriter.Workbook(out, WORKBOOK_OPTIONS)
    fmt = formats(wb)
    year_title = f"{place}{round_.year}年度{round_.rated_body}星级评定"
    # A township round (镇街): the rated organization's column says 镇街, its parent's 区县.
    org_label = _("镇街") if round_.rates_townships else _("村（社区）")
    parent_label = _("区县") if round_.rates_townships else _("镇（街道）")
    noun = round_.rated_noun
    summary = wb.add_worksheet("汇总")
    roster = wb.add_worksheet("星级名单")
    detail = wb.add_worksheet("评分明细")
    weak = wb.add_worksheet("短板弱项")
    # Every entry of the villages the report covers, whatever the year it was found: open
    # entries carry into the next round.
    ledger_qs = Rectification.objects.filter(organization__in=scope.values("organization_id"))
    ledger = wb.add_worksheet("整改台账") if ledger_qs.exists() else None
    # Sheets of the apps above (workbooks.registry), e.g. 创星晋级's 奖惩凭星: after the core's.
    extras = open_extra_sheets(
        wb,
        fmt,
        round_=round_,
        organization_ids=scope.values("organization_id"),
        year_title=year_title,
        unit=unit,
        on=on,
    )

    roster_labels = [
        _("序号"),
        parent_label,
        org_label,
        _("区划代码"),
        _("党组织书记"),
        _("星级"),
        _("达标星"),
        _("综合得分"),
        _("说明"),
    ]
    write_title(roster, fmt, f"{year_title}结果公示名单", len(roster_labels) - 1, unit, on)
    write_header(
        roster, fmt, 2, roster_labels, {0: 6, 1: 14, 2: 16, 3: 15, 4: 10, 6: 34, 7: 10, 8: 40}
    )
    print_setup(roster, header_row=2, last_col=len(roster_labels) - 1)

    detail_labels = [
        _("序号"),
        parent_label,
        _("区划代码"),
        org_label,
        *(code for _c, code, _k in items),
        *(f"{c.name}得分" for c in categories),
        _("总分"),
        _("综合得分"),
        _("达标星数"),
        _("达标星"),
        _("星级"),
        _("上年星级"),
        _("星级变化"),
        _("说明"),
    ]
    last_detail = len(detail_labels) - 1
    write_title(detail, fmt, f"{year_title}评分明细表", last_detail, unit, on)
    write_header(detail, fmt, 2, detail_labels, {0: 6, 1: 12, 2: 14, 3: 14})
    print_setup(detail, header_row=2, last_col=last_detail)
    detail_print_setup(detail, categories, last_detail)

    star_names = {c.code: c.name for c in categories}
    townships: dict[str, TownshipTotals] = {}
    codes = [code for _c, code, _k in items]
    code_ids = [(code, item_meta[code].pk) for code in codes]
    item_cents = dict.fromkeys(codes, 0)  # exact sums of 2-place points, in cents
    item_zero = dict.fromkeys(codes, 0)
    points_fmt, int_fmt, text_fmt = fmt["points"], fmt["int"], fmt["text"]
    write_number = detail.write_number
    write_string = detail.write_string
    new_label = _("新评")
    item_n = 0
    roster_row = detail_row = 3
    step = max(total_rows // 50, 1)
    for n, (assessment, sheets) in enumerate(_merge_scores(assessments, scores), start=1):
        record = selectors.result_record(assessment)
        township = townships.setdefault(
            record["township_code"] or "", TownshipTotals(record["township_name"] or "")
        )
        township.add(record)
        has_result = record["level"] is not None
        township_name = record["township_name"] or ""
        earned = "、".join(star_names.get(c, c) for c in record["stars_earned"] or [])
        note = explanation(assessment, notes.get(assessment.pk, ()))
        if has_result:
            item_n += 1
            r = roster_row
            roster.write_number(r, 0, r - 2, int_fmt)
            roster.write_string(r, 1, township_name, text_fmt)
            roster.write_string(r, 2, record["organization_name"], text_fmt)
            roster.write_string(r, 3, record["organization_code"], text_fmt)
            roster.write_string(r, 4, assessment.organization.secretary_name, text_fmt)
            roster.write_string(r, 5, LEVEL_NAMES[record["level"]], text_fmt)
            roster.write_string(r, 6, earned, text_fmt)
            roster.write_number(r, 7, float(record["composite"]), points_fmt)
            put(roster, r, 8, note, fmt["note_cell"])
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
            write_string(row, col + 4, LEVEL_NAMES[record["level"]], text_fmt)
            previous = record["previous_level"]
            put(detail, row, col + 5, None if previous is None else LEVEL_NAMES[previous], text_fmt)
            change = record["change"]
            put(detail, row, col + 6, new_label if change == "new" else change, int_fmt)
            put(detail, row, col + 7, note, fmt["note_cell"])
        else:  # marked, not blank: a reader must not take an empty row for zero points
            for col in range(4, last_detail):
                write_string(row, col, "—", fmt["muted"])
            write_string(row, last_detail, _("未评定（评分未全部提交）"), text_fmt)
        detail_row += 1
        for extra in extras:
            extra.add(record["organization_code"], township_name, record["organization_name"])
        if progress is not None and n % step == 0:
            progress(min(95, n * 95 // max(total_rows, 1)))

    write_signatures(roster, fmt, roster_row + 1, len(roster_labels) - 1)
    write_signatures(detail, fmt, detail_row + 1, last_detail)
    for extra in extras:
        extra.close()

    # 汇总: one row per township and the 合计 row.
    summary_labels = [
        _("序号"),
        parent_label,
        _("%(n)s数") % {"n": noun},
        *(LEVEL_NAMES[level] for level in range(5, -1, -1)),
        _("未评定"),
        _("平均分"),
        _("70分以上"),
        _("80分以上"),
        _("较上年升星"),
        _("较上年降星"),
        _("持平"),
        _("首次评定"),
    ]
    last_summary = len(summary_labels) - 1
    write_title(summary, fmt, f"{year_title}结果汇总表", last_summary, unit, on)
    write_header(summary, fmt, 2, summary_labels, {0: 6, 1: 16})
    print_setup(summary, header_row=2, last_col=last_summary)
    grand = TownshipTotals(_("合计"))
    row = 3
    for totals in townships.values():
        summary_row(summary, fmt, row, row - 2, totals, fmt["int"], fmt["points"], fmt["text"])
        grand.merge(totals)
        row += 1
    summary_row(summary, fmt, row, None, grand, fmt["total_int"], fmt["total"], fmt["total_text"])
    write_signatures(summary, fmt, row + 2, last_summary)

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
        _("得零分%(n)s数") % {"n": noun},
        _("平均扣分"),
        _("被扣分%(n)s数") % {"n": noun},
    ]
    write_title(weak, fmt, f"{year_title}短板弱项分析表", len(weak_labels) - 1, unit, on)
    write_header(weak, fmt, 2, weak_labels, {0: 6, 1: 10, 2: 10, 3: 50, 4: 8})
    print_setup(weak, header_row=2, last_col=len(weak_labels) - 1)
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
        if kind == "deduction":
            # A deduction item's points are points taken off: 0 is the best, so neither a
            # score rate nor a count of zeros applies; its weakness is how often it bit.
            for col in (6, 7, 8):
                put(weak, row, col, "—", fmt["muted"])
            put(weak, row, 9, average, fmt["points"])
            put(weak, row, 10, item_n - item_zero[code] if item_n else None, fmt["int"])
            continue
        put(weak, row, 6, average, fmt["points"])
        share = None if average is None else (average / meta.max_points).quantize(Decimal("0.0001"))
        put(weak, row, 7, share, fmt["percent"])
        put(weak, row, 8, item_zero[code] if item_n else None, fmt["int"])
        for col in (9, 10):
            put(weak, row, col, "—", fmt["muted"])
    write_signatures(weak, fmt, 3 + len(items) + 1, len(weak_labels) - 1)

    ledger_rows = 0
    if ledger is not None:
        ledger_rows = write_ledger_sheet(
            ledger,
            fmt,
            ledger_entries(ledger_qs).iterator(chunk_size=2000),
            title=f"{year_title}整改台账",
            unit=unit,
            on=on,
            rates_townships=round_.rates_townships,
        )

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
