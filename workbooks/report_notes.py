"""What the annual report needs beyond the numbers: why a village has the stars it has (the
说明 column: veto, star deductions, the score-band cap, exceptional promotion), and how the
wide 评分明细 sheet prints (a category per page, village columns repeated)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from assessments.models import Assessment, Finding
from indicators.models import Item

from .cells import LEVEL_NAMES

DETAIL_FIXED_COLUMNS = 4  # 序号, 镇（街道）, 区划代码, 村（社区）: repeated on every page
DETAIL_PRINT_SCALE = 70  # a category's ~13–20 item columns beside the village columns


def explanations(scope: QuerySet[Assessment]) -> dict[int, list[tuple[str, str]]]:
    """Confirmed veto and star-deduction findings of the villages in scope: assessment id →
    [(kind, item title)], in one query."""
    found: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for assessment_id, kind, code, title in (
        Finding.objects.filter(assessment__in=scope.values("pk"), status=Finding.Status.CONFIRMED)
        .order_by("assessment_id", "item__code")
        .values_list("assessment_id", "item__kind", "item__code", "item__title")
    ):
        found[assessment_id].append((kind, f"{code} {title}"))
    return found


def explanation(assessment, findings: Sequence[tuple[str, str]]) -> str:
    """Why the level is what it is, in words: 否决, 减星, 封顶 (the composite's band allows fewer
    stars than earned), 破格. Empty when the stars earned are the level."""
    if assessment.level is None:
        return ""
    parts = []
    vetoes = [title for kind, title in findings if kind == Item.Kind.VETO]
    deductions = [title for kind, title in findings if kind == Item.Kind.STAR_DEDUCTION]
    if assessment.vetoed or vetoes:
        parts.append(_("否决：%(items)s") % {"items": "；".join(vetoes) or _("取消评星资格")})
    if deductions:
        parts.append(_("减星：%(items)s") % {"items": "；".join(deductions)})
    earned = len(assessment.stars_earned or [])
    band = assessment.band_level
    if not parts and band is not None and band < earned and assessment.level <= band:
        parts.append(
            _("封顶：综合得分所在分数段最高%(band)s，达标%(n)d星")
            % {"band": LEVEL_NAMES[band], "n": earned}
        )
    if assessment.exceptional:
        parts.append(_("破格：%(reason)s") % {"reason": assessment.exceptional_reason})
    return "；".join(parts)


def detail_print_setup(ws, categories, last_col: int) -> None:
    """评分明细 printed readably on A4: not squeezed to one page wide (81 columns would be
    ~2 pt) but a category per page across, at a fixed scale, with the village columns and
    the header repeated on every page."""
    ws.fit_page = False  # print_setup asked for one page wide; this sheet must not
    ws.set_print_scale(DETAIL_PRINT_SCALE)
    ws.repeat_columns(0, DETAIL_FIXED_COLUMNS - 1)
    ws.freeze_panes(3, DETAIL_FIXED_COLUMNS)
    col, breaks = DETAIL_FIXED_COLUMNS, []
    for category in categories:
        if col > DETAIL_FIXED_COLUMNS:
            breaks.append(col)
        width = len(category.scored_items) + len(category.deduction_items)
        ws.set_column(col, col + width - 1, 7)
        col += width
    breaks.append(col)  # the category scores, totals and stars on a page of their own
    breaks.append(last_col)  # and 说明 beside the village columns on the last
    ws.set_column(col, last_col - 1, 8)
    ws.set_column(last_col, last_col, 60)
    ws.set_v_pagebreaks(breaks)
