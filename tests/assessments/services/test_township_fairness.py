"""The fairness flows on a township (镇街) round (issue 15 item 1, follow-up): 联查联审,
公示异议 and 复核, corrections after publishing, evaluation groups (optional there) and the
整改台账 of a township's weak categories — each works, scoped to the county and to that
township's own users, or is refused with a Chinese message naming 镇街."""

from __future__ import annotations

import pytest

from assessments import selectors, services
from assessments.models import Objection, Round
from ledgers import services as ledger_services
from ledgers.models import Rectification
from organizations.models import AuditLog
from starrating.errors import Conflict, InvalidInput, NotPermitted
from tests.conftest import audit_rows
from tests.support.townships import township_assessment

pytestmark = pytest.mark.django_db

EVIDENCE = "2024年9月该镇因党建工作被市委组织部通报批评。"


# --- 联查联审 ------------------------------------------------------------------------------


def test_a_department_finding_on_a_township_lowers_its_level_once_confirmed(
    tw_scored, reviewer, county_admin, township_a
):
    assessment = township_assessment(tw_scored, township_a)
    assert assessment.level == 3
    finding = services.finding_create(
        actor=reviewer, assessment=assessment, item_code="JX01", evidence=EVIDENCE
    )
    services.finding_confirm(actor=county_admin, finding=finding)
    assessment.refresh_from_db()
    assert assessment.level == 2  # 减星项: one star off
    assert audit_rows(finding, AuditLog.Action.FINDING_CREATE).count() == 1


def test_a_department_clears_a_township_and_the_gate_counts_townships(
    tw_scored, reviewer, county_admin, township_a, township_b
):
    services.review_departments_set(
        actor=county_admin, round_=tw_scored, departments=["discipline"]
    )
    services.clearance_record(actor=reviewer, assessment=township_assessment(tw_scored, township_a))
    with pytest.raises(Conflict) as refused:
        services.round_advance(actor=county_admin, round_=tw_scored)
    assert "全部镇街给出审查结论" in str(refused.value.message)
    services.clearance_record(actor=reviewer, assessment=township_assessment(tw_scored, township_b))
    services.round_advance(actor=county_admin, round_=tw_scored)
    tw_scored.refresh_from_db()
    assert tw_scored.status == Round.Status.PUBLICITY


def test_another_countys_admin_cannot_record_a_finding_on_a_township(
    tw_scored, county_admin2, township_a
):
    with pytest.raises(NotPermitted) as refused:
        services.finding_create(
            actor=county_admin2,
            assessment=township_assessment(tw_scored, township_a),
            item_code="JX01",
            evidence=EVIDENCE,
        )
    assert "该镇街" in str(refused.value.message)


# --- 公示异议 and 复核 ----------------------------------------------------------------------


def test_a_township_objects_to_its_own_result_and_an_upheld_objection_reopens(
    tw_publicity, assessor_a, county_admin, township_a
):
    objection = services.objection_lodge(
        actor=assessor_a,
        round_=tw_publicity,
        assessment=township_assessment(tw_publicity, township_a),
        issue="发展振兴星的村集体经济数据漏报了两个村。",
    )
    services.objection_handle(
        actor=county_admin, objection=objection, decision="upheld", reply="核实属实", reopen=True
    )
    tw_publicity.refresh_from_db()
    objection.refresh_from_db()
    assert objection.status == Objection.Status.UPHELD and objection.reopened
    assert tw_publicity.status == Round.Status.COUNTY_REVIEW


def test_a_department_may_object_to_any_township(tw_publicity, reviewer, township_b):
    objection = services.objection_lodge(
        actor=reviewer,
        round_=tw_publicity,
        assessment=township_assessment(tw_publicity, township_b),
        issue="该镇街上报的整改完成率与我局掌握情况不符。",
    )
    assert objection.pk and objection.lodged_by == reviewer


