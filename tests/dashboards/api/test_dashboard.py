"""dashboard_summary (dashboards/selectors.py) and GET /api/v1/rounds/{id}/dashboard/: counts
per level and township, ≥70/≥80, changes vs last year, weakest items; scoped; two or three
queries over stored tallies."""

from decimal import Decimal

import pytest

from assessments import services
from assessments.models import Assessment, Round
from assessments.services.tallies import tallies_rebuild
from dashboards.selectors import dashboard_summary
from indicators.models import Item
from tests.conftest import full_sheet, move_to
from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


def set_result(round_, village, *, level, composite, previous_level=None, vetoed=False):
    Assessment.objects.filter(round=round_, organization=village).update(
        level=level,
        composite=Decimal(composite),
        total=Decimal(composite),
        previous_level=previous_level,
        change=None if previous_level is None else level - previous_level,
        vetoed=vetoed,
    )
    # Written directly, not by the service: count the results afresh, as recalculation does.
    tallies_rebuild(round_)


@pytest.fixture
def more_villages(township_a, township_b):
    """Two more villages so that every change kind occurs: A3, B2."""
    return [
        OrganizationFactory(code="220602100203", name="红旗村", parent=township_a),
        OrganizationFactory(code="220602101202", name="长青村", parent=township_b),
    ]


@pytest.fixture
def rated_round(round_2024, villages, more_villages):
    a1, a2, b1 = villages
    a3, _b2 = more_villages
    for village in more_villages:
        Assessment.objects.create(round=round_2024, organization=village)
    set_result(round_2024, a1, level=4, composite="85.50", previous_level=3)  # promoted
    set_result(round_2024, a2, level=3, composite="72.00", previous_level=3)  # same
    set_result(round_2024, a3, level=0, composite="91.00", previous_level=2, vetoed=True)  # 摘星
    set_result(round_2024, b1, level=2, composite="69.99", previous_level=3)  # demoted
    # B2 stays without a result (pending).
    return round_2024


def test_counts_levels_thresholds_and_changes(rated_round, county_admin):
    summary = dashboard_summary(rated_round, county_admin)

    assert summary["assessments"] == 5
    assert summary["rated"] == 4
    assert summary["pending"] == 1
    assert summary["vetoed"] == 1
    assert summary["levels"] == {"0": 1, "1": 0, "2": 1, "3": 1, "4": 1, "5": 0}
    assert summary["level_3_plus"] == 2 and summary["level_4_plus"] == 1
    assert summary["share_3_plus"] == Decimal("0.500")
    assert summary["share_4_plus"] == Decimal("0.250")
    # 85.50, 72.00 and 91.00 are ≥ 70; 69.99 is not. ≥ 80: 85.50 and 91.00.
    assert summary["composite_at_least_70"] == 3
    assert summary["composite_at_least_80"] == 2
    assert summary["changes"] == {
        "promoted": 1,
        "demoted": 1,
        "same": 1,
        "new": 0,
        "stripped": 1,
    }
    assert summary["target_share_3"] == rated_round.target_share_3


def test_counts_per_township_ordered_by_code(rated_round, county_admin, township_a, township_b):
    townships = dashboard_summary(rated_round, county_admin)["townships"]

    assert [t["code"] for t in townships] == [township_a.code, township_b.code]
    a, b = townships
    assert (a["assessments"], a["rated"], a["pending"]) == (3, 3, 0)
    assert a["levels"] == {"0": 1, "1": 0, "2": 0, "3": 1, "4": 1, "5": 0}
    assert a["changes"]["stripped"] == 1 and a["changes"]["promoted"] == 1
    assert (b["assessments"], b["rated"], b["pending"]) == (2, 1, 1)
    assert b["changes"]["demoted"] == 1
    assert b["composite_at_least_70"] == 0


def test_new_is_a_result_without_a_previous_level(round_2024, village_a1, county_admin):
    set_result(round_2024, village_a1, level=3, composite="75")

    summary = dashboard_summary(round_2024, county_admin)

    assert summary["changes"]["new"] == 1
    assert sum(summary["changes"].values()) == summary["rated"] == 1


def test_a_township_assessor_sees_their_township_only(rated_round, assessor_a, township_a):
    summary = dashboard_summary(rated_round, assessor_a)

    assert summary["assessments"] == 3
    assert [t["code"] for t in summary["townships"]] == [township_a.code]


