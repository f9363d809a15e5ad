"""三随机 draws: reproducible from the recorded seed, never silently redone; checkers and
outcomes."""

from __future__ import annotations

from decimal import Decimal

import pytest

from assessments import services
from assessments.models import SpotCheck, SpotCheckDraw
from assessments.scoring.sampling import draw_sample
from organizations.models import AuditLog
from starrating.errors import Conflict, InvalidInput, NotPermitted
from tests.conftest import move_to

pytestmark = pytest.mark.django_db


def _villages(draw):
    return [c.assessment.organization.name for c in draw.checks.order_by("position")]


def test_a_draw_records_its_seed_and_can_be_redone_from_it(round_2024, county_admin):
    draw = services.spot_draw(
        actor=county_admin,
        round_=round_2024,
        size_kind="count",
        size_value="2",
        seed=42,
        interviewee_pool=["张三", "李四", "王五"],
        interviewee_count=2,
    )

    assert (draw.number, draw.seed, draw.population) == (1, 42, 3)
    population = list(round_2024.assessments.values_list("organization__parent_id", "pk"))
    expected = [pk for _t, pk in draw_sample(population, 2, 42)]
    assert [c.assessment_id for c in draw.checks.order_by("position")] == expected
    # stratified: two townships, one village from each
    assert len({c.assessment.organization.parent_id for c in draw.checks.all()}) == 2
    assert len(draw.interviewees) == 2 and set(draw.interviewees) <= {"张三", "李四", "王五"}
    audit = AuditLog.objects.get(
        action=AuditLog.Action.CREATE,
        object_type="assessments.SpotCheckDraw",
        object_id=str(draw.pk),
    )
    assert audit.after["seed"] == 42 and audit.after["assessments"] == expected


def test_without_a_seed_one_is_chosen_and_recorded(round_2024, county_admin):
    draw = services.spot_draw(
        actor=county_admin, round_=round_2024, size_kind="share", size_value="0.5"
    )
    assert draw.seed is not None and draw.checks.count() == 2  # 1.5 rounds half up
    assert draw.size_value == Decimal("0.500")


def test_a_redraw_needs_a_reason_and_keeps_the_old_draw(round_2024, county_admin):
    first = services.spot_draw(
        actor=county_admin, round_=round_2024, size_kind="count", size_value="1", seed=1
    )

    with pytest.raises(Conflict) as refused:
        services.spot_draw(
            actor=county_admin, round_=round_2024, size_kind="count", size_value="1", seed=2
        )
    assert refused.value.errors[0]["field"] == "reason"
    assert SpotCheckDraw.objects.count() == 1

    second = services.spot_draw(
        actor=county_admin,
        round_=round_2024,
        size_kind="count",
        size_value="1",
        seed=2,
        reason="抽中的村正在换届，经研究重新抽取",
    )

    first.refresh_from_db()
    assert first.superseded_at is not None and first.checks.count() == 1
    assert (second.number, second.reason, second.is_current) == (
        2,
        "抽中的村正在换届，经研究重新抽取",
        True,
    )
    assert SpotCheckDraw.objects.count() == 2


def test_bad_draws_are_refused_with_every_problem(round_2024, county_admin, evaluator):
    with pytest.raises(InvalidInput) as bad:
        services.spot_draw(actor=county_admin, round_=round_2024, size_kind="count", size_value="0")
    assert bad.value.errors[0]["field"] == "size_value"
    with pytest.raises(InvalidInput):
        services.spot_draw(
            actor=county_admin, round_=round_2024, size_kind="share", size_value="1.5"
        )
    with pytest.raises(InvalidInput) as bad:
        services.spot_draw(
            actor=county_admin,
            round_=round_2024,
            size_kind="count",
            size_value="1",
            seed=-1,
            interviewee_pool=["甲"],
            interviewee_count=3,
        )
    assert {e["field"] for e in bad.value.errors} == {"seed", "interviewee_count"}
    with pytest.raises(NotPermitted):
        services.spot_draw(actor=evaluator, round_=round_2024, size_kind="count", size_value="1")
    assert not SpotCheckDraw.objects.exists()


def test_archived_round_refuses_a_draw(round_2024, county_admin):
    move_to(round_2024, "archived")
    with pytest.raises(Conflict):
        services.spot_draw(actor=county_admin, round_=round_2024, size_kind="count", size_value="1")


@pytest.fixture
def check(round_2024, county_admin):
    draw = services.spot_draw(
        actor=county_admin, round_=round_2024, size_kind="count", size_value="1", seed=3
    )
    return draw.checks.get()


def test_the_assigned_checker_records_differences_with_item_and_points(
    check, county_admin, evaluator, reviewer
):
    services.spot_check_assign(actor=county_admin, check=check, checker=evaluator)
    with pytest.raises(NotPermitted):
        services.spot_check_record(actor=reviewer, check=check, outcome="confirmed")

    with pytest.raises(InvalidInput) as bad:
        services.spot_check_record(
            actor=evaluator, check=check, outcome="differences", item_code="FJ01", points="99"
        )
    assert {e["field"] for e in bad.value.errors} == {"item", "note"}
    with pytest.raises(InvalidInput) as bad:
        services.spot_check_record(
            actor=evaluator,
            check=check,
            outcome="differences",
            item_code="SJ01",
            points="99",
            note="会议记录缺两次",
        )
    assert [e["field"] for e in bad.value.errors] == ["points"]

    services.spot_check_record(
        actor=evaluator,
        check=check,
        outcome="differences",
        item_code="SJ01",
        points="1.5",
        note="会议记录缺两次",
    )

    check.refresh_from_db()
    assert (check.outcome, check.item.code, check.points) == (
        "differences",
        "SJ01",
        Decimal("1.50"),
    )
    assert check.recorded_by == evaluator


def test_a_superseded_draw_is_read_only(check, county_admin, round_2024):
    services.spot_draw(
        actor=county_admin,
        round_=round_2024,
        size_kind="count",
        size_value="1",
        reason="重抽",
    )
    check.refresh_from_db()
    with pytest.raises(Conflict):
        services.spot_check_record(actor=county_admin, check=check, outcome="confirmed")
    assert SpotCheck.objects.get(pk=check.pk).outcome == "pending"


def test_only_county_staff_of_the_same_county_can_check(
    check, county_admin, county_admin2, assessor_a
):
    for bad in (county_admin2, assessor_a):
        with pytest.raises(InvalidInput):
            services.spot_check_assign(actor=county_admin, check=check, checker=bad)
