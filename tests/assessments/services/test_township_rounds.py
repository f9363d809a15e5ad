"""Township (镇街) rounds (issue 15, item 1; docs/scoring.md "Township rounds"): a round that rates
the county's townships on their own catalogue, scored by the county alone, with the same engine
and the same stage machine as the village rounds beside it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.http import Http404

from assessments import selectors, services
from assessments.models import Assessment, Round, Sheet
from organizations.models import Organization, RatingTarget
from organizations.selectors import rated_in_county
from starrating.errors import Conflict, InvalidInput, NotPermitted
from tests.support.townships import township_assessment, township_sheet

# --- creating and opening ------------------------------------------------------------------


@pytest.mark.django_db
def test_a_township_round_needs_a_township_catalogue(county, county_admin, catalogue, round_2024):
    with pytest.raises(InvalidInput) as exc:
        services.round_create(
            actor=county_admin,
            county=county,
            year=2024,
            target=RatingTarget.TOWNSHIP,
            catalogue=catalogue,  # the village catalogue
        )
    fields = {e["field"]: e["message"] for e in exc.value.errors}
    assert "catalogue" in fields and "不能用于镇街评定" in fields["catalogue"]
    assert not Round.objects.filter(county=county, target=RatingTarget.TOWNSHIP).exists()


@pytest.mark.django_db
def test_a_village_round_refuses_a_township_catalogue(county, county_admin, township_catalogue):
    with pytest.raises(InvalidInput) as exc:
        services.round_create(
            actor=county_admin, county=county, year=2025, catalogue=township_catalogue
        )
    assert [e["field"] for e in exc.value.errors] == ["catalogue"]


@pytest.mark.django_db
def test_an_unknown_target_is_refused_naming_the_field(county, county_admin, catalogue):
    with pytest.raises(InvalidInput) as exc:
        services.round_create(
            actor=county_admin, county=county, year=2025, target="city", catalogue=catalogue
        )
    assert exc.value.errors[0]["field"] == "target"
    assert "评定对象" in exc.value.message


@pytest.mark.django_db
def test_one_township_round_a_year_beside_the_village_round(
    tw_round, county, county_admin, township_catalogue
):
    assert Round.objects.filter(county=county, year=2024).count() == 2
    with pytest.raises(InvalidInput) as exc:
        services.round_create(
            actor=county_admin,
            county=county,
            year=2024,
            target=RatingTarget.TOWNSHIP,
            catalogue=township_catalogue,
        )
    assert "2024年度评定轮次已存在" in exc.value.message and "镇街" in exc.value.message


@pytest.mark.django_db
def test_a_township_round_has_no_self_assessment_and_no_township_stage(
    county, county_admin, township_catalogue
):
    with pytest.raises(InvalidInput) as exc:
        services.round_create(
            actor=county_admin,
            county=county,
            year=2024,
            target=RatingTarget.TOWNSHIP,
            catalogue=township_catalogue,
            self_assessment_enabled=True,
        )
    assert exc.value.errors[0]["field"] == "self_assessment_enabled"
    with pytest.raises(InvalidInput) as exc:
        services.round_create(
            actor=county_admin,
            county=county,
            year=2024,
            target=RatingTarget.TOWNSHIP,
            catalogue=township_catalogue,
            weight_township=Decimal("0.3"),
            weight_county=Decimal("0.7"),
        )
    assert exc.value.errors[0]["field"] == "weight_township"


@pytest.mark.django_db
def test_opening_rates_the_active_townships_straight_in_the_county_stage(
    tw_round, township_a, township_b, village_a1, township2
):
    assert tw_round.status == Round.Status.COUNTY_REVIEW
    assert tw_round.open_stage == "county" and tw_round.stages == ("county",)
    assert tw_round.catalogue.is_frozen
    rated = set(tw_round.assessments.values_list("organization_id", flat=True))
    assert rated == {township_a.pk, township_b.pk}  # no village, nothing of the other county
    assert set(rated_in_county(tw_round.county_id, RatingTarget.TOWNSHIP)) == {
        township_a,
        township_b,
    }


@pytest.mark.django_db
def test_an_inactive_township_is_not_rated(county, county_admin, township_catalogue, township_b):
    Organization.objects.filter(pk=township_b.pk).update(is_active=False)
    round_ = services.round_create(
        actor=county_admin,
        county=county,
        year=2024,
        target=RatingTarget.TOWNSHIP,
        catalogue=township_catalogue,
    )
    services.round_open(actor=county_admin, round_=round_)
    assert not round_.assessments.filter(organization=township_b).exists()


# --- the target is locked once opened --------------------------------------------------------


@pytest.mark.django_db
def test_the_target_is_locked_after_opening(tw_round, county_admin):
    with pytest.raises(InvalidInput) as exc:
        services.round_update(actor=county_admin, round_=tw_round, target=RatingTarget.VILLAGE)
    assert "评定对象" in exc.value.message
    assert exc.value.errors[0]["field"] == "target"
    assert "锁定" in exc.value.errors[0]["message"]
    tw_round.refresh_from_db()
    assert tw_round.target == RatingTarget.TOWNSHIP


@pytest.mark.django_db
def test_the_target_may_change_while_a_draft(county, county_admin, township_catalogue):
    round_ = services.round_create(
        actor=county_admin,
        county=county,
        year=2026,
        catalogue=township_catalogue,
        target=RatingTarget.TOWNSHIP,
    )
    round_ = services.round_update(actor=county_admin, round_=round_, name="改名")
    assert round_.target == RatingTarget.TOWNSHIP and round_.status == Round.Status.DRAFT


@pytest.mark.django_db
def test_only_the_county_stage_of_a_township_round_reopens(tw_round, county_admin):
    with pytest.raises(Conflict):
        services.round_reopen(actor=county_admin, round_=tw_round, stage="township", reason="补录")
    services.round_reopen(actor=county_admin, round_=tw_round, stage="county", reason="补录")
    tw_round.refresh_from_db()
    assert tw_round.status == Round.Status.COUNTY_REVIEW


# --- scored by the county, computed and published by the same engine ------------------------


@pytest.mark.django_db
def test_a_township_round_is_scored_computed_and_published(tw_published, township_a, township_b):
    a = township_assessment(tw_published, township_a)
    b = township_assessment(tw_published, township_b)
    # Rules 2–7 as for a village: A 18+18+18+14+14 = 82 → band 4, three stars → 3.
    assert a.total == Decimal("82.00") and a.band_level == 4
    assert a.stars_earned == ["ZZ", "ZJ", "FZ"] and a.level == 3
    assert b.total == Decimal("78.00") and b.level == 2
    assert a.previous_level is None and a.change is None  # rule 13: new
    assert tw_published.status == Round.Status.PUBLISHED
    assert set(
        Sheet.objects.filter(assessment__round=tw_published).values_list("stage", flat=True)
    ) == {"county"}


@pytest.mark.django_db
def test_only_the_county_scores_a_township_round(
    tw_round, township_catalogue, assessor_a, township_a, evaluator, county_admin
):
    assessment = township_assessment(tw_round, township_a)
    sheet = township_sheet(township_catalogue, ("ZZ",))
    for stage in ("township", "county"):  # a township never scores itself
        with pytest.raises(NotPermitted):
            services.scores_save(actor=assessor_a, assessment=assessment, stage=stage, scores=sheet)
    with pytest.raises(Conflict):  # the county admin: only the county stage is open
        services.scores_save(
            actor=county_admin, assessment=assessment, stage="township", scores=sheet
        )
    # An evaluation group may be set up while the stage runs; its members then score.
    group = services.group_create(actor=county_admin, round_=tw_round, name="镇街考评组")
    services.group_members_set(actor=county_admin, group=group, members=[evaluator])
    services.group_villages_set(actor=county_admin, group=group, villages=[township_a])
    services.scores_save(actor=evaluator, assessment=assessment, stage="county", scores=sheet)
    assert Sheet.objects.filter(assessment=assessment, stage="county").exists()


@pytest.mark.django_db
def test_rule_10_reads_the_previous_township_round_not_the_village_one(
    tw_published, county, county_admin, township_catalogue, township_a, published_2025_setup
):
    """A 2025 township round reads 2024's township levels (P of rule 10); the 2025 village
    round beside it reads the 2024 village round only."""
    r25 = services.round_create(
        actor=county_admin,
        county=county,
        year=2025,
        target=RatingTarget.TOWNSHIP,
        catalogue=township_catalogue,
    )
    services.round_open(actor=county_admin, round_=r25)
    assessment = township_assessment(r25, township_a)
    services.scores_save(
        actor=county_admin,
        assessment=assessment,
        stage="county",
        scores=township_sheet(township_catalogue, ("ZZ", "ZJ", "FZ", "ZL", "ZF")),
        submit=True,
    )
    assessment.refresh_from_db()
    assert assessment.previous_level == 3
    assert assessment.level == 4  # 90 → band 5, five stars, but rule 10: at most 3 + 1
    assert selectors.previous_published_round(r25) == tw_published


@pytest.fixture
def published_2025_setup(round_2024):
    """The village round of 2024 published too (so both targets have a published round)."""
    Round.objects.filter(pk=round_2024.pk).update(status=Round.Status.PUBLISHED)
    return round_2024


@pytest.mark.django_db
def test_a_village_round_never_reads_a_township_level(
    tw_published, round_2024, county, county_admin, catalogue
):
    """Only the township round of 2024 is published: a 2025 village round has no previous
    round (rule 10 reads the same target only)."""
    assert round_2024.status != Round.Status.PUBLISHED
    r25 = services.round_create(actor=county_admin, county=county, year=2025, catalogue=catalogue)
    assert selectors.previous_published_round(r25) is None


# --- who sees a township round's results ----------------------------------------------------


@pytest.mark.django_db
def test_scope_of_a_township_round(
    tw_round,
    county_admin,
    auditor,
    assessor_a,
    assessor_b,
    secretary_a1,
    county_admin2,
    assessor2,
    township_a,
):
    every = set(tw_round.assessments.values_list("pk", flat=True))

    def seen(user):
        return set(
            selectors.assessments_for_user(user, round_=tw_round).values_list("pk", flat=True)
        )

    assert seen(county_admin) == seen(auditor) == every
    # Before publishing a township reads nothing of its own rating.
    assert seen(assessor_a) == seen(secretary_a1) == set()
    assert seen(county_admin2) == seen(assessor2) == set()
    with pytest.raises(Http404):
        selectors.round_get_for_user(user=county_admin2, pk=tw_round.pk)
    Round.objects.filter(pk=tw_round.pk).update(status=Round.Status.PUBLISHED)
    own = township_assessment(tw_round, township_a)
    assert seen(assessor_a) == {own.pk}  # its own published result only
    assert len(seen(assessor_b)) == 1 and own.pk not in seen(assessor_b)
    assert seen(secretary_a1) == set()
    assert seen(county_admin2) == seen(assessor2) == set()
    # The village round's scope of a township is unchanged: its villages.
    village_round = Round.objects.get(county=tw_round.county, year=2024, target="village")
    villages = selectors.assessments_for_user(assessor_a, round_=village_round)
    assert {a.organization.parent_id for a in villages} == {township_a.pk}


@pytest.mark.django_db
def test_an_assessment_of_a_township_round_is_a_404_out_of_scope(
    tw_published, assessor_a, secretary_a1, county_admin2, township_b
):
    other = Assessment.objects.get(round=tw_published, organization=township_b)
    for user in (assessor_a, secretary_a1, county_admin2):
        with pytest.raises(Http404):
            selectors.assessment_get_for_user(user=user, pk=other.pk)