def test_a_township_cannot_object_to_another_township(tw_publicity, assessor_a, township_b):
    with pytest.raises(NotPermitted) as refused:
        services.objection_lodge(
            actor=assessor_a,
            round_=tw_publicity,
            assessment=township_assessment(tw_publicity, township_b),
            issue="对方得分偏高。",
        )
    assert "只能对本镇街" in str(refused.value.message)
    assert not Objection.objects.exists()


def test_a_village_cannot_object_on_a_township_round(tw_publicity, secretary_a1, township_a):
    with pytest.raises(NotPermitted) as refused:
        services.objection_lodge(
            actor=secretary_a1,
            round_=tw_publicity,
            assessment=township_assessment(tw_publicity, township_a),
            issue="镇里评高了。",
        )
    assert "不向村（社区）公示" in str(refused.value.message)


def test_the_township_itself_appeals_after_publishing_another_township_cannot(
    tw_published, assessor_a, assessor_b, township_a
):
    assessment = township_assessment(tw_published, township_a)
    with pytest.raises(NotPermitted) as refused:
        services.objection_lodge(
            actor=assessor_b,
            round_=tw_published,
            assessment=assessment,
            issue="申请复核",
            kind=Objection.Kind.APPEAL,
        )
    assert "本镇街可以申请复核" in str(refused.value.message)
    appeal = services.objection_lodge(
        actor=assessor_a,
        round_=tw_published,
        assessment=assessment,
        issue="组织建设星扣分依据不足，申请复核。",
        kind=Objection.Kind.APPEAL,
    )
    assert appeal.kind == Objection.Kind.APPEAL and appeal.status == Objection.Status.PENDING


# --- corrections after publishing -------------------------------------------------------------


def test_a_township_correction_needs_a_second_county_admin(
    tw_published, county_admin, county_admin_b, township_a
):
    assessment = township_assessment(tw_published, township_a)
    correction = services.correction_propose(
        actor=county_admin, assessment=assessment, kind="strip", reason="班子成员严重违纪"
    )
    with pytest.raises(NotPermitted):
        services.correction_approve(actor=county_admin, correction=correction, note="同意")
    assert selectors.assessment_current_level(assessment) == 3
    services.correction_approve(actor=county_admin_b, correction=correction, note="同意")
    assert selectors.assessment_current_level(assessment) == 0
    with pytest.raises(InvalidInput) as refused:
        services.correction_propose(
            actor=county_admin, assessment=assessment, kind="strip", reason="再摘一次"
        )
    assert "该镇街当前已是0星" in str(refused.value.errors)


# --- evaluation groups: optional on a township round ------------------------------------------


def test_without_groups_the_coverage_check_passes_on_a_township_round(tw_round):
    coverage = selectors.group_coverage(tw_round)
    assert coverage["optional"] and coverage["ok"] and not coverage["unassigned"]


def test_once_a_group_exists_every_township_must_be_in_one_before_publicity(
    tw_scored, county_admin, township_a, township_b
):
    group = services.group_create(actor=county_admin, round_=tw_scored, name="第一考评组")
    services.group_villages_set(actor=county_admin, group=group, villages=[township_a, township_b])
    # Set up while the county stage runs: a township may leave a group (no orphan rule here).
    services.group_villages_set(actor=county_admin, group=group, villages=[township_a])
    coverage = selectors.group_coverage(tw_scored)
    assert not coverage["optional"] and coverage["unassigned"] == [township_b]
    with pytest.raises(Conflict) as refused:
        services.round_advance(actor=county_admin, round_=tw_scored)
    assert "每个镇街必须恰好分配给一个考评组" in str(refused.value.message)
    assert [e["organization"] for e in refused.value.errors] == [township_b.code]
    tw_scored.refresh_from_db()
    assert tw_scored.status == Round.Status.COUNTY_REVIEW
    services.group_villages_set(actor=county_admin, group=group, villages=[township_a, township_b])
    services.round_advance(actor=county_admin, round_=tw_scored)
    tw_scored.refresh_from_db()
    assert tw_scored.status == Round.Status.PUBLICITY


# --- 整改台账: a township's weak category or item ---------------------------------------------


