"""scores_save and results_refresh: validation, authorization, stage locks, versions, audit,
query budgets (issue 2, items 7–8 and "Bad input")."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments import services
from assessments.models import Assessment, Round, Score, Sheet
from indicators.models import Item
from organizations.models import AuditLog
from starrating.errors import Conflict, InvalidInput, NotPermitted
from tests.conftest import full_sheet, move_to
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def township_round(round_2024):
    return move_to(round_2024, Round.Status.TOWNSHIP_REVIEW)


@pytest.fixture
def a1(township_round, village_a1):
    return Assessment.objects.select_related("round", "organization").get(
        round=township_round, organization=village_a1
    )


def scores_of(assessment, stage):
    return dict(
        Score.objects.filter(sheet__assessment=assessment, sheet__stage=stage).values_list(
            "item__code", "points"
        )
    )


# --- happy path ------------------------------------------------------------------------------


def test_assessor_saves_a_draft_and_it_is_audited(a1, assessor_a):
    sheet = services.scores_save(
        actor=assessor_a, assessment=a1, stage="township", scores={"SJ01": "2.50", "SJ02": 1}
    )

    sheet.refresh_from_db()
    assert sheet.version == 1 and sheet.status == Sheet.Status.DRAFT
    assert scores_of(a1, "township") == {"SJ01": Decimal("2.50"), "SJ02": Decimal("1.00")}
    log = AuditLog.objects.get(action=AuditLog.Action.SCORES_SAVE)
    assert log.actor == assessor_a
    assert log.before == {"version": 0, "scores": {"SJ01": None, "SJ02": None}}
    assert log.after == {"version": 1, "scores": {"SJ01": "2.50", "SJ02": "1.00"}}


def test_changing_one_item_audits_that_item_only(a1, assessor_a):
    services.scores_save(actor=assessor_a, assessment=a1, stage="township", scores={"SJ01": "2"})
    services.scores_save(
        actor=assessor_a, assessment=a1, stage="township", scores={"SJ01": "1.5", "SJ02": None}
    )

    log = AuditLog.objects.filter(action=AuditLog.Action.SCORES_SAVE).first()
    assert log.before["scores"] == {"SJ01": "2.00"}
    assert log.after["scores"] == {"SJ01": "1.50"}


def test_saving_identical_values_creates_no_version_and_no_audit(a1, assessor_a):
    services.scores_save(actor=assessor_a, assessment=a1, stage="township", scores={"SJ01": "2"})
    before = AuditLog.objects.count()

    sheet = services.scores_save(
        actor=assessor_a, assessment=a1, stage="township", scores={"SJ01": "2.00"}
    )

    assert sheet.version == 1
    assert AuditLog.objects.count() == before


def test_clearing_an_item_removes_its_points(a1, assessor_a):
    services.scores_save(actor=assessor_a, assessment=a1, stage="township", scores={"SJ01": "2"})
    services.scores_save(actor=assessor_a, assessment=a1, stage="township", scores={"SJ01": ""})
    assert scores_of(a1, "township") == {}


def test_notes_are_kept_per_item(a1, assessor_a):
    services.scores_save(
        actor=assessor_a,
        assessment=a1,
        stage="township",
        scores={"SJ01": "2"},
        notes={"SJ01": "缺一次党课记录"},
    )
    assert Score.objects.get(item__code="SJ01").note == "缺一次党课记录"


def test_submit_needs_every_scored_item_and_lists_the_missing(a1, assessor_a, catalogue):
    scores = full_sheet(catalogue)
    del scores["SJ03"], scores["ZL02"]

    with pytest.raises(InvalidInput) as exc:
        services.scores_save(
            actor=assessor_a, assessment=a1, stage="township", scores=scores, submit=True
        )

    assert [e["item"] for e in exc.value.errors] == ["SJ03", "ZL02"]
    assert not Sheet.objects.filter(assessment=a1).exclude(version=0).exists()
    assert scores_of(a1, "township") == {}


def test_submit_with_deductions_left_blank(a1, assessor_a, catalogue):
    sheet = services.scores_save(
        actor=assessor_a, assessment=a1, stage="township", scores=full_sheet(catalogue), submit=True
    )
    sheet.refresh_from_db()
    assert sheet.status == Sheet.Status.SUBMITTED and sheet.submitted_by == assessor_a
    assert AuditLog.objects.filter(action=AuditLog.Action.SHEET_SUBMIT, object_id=str(sheet.pk))


def test_a_submitted_sheet_cannot_lose_a_scored_item(a1, assessor_a, catalogue):
    services.scores_save(
        actor=assessor_a, assessment=a1, stage="township", scores=full_sheet(catalogue), submit=True
    )
    with pytest.raises(InvalidInput):
        services.scores_save(
            actor=assessor_a, assessment=a1, stage="township", scores={"SJ01": None}
        )
    assert "SJ01" in scores_of(a1, "township")


# --- bad input ---------------------------------------------------------------------------------


def test_every_bad_value_is_reported_and_nothing_is_written(a1, assessor_a):
    sj01_max = Item.objects.get(catalogue=a1.round.catalogue, code="SJ01").max_points
    bad = {
        "SJ01": str(sj01_max + 1),  # above the maximum
        "SJ02": "-1",  # below zero
        "SJ03": "abc",  # not a number
        "SJ04": "1.255",  # three decimals
        "XX99": "1",  # not in the catalogue
        "FJ01": "1",  # a veto item has no points
        "SJ05": "1",  # a good value is not written either
    }

    with pytest.raises(InvalidInput) as exc:
        services.scores_save(actor=assessor_a, assessment=a1, stage="township", scores=bad)

    errors = {e["item"]: e for e in exc.value.errors}
    assert set(errors) == {"SJ01", "SJ02", "SJ03", "SJ04", "XX99", "FJ01"}
    assert all(
        e["organization"] == "220602100201" and e["stage"] == "township" for e in errors.values()
    )
    assert errors["SJ03"]["value"] == "abc"
    assert "最高分" in errors["SJ01"]["message"]
    assert "两位小数" in errors["SJ04"]["message"]
    assert "七道江村" in exc.value.message
    assert scores_of(a1, "township") == {}
    assert not AuditLog.objects.filter(action=AuditLog.Action.SCORES_SAVE).exists()


@pytest.mark.parametrize("value", ["NaN", "Infinity", "1e400", True, "", "  "])
def test_odd_values_are_rejected_or_cleared(a1, assessor_a, value):
    if isinstance(value, str) and not value.strip():
        services.scores_save(
            actor=assessor_a, assessment=a1, stage="township", scores={"SJ01": value}
        )
        assert scores_of(a1, "township") == {}
        return
    with pytest.raises(InvalidInput):
        services.scores_save(
            actor=assessor_a, assessment=a1, stage="township", scores={"SJ01": value}
        )


def test_float_input_is_read_as_its_decimal_text(a1, assessor_a):
    services.scores_save(actor=assessor_a, assessment=a1, stage="township", scores={"SJ01": 2.3})
    assert scores_of(a1, "township")["SJ01"] == Decimal("2.30")


def test_unknown_stage_is_bad_input(a1, county_admin):
    with pytest.raises(InvalidInput):
        services.scores_save(actor=county_admin, assessment=a1, stage="city", scores={})


# --- who may write ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "stage", "allowed"),
    [
        ("assessor_a", "township", True),
        ("assessor_b", "township", False),  # another township's village
        ("assessor_a", "county", False),
        ("secretary_a1", "township", False),
        ("reviewer", "township", False),
        ("auditor", "township", False),
        ("maintainer", "township", False),
        ("evaluator", "township", False),
        ("county_admin", "township", True),
    ],
)
def test_who_may_write_the_township_stage(request, a1, who, stage, allowed):
    user = request.getfixturevalue(who)
    if allowed:
        services.scores_save(actor=user, assessment=a1, stage=stage, scores={"SJ01": "1"})
        assert scores_of(a1, stage) == {"SJ01": Decimal("1.00")}
    else:
        with pytest.raises(NotPermitted):
            services.scores_save(actor=user, assessment=a1, stage=stage, scores={"SJ01": "1"})
        assert scores_of(a1, stage) == {}


def test_village_secretary_writes_only_own_self_assessment(round_2024, secretary_a1, village_a2):
    own = round_2024.assessments.get(organization=secretary_a1.organization)
    other = round_2024.assessments.get(organization=village_a2)

    services.scores_save(actor=secretary_a1, assessment=own, stage="self", scores={"SJ01": "3"})
    with pytest.raises(NotPermitted):
        services.scores_save(
            actor=secretary_a1, assessment=other, stage="self", scores={"SJ01": "3"}
        )
    assert scores_of(own, "self") == {"SJ01": Decimal("3.00")}
    assert scores_of(other, "self") == {}


def test_evaluator_writes_county_stage_of_assigned_villages_only(
    round_2024, evaluator, village_a1, village_a2
):
    round_ = move_to(round_2024, Round.Status.COUNTY_REVIEW)
    assigned = round_.assessments.get(organization=village_a1)
    other = round_.assessments.get(organization=village_a2)

    services.scores_save(actor=evaluator, assessment=assigned, stage="county", scores={"SJ01": "3"})
    with pytest.raises(NotPermitted):
        services.scores_save(
            actor=evaluator, assessment=other, stage="county", scores={"SJ01": "3"}
        )


def test_admin_of_another_county_cannot_write(a1):
    from organizations.models import Organization, Role
    from tests.factories import UserFactory

    other_county = OrganizationFactory(
        code="220605000000", name="江源区", kind=Organization.Kind.COUNTY
    )
    stranger = UserFactory(
        username="other_admin", role=Role.COUNTY_ADMIN, organization=other_county
    )
    with pytest.raises(NotPermitted):
        services.scores_save(actor=stranger, assessment=a1, stage="township", scores={"SJ01": "1"})


# --- locked stages and versions -----------------------------------------------------------------


def test_a_stage_that_is_not_open_is_locked(round_2024, assessor_a, village_a1):
    a = round_2024.assessments.get(organization=village_a1)  # the round is in self-assessment
    with pytest.raises(Conflict) as exc:
        services.scores_save(actor=assessor_a, assessment=a, stage="township", scores={"SJ01": "1"})
    assert "镇街初评" in exc.value.message and exc.value.extra["stage"] == "township"
    assert scores_of(a, "township") == {}


def test_a_passed_deadline_locks_the_stage_and_says_since_when(a1, assessor_a, township_round):
    deadline = timezone.now() - timedelta(hours=1)
    Round.objects.filter(pk=township_round.pk).update(township_deadline=deadline)

    with pytest.raises(Conflict) as exc:
        services.scores_save(
            actor=assessor_a, assessment=a1, stage="township", scores={"SJ01": "1"}
        )

    assert "截止" in exc.value.message
    assert exc.value.extra["locked_since"] == deadline.isoformat()


def test_a_round_moved_on_after_the_page_was_loaded_is_judged_as_it_is_now(a1, assessor_a):
    """The caller holds a stale Round instance; the service must not trust it."""
    Round.objects.filter(pk=a1.round_id).update(status=Round.Status.COUNTY_REVIEW)
    with pytest.raises(Conflict):
        services.scores_save(
            actor=assessor_a, assessment=a1, stage="township", scores={"SJ01": "1"}
        )


def test_a_stale_version_is_a_conflict_carrying_the_current_values(a1, assessor_a, county_admin):
    services.scores_save(
        actor=county_admin, assessment=a1, stage="township", scores={"SJ01": "2"}, version=0
    )

    with pytest.raises(Conflict) as exc:
        services.scores_save(
            actor=assessor_a, assessment=a1, stage="township", scores={"SJ01": "3"}, version=0
        )

    assert exc.value.extra["current_version"] == 1
    assert exc.value.extra["current_scores"] == {"SJ01": "2.00"}
    assert exc.value.extra["updated_by"] == county_admin.display_name
    assert scores_of(a1, "township") == {"SJ01": Decimal("2.00")}


def test_sheet_return_reopens_a_submitted_sheet(a1, assessor_a, county_admin, catalogue):
    sheet = services.scores_save(
        actor=assessor_a, assessment=a1, stage="township", scores=full_sheet(catalogue), submit=True
    )
    with pytest.raises(NotPermitted):
        services.sheet_return(actor=assessor_a, sheet=sheet, reason="填错")
    with pytest.raises(InvalidInput):
        services.sheet_return(actor=county_admin, sheet=sheet, reason=" ")

    services.sheet_return(actor=county_admin, sheet=sheet, reason="SJ05 分值录入错误")

    sheet.refresh_from_db()
    assert sheet.status == Sheet.Status.DRAFT
    assert AuditLog.objects.filter(action=AuditLog.Action.SHEET_REOPEN, reason__contains="SJ05")


# --- results follow the sheets ------------------------------------------------------------------


def test_submitting_the_counting_stage_computes_the_result(
    round_2024, county_admin, village_a1, catalogue
):
    round_ = move_to(round_2024, Round.Status.COUNTY_REVIEW)
    a = round_.assessments.select_related("round").get(organization=village_a1)

    services.scores_save(
        actor=county_admin, assessment=a, stage="county", scores=full_sheet(catalogue)
    )
    a.refresh_from_db()
    assert a.level is None and a.result_missing  # a draft does not count (rule 0)

    services.scores_save(actor=county_admin, assessment=a, stage="county", scores={}, submit=True)
    a.refresh_from_db()
    # 90 % of every item: every category 18 of 20 → T = 90, five stars, first year (rule 10: ≤ 5).
    assert a.total == Decimal("90.00") and a.level == 5 and a.change is None
    assert a.category_scores == {c: "18.00" for c in ["SJ", "DW", "CY", "MS", "ZL"]}
    assert AuditLog.objects.filter(action=AuditLog.Action.RESULT_CHANGE, object_id=str(a.pk))


def test_township_stage_does_not_count_by_default(a1, assessor_a, catalogue):
    services.scores_save(
        actor=assessor_a, assessment=a1, stage="township", scores=full_sheet(catalogue), submit=True
    )
    a1.refresh_from_db()
    assert a1.level is None


# --- query budgets ------------------------------------------------------------------------------


def test_saving_a_sheet_is_a_bounded_number_of_queries(a1, assessor_a, catalogue):
    """At most 12 statements as a request runs them (the test's transaction adds savepoints),
    the first save (which creates the sheet) included; no more for 65 items than for 5."""
    everything = full_sheet(catalogue)
    few = dict(list(everything.items())[:5])
    with CaptureQueriesContext(connection) as few_ctx:
        services.scores_save(actor=assessor_a, assessment=a1, stage="township", scores=few)
    other = Assessment.objects.select_related("round", "organization").get(
        round=a1.round, organization__code="220602100202"
    )
    with CaptureQueriesContext(connection) as all_ctx:
        services.scores_save(
            actor=assessor_a, assessment=other, stage="township", scores=everything, submit=True
        )
    few_n, all_n = _statements(few_ctx), _statements(all_ctx)
    assert few_n <= 12 and all_n <= 12, [q["sql"][:80] for q in all_ctx.captured_queries]
    assert all_n <= few_n + 1


def _statements(ctx) -> int:
    return sum(1 for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"])


def _round_with_villages(county_admin, county, catalogue, n):
    township = OrganizationFactory(
        code=f"2206021{n:02d}000", name=f"测试镇{n}", kind="township", parent=county
    )
    for i in range(n):
        OrganizationFactory(code=f"2206021{n:02d}{i + 200:03d}", name=f"村{n}-{i}", parent=township)
    round_ = services.round_create(
        actor=county_admin, county=county, year=2030 + n, catalogue=catalogue
    )
    services.round_open(actor=county_admin, round_=round_)
    round_ = move_to(round_, Round.Status.COUNTY_REVIEW)
    sheet = full_sheet(catalogue, Decimal("0.85"))
    for a in round_.assessments.select_related("round", "organization"):
        services.scores_save(
            actor=county_admin, assessment=a, stage="county", scores=sheet, submit=True
        )
    return round_


def test_recalculating_a_round_does_not_grow_with_its_size(
    county_admin, county, catalogue, django_assert_max_num_queries
):
    small = _round_with_villages(county_admin, county, catalogue, 2)
    large = _round_with_villages(county_admin, county, catalogue, 9)
    counts = []
    for round_ in (small, large):
        Assessment.objects.filter(round=round_).update(level=None, total=None)
        with django_assert_max_num_queries(20) as ctx:
            changed = services.results_refresh(round_=round_)
        counts.append(len(ctx.captured_queries))
        assert changed == round_.assessments.count()
    assert counts[0] == counts[1]
    assert set(large.assessments.values_list("level", flat=True)) == {4}


def test_result_records_list_categories_in_catalogue_order(round_2024, county_admin, catalogue):
    """PostgreSQL's jsonb reorders keys; the export contract shows catalogue order."""
    from assessments.selectors import result_records

    round_ = move_to(round_2024, Round.Status.COUNTY_REVIEW)
    a = round_.assessments.select_related("round").get(organization__code="220602100201")
    services.scores_save(
        actor=county_admin, assessment=a, stage="county", scores=full_sheet(catalogue), submit=True
    )

    record = next(r for r in result_records(round_) if r["organization_code"] == "220602100201")
    assert list(record["category_scores"]) == ["SJ", "DW", "CY", "MS", "ZL"]
