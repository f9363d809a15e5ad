"""包保 pairing: village ↔ contact leader (联系领导) and department (包保部门), per year;
saved one at a time or imported from an Excel sheet (all rows or none)."""

from __future__ import annotations

from dataclasses import dataclass

import openpyxl
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from jobs.models import Job
from jobs.services import job_create
from organizations.models import VILLAGE_KINDS, AuditLog, Organization, User
from organizations.services import AuditEntry, audit_record_many
from starrating.errors import InvalidInput, NotPermitted

from .. import policies
from ..models import Pairing

# The Excel job that runs ``pairings_import`` (registered by ``workbooks.tasks``, which is above
# this app: the kind is named here by its string, and a test checks the two agree).
IMPORT_KIND = "import_pairings"

HEADERS = ("区划代码", "村（社区）", "联系领导", "领导职务", "包保部门", "领导账号")


@dataclass
class PairingRow:
    code: str
    leader_name: str
    leader_title: str
    department: str
    leader_username: str = ""
    row: int = 0


def read_pairing_rows(upload) -> list[PairingRow]:
    """The first sheet: a header row naming at least 区划代码, 联系领导 and 包保部门."""
    if upload.size > settings.EXCEL_MAX_UPLOAD_BYTES:
        raise InvalidInput(_("文件过大。"), [{"field": "file", "message": _("文件过大")}])
    try:
        wb = openpyxl.load_workbook(upload, read_only=True, data_only=True)
    except Exception as exc:  # any broken or foreign file is the user's input, not a 500
        raise InvalidInput(
            _("无法读取该Excel文件。"), [{"field": "file", "message": _("不是有效的xlsx文件")}]
        ) from exc
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True, max_row=settings.EXCEL_MAX_ROWS + 1)
    header = [str(c or "").strip() for c in next(rows, ())]
    missing = [h for h in ("区划代码", "联系领导", "包保部门") if h not in header]
    if missing:
        raise InvalidInput(
            _("表头缺少：%(m)s") % {"m": "、".join(missing)},
            [{"field": "header", "value": m, "message": _("缺少该列")} for m in missing],
        )
    col = {h: header.index(h) for h in HEADERS if h in header}

    def cell(values, name):
        i = col.get(name)
        return str(values[i] or "").strip() if i is not None and i < len(values) else ""

    found = []
    for n, values in enumerate(rows, start=2):
        if not any(values):
            continue
        found.append(
            PairingRow(
                code=cell(values, "区划代码"),
                leader_name=cell(values, "联系领导"),
                leader_title=cell(values, "领导职务"),
                department=cell(values, "包保部门"),
                leader_username=cell(values, "领导账号"),
                row=n,
            )
        )
    wb.close()
    return found


def pairings_import(
    *, actor: User, year: int, rows: list[PairingRow], ip: str | None = None
) -> dict[str, int]:
    """Create or update the year's pairings; every problem listed, nothing written on any."""
    if not policies.can_manage_pairings(actor):
        raise NotPermitted(_("只有县级管理员可以维护包保结对。"))
    errors: list[dict] = []
    if not 2000 <= int(year or 0) <= 2100:
        errors.append({"field": "year", "value": year, "message": _("年度不正确")})
    villages = {
        o.code: o
        for o in Organization.objects.filter(
            kind__in=VILLAGE_KINDS,
            parent__parent_id=actor.county_id,
            code__in=[r.code for r in rows],
        )
    }
    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=[r.leader_username for r in rows if r.leader_username], is_active=True
        )
        if u.county_id == actor.county_id
    }
    seen: set[str] = set()
    for r in rows:
        if r.code not in villages:
            errors.append(
                {"row": r.row, "field": "区划代码", "value": r.code, "message": _("本县没有该村")}
            )
        if r.code in seen:
            errors.append(
                {"row": r.row, "field": "区划代码", "value": r.code, "message": _("重复")}
            )
        seen.add(r.code)
        if not r.leader_name or len(r.leader_name) > 50:
            errors.append({"row": r.row, "field": "联系领导", "message": _("必填，不超过50个字")})
        if not r.department or len(r.department) > 100:
            errors.append({"row": r.row, "field": "包保部门", "message": _("必填，不超过100个字")})
        if len(r.leader_title) > 100:
            errors.append({"row": r.row, "field": "领导职务", "message": _("不超过100个字")})
        if r.leader_username and r.leader_username not in users:
            errors.append(
                {
                    "row": r.row,
                    "field": "领导账号",
                    "value": r.leader_username,
                    "message": _("本县没有该账号"),
                }
            )
    if not rows:
        errors.append({"field": "file", "message": _("没有数据行")})
    if errors:
        raise InvalidInput(_("包保结对导入失败，未写入任何数据。"), errors)
    counts = {"created": 0, "updated": 0}
    entries = []
    with transaction.atomic():
        for r in rows:
            pairing, created = Pairing.objects.update_or_create(
                organization=villages[r.code],
                year=year,
                defaults={
                    "leader_name": r.leader_name,
                    "leader_title": r.leader_title,
                    "department": r.department,
                    "leader_user": users.get(r.leader_username),
                },
            )
            counts["created" if created else "updated"] += 1
            entries.append(
                AuditEntry(
                    AuditLog.Action.IMPORT,
                    pairing,
                    None,
                    {
                        "organization": r.code,
                        "year": year,
                        "leader_name": r.leader_name,
                        "department": r.department,
                        "leader_user": r.leader_username,
                    },
                    "",
                )
            )
        audit_record_many(actor=actor, entries=entries, ip=ip)
    return counts


def pairing_save(
    *,
    actor: User,
    organization: Organization,
    year: int,
    leader_name: str,
    department: str,
    leader_title: str = "",
    leader_username: str = "",
    ip: str | None = None,
) -> Pairing:
    pairings_import(
        actor=actor,
        year=year,
        rows=[
            PairingRow(
                code=organization.code,
                leader_name=(leader_name or "").strip(),
                leader_title=(leader_title or "").strip(),
                department=(department or "").strip(),
                leader_username=(leader_username or "").strip(),
                row=1,
            )
        ],
        ip=ip,
    )
    return Pairing.objects.get(organization=organization, year=year)


def pairings_import_start(*, actor: User, year, upload, ip: str | None = None) -> Job:
    """Start the import of an Excel sheet of pairings as a job (the page and the API): who
    and what are checked now, the rows by the job (all or none, as ``pairings_import``)."""
    if not policies.can_manage_pairings(actor):
        raise NotPermitted(_("只有县级管理员可以维护包保结对。"))
    errors = []
    try:
        year = int(year)
    except (TypeError, ValueError):
        year = 0
    if not 2000 <= year <= 2100:
        errors.append({"field": "year", "value": year, "message": _("年度不正确")})
    if upload is None:
        errors.append({"field": "file", "message": _("请选择要上传的Excel文件")})
    elif upload.size > settings.EXCEL_MAX_UPLOAD_BYTES:
        errors.append({"field": "file", "message": _("文件过大")})
    if errors:
        raise InvalidInput(_("请检查填写的内容。"), errors)
    name = (getattr(upload, "name", "") or "pairings.xlsx").rsplit("/", 1)[-1]
    return job_create(
        actor=actor,
        kind=IMPORT_KIND,
        parameters={"year": year, "filename": name[:200]},
        upload=upload,
        ip=ip,
    )
