"""History that survives (issue 14, item 5): previous years' published levels imported from
Excel — the first year of use has no earlier round, and without them rule 10 and the changes
since last year do nothing. Every row is checked, every problem named by row and column, and
nothing is written unless all are right."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments import policies
from assessments.models import HistoryImport, PublishedLevel, Round
from organizations.models import VILLAGE_KINDS, AuditLog, Organization, RatingTarget, User
from organizations.services import audit_record
from starrating.errors import InvalidInput, NotPermitted

from .corrections import refresh_later_rounds

FIRST_YEAR = 2000


@dataclass
class HistoryRow:
    """One line of the workbook as read (cells as text); ``columns`` maps a field to its
    column letter, so that a problem names the cell."""

    sheet: str
    row: int
    code: str
    name: str
    year: Any
    level: Any
    columns: dict[str, str] = field(default_factory=dict)


FIELD_LABELS = {"code": "区划代码", "name": "村（社区）名称", "year": "年度", "level": "星级"}


def _int(value: Any, *, suffix: str = "") -> int | None:
    text = str(value if value is not None else "").strip()
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    if suffix and text.endswith(suffix):
        text = text[: -len(suffix)].strip()
    return int(text) if re.fullmatch(r"\d{1,4}", text) else None


def history_import(
    *,
    actor: User,
    rows: list[HistoryRow],
    errors: list[dict] | None = None,
    source: str,
    ip: str | None = None,
) -> dict[str, int]:
    """Store previous years' published levels of the actor's county as published history,
    with their source (file name, who, when). Refused whole on any problem: a code that is no
    village of the county, a year outside 2000–this year or one the county has published in
    this system, a level outside 0–5, the same village and year twice, or a level already
    imported (history is never overwritten)."""
    county_id = actor.county_id
    if county_id is None or not policies.can_manage_round(actor, county_id):
        raise NotPermitted(_("只有县级管理员可以导入历年星级。"))
    errors = list(errors or [])
    this_year = timezone.localdate().year
    villages = {
        o.code: o
        for o in Organization.objects.filter(
            kind__in=VILLAGE_KINDS, parent__parent_id=county_id, code__in=[r.code for r in rows]
        )
    }
    published_here = set(
        Round.objects.filter(
            county_id=county_id,
            target=RatingTarget.VILLAGE,
            status__in=[Round.Status.PUBLISHED, Round.Status.ARCHIVED],
        ).values_list("year", flat=True)
    )
    existing = {
        (org_id, year): name
        for org_id, year, name in PublishedLevel.objects.filter(county_id=county_id).values_list(
            "organization_id", "year", "source__file_name"
        )
    }
    seen: dict[tuple[int, int], int] = {}
    parsed = []

    def problem(row: HistoryRow, name: str, value: Any, message: str) -> None:
        errors.append(
            {
                "sheet": row.sheet,
                "row": row.row,
                "column": row.columns.get(name, ""),
                "field": FIELD_LABELS[name],
                "value": "" if value is None else str(value),
                "message": _("第%(row)d行%(col)s列（%(label)s）：%(msg)s")
                % {
                    "row": row.row,
                    "col": row.columns.get(name, ""),
                    "label": FIELD_LABELS[name],
                    "msg": message,
                },
            }
        )

    for row in rows:
        ok = True
        village = villages.get(row.code)
        if not row.code:
            problem(row, "code", row.code, _("必填"))
            ok = False
        elif village is None:
            problem(row, "code", row.code, _("不是本区县的村（社区）"))
            ok = False
        elif row.name and row.name != village.name:
            problem(
                row, "name", row.name, _("与区划代码对应的“%(name)s”不符") % {"name": village.name}
            )
            ok = False
        year = _int(row.year, suffix="年")
        if year is None or not FIRST_YEAR <= year < this_year:
            problem(
                row,
                "year",
                row.year,
                _("须为%(first)d到%(last)d之间的年份")
                % {"first": FIRST_YEAR, "last": this_year - 1},
            )
            ok = False
        elif year in published_here:
            problem(row, "year", row.year, _("该年度已在本系统发布评定结果，不能再导入"))
            ok = False
        level = _int(row.level, suffix="星")
        if level is None or level > 5:
            problem(row, "level", row.level, _("须为0到5的整数（可写作“3”或“3星”）"))
            ok = False
        if not ok:
            continue
        key = (village.pk, year)
        if key in seen:
            problem(
                row, "code", row.code, _("与第%(row)d行重复（同一村同一年度）") % {"row": seen[key]}
            )
            continue
        seen[key] = row.row
        if key in existing:
            problem(
                row,
                "year",
                row.year,
                _("该村该年度星级已导入（来源：%(source)s），历史记录不覆盖")
                % {"source": existing[key]},
            )
            continue
        parsed.append((village, year, level))
    if not rows and not errors:
        errors.append(
            {"sheet": "", "row": None, "column": "", "message": _("文件中没有任何历年星级数据")}
        )
    if errors:
        raise InvalidInput(
            _("历年星级有%(n)d处问题，未导入任何数据。") % {"n": len(errors)}, errors
        )
    years = sorted({year for _v, year, _l in parsed})
    with transaction.atomic():
        source_row = HistoryImport.objects.create(
            county_id=county_id,
            file_name=(source or "")[:255],
            imported_by=actor,
            rows=len(parsed),
            years=years,
        )
        PublishedLevel.objects.bulk_create(
            [
                PublishedLevel(
                    county_id=county_id,
                    organization=village,
                    year=year,
                    level=level,
                    source=source_row,
                )
                for village, year, level in parsed
            ]
        )
        audit_record(
            actor=actor,
            action=AuditLog.Action.IMPORT,
            obj=source_row,
            after={"file": source_row.file_name, "rows": len(parsed), "years": years},
            ip=ip,
        )
        refresh_later_rounds(county_id=county_id, year=years[0], actor=actor)
    return {"villages": len({v.pk for v, _y, _l in parsed}), "created": len(parsed)}