def test_weakest_items_average_share_over_submitted_counting_sheets(
    round_2024, county_admin, catalogue, village_a1, village_b1
):
    """County stage counts by default: two submitted county sheets; a township sheet and a
    draft county sheet are ignored."""
    move_to(round_2024, Round.Status.COUNTY_REVIEW)
    a1 = Assessment.objects.get(round=round_2024, organization=village_a1)
    b1 = Assessment.objects.get(round=round_2024, organization=village_b1)
    sj01 = Item.objects.get(catalogue=catalogue, code="SJ01")  # max 3.00
    sheet_a = full_sheet(catalogue, Decimal("0.9")) | {"SJ01": "0.30"}  # 10 %
    sheet_b = full_sheet(catalogue, Decimal("0.9")) | {"SJ01": "0.90", "CY01": "0.00"}
    for assessment, scores in ((a1, sheet_a), (b1, sheet_b)):
        services.scores_save(
            actor=county_admin, assessment=assessment, stage="county", scores=scores, submit=True
        )

    weakest = dashboard_summary(round_2024, county_admin, weakest_limit=3)["weakest_items"]

    assert [w["code"] for w in weakest][:2] == ["SJ01", "CY01"]
    first = weakest[0]
    assert first["sheets"] == 2
    assert first["max_points"] == sj01.max_points
    assert first["average"] == Decimal("0.60")  # (0.30 + 0.90) / 2
    assert first["share"] == Decimal("0.200")  # 1.20 / (3.00 × 2)
    assert weakest[1]["share"] == Decimal("0.450")  # CY01: (0.9·max + 0) / (2·max)
    assert first["category_code"] and first["title"]
    assert len(weakest) == 3


def test_weakest_items_ignore_drafts_and_other_stages(
    round_2024, county_admin, catalogue, village_a1
):
    move_to(round_2024, Round.Status.COUNTY_REVIEW)
    a1 = Assessment.objects.get(round=round_2024, organization=village_a1)
    services.scores_save(actor=county_admin, assessment=a1, stage="county", scores={"SJ01": "0"})

    assert dashboard_summary(round_2024, county_admin)["weakest_items"] == []


def test_dashboard_endpoint_serializes_the_summary(api, rated_round, auditor):
    response = api.as_(auditor).get(f"/api/v1/rounds/{rated_round.pk}/dashboard/?weakest=5")

    assert response.status_code == 200
    body = response.json()
    assert body["round"]["id"] == rated_round.pk
    assert body["share_3_plus"] == "0.500"
    assert body["levels"]["4"] == 1
    assert body["changes"]["stripped"] == 1
    assert body["weakest_items"] == []


def test_dashboard_of_another_county_or_anonymous(api, rated_round):
    assert api.get(f"/api/v1/rounds/{rated_round.pk}/dashboard/").status_code == 401
    other = OrganizationFactory(code="220621000000", name="抚松县", kind="county")
    stranger = UserFactory(username="stranger", role="county_admin", organization=other)
    assert api.as_(stranger).get(f"/api/v1/rounds/{rated_round.pk}/dashboard/").status_code == 404


def test_dashboard_queries_do_not_grow_with_villages_or_sheets(
    round_2024, county_admin, catalogue, township_a, django_assert_max_num_queries
):
    move_to(round_2024, Round.Status.COUNTY_REVIEW)

    def measure() -> int:
        # The townships' stored counts (with the round's assessments counted), the stored
        # item sums; the catalogue is frozen (kept in memory once read).
        with django_assert_max_num_queries(3) as ctx:
            dashboard_summary(round_2024, county_admin)
        return len(ctx.captured_queries)

    small = measure()
    for n in range(12):
        village = OrganizationFactory(code=f"2206021003{n:02d}", parent=township_a)
        assessment = Assessment.objects.create(round=round_2024, organization=village)
        if n < 4:
            services.scores_save(
                actor=county_admin,
                assessment=assessment,
                stage="county",
                scores=full_sheet(catalogue),
                submit=True,
            )
    services.results_refresh(round_=round_2024)  # as opening a round does: they are counted
    assert measure() == small


def test_assessments_added_without_a_recomputation_are_counted(
    round_2024, county_admin, township_a, django_assert_max_num_queries
):
    """The stored numbers of assessments are set by a whole-round recomputation; an
    assessment added otherwise is still counted (one GROUP BY more), never left out."""
    move_to(round_2024, Round.Status.COUNTY_REVIEW)
    services.results_refresh(round_=round_2024)
    before = dashboard_summary(round_2024, county_admin)
    village = OrganizationFactory(code="220602100399", parent=township_a)
    Assessment.objects.create(round=round_2024, organization=village)
    with django_assert_max_num_queries(4):
        after = dashboard_summary(round_2024, county_admin)
    assert after["assessments"] == before["assessments"] + 1
    assert after["pending"] == before["pending"] + 1
    row = next(t for t in after["townships"] if t["id"] == township_a.pk)
    assert row["assessments"] == row["pending"] + row["rated"]


def test_dashboard_endpoint_query_budget(
    api, rated_round, county_admin, django_assert_max_num_queries
):
    client = api.as_(county_admin)
    # The user's organization, the round, the stored counts (the rows of this fixture were
    # rebuilt, so they add up), the item sums, the catalogue until it is kept in memory.
    with django_assert_max_num_queries(5):
        assert client.get(f"/api/v1/rounds/{rated_round.pk}/dashboard/").status_code == 200
    with django_assert_max_num_queries(4):
        assert client.get(f"/api/v1/rounds/{rated_round.pk}/dashboard/").status_code == 200


def test_dashboard_bad_parameter_is_400(api, rated_round, county_admin):
    response = api.as_(county_admin).get(f"/api/v1/rounds/{rated_round.pk}/dashboard/?weakest=many")

    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["weakest"]
