"""Village merges and splits (issue 14, item 5): the successor inherits a previous level by the
rule of docs/scoring.md ("The previous level": a merged village the level of its largest
predecessor by Party members when merged — ties: the higher level, then the lower code; a
split village its predecessor's), instead of restarting as "new". Worked examples 19–23 of
docs/scoring.md, and a Hypothesis property over any merge."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import transaction
from django.db.models import OuterRef
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments import selectors, services
from assessments.models import Assessment, HistoryImport, PublishedLevel, Round
from organizations.models import AuditLog, Organization, Succession
from starrating.errors import InvalidInput, NotPermitted
from tests.conftest import assessment_of, move_to, submit_county
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

TODAY = date(2024, 1, 1)


def village(township, code, name, members):
    return OrganizationFactory(code=code, name=name, parent=township, member_count=members)


def history(county, admin, year, levels: dict) -> None:
    """Imported published levels ({village: level}) of ``year``, written as the import does."""
    source = HistoryImport.objects.create(
        county=county, file_name="历年.xlsx", imported_by=admin, years=[year]
    )
    for org, level in levels.items():
        PublishedLevel.objects.create(
            county=county, organization=org, year=year, level=level, source=source
        )


def p_of(org, county, year) -> int | None:
    """Rule 10's P of ``org`` in a round of ``year``: the product's own expression."""
    expression = selectors.previous_level(
        county_id=county.pk, year=year, organization=OuterRef("pk")
    )
    return Organization.objects.filter(pk=org.pk).annotate(p=expression).get().p


def merge(admin, predecessors, successor):
    return services.succession_record(
        actor=admin,
        kind="merge",
        predecessor_codes=[p.code for p in predecessors],
        successor_codes=[successor.code],
        effective_date=TODAY,
        note="县政府批复",
    )


def test_example_19_a_merged_village_inherits_the_larger_predecessors_level(
    county, township_a, county_admin
):
    east = village(township_a, "220602100301", "东村", 40)
    west = village(township_a, "220602100302", "西村", 25)
    merged = village(township_a, "220602100303", "东西村", 0)
    history(county, county_admin, 2023, {east: 3, west: 4})
    assert p_of(merged, county, 2024) is None  # before the merge: "new"
    links = merge(county_admin, [east, west], merged)
    assert p_of(merged, county, 2024) == 3  # 东村 has more members (40 > 25)
    assert [link.predecessor_members for link in links] == [40, 25]
    east.refresh_from_db()
    west.refresh_from_db()
    assert not east.is_active and not west.is_active
    assert AuditLog.objects.filter(action=AuditLog.Action.DEACTIVATE, object_id=str(east.pk))
    assert (
        AuditLog.objects.filter(
            action=AuditLog.Action.CREATE, object_type="organizations.Succession"
        ).count()
        == 2
    )


def test_example_20_equal_members_take_the_higher_level(county, township_a, county_admin):
    south = village(township_a, "220602100311", "南村", 30)
    north = village(township_a, "220602100312", "北村", 30)
    merged = village(township_a, "220602100313", "南北村", 0)
    history(county, county_admin, 2023, {south: 2, north: 4})
    merge(county_admin, [south, north], merged)
    assert p_of(merged, county, 2024) == 4


def test_example_21_a_predecessor_without_a_level_is_passed_over(county, township_a, county_admin):
    big = village(township_a, "220602100321", "甲村", 50)
    small = village(township_a, "220602100322", "乙村", 20)
    merged = village(township_a, "220602100323", "甲乙村", 0)
    history(county, county_admin, 2023, {small: 2})  # 甲村 was not rated in 2023
    merge(county_admin, [big, small], merged)
    assert p_of(merged, county, 2024) == 2


def test_example_22_a_split_village_inherits_its_predecessors_level(
    county, township_a, county_admin
):
    whole = village(township_a, "220602100331", "大村", 60)
    upper = village(township_a, "220602100332", "上村", 0)
    lower = village(township_a, "220602100333", "下村", 0)
    history(county, county_admin, 2023, {whole: 4})
    services.succession_record(
        actor=county_admin,
        kind="split",
        predecessor_codes=[whole.code],
        successor_codes=[upper.code, lower.code],
        effective_date=TODAY,
    )
    assert (p_of(upper, county, 2024), p_of(lower, county, 2024)) == (4, 4)


def test_example_23_a_village_that_absorbs_another_keeps_its_own_level(
    county, township_a, county_admin
):
    east = village(township_a, "220602100341", "东村", 20)
    west = village(township_a, "220602100342", "西村", 45)
    history(county, county_admin, 2023, {east: 3, west: 4})
    merge(county_admin, [west], east)
    assert p_of(east, county, 2024) == 3  # its own level first; inheritance fills a gap only


def test_the_inherited_level_limits_promotion_in_the_round(
    round_2024, county, township_a, county_admin, catalogue
):
    """End to end: the merged village of example 19 scores 5 stars in 2024 but is limited to
    P + 1 = 4 by rule 10 (change +1), where a "new" village would have kept 5."""
    east = village(township_a, "220602100351", "东村", 40)
    west = village(township_a, "220602100352", "西村", 25)
    history(county, county_admin, 2023, {east: 3, west: 4})
    merged = village(township_a, "220602100353", "东西村", 0)
    Assessment.objects.create(round=round_2024, organization=merged)
    move_to(round_2024, Round.Status.COUNTY_REVIEW)
    submit_county(county_admin, round_2024, merged, catalogue, "0.95")
    a = assessment_of(round_2024, merged)
    assert (a.previous_level, a.level) == (None, 5)
    merge(county_admin, [east, west], merged)  # refreshes the open round's successor
    a.refresh_from_db()
    assert (a.previous_level, a.level, a.change) == (3, 4, 1)


def test_bad_input_names_each_field_and_writes_nothing(
    county, township_a, county_admin, village_a1, village_a2, village2
):
    with pytest.raises(InvalidInput) as caught:
        services.succession_record(
            actor=county_admin,
            kind="merge",
            predecessor_codes=[village_a1.code, village2.code, "x"],
            successor_codes=[village_a1.code, village_a2.code],
            effective_date="2099-01-01",
        )
    fields = {e["field"] for e in caught.value.errors}
    assert fields == {"predecessors", "successors", "effective_date"}
    assert not Succession.objects.exists()
    village_a1.refresh_from_db()
    assert village_a1.is_active
    with pytest.raises(InvalidInput) as caught:
        services.succession_record(
            actor=county_admin,
            kind="split",
            predecessor_codes=[village_a1.code],
            successor_codes=[village_a2.code],
            effective_date="not a date",
        )
    assert {e["field"] for e in caught.value.errors} == {"successors", "effective_date"}


def test_only_a_county_admin_of_the_county(
    county_admin2, auditor, assessor_a, village_a1, village_a2
):
    for user in (county_admin2, auditor, assessor_a):
        with pytest.raises((NotPermitted, InvalidInput)) as caught:
            services.succession_record(
                actor=user,
                kind="merge",
                predecessor_codes=[village_a1.code],
                successor_codes=[village_a2.code],
                effective_date=TODAY,
            )
        # The other county's admin names villages it does not have: nothing is found.
        assert isinstance(caught.value, NotPermitted) or user == county_admin2
    assert not Succession.objects.exists()


# --- the property --------------------------------------------------------------------------


predecessor = st.tuples(
    st.integers(min_value=0, max_value=200),  # Party members when merged
    st.one_of(st.none(), st.integers(min_value=0, max_value=5)),  # last year's level
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(predecessors=st.lists(predecessor, min_size=1, max_size=5))
def test_property_a_merge_inherits_the_largest_rated_predecessors_level(
    county, township_a, county_admin, predecessors
):
    """For any merge: with no rated predecessor the merged village is "new"; otherwise its P
    is the level of a rated predecessor with the most members, the highest of those tied — so
    it never lies outside the predecessors' levels, and the order they are listed in does not
    matter."""
    with transaction.atomic():
        orgs = [
            village(township_a, f"22060210{4000 + i:04d}", f"合并前{i}", members)
            for i, (members, _level) in enumerate(predecessors)
        ]
        merged = village(township_a, "220602109999", "合并后", 0)
        history(
            county,
            county_admin,
            2023,
            {
                o: level
                for o, (_m, level) in zip(orgs, predecessors, strict=True)
                if level is not None
            },
        )
        merge(county_admin, list(reversed(orgs)), merged)
        got = p_of(merged, county, 2024)
        rated = [(m, lv) for m, lv in predecessors if lv is not None]
        if not rated:
            assert got is None
        else:
            most = max(m for m, _lv in rated)
            assert got == max(lv for m, lv in rated if m == most)
            assert min(lv for _m, lv in rated) <= got <= max(lv for _m, lv in rated)
        transaction.set_rollback(True)
