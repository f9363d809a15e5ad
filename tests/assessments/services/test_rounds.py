"""The round lifecycle services (DOMAIN.md §3): create, update, open, advance, publish, archive,
reopen; rule 10 across years; published results frozen."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from assessments import services
from assessments.models import (
    Assessment,
    Round,
    Score,
    Sheet,
    StageReopening,
)
from organizations.models import AuditLog, Organization, Role
from starrating.errors import Conflict, InvalidInput, NotPermitted
from tests.conftest import assessment_of, audit_rows, full_sheet, move_to, submit_county
from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


# --- helpers -------------------------------------------------------------------------------


@pytest.fixture
def other_county(db):
    return OrganizationFactory(code="220605000000", name="江源区", kind=Organization.Kind.COUNTY)


@pytest.fixture
def other_admin(other_county):
    return UserFactory(username="other_admin", role=Role.COUNTY_ADMIN, organization=other_county)


def publish(actor, round_: Round, catalogue, shares: dict) -> Round:
    """Score every village of ``round_`` at the county stage and publish it through the services."""
    move_to(round_, Round.Status.COUNTY_REVIEW)
    for village, share in shares.items():
        submit_county(actor, round_, village, catalogue, share)
    services.round_advance(actor=actor, round_=round_)
    services.round_publish(actor=actor, round_=round_)
    round_.refresh_from_db()
    assert round_.status == Round.Status.PUBLISHED
    return round_


# --- round_create / round_update ------------------------------------------------------------


def test_round_create_stores_rules_and_audits(county, county_admin, catalogue):
    round_ = services.round_create(
        actor=county_admin,
        county=county,
        year=2025,
        catalogue=catalogue,
        band_min_5=Decimal("92"),
        quota_5=Decimal("0.2"),
        satisfaction_weight=Decimal("0.3"),
    )

    round_.refresh_from_db()
    assert round_.status == Round.Status.DRAFT
    assert round_.year == 2025 and round_.catalogue_id == catalogue.pk
    assert "2025" in round_.name and county.name in round_.name
    assert round_.band_min_5 == Decimal("92")
    assert round_.quota_5 == Decimal("0.2")
    assert round_.satisfaction_weight == Decimal("0.3")
    assert round_.band_min_4 == Decimal("80")  # defaults as DOMAIN.md §4
    assert round_.max_promotion == 1
    assert round_.assessments.count() == 0  # assessments come with round_open
    entry = audit_rows(round_, AuditLog.Action.CREATE).get()
    assert entry.actor == county_admin
    assert entry.before is None
    assert entry.after["band_min_5"] == "92"
    assert entry.after["catalogue"] == catalogue.pk


def test_round_create_weights_must_sum_to_one(county, county_admin, catalogue):
    with pytest.raises(InvalidInput) as exc:
        services.round_create(
            actor=county_admin,
            county=county,
            year=2025,
            catalogue=catalogue,
            weight_township=Decimal("0.3"),
            weight_county=Decimal("0.6"),
        )

    errors = exc.value.errors
    assert [e["field"] for e in errors] == ["weight_county"]
    assert "之和必须等于1" in errors[0]["message"] and "0.9" in errors[0]["message"]
    assert not Round.objects.filter(year=2025).exists()
    assert not AuditLog.objects.filter(object_type="assessments.Round").exists()


def test_round_create_with_weights_summing_to_one(county, county_admin, catalogue):
    round_ = services.round_create(
        actor=county_admin,
        county=county,
        year=2025,
        catalogue=catalogue,
        weight_township=Decimal("0.3"),
        weight_county=Decimal("0.7"),
    )

    round_.refresh_from_db()
    assert round_.uses_stage_weights
    assert round_.counting_stages == ("township", "county")


def test_round_create_refusals(
    county, county_admin, assessor_a, other_admin, catalogue, round_2024
):
    with pytest.raises(NotPermitted):
        services.round_create(actor=assessor_a, county=county, year=2025, catalogue=catalogue)
    with pytest.raises(NotPermitted):
        services.round_create(actor=other_admin, county=county, year=2025, catalogue=catalogue)
    with pytest.raises(InvalidInput) as duplicate:
        services.round_create(actor=county_admin, county=county, year=2024, catalogue=catalogue)
    assert duplicate.value.errors == [{"field": "year", "message": "已存在"}]
    with pytest.raises(InvalidInput) as unknown:
        services.round_create(
            actor=county_admin, county=county, year=2025, catalogue=catalogue, colour="red"
        )
    assert unknown.value.errors[0]["field"] == "colour"
    assert list(Round.objects.filter(county=county).values_list("year", flat=True)) == [2024]


def test_round_update_rejects_bad_weights_and_keeps_the_round(county_admin, round_2024):
    with pytest.raises(InvalidInput) as exc:
        services.round_update(
            actor=county_admin,
            round_=round_2024,
            weight_township=Decimal("0.5"),
            weight_county=Decimal("0.6"),
        )

    assert exc.value.errors[0]["field"] == "weight_county"
    round_2024.refresh_from_db()
    assert round_2024.weight_township == 0 and round_2024.weight_county == 0
    assert not audit_rows(round_2024, AuditLog.Action.UPDATE).exists()


def test_round_update_recalculates_results_under_the_new_rules(
    county_admin, round_2024, village_a1, catalogue
):
    round_ = move_to(round_2024, Round.Status.COUNTY_REVIEW)
    submit_county(county_admin, round_, village_a1, catalogue, "0.95")
    a1 = assessment_of(round_, village_a1)
    assert a1.total >= Decimal("94") and a1.level == 5

    services.round_update(actor=county_admin, round_=round_, band_min_5=Decimal("99"))

    a1.refresh_from_db()
    assert a1.band_level == 4
    assert a1.level == 4
    update = audit_rows(round_, AuditLog.Action.UPDATE).get()
    assert update.before == {"band_min_5": "90.00"}
    assert update.after == {"band_min_5": "99"}
    change = audit_rows(a1, AuditLog.Action.RESULT_CHANGE).last()
    assert change.before["level"] == 5 and change.after["level"] == 4


def test_round_update_refusals(county_admin, assessor_a, other_admin, round_2024, catalogue):
    with pytest.raises(NotPermitted):
        services.round_update(actor=assessor_a, round_=round_2024, band_min_5=Decimal("95"))
    with pytest.raises(NotPermitted):
        services.round_update(actor=other_admin, round_=round_2024, band_min_5=Decimal("95"))
    with pytest.raises(Conflict):  # the catalogue is fixed once the round is open
        services.round_update(actor=county_admin, round_=round_2024, catalogue=catalogue)
    round_2024.refresh_from_db()
    assert round_2024.band_min_5 == Decimal("90")


# --- round_open ---------------------------------------------------------------------------


def test_round_open_creates_assessments_for_active_villages_only(
    county, township_a, villages, county_admin, catalogue, other_county
):
    merged = OrganizationFactory(
        code="220602100299", name="已撤并村", parent=township_a, is_active=False
    )
    other_township = OrganizationFactory(
        code="220605100000", kind=Organization.Kind.TOWNSHIP, parent=other_county
    )
    foreign = OrganizationFactory(code="220605100201", parent=other_township)
    round_ = services.round_create(
        actor=county_admin, county=county, year=2025, catalogue=catalogue
    )
    assert not catalogue.is_frozen

    services.round_open(actor=county_admin, round_=round_)

    round_.refresh_from_db()
    assert round_.status == Round.Status.SELF_ASSESSMENT
    assert round_.opened_at is not None
    opened = set(round_.assessments.values_list("organization_id", flat=True))
    assert opened == {v.pk for v in villages}
    # Each keeps its village's code: the default order reads it from the index (round, code).
    assert set(round_.assessments.values_list("code", "organization__code")) == {
        (v.code, v.code) for v in villages
    }
    assert merged.pk not in opened and foreign.pk not in opened
    assert catalogue.is_frozen
    entry = audit_rows(round_, AuditLog.Action.ROUND_TRANSITION).get()
    assert entry.before == {"status": "draft"}
    assert entry.after["status"] == "self_assessment"


def test_round_open_refuses_a_catalogue_whose_points_no_longer_add_up(
    county, villages, county_admin, catalogue
):
    from indicators.models import Item

    Item.objects.filter(catalogue=catalogue, code="CY01").update(max_points=Decimal("9.00"))
    round_ = services.round_create(
        actor=county_admin, county=county, year=2025, catalogue=catalogue
    )

    with pytest.raises(InvalidInput) as exc:
        services.round_open(actor=county_admin, round_=round_)

    assert "不能开启" in exc.value.message
    assert [e["field"] for e in exc.value.errors] == ["CY"]
    assert "25.00" in exc.value.errors[0]["message"]  # 21 + the item raised from 4 to 9
    round_.refresh_from_db()
    assert round_.status == Round.Status.DRAFT and round_.assessments.count() == 0


def test_round_open_without_self_assessment_starts_at_township_review(
    county, villages, county_admin, catalogue
):
    round_ = services.round_create(
        actor=county_admin,
        county=county,
        year=2025,
        catalogue=catalogue,
        self_assessment_enabled=False,
    )

    services.round_open(actor=county_admin, round_=round_)

    round_.refresh_from_db()
    assert round_.status == Round.Status.TOWNSHIP_REVIEW


def test_round_open_refuses_twice(county_admin, round_2024):
    count = round_2024.assessments.count()

    with pytest.raises(Conflict) as exc:
        services.round_open(actor=county_admin, round_=round_2024)

    assert "草稿" in exc.value.message
    round_2024.refresh_from_db()
    assert round_2024.status == Round.Status.SELF_ASSESSMENT
    assert round_2024.assessments.count() == count


@pytest.mark.parametrize("who", ["assessor_a", "auditor", "reviewer", "maintainer", "other_admin"])
def test_round_open_refuses_non_admins_and_other_counties(
    request, who, county, villages, county_admin, catalogue, other_admin
):
    round_ = services.round_create(
        actor=county_admin, county=county, year=2025, catalogue=catalogue
    )

    with pytest.raises(NotPermitted):
        services.round_open(actor=request.getfixturevalue(who), round_=round_)

    round_.refresh_from_db()
    assert round_.status == Round.Status.DRAFT
    assert round_.assessments.count() == 0
    assert not catalogue.is_frozen


# --- round_advance ------------------------------------------------------------------------


def test_advance_from_self_assessment_needs_no_self_sheets(county_admin, round_2024):
    # Self-assessment does not count (the county stage is authoritative, rule 1).
    services.round_advance(actor=county_admin, round_=round_2024)

    round_2024.refresh_from_db()
    assert round_2024.status == Round.Status.TOWNSHIP_REVIEW
    entry = audit_rows(round_2024, AuditLog.Action.ROUND_TRANSITION).last()
    assert entry.before == {"status": "self_assessment"}
    assert entry.after == {"status": "township_review"}


def test_leaving_a_counting_stage_with_unsubmitted_sheets_lists_the_villages(
    county_admin, round_2024, village_a1, village_a2, village_b1, catalogue
):
    round_ = move_to(round_2024, Round.Status.COUNTY_REVIEW)
    submit_county(county_admin, round_, village_a1, catalogue)
    # A draft sheet is not a submitted one.
    services.scores_save(
        actor=county_admin,
        assessment=assessment_of(round_, village_a2),
        stage="county",
        scores=full_sheet(catalogue),
    )

    with pytest.raises(Conflict) as exc:
        services.round_advance(actor=county_admin, round_=round_)

    assert "2个村" in exc.value.message
    assert {(e["organization"], e["stage"]) for e in exc.value.errors} == {
        (village_a2.code, "county"),
        (village_b1.code, "county"),
    }
    assert {e["organization_name"] for e in exc.value.errors} == {village_a2.name, village_b1.name}
    round_.refresh_from_db()
    assert round_.status == Round.Status.COUNTY_REVIEW


def test_with_stage_weights_the_township_stage_counts(
    county_admin, round_2024, village_a1, village_a2, village_b1, catalogue, assessor_a
):
    services.round_update(
        actor=county_admin,
        round_=round_2024,
        weight_township=Decimal("0.3"),
        weight_county=Decimal("0.7"),
    )
    round_ = move_to(round_2024, Round.Status.TOWNSHIP_REVIEW)
    for village in (village_a1, village_a2):
        services.scores_save(
            actor=assessor_a,
            assessment=assessment_of(round_, village),
            stage="township",
            scores=full_sheet(catalogue),
            submit=True,
        )

    with pytest.raises(Conflict) as exc:
        services.round_advance(actor=county_admin, round_=round_)

    assert [(e["organization"], e["stage"]) for e in exc.value.errors] == [
        (village_b1.code, "township")
    ]
    round_.refresh_from_db()
    assert round_.status == Round.Status.TOWNSHIP_REVIEW


def test_entering_publicity_needs_every_result(
    county_admin, round_2024, village_a1, village_a2, village_b1, catalogue
):
    # With a satisfaction weight, a result needs a survey too (rule 0).
    services.round_update(actor=county_admin, round_=round_2024, satisfaction_weight=Decimal("0.3"))
    round_ = move_to(round_2024, Round.Status.COUNTY_REVIEW)
    for village in (village_a1, village_a2, village_b1):
        submit_county(county_admin, round_, village, catalogue)
    for village in (village_a1, village_a2):
        services.survey_save(
            actor=county_admin,
            assessment=assessment_of(round_, village),
            respondents=20,
            satisfied=19,
        )

    with pytest.raises(Conflict) as exc:
        services.round_advance(actor=county_admin, round_=round_)

    assert "1个村没有评定结果" in exc.value.message
    assert [e["organization"] for e in exc.value.errors] == [village_b1.code]
    round_.refresh_from_db()
    assert round_.status == Round.Status.COUNTY_REVIEW


def test_entering_publicity_needs_no_pending_finding(
    county_admin, reviewer, round_2024, village_a1, village_a2, village_b1, catalogue
):
    round_ = move_to(round_2024, Round.Status.COUNTY_REVIEW)
    for village in (village_a1, village_a2, village_b1):
        submit_county(county_admin, round_, village, catalogue)
    finding = services.finding_create(
        actor=reviewer,
        assessment=assessment_of(round_, village_a2),
        item_code="FJ01",
        evidence="村党组织书记因违纪被立案审查。",
    )

    with pytest.raises(Conflict) as exc:
        services.round_advance(actor=county_admin, round_=round_)

    assert "1个联审问题待确认" in exc.value.message
    round_.refresh_from_db()
    assert round_.status == Round.Status.COUNTY_REVIEW

    services.finding_withdraw(actor=county_admin, finding=finding, reason="经核实不属实")
    services.round_advance(actor=county_admin, round_=round_)
    round_.refresh_from_db()
    assert round_.status == Round.Status.PUBLICITY


def test_advance_refusals(assessor_a, other_admin, round_2024):
    for actor in (assessor_a, other_admin):
        with pytest.raises(NotPermitted):
            services.round_advance(actor=actor, round_=round_2024)
    round_2024.refresh_from_db()
    assert round_2024.status == Round.Status.SELF_ASSESSMENT


# --- publish, archive ---------------------------------------------------------------------


def test_publish_sets_published_at_and_archive(
    county_admin, round_2024, village_a1, village_a2, village_b1, catalogue
):
    round_ = move_to(round_2024, Round.Status.COUNTY_REVIEW)
    for village in (village_a1, village_a2, village_b1):
        submit_county(county_admin, round_, village, catalogue)
    with pytest.raises(Conflict):  # only a round in publicity is published
        services.round_publish(actor=county_admin, round_=round_)
    services.round_advance(actor=county_admin, round_=round_)
    with pytest.raises(Conflict):  # only a published round is archived
        services.round_archive(actor=county_admin, round_=round_)
    round_.refresh_from_db()
    assert round_.status == Round.Status.PUBLICITY
    assert round_.published_at is None

    before = timezone.now()
    services.round_publish(actor=county_admin, round_=round_)

    round_.refresh_from_db()
    assert round_.status == Round.Status.PUBLISHED
    assert round_.published_at is not None and round_.published_at >= before
    entry = audit_rows(round_, AuditLog.Action.ROUND_TRANSITION).last()
    assert entry.before == {"status": "publicity"}
    assert entry.after["status"] == "published" and entry.after["published_at"]

    services.round_archive(actor=county_admin, round_=round_)

    round_.refresh_from_db()
    assert round_.status == Round.Status.ARCHIVED
    assert audit_rows(round_, AuditLog.Action.ROUND_TRANSITION).last().after == {
        "status": "archived"
    }


# --- round_reopen -------------------------------------------------------------------------


def test_reopen_needs_a_reason_and_a_known_stage(county_admin, round_2024):
    round_ = move_to(round_2024, Round.Status.COUNTY_REVIEW)

    with pytest.raises(InvalidInput) as exc:
        services.round_reopen(
            actor=county_admin,
            round_=round_,
            stage="nowhere",
            reason="  ",
            deadline=timezone.now() - timedelta(days=1),
        )

    assert {e["field"] for e in exc.value.errors} == {"stage", "reason", "deadline"}
    round_.refresh_from_db()
    assert round_.status == Round.Status.COUNTY_REVIEW
    assert not StageReopening.objects.exists()


def test_reopen_moves_the_round_back_and_records_it(county_admin, round_2024):
    round_ = move_to(round_2024, Round.Status.COUNTY_REVIEW)
    deadline = timezone.now() + timedelta(days=3)

    services.round_reopen(
        actor=county_admin,
        round_=round_,
        stage="township",
        reason="红土崖镇两个村的初评表漏报，重新开放三天。",
        deadline=deadline,
    )

    round_.refresh_from_db()
    assert round_.status == Round.Status.TOWNSHIP_REVIEW
    assert round_.township_deadline == deadline
    assert round_.stage_open("township")
    reopening = StageReopening.objects.get(round=round_)
    assert reopening.stage == "township"
    assert reopening.by == county_admin
    assert reopening.new_deadline == deadline
    assert reopening.reason.startswith("红土崖镇")
    entry = audit_rows(round_, AuditLog.Action.ROUND_REOPEN).get()
    assert entry.before["status"] == "county_review"
    assert entry.after["status"] == "township_review"
    assert entry.reason.startswith("红土崖镇")


def test_reopen_refuses_published_rounds_and_non_admins(
    county_admin, assessor_a, round_2024, village_a1, village_a2, village_b1, catalogue
):
    with pytest.raises(NotPermitted):
        services.round_reopen(actor=assessor_a, round_=round_2024, stage="self", reason="漏报")
    publish(
        county_admin,
        round_2024,
        catalogue,
        {village_a1: "0.9", village_a2: "0.9", village_b1: "0.9"},
    )

    with pytest.raises(Conflict) as exc:
        services.round_reopen(actor=county_admin, round_=round_2024, stage="county", reason="复核")

    assert "已发布" in exc.value.message
    round_2024.refresh_from_db()
    assert round_2024.status == Round.Status.PUBLISHED
    assert not StageReopening.objects.exists()
    assert not audit_rows(round_2024, AuditLog.Action.ROUND_REOPEN).exists()


# --- rule 10 across years; published results frozen ---------------------------------------


@pytest.fixture
def published_2023(county, county_admin, catalogue, villages, village_a1, village_a2, village_b1):
    """A published 2023 round ranked by total only, where village A1 has level 2 (65 points)."""
    round_ = services.round_create(
        actor=county_admin, county=county, year=2023, catalogue=catalogue, level_mode="total"
    )
    services.round_open(actor=county_admin, round_=round_)
    publish(
        county_admin, round_, catalogue, {village_a1: "0.65", village_a2: "0.9", village_b1: "0.9"}
    )
    a1 = assessment_of(round_, village_a1)
    assert a1.level == 2
    return round_


def test_promotion_limited_by_last_published_level_unless_exceptional(
    county_admin, round_2024, published_2023, village_a1, catalogue
):
    round_ = move_to(round_2024, Round.Status.COUNTY_REVIEW)
    submit_county(county_admin, round_, village_a1, catalogue, "1")
    a1 = assessment_of(round_, village_a1)
    assert a1.total == Decimal("100") and a1.band_level == 5
    assert a1.previous_level == 2
    assert a1.level == 3  # 2 + max_promotion 1
    assert a1.change == 1

    with pytest.raises(InvalidInput) as exc:
        services.assessment_set_exceptional(
            actor=county_admin, assessment=a1, exceptional=True, reason=" "
        )
    assert exc.value.errors == [{"field": "reason", "message": "必填"}]
    a1.refresh_from_db()
    assert not a1.exceptional and a1.level == 3

    services.assessment_set_exceptional(
        actor=county_admin, assessment=a1, exceptional=True, reason="获评省级乡村振兴示范村"
    )

    a1.refresh_from_db()
    assert a1.exceptional and a1.exceptional_reason == "获评省级乡村振兴示范村"
    assert a1.level == 5
    assert a1.change == 3
    entry = audit_rows(a1, AuditLog.Action.UPDATE).get()
    assert entry.before == {"exceptional": False, "reason": ""}
    assert entry.after == {"exceptional": True, "reason": "获评省级乡村振兴示范村"}


def test_exceptional_needs_the_county_admin(assessor_a, evaluator, round_2024, village_a1):
    a1 = assessment_of(round_2024, village_a1)
    for actor in (assessor_a, evaluator):
        with pytest.raises(NotPermitted):
            services.assessment_set_exceptional(
                actor=actor, assessment=a1, exceptional=True, reason="理由"
            )
    a1.refresh_from_db()
    assert not a1.exceptional


def test_published_results_are_frozen(county_admin, published_2023, village_a1, catalogue):
    a1 = assessment_of(published_2023, village_a1)
    level, total = a1.level, a1.total
    # Even if the stored points changed underneath, a published result is not recomputed.
    Score.objects.filter(sheet__assessment=a1).update(points=Decimal("0"))

    assert services.results_refresh(round_=published_2023, actor=county_admin) == 0

    a1.refresh_from_db()
    assert (a1.level, a1.total) == (level, total)
    with pytest.raises(Conflict):
        services.scores_save(
            actor=county_admin,
            assessment=a1,
            stage="county",
            scores=full_sheet(catalogue, Decimal("1")),
        )
    with pytest.raises(Conflict):
        services.assessment_set_exceptional(
            actor=county_admin, assessment=a1, exceptional=True, reason="理由"
        )
    with pytest.raises(Conflict):
        services.round_update(actor=county_admin, round_=published_2023, band_min_5=Decimal("95"))
    sheet = Sheet.objects.get(assessment=a1, stage="county")
    assert sheet.scores.filter(points__gt=0).count() == 0  # nothing written back
    a1.refresh_from_db()
    assert not a1.exceptional


# --- issue 12: the next stage must not open already locked ----------------------------------


def test_advance_into_a_stage_whose_deadline_passed_needs_a_new_one(county_admin, round_2024):
    past = timezone.now() - timedelta(days=1)
    Round.objects.filter(pk=round_2024.pk).update(township_deadline=past)
    round_2024.refresh_from_db()

    with pytest.raises(InvalidInput) as refused:
        services.round_advance(actor=county_admin, round_=round_2024)
    assert "“镇街初评”的截止时间" in refused.value.message and "已过" in refused.value.message
    assert refused.value.errors[0]["field"] == "deadline"
    with pytest.raises(InvalidInput, match="必须晚于现在"):
        services.round_advance(actor=county_admin, round_=round_2024, deadline=past)
    round_2024.refresh_from_db()
    assert round_2024.status == Round.Status.SELF_ASSESSMENT

    later = timezone.now() + timedelta(days=10)
    services.round_advance(actor=county_admin, round_=round_2024, deadline=later)

    round_2024.refresh_from_db()
    assert round_2024.status == Round.Status.TOWNSHIP_REVIEW
    assert round_2024.township_deadline == later
    assert round_2024.stage_open("township")
    entry = audit_rows(round_2024, AuditLog.Action.ROUND_TRANSITION).last()
    assert entry.after["status"] == "township_review" and "township_deadline" in entry.after


def test_advance_keeps_a_future_or_missing_deadline(county_admin, round_2024):
    assert round_2024.township_deadline is None
    services.round_advance(actor=county_admin, round_=round_2024)  # none stored: none needed
    round_2024.refresh_from_db()
    assert round_2024.status == Round.Status.TOWNSHIP_REVIEW and round_2024.stage_open("township")


def test_advance_into_publicity_takes_no_deadline(county_admin, round_2024):
    move_to(round_2024, Round.Status.COUNTY_REVIEW)
    with pytest.raises(InvalidInput, match="不需要截止时间"):
        services.round_advance(
            actor=county_admin, round_=round_2024, deadline=timezone.now() + timedelta(days=3)
        )


def test_an_assessment_always_has_its_organizations_code(round_2024, villages):
    """Saved one by one, the code is copied from the organization; a bulk write that forgets
    it is refused by the database rather than stored out of order."""
    extra = OrganizationFactory(code="220602100288", parent=villages[0].parent)
    assert Assessment.objects.create(round=round_2024, organization=extra).code == extra.code
    other = OrganizationFactory(code="220602100287", parent=villages[0].parent)
    with pytest.raises(IntegrityError), transaction.atomic():
        Assessment.objects.bulk_create([Assessment(round=round_2024, organization=other)])
