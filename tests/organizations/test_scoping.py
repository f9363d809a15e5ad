"""Who sees what (DOMAIN.md §1): villages, assessments and lookups by id, for every role.
Another township's village is simply not found (Http404), never "forbidden"."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from assessments import services
from assessments.models import Assessment, EvaluationGroup, Round
from assessments.selectors import (
    assessment_get_for_user,
    assessments_for_user,
    finding_get_for_user,
    round_get_for_user,
    rounds_for_user,
)
from organizations.models import Organization, Role
from organizations.selectors import organizations_for_user, villages_for_user
from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

COUNTY_WIDE = ["county_admin", "auditor", "reviewer", "maintainer"]


def codes(queryset, field="code") -> set[str]:
    return set(queryset.values_list(field, flat=True))


def assessment_codes(user, round_: Round) -> set[str]:
    return codes(assessments_for_user(user, round_=round_), "organization__code")


def assessment_of(round_: Round, village: Organization) -> Assessment:
    return Assessment.objects.get(round=round_, organization=village)


@pytest.fixture
def round_2025(county, county_admin, catalogue, villages, evaluator, village_a2):
    """A second opened round whose evaluation group gives the evaluator village A2 (not A1)."""
    round_ = services.round_create(
        actor=county_admin, county=county, year=2025, catalogue=catalogue
    )
    services.round_open(actor=county_admin, round_=round_)
    group = EvaluationGroup.objects.create(round=round_, name="第二考评组")
    group.members.add(evaluator)
    group.villages.add(village_a2)
    return round_


@pytest.fixture
def other_county_admin(db):
    county = OrganizationFactory(code="220605000000", name="江源区", kind=Organization.Kind.COUNTY)
    township = OrganizationFactory(
        code="220605100000", kind=Organization.Kind.TOWNSHIP, parent=county
    )
    OrganizationFactory(code="220605100201", parent=township)
    return UserFactory(username="other_admin", role=Role.COUNTY_ADMIN, organization=county)


# --- county-wide roles --------------------------------------------------------------------


@pytest.mark.parametrize("who", COUNTY_WIDE)
def test_county_wide_roles_see_the_county(request, who, round_2024, villages, other_county_admin):
    user = request.getfixturevalue(who)
    every = {v.code for v in villages}

    assert codes(villages_for_user(user)) == every  # not the other county's village
    assert assessment_codes(user, round_2024) == every
    for village in villages:
        found = assessment_get_for_user(user=user, pk=assessment_of(round_2024, village).pk)
        assert found.organization == village
    assert list(rounds_for_user(user)) == [round_2024]


# --- township assessor --------------------------------------------------------------------


def test_township_assessor_sees_only_its_villages(
    assessor_a, round_2024, village_a1, village_a2, village_b1, county, township_a
):
    assert codes(villages_for_user(assessor_a)) == {village_a1.code, village_a2.code}
    assert assessment_codes(assessor_a, round_2024) == {village_a1.code, village_a2.code}
    a2 = assessment_get_for_user(user=assessor_a, pk=assessment_of(round_2024, village_a2).pk)
    assert a2.organization == village_a2
    assert codes(organizations_for_user(assessor_a)) == {
        county.code,
        township_a.code,
        village_a1.code,
        village_a2.code,
    }


def test_other_townships_village_is_not_found(assessor_a, assessor_b, round_2024, village_b1):
    b1 = assessment_of(round_2024, village_b1)

    with pytest.raises(Http404):
        assessment_get_for_user(user=assessor_a, pk=b1.pk)

    assert assessment_get_for_user(user=assessor_b, pk=b1.pk).pk == b1.pk
    assert codes(villages_for_user(assessor_b)) == {village_b1.code}


# --- village secretary --------------------------------------------------------------------


def test_village_secretary_sees_only_its_own_village(
    secretary_a1, round_2024, village_a1, village_a2, village_b1
):
    assert codes(villages_for_user(secretary_a1)) == {village_a1.code}
    assert assessment_codes(secretary_a1, round_2024) == {village_a1.code}
    own = assessment_of(round_2024, village_a1)
    assert assessment_get_for_user(user=secretary_a1, pk=own.pk).pk == own.pk
    for neighbour in (village_a2, village_b1):  # same township or not: not found
        with pytest.raises(Http404):
            assessment_get_for_user(user=secretary_a1, pk=assessment_of(round_2024, neighbour).pk)


# --- evaluation group member --------------------------------------------------------------


def test_evaluator_sees_its_groups_villages_in_that_round_only(
    evaluator, round_2024, round_2025, village_a1, village_a2, village_b1
):
    # Villages: the county (groups are per round; the assessments are what is scoped).
    assert codes(villages_for_user(evaluator)) == {
        village_a1.code,
        village_a2.code,
        village_b1.code,
    }
    assert assessment_codes(evaluator, round_2024) == {village_a1.code}
    assert assessment_codes(evaluator, round_2025) == {village_a2.code}
    assert codes(assessments_for_user(evaluator), "organization__code") == {
        village_a1.code,
        village_a2.code,
    }
    assert assessments_for_user(evaluator).count() == 2  # A1 of 2024, A2 of 2025, no duplicates

    a1_2024 = assessment_of(round_2024, village_a1)
    assert assessment_get_for_user(user=evaluator, pk=a1_2024.pk).pk == a1_2024.pk
    for round_, village in ((round_2024, village_a2), (round_2025, village_a1)):
        with pytest.raises(Http404):
            assessment_get_for_user(user=evaluator, pk=assessment_of(round_, village).pk)
    with pytest.raises(Http404):
        assessment_get_for_user(user=evaluator, pk=assessment_of(round_2024, village_b1).pk)


def test_evaluator_of_no_group_sees_no_assessment(county, round_2024):
    idle = UserFactory(username="idle_evaluator", role=Role.EVALUATOR, organization=county)

    assert assessments_for_user(idle, round_=round_2024).count() == 0


# --- nobody else --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "who", ["county_admin", "assessor_a", "secretary_a1", "evaluator", "auditor"]
)
def test_an_inactive_user_sees_nothing(request, who, round_2024, village_a1):
    user = request.getfixturevalue(who)
    user.is_active = False
    user.save()
    user.refresh_from_db()

    assert villages_for_user(user).count() == 0
    assert assessments_for_user(user, round_=round_2024).count() == 0
    assert organizations_for_user(user).count() == 0
    with pytest.raises(Http404):
        assessment_get_for_user(user=user, pk=assessment_of(round_2024, village_a1).pk)


def test_anonymous_and_roleless_users_see_nothing(round_2024, village_a1):
    roleless = UserFactory(username="nobody", role="", organization=None)
    a1 = assessment_of(round_2024, village_a1)

    for user in (AnonymousUser(), roleless):
        assert villages_for_user(user).count() == 0
        assert assessments_for_user(user).count() == 0
        assert rounds_for_user(user).count() == 0
        with pytest.raises(Http404):
            assessment_get_for_user(user=user, pk=a1.pk)


def test_another_countys_admin_sees_none_of_this_county(
    other_county_admin, round_2024, village_a1, reviewer
):
    a1 = assessment_of(round_2024, village_a1)
    finding = services.finding_create(
        actor=reviewer, assessment=a1, item_code="FJ01", evidence="书记被立案审查。"
    )

    assert codes(villages_for_user(other_county_admin)) == {"220605100201"}
    assert assessments_for_user(other_county_admin).count() == 0
    with pytest.raises(Http404):
        assessment_get_for_user(user=other_county_admin, pk=a1.pk)
    with pytest.raises(Http404):
        round_get_for_user(user=other_county_admin, pk=round_2024.pk)
    with pytest.raises(Http404):
        finding_get_for_user(user=other_county_admin, pk=finding.pk)


def test_findings_follow_the_assessment_scope(
    reviewer, assessor_a, assessor_b, round_2024, village_a1
):
    finding = services.finding_create(
        actor=reviewer,
        assessment=assessment_of(round_2024, village_a1),
        item_code="JX01",
        evidence="被市委组织部通报批评。",
    )

    assert finding_get_for_user(user=assessor_a, pk=finding.pk).pk == finding.pk
    with pytest.raises(Http404):
        finding_get_for_user(user=assessor_b, pk=finding.pk)


@pytest.mark.parametrize("pk", ["abc", None, -1, 10**9])
def test_bad_ids_are_not_found(county_admin, round_2024, pk):
    with pytest.raises(Http404):
        assessment_get_for_user(user=county_admin, pk=pk)
    with pytest.raises(Http404):
        round_get_for_user(user=county_admin, pk=pk)