def test_the_county_records_a_townships_weak_category(tw_published, county_admin, township_b):
    assessment = township_assessment(tw_published, township_b)  # ZZ at 14 of 20, line 16
    entry = ledger_services.rectification_from_weakness(
        actor=county_admin, assessment=assessment, code="ZZ"
    )
    assert entry.organization == township_b and entry.source == Rectification.Source.WEAK_CATEGORY
    assert entry.measures == "待镇街党（工）委制定整改措施"
    assert "政治引领星得分14" in entry.problem
    assert audit_rows(entry, AuditLog.Action.CREATE).count() == 1
    with pytest.raises(Conflict):
        ledger_services.rectification_from_weakness(
            actor=county_admin, assessment=assessment, code="ZZ"
        )


def test_the_township_itself_records_its_weak_item_another_township_cannot(
    tw_published, assessor_a, assessor_b, secretary_a1, county_admin2, township_b
):
    assessment = township_assessment(tw_published, township_b)
    for outsider in (assessor_a, secretary_a1, county_admin2):
        with pytest.raises(NotPermitted) as refused:
            ledger_services.rectification_from_weakness(
                actor=outsider, assessment=assessment, code="ZZ01"
            )
        assert "该镇街" in str(refused.value.message)
    entry = ledger_services.rectification_from_weakness(
        actor=assessor_b, assessment=assessment, code="ZZ"
    )
    assert entry.organization == township_b and entry.recorded_by == assessor_b
    assert Rectification.objects.count() == 1


def test_a_confirmed_township_finding_goes_on_the_ledger(
    tw_scored, reviewer, county_admin, township_a
):
    finding = services.finding_create(
        actor=reviewer,
        assessment=township_assessment(tw_scored, township_a),
        item_code="JX01",
        evidence=EVIDENCE,
    )
    services.finding_confirm(actor=county_admin, finding=finding)
    entry = ledger_services.rectification_from_finding(actor=county_admin, finding=finding)
    assert entry.organization == township_a and entry.source == Rectification.Source.FINDING


def test_a_township_without_a_township_round_source_is_still_refused(
    county_admin, township_a, tw_published
):
    with pytest.raises(InvalidInput) as refused:
        ledger_services.rectification_create(
            actor=county_admin,
            organization=township_a,
            problem="手工登记",
            measures="整改",
            deadline="2025-06-30",
            responsible_person="张三",
        )
    assert "只能为村（社区）建立整改台账" in str(refused.value.errors)
    # Nor may a village round's weakness be filed under a township by naming it.
    with pytest.raises(InvalidInput):
        ledger_services.rectification_create(
            actor=county_admin,
            organization=township_a,
            source=Rectification.Source.WEAK_CATEGORY,
            assessment=None,
            problem="短板",
            measures="整改",
            deadline="2025-06-30",
            responsible_person="张三",
        )


def test_a_spot_check_draws_townships_and_records_an_outcome(
    client, tw_scored, county_admin, township_a, township_b
):
    """三随机 on a township round: the population is the round's townships (one stratum, the
    county), the checker records an outcome naming an item of the township catalogue, and the
    page speaks of 镇街."""
    from django.urls import reverse

    from tests.support.web import as_user

    draw = services.spot_draw(
        actor=county_admin, round_=tw_scored, size_kind="count", size_value="1", seed=7
    )
    assert draw.population == 2
    check = draw.checks.get()
    assert check.assessment.organization in (township_a, township_b)
    item = tw_scored.catalogue.items.filter(kind="scored").order_by("code").first()
    with pytest.raises(InvalidInput) as bad:
        services.spot_check_record(
            actor=county_admin, check=check, outcome="differences", item_code="SJ01", note="x"
        )
    assert [e["field"] for e in bad.value.errors] == ["item"]  # a village item is not this round's
    recorded = services.spot_check_record(
        actor=county_admin,
        check=check,
        outcome="differences",
        item_code=item.code,
        points=str(item.max_points),
        note="台账与实际不符",
    )
    assert recorded.item == item
    page = as_user(client, county_admin).get(reverse("spotchecks", args=[tw_scored.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "总体 2 个镇街" in html and "按乡镇分层" not in html
