"""The organization-health services: authorized by role and scope, every problem named,
written in one transaction, audited."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from ledgers import services as ledger_services
from ledgers.models import Rectification, Reminder
from organizations.models import AuditLog, Organization
from orghealth import rules, selectors, services
from orghealth.models import BodyAdjustment, Commitment, Election, HealthSettings, WeakDesignation
from starrating.errors import Conflict, InvalidInput, NotPermitted
from tests.conftest import audit_rows
from tests.orghealth.conftest import member

pytestmark = pytest.mark.django_db


def fields_of(error) -> set[str]:
    return {e["field"] for e in error.value.errors}


# --- settings -------------------------------------------------------------------------------


def test_settings_save_by_the_county_admin_is_audited(county_admin):
    row = services.settings_save(
        actor=county_admin,
        term_years=3,
        remind_days=60,
        committee_above=120,
        branch_below=30,
        max_average_age="45.5",
    )
    assert row.county_id == county_admin.organization_id
    assert selectors.settings_for(county_admin.county_id).max_average_age == Decimal("45.5")
    assert audit_rows(row, AuditLog.Action.CREATE).count() == 1


def test_settings_every_problem_named(county_admin):
    with pytest.raises(InvalidInput) as error:
        services.settings_save(
            actor=county_admin,
            term_years=0,
            remind_days="x",
            committee_above=20,
            branch_below=30,
            max_average_age="abc",
            colour="red",
        )
    assert fields_of(error) == {
        "term_years",
        "remind_days",
        "branch_below",
        "max_average_age",
        "colour",
    }
    assert not HealthSettings.objects.exists()


def test_settings_refused_to_others(assessor_a):
    with pytest.raises(NotPermitted):
        services.settings_save(actor=assessor_a, term_years=5)


def test_settings_are_per_county(county_admin, county_admin2):
    services.settings_save(
        actor=county_admin,
        term_years=3,
        remind_days=60,
        committee_above=120,
        branch_below=30,
        max_average_age="45",
    )
    assert selectors.settings_for(county_admin2.county_id).term_years == 5


# --- 换届 -----------------------------------------------------------------------------------


def test_election_due_and_overdue_count(county_admin, villages, election_a1, election_b1, today):
    assert election_a1.term_years == 5
    assert election_a1.due_on == rules.election_due(election_a1.elected_on, 5)
    rows, counts = selectors.election_rows(county_admin, today=today)
    # Two townships and three villages; A1 overdue, B1 on term, three unrecorded.
    assert counts["total"] == 5
    assert counts[rules.OVERDUE] == 1
    assert rows[0].organization == election_a1.organization  # overdue first
    assert audit_rows(election_a1, AuditLog.Action.CREATE).count() == 1


def test_a_later_election_clears_overdue(county_admin, election_a1, village_a1, today):
    services.election_record(actor=county_admin, organization=village_a1, elected_on=today)
    rows, counts = selectors.election_rows(county_admin, today=today, status=rules.OVERDUE)
    assert rows == [] and counts[rules.OVERDUE] == 0


def test_election_term_defaults_to_the_county_setting(county_admin, village_a1):
    services.settings_save(
        actor=county_admin,
        term_years=3,
        remind_days=90,
        committee_above=100,
        branch_below=20,
        max_average_age="48",
    )
    e = services.election_record(
        actor=county_admin, organization=village_a1, elected_on="2024-01-01"
    )
    assert e.term_years == 3


def test_election_bad_input_and_duplicates(county_admin, village_a1, today):
    with pytest.raises(InvalidInput) as error:
        services.election_record(
            actor=county_admin, organization=village_a1, elected_on="2024-13-01", term_years=11
        )
    assert fields_of(error) == {"elected_on", "term_years"}
    with pytest.raises(InvalidInput):
        services.election_record(
            actor=county_admin,
            organization=village_a1,
            elected_on=today + datetime.timedelta(days=1),
        )
    services.election_record(actor=county_admin, organization=village_a1, elected_on="2024-01-01")
    with pytest.raises(Conflict):
        services.election_record(
            actor=county_admin, organization=village_a1, elected_on="2024-01-01"
        )
    assert Election.objects.count() == 1


def test_township_assessor_records_only_its_own(assessor_a, village_a1, village_b1, township_a):
    services.election_record(actor=assessor_a, organization=village_a1, elected_on="2023-01-01")
    services.election_record(actor=assessor_a, organization=township_a, elected_on="2023-01-01")
    with pytest.raises(NotPermitted):
        services.election_record(actor=assessor_a, organization=village_b1, elected_on="2023-01-01")


def test_secretary_and_auditor_do_not_record_elections(secretary_a1, auditor, village_a1):
    for actor in (secretary_a1, auditor):
        with pytest.raises(NotPermitted):
            services.election_record(actor=actor, organization=village_a1, elected_on="2023-01-01")


def test_other_county_is_out_of_reach(county_admin, village2):
    with pytest.raises(NotPermitted):
        services.election_record(actor=county_admin, organization=village2, elected_on="2023-01-01")


def test_township_assessor_sees_only_its_own_rows(
    assessor_a, villages, election_a1, election_b1, today
):
    rows, counts = selectors.election_rows(assessor_a, today=today)
    assert counts["total"] == 3  # its township and its two villages
    assert election_b1.organization not in [r.organization for r in rows]


def test_reminders_tell_the_township_and_the_county_once_a_day(
    county_admin, assessor_a, assessor_b, villages, election_a1, today
):
    assert services.election_reminders_build(today=today) == 2
    assert services.election_reminders_build(today=today) == 0  # idempotent
    mine = Reminder.objects.get(user=assessor_a)
    assert mine.kind == Reminder.Kind.ELECTION_DUE and "逾期未换届" in mine.text
    county = Reminder.objects.get(user=county_admin)
    assert "全县5个党组织中有1个逾期未换届" in county.text
    assert not Reminder.objects.filter(user=assessor_b).exists()


# --- body type ------------------------------------------------------------------------------


def test_body_flags_and_adjustment(county_admin, village_a1, village_a2, today):
    Organization.objects.filter(pk=village_a1.pk).update(
        party_body="general_branch", member_count=120
    )
    Organization.objects.filter(pk=village_a2.pk).update(
        party_body="general_branch", member_count=15
    )
    flags = {f.organization.pk: f.suggested for f in selectors.body_flags(county_admin)}
    assert flags[village_a1.pk] == "committee" and flags[village_a2.pk] == "branch"
    village_a1.refresh_from_db()
    adj = services.body_adjust(
        actor=county_admin,
        organization=village_a1,
        to_body="committee",
        adjusted_on=today.isoformat(),
        reason="党员人数超过100名",
    )
    village_a1.refresh_from_db()
    assert village_a1.party_body == "committee"
    assert (adj.from_body, adj.to_body, adj.member_count) == ("general_branch", "committee", 120)
    assert village_a1.pk not in {f.organization.pk for f in selectors.body_flags(county_admin)}
    assert audit_rows(village_a1, AuditLog.Action.UPDATE).count() == 1


def test_body_thresholds_are_the_county_s(county_admin, village_a1):
    Organization.objects.filter(pk=village_a1.pk).update(
        party_body="general_branch", member_count=90
    )
    assert selectors.body_flags(county_admin) == []
    services.settings_save(
        actor=county_admin,
        term_years=5,
        remind_days=90,
        committee_above=80,
        branch_below=20,
        max_average_age="48",
    )
    assert [f.suggested for f in selectors.body_flags(county_admin)] == ["committee"]


def test_body_adjust_refusals(county_admin, assessor_a, village_a1):
    with pytest.raises(NotPermitted):
        services.body_adjust(
            actor=assessor_a,
            organization=village_a1,
            to_body="committee",
            adjusted_on="2024-01-01",
            reason="x",
        )
    with pytest.raises(InvalidInput) as error:
        services.body_adjust(
            actor=county_admin,
            organization=village_a1,
            to_body=village_a1.party_body,
            adjusted_on="",
            reason="",
        )
    assert fields_of(error) == {"to_body", "adjusted_on", "reason"}
    assert not BodyAdjustment.objects.exists()


# --- 双承诺 ---------------------------------------------------------------------------------


def test_commitments_and_rates(county_admin, commitment_a1, commitment_b1, secretary_a1, today):
    services.commitment_complete(
        actor=secretary_a1, commitment=commitment_a1, done_on=today, evidence="已完工"
    )
    rates = selectors.commitment_rates(county_admin, year=today.year)
    assert rates["organization"] == {
        "label": "党组织承诺",
        "made": 1,
        "done": 1,
        "rate": Decimal("100.0"),
    }
    assert rates["member"]["rate"] == Decimal("0.0")
    with pytest.raises(Conflict):
        services.commitment_complete(
            actor=secretary_a1, commitment=commitment_a1, done_on=today, evidence="再次"
        )
    # The secretary sees only their own village.
    assert list(selectors.commitments_for_user(secretary_a1)) == [commitment_a1]


def test_commitment_problems_named(secretary_a1, village_a1, village_b1):
    with pytest.raises(InvalidInput) as error:
        services.commitment_create(
            actor=secretary_a1, organization=village_a1, year=1999, kind="member", content=""
        )
    assert fields_of(error) == {"year", "member_name", "content"}
    with pytest.raises(NotPermitted):
        services.commitment_create(
            actor=secretary_a1, organization=village_b1, year=2024, kind="organization", content="x"
        )
    assert not Commitment.objects.exists()


# --- 驻村力量 -------------------------------------------------------------------------------


def test_posting_extension_keeps_the_earlier_end(assessor_a, posting_a1):
    old_end = posting_a1.ends_on
    ext = services.posting_extend(
        actor=assessor_a,
        posting=posting_a1,
        new_end=old_end + datetime.timedelta(days=365),
        reason="脱贫不返贫，延长一年",
    )
    posting_a1.refresh_from_db()
    assert posting_a1.ends_on == ext.new_end and ext.previous_end == old_end
    with pytest.raises(InvalidInput) as error:
        services.posting_extend(actor=assessor_a, posting=posting_a1, new_end=old_end, reason="")
    assert fields_of(error) == {"new_end", "reason"}


def test_posting_refusals(assessor_a, secretary_a1, village_a1, village_b1, township_a):
    data = {
        "kind": "work_team",
        "person_name": "x",
        "unit": "y",
        "starts_on": "2024-01-01",
        "ends_on": "2025-01-01",
    }
    with pytest.raises(NotPermitted):
        services.posting_create(actor=assessor_a, organization=village_b1, **data)
    with pytest.raises(NotPermitted):
        services.posting_create(actor=secretary_a1, organization=village_a1, **data)
    with pytest.raises(InvalidInput):
        services.posting_create(actor=assessor_a, organization=township_a, **data)
    with pytest.raises(InvalidInput) as error:
        services.posting_create(
            actor=assessor_a, organization=village_a1, **(data | {"ends_on": "2023-01-01"})
        )
    assert fields_of(error) == {"ends_on"}


# --- 两委 roster ----------------------------------------------------------------------------


def test_roster_facts_beside_the_team_star(secretary_a1, village_a1, member_a1, today):
    member(secretary_a1, village_a1, name="周七", position="委员", birth_date="1968-01-01")
    team = selectors.team_facts(village_a1, today=today)
    assert team.facts.count == 2 and team.facts.women == 0
    assert rules.NO_FEMALE in team.facts.flags and rules.AGE_OVER in team.facts.flags
    assert any(label.startswith("无女性成员") for label in team.flag_labels)
    young = member(
        secretary_a1,
        village_a1,
        name="吴八",
        gender="female",
        birth_date="1998-01-01",
        is_reserve_cadre=True,
    )
    team = selectors.team_facts(village_a1, today=today)
    assert rules.NO_FEMALE not in team.facts.flags
    services.member_leave(actor=secretary_a1, member=young, left_on=today)
    assert selectors.team_facts(village_a1, today=today).facts.count == 2  # serving only


def test_member_problems_named(secretary_a1, village_a1):
    with pytest.raises(InvalidInput) as error:
        services.member_add(
            actor=secretary_a1,
            organization=village_a1,
            name="",
            position="委员",
            body="x",
            gender="?",
            birth_date="2020-01-01",
            education="phd",
        )
    assert fields_of(error) == {"name", "body", "gender", "birth_date", "education"}


def test_member_leave_twice_is_a_conflict(secretary_a1, member_a1, today):
    services.member_leave(actor=secretary_a1, member=member_a1, left_on=today)
    with pytest.raises(Conflict):
        services.member_leave(actor=secretary_a1, member=member_a1, left_on=today)


# --- 软弱涣散 -------------------------------------------------------------------------------


def test_weak_designation_runs_through_the_ledger(
    county_admin, assessor_a, weak_a1, weak_b1, today
):
    entry = weak_a1.rectification
    assert entry.source == Rectification.Source.WEAK_LAX
    assert entry.organization == weak_a1.organization
    assert selectors.weak_summary(county_admin, year=today.year) == {"designated": 2, "done": 0}
    ledger_services.rectification_close(
        actor=assessor_a, entry=entry, closure_evidence="班子已调整，组织生活正常"
    )
    assert selectors.weak_summary(county_admin, year=today.year) == {"designated": 2, "done": 1}
    weak_a1.refresh_from_db()
    assert weak_a1.is_done


def test_weak_designation_refusals(county_admin, assessor_a, village_a1, weak_a1, today):
    with pytest.raises(Conflict):
        services.weak_designate(
            actor=county_admin,
            organization=village_a1,
            year=today.year,
            reason="再次",
            designated_on="2024-01-01",
            measures="x",
            deadline="2030-01-01",
            responsible_person="y",
        )
    with pytest.raises(NotPermitted):
        services.weak_designate(actor=assessor_a, organization=village_a1, year=today.year)


def test_weak_designation_is_all_or_nothing(county_admin, village_a2):
    """A bad ledger half (no deadline) leaves neither a designation nor a ledger entry."""
    with pytest.raises(InvalidInput) as error:
        services.weak_designate(
            actor=county_admin,
            organization=village_a2,
            year=2024,
            reason="x",
            designated_on="2024-01-01",
            measures="y",
            deadline="",
            responsible_person="z",
        )
    assert "deadline" in fields_of(error)
    assert not WeakDesignation.objects.exists() and not Rectification.objects.exists()
