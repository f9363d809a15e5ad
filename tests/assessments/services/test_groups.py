"""Evaluation groups and 回避 (issue 14, item 6): the services that create groups, set their
members and villages, record relations; the one-group-per-village check that gates the county
stage; each group's progress."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments import selectors, services
from assessments.models import EvaluationGroup, RecusalRelation, Round
from organizations.models import AuditLog, Role
from starrating.errors import Conflict, InvalidInput, NotPermitted
from tests.conftest import audit_rows, move_to, submit_county
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def group(round_2024):
    return EvaluationGroup.objects.get(round=round_2024, name="第一考评组")


@pytest.fixture
def evaluator2(county):
    return UserFactory(
        username="evaluator2", full_name="李考评", role=Role.EVALUATOR, organization=county
    )


def relate(actor, user, org, reason="在该镇工作"):
    return services.recusal_create(actor=actor, user=user, organization=org, reason=reason)


# --- creating and naming ------------------------------------------------------------------


def test_group_create_audited_and_named_once_per_round(county_admin, round_2024):
    group = services.group_create(actor=county_admin, round_=round_2024, name=" 第二考评组 ")

    assert group.name == "第二考评组"
    assert audit_rows(group, AuditLog.Action.CREATE).get().after["name"] == "第二考评组"
    with pytest.raises(InvalidInput) as exc:
        services.group_create(actor=county_admin, round_=round_2024, name="第二考评组")
    assert "第二考评组" in exc.value.message
    with pytest.raises(InvalidInput):
        services.group_create(actor=county_admin, round_=round_2024, name="  ")


def test_group_writes_refused_to_other_roles_and_counties(
    round_2024, evaluator, assessor_a, county_admin2, group
):
    for actor in (evaluator, assessor_a, county_admin2):
        with pytest.raises(NotPermitted):
            services.group_create(actor=actor, round_=round_2024, name="第九考评组")
        with pytest.raises(NotPermitted):
            services.group_villages_set(actor=actor, group=group, villages=[])
    assert EvaluationGroup.objects.filter(round=round_2024).count() == 1


def test_groups_locked_from_publicity(county_admin, round_2024, group, village_a2):
    move_to(round_2024, Round.Status.PUBLICITY)
    group.round.refresh_from_db()
    with pytest.raises(Conflict) as exc:
        services.group_villages_set(actor=county_admin, group=group, villages=[village_a2])
    assert "公示" in exc.value.message
    assert list(group.villages.values_list("code", flat=True)) == ["220602100201"]


def test_delete_only_an_empty_group(county_admin, round_2024, group):
    with pytest.raises(Conflict):
        services.group_delete(actor=county_admin, group=group)
    empty = services.group_create(actor=county_admin, round_=round_2024, name="空组")
    services.group_delete(actor=county_admin, group=empty)
    assert not EvaluationGroup.objects.filter(name="空组").exists()


# --- members ------------------------------------------------------------------------------


def test_members_must_be_evaluators_of_the_county(county_admin, group, assessor_a, evaluator2):
    with pytest.raises(InvalidInput) as exc:
        services.group_members_set(actor=county_admin, group=group, members=[assessor_a])
    assert "assessor_a" in exc.value.errors[0]["message"]

    services.group_members_set(actor=county_admin, group=group, members=[evaluator2])
    assert list(group.members.all()) == [evaluator2]
    entry = audit_rows(group, AuditLog.Action.UPDATE).last()
    assert entry.after == {"members": ["李考评（evaluator2）"]}


def test_a_member_is_in_one_group_of_a_round(county_admin, round_2024, evaluator):
    second = services.group_create(actor=county_admin, round_=round_2024, name="第二考评组")
    with pytest.raises(InvalidInput) as exc:
        services.group_members_set(actor=county_admin, group=second, members=[evaluator])
    assert "第一考评组" in exc.value.errors[0]["message"]


# --- villages -----------------------------------------------------------------------------


def test_a_village_of_another_group_moves_only_when_asked(
    county_admin, round_2024, group, village_a1
):
    second = services.group_create(actor=county_admin, round_=round_2024, name="第二考评组")
    with pytest.raises(InvalidInput) as exc:
        services.group_villages_set(actor=county_admin, group=second, villages=[village_a1])
    assert "七道江村已分配给“第一考评组”" in exc.value.errors[0]["message"]

    services.group_villages_set(actor=county_admin, group=second, villages=[village_a1], move=True)
    assert list(second.villages.all()) == [village_a1]
    assert not group.villages.exists()
    assert audit_rows(group, AuditLog.Action.UPDATE).last().reason == "移入“第二考评组”"


def test_villages_must_be_of_the_round(county_admin, group, village2):
    with pytest.raises(InvalidInput) as exc:
        services.group_villages_set(actor=county_admin, group=group, villages=[village2])
    assert "东岗村不是本轮的评定对象" in exc.value.errors[0]["message"]


def test_in_the_county_stage_a_village_is_never_left_without_a_group(
    county_admin, round_2024, group, village_a1, village_a2
):
    services.group_villages_set(actor=county_admin, group=group, villages=[village_a1, village_a2])
    move_to(round_2024, Round.Status.COUNTY_REVIEW)
    group.round.refresh_from_db()
    with pytest.raises(Conflict) as exc:
        services.group_villages_set(actor=county_admin, group=group, villages=[village_a1])
    assert "新兴村" in exc.value.message
    assert group.villages.count() == 2


# --- 回避 ---------------------------------------------------------------------------------


def test_recusal_township_keeps_the_member_off_its_villages(
    county_admin, group, evaluator, township_a, village_a2, village_b1
):
    # The fixture's group already has A1 (township A) with the evaluator: recording the
    # relation is refused until the assignment changes.
    with pytest.raises(Conflict) as exc:
        relate(county_admin, evaluator, township_a)
    assert "第一考评组" in exc.value.errors[0]["message"]
    assert "七道江村" in exc.value.errors[0]["message"]

    services.group_villages_set(actor=county_admin, group=group, villages=[village_b1])
    relation = relate(county_admin, evaluator, township_a)
    assert audit_rows(relation, AuditLog.Action.CREATE).get().after["reason"] == "在该镇工作"

    with pytest.raises(InvalidInput) as exc:
        services.group_villages_set(
            actor=county_admin, group=group, villages=[village_b1, village_a2]
        )
    message = exc.value.errors[0]["message"]
    assert message.startswith("回避：")
    assert "evaluator" in message and "七道江镇" in message and "新兴村" in message
    assert list(group.villages.all()) == [village_b1]


def test_recusal_village_blocks_adding_the_member(county_admin, round_2024, evaluator2, village_b1):
    second = services.group_create(actor=county_admin, round_=round_2024, name="第二考评组")
    services.group_villages_set(actor=county_admin, group=second, villages=[village_b1])
    relate(county_admin, evaluator2, village_b1, reason="配偶是该村村委委员")

    with pytest.raises(InvalidInput) as exc:
        services.group_members_set(actor=county_admin, group=second, members=[evaluator2])
    assert "李考评" in exc.value.errors[0]["message"]
    assert "六道江村" in exc.value.errors[0]["message"]
    assert not second.members.exists()


def test_ended_relation_no_longer_blocks(county_admin, round_2024, evaluator2, village_b1):
    relation = relate(county_admin, evaluator2, village_b1)
    second = services.group_create(actor=county_admin, round_=round_2024, name="第二考评组")
    services.group_villages_set(actor=county_admin, group=second, villages=[village_b1])
    with pytest.raises(InvalidInput):
        services.group_members_set(actor=county_admin, group=second, members=[evaluator2])
    with pytest.raises(InvalidInput):
        services.recusal_end(actor=county_admin, relation=relation, reason="")
    services.recusal_end(actor=county_admin, relation=relation, reason="已调离")
    services.group_members_set(actor=county_admin, group=second, members=[evaluator2])
    relation.refresh_from_db()
    assert not relation.is_active and relation.ended_by == county_admin


def test_recusal_input_checked(county_admin, evaluator2, assessor_a, village2, township_a):
    with pytest.raises(InvalidInput) as exc:
        services.recusal_create(
            actor=county_admin, user=assessor_a, organization=village2, reason=""
        )
    assert {e["field"] for e in exc.value.errors} == {"user", "organization", "reason"}
    relate(county_admin, evaluator2, township_a)
    with pytest.raises(InvalidInput):
        relate(county_admin, evaluator2, township_a)
    assert RecusalRelation.objects.count() == 1


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    ops=st.lists(
        st.tuples(
            st.sampled_from(["members", "villages", "relate", "end"]),
            st.lists(st.integers(0, 2), max_size=3),
            st.integers(0, 4),
            st.booleans(),
        ),
        max_size=12,
    )
)
def test_no_sequence_of_writes_breaks_recusal(
    ops, county_admin, round_2024, county, township_a, township_b, villages
):
    """Property: whatever the order of member, village and relation writes (each may be
    refused), no group ever has a member on a village of a township or village that member is
    recorded as related to."""
    EvaluationGroup.objects.filter(round=round_2024).delete()
    RecusalRelation.objects.all().delete()
    people = [
        UserFactory(username=f"p{i}", role=Role.EVALUATOR, organization=county) for i in range(3)
    ]
    groups = [
        services.group_create(actor=county_admin, round_=round_2024, name=f"组{i}")
        for i in range(2)
    ]
    places = [township_a, township_b, *villages]
    for op, picks, target, flag in ops:
        group = groups[target % 2]
        try:
            if op == "members":
                services.group_members_set(
                    actor=county_admin, group=group, members=[people[i] for i in picks]
                )
            elif op == "villages":
                services.group_villages_set(
                    actor=county_admin,
                    group=group,
                    villages=[villages[i] for i in picks],
                    move=flag,
                )
            elif op == "relate" and picks:
                relate(county_admin, people[picks[0]], places[target])
            elif op == "end":
                relation = RecusalRelation.objects.filter(is_active=True).first()
                if relation is not None:
                    services.recusal_end(actor=county_admin, relation=relation, reason="调离")
        except (InvalidInput, Conflict):
            pass
        for g in EvaluationGroup.objects.filter(round=round_2024):
            assert selectors.recusal_conflicts(g.members.all(), g.villages.all()) == []


# --- coverage, the gate, progress ---------------------------------------------------------


def test_coverage_lists_unassigned_and_double(
    county_admin, round_2024, group, village_a1, village_a2, village_b1
):
    coverage = selectors.group_coverage(round_2024)
    assert [v.name for v in coverage["unassigned"]] == ["新兴村", "六道江村"]
    assert coverage["double"] == [] and not coverage["ok"]

    # The admin panel could once put a village in two groups: the check names both.
    second = services.group_create(actor=county_admin, round_=round_2024, name="第二考评组")
    second.villages.add(village_a1, village_a2, village_b1)
    coverage = selectors.group_coverage(round_2024)
    assert coverage["unassigned"] == []
    assert [(d["village"].name, d["groups"]) for d in coverage["double"]] == [
        ("七道江村", ["第一考评组", "第二考评组"])
    ]


def test_county_stage_opens_only_with_exactly_one_group_per_village(
    county_admin, round_2024, group, village_a1, village_a2, village_b1
):
    move_to(round_2024, Round.Status.TOWNSHIP_REVIEW)
    with pytest.raises(Conflict) as exc:
        services.round_advance(actor=county_admin, round_=round_2024)
    assert "2个村未分配" in exc.value.message
    assert {e["organization_name"] for e in exc.value.errors} == {"新兴村", "六道江村"}
    round_2024.refresh_from_db()
    assert round_2024.status == Round.Status.TOWNSHIP_REVIEW

    services.group_villages_set(
        actor=county_admin, group=group, villages=[village_a1, village_a2, village_b1]
    )
    services.round_advance(actor=county_admin, round_=round_2024)
    round_2024.refresh_from_db()
    assert round_2024.status == Round.Status.COUNTY_REVIEW


def test_group_progress_counts_submitted_county_sheets(
    county_admin, round_2024, group, catalogue, village_a1, village_a2, village_b1
):
    second = services.group_create(actor=county_admin, round_=round_2024, name="第二考评组")
    services.group_villages_set(actor=county_admin, group=second, villages=[village_a2, village_b1])
    move_to(round_2024, Round.Status.COUNTY_REVIEW)
    submit_county(county_admin, round_2024, village_b1, catalogue)

    rows = {r["group"].name: r for r in selectors.group_progress(round_2024)}
    assert (rows["第一考评组"]["scored"], rows["第一考评组"]["villages"]) == (0, 1)
    assert (rows["第二考评组"]["scored"], rows["第二考评组"]["villages"]) == (1, 2)
    assert rows["第二考评组"]["percent"] == 50
    assert rows["第一考评组"]["members"] == 1
