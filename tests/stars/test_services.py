"""创星晋级 services: second-person approval, stars rising and falling in real time, 减星,
否决, the year-end reset, scope, and the register import (all or nothing)."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import Workbook

from organizations.models import AuditLog
from starrating.errors import Conflict, InvalidInput, NotPermitted
from stars import selectors, services
from stars.models import Ladder, PartyMember, PointEntry, StarStanding

from .conftest import YEAR, item, record

pytestmark = pytest.mark.django_db


def stars_of(member) -> int:
    return StarStanding.objects.get(member=member, table__year=YEAR).stars


def test_tables_copy_from_seed_and_from_a_year(county_admin, tables):
    member = tables[Ladder.MEMBER]
    assert member.thresholds == (10, 20, 30, 40, 50)
    assert member.items.filter(category="rural").exists()
    assert member.items.filter(kind="veto").count() == 1
    with pytest.raises(Conflict):
        services.tables_copy(actor=county_admin, year=YEAR)
    copied = services.tables_copy(actor=county_admin, year=YEAR + 1, from_year=YEAR)
    assert {t.ladder for t in copied} == set(Ladder.values)
    assert copied[0].items.count() == tables[copied[0].ladder].items.count()


def test_tables_are_the_county_admins(assessor_a, auditor):
    for user in (assessor_a, auditor):
        with pytest.raises(NotPermitted):
            services.tables_copy(actor=user, year=YEAR)


def test_recorder_cannot_approve_their_own_entry(county_admin, tables, member_a1):
    entry = record(county_admin, tables, "G04", member=member_a1)
    with pytest.raises(NotPermitted, match="另一人"):
        services.entry_approve(actor=county_admin, entry=entry)
    entry.refresh_from_db()
    assert entry.status == PointEntry.Status.PENDING


def test_only_the_county_approves(pending_a1, assessor_a, assessor_b, auditor, secretary_a1):
    for user in (assessor_b, auditor, secretary_a1):
        with pytest.raises(NotPermitted):
            services.entry_approve(actor=user, entry=pending_a1)


def test_stars_rise_and_fall_on_every_approval(assessor_a, approver, tables, member_a1):
    """S4: 10 points → one star; 20 → two; a 减星项 → one; a 否决项 → none."""
    seen = []
    for code in ("R02", "R02", "R02", "R02", "D01", "V01"):
        entry = record(assessor_a, tables, code, member=member_a1)
        services.entry_approve(actor=approver, entry=entry)
        seen.append(stars_of(member_a1))
    assert seen == [0, 1, 1, 2, 1, 0]
    standing = StarStanding.objects.get(member=member_a1)
    assert (standing.points, standing.deducted, standing.vetoed) == (Decimal("20.0"), 1, True)
    assert AuditLog.objects.filter(object_type="stars.PointEntry").count() >= 12


def test_a_pending_or_rejected_entry_earns_nothing(assessor_a, approver, tables, member_a1):
    entry = record(assessor_a, tables, "R02", member=member_a1)
    services.entry_reject(actor=approver, entry=entry, reason="佐证不足")
    assert not StarStanding.objects.filter(member=member_a1).exists()
    with pytest.raises(Conflict):
        services.entry_approve(actor=approver, entry=entry)
    with pytest.raises(InvalidInput):
        services.entry_reject(
            actor=approver, entry=record(assessor_a, tables, "G01", member=member_a1), reason=""
        )


def test_changed_thresholds_recompute_standings(
    assessor_a, approver, county_admin, tables, member_a1
):
    for _n in range(2):
        services.entry_approve(
            actor=approver, entry=record(assessor_a, tables, "R02", member=member_a1)
        )
    assert stars_of(member_a1) == 1
    services.table_set_thresholds(
        actor=county_admin, table=tables[Ladder.MEMBER], thresholds=["5", "10", "15", "20", "25"]
    )
    assert stars_of(member_a1) == 2
    with pytest.raises(InvalidInput) as bad:
        services.table_set_thresholds(
            actor=county_admin, table=tables[Ladder.MEMBER], thresholds=["5", "5", "15", "20", "x"]
        )
    assert {e["field"] for e in bad.value.errors} == {"star_5"}


def test_year_end_reset_keeps_history(assessor_a, approver, county_admin, tables, member_a1):
    """S5: last year's table and standing stay; the new year's table starts everyone at zero."""
    services.entry_approve(
        actor=approver, entry=record(assessor_a, tables, "R02", member=member_a1)
    )
    services.entry_approve(
        actor=approver, entry=record(assessor_a, tables, "R02", member=member_a1)
    )
    services.tables_copy(actor=county_admin, year=YEAR + 1, from_year=YEAR)
    rows = selectors.ranking(user=county_admin, year=YEAR + 1, ladder=Ladder.MEMBER)
    assert [(r["name"], r["stars"]) for r in rows] == [("王红", 0)]
    assert stars_of(member_a1) == 1


def test_entry_validation_lists_every_problem(assessor_a, tables, member_a1, village_a1):
    with pytest.raises(InvalidInput) as bad:
        services.entry_record(
            actor=assessor_a,
            item=item(tables, Ladder.BRANCH, "B01"),
            member=member_a1,
            occurred_on=datetime.date(YEAR - 1, 12, 31),
            description="",
        )
    fields = {e["field"] for e in bad.value.errors}
    assert fields == {"item", "occurred_on", "description"}
    with pytest.raises(InvalidInput):
        services.entry_record(
            actor=assessor_a,
            item=item(tables, Ladder.MEMBER, "C01"),  # a community member's item
            member=member_a1,
            occurred_on=timezone.localdate(),
            description="网格服务",
        )


def test_scope_of_recording(
    tables, assessor_b, secretary_a1, member_a1, village_a1, village_a2, township_a
):
    with pytest.raises(NotPermitted):
        record(assessor_b, tables, "G01", member=member_a1)  # another township's member
    with pytest.raises(NotPermitted):
        record(secretary_a1, tables, "B01", organization=village_a2)  # not own village
    record(secretary_a1, tables, "B01", organization=village_a1)
    with pytest.raises(NotPermitted):
        record(assessor_b, tables, "S01", organization=township_a, ladder=Ladder.COMMITTEE)


def workbook(rows) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.append(["姓名", "党员类别", "所在支部代码"])
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return out


def test_register_import_all_or_nothing_with_row_and_column(assessor_a, village_a1, village_b1):
    bad = workbook(
        [
            ["张三", "农村", village_a1.code],
            ["=HYPERLINK(1)", "社区", village_a1.code],
            ["李四", "工人", village_a1.code],
            ["王五", "农村", village_b1.code],  # another township's branch
        ]
    )
    with pytest.raises(InvalidInput) as error:
        services.members_import(actor=assessor_a, file=bad)
    assert [(e["row"], e["column"]) for e in error.value.errors] == [
        (3, "姓名"),
        (4, "党员类别"),
        (5, "所在支部代码"),
    ]
    assert not PartyMember.objects.exists()
    good = workbook([["张三", "农村", village_a1.code], ["李四", "社区党员", village_a1.code]])
    assert services.members_import(actor=assessor_a, file=good) == 2
    assert PartyMember.objects.filter(branch=village_a1).count() == 2


def test_share_at_least_four_stars(
    assessor_a, approver, tables, member_a1, village_a1, county_admin
):
    """S7: the ladder figure an annual-rating item may use."""
    services.member_create(actor=county_admin, branch=village_a1, name="陈平", category="rural")
    for _n in range(8):
        services.entry_approve(
            actor=approver, entry=record(assessor_a, tables, "R02", member=member_a1)
        )
    assert stars_of(member_a1) == 4
    assert selectors.member_share_at_least(branch=village_a1, year=YEAR) == Decimal("0.5000")


def test_exemplary_star_of_a_branch(
    assessor_a, approver, tables, member_a1, village_a1, county_admin
):
    for _n in range(4):
        services.entry_approve(
            actor=approver, entry=record(assessor_a, tables, "B03", organization=village_a1)
        )
    rows = {
        r["name"]: r for r in selectors.ranking(user=county_admin, year=YEAR, ladder=Ladder.BRANCH)
    }
    assert rows[village_a1.name]["stars"] == 1  # 24 points
    assert rows[village_a1.name]["exemplary"] == 0  # its one member has no star yet


def test_the_database_refuses_a_self_approval(pending_a1, assessor_a):
    from django.db import IntegrityError, transaction

    pending_a1.decided_by = assessor_a  # the recorder
    with pytest.raises(IntegrityError), transaction.atomic():
        pending_a1.save()


def test_handbook_sums_the_months(assessor_a, approver, tables, member_a1, county_admin):
    from openpyxl import load_workbook

    from stars.report import handbook_xlsx

    for _n in range(3):
        services.entry_approve(
            actor=approver, entry=record(assessor_a, tables, "R02", member=member_a1)
        )
    record(assessor_a, tables, "G01", member=member_a1)  # pending: listed, not counted
    book = selectors.handbook(user=county_admin, year=YEAR, member=member_a1)
    wb = load_workbook(io.BytesIO(handbook_xlsx(title=member_a1.name, book=book)))
    months = {r[0]: r[1] for r in wb["月度汇总"].iter_rows(min_row=8, values_only=True)}
    assert months[f"{timezone.localdate().month}月"] == 15
    assert wb["月度汇总"]["B2"].value == 1  # one star at 15 points
    assert wb["记分明细"].max_row == 5  # header + four entries
