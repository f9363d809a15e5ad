"""述职评议 services: the county reviews its township secretaries (each township sees and
writes its own), scores by group, problems onto the ledger, on-site checks linked to spot
checks, closing freezes and locks; each role, another township, another county, bad input
naming the field, the closed session, audit records."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.http import Http404
from django.utils import timezone

from assessments import services as assessment_services
from ledgers import selectors as ledger_selectors
from ledgers import services as ledger_services
from ledgers.models import Rectification
from organizations.models import AuditLog
from secretaries import selectors, services
from secretaries.models import ReviewedSecretary, ReviewScore, ReviewSession, SecretaryProject
from starrating.errors import Conflict, InvalidInput, NotPermitted
from tests.conftest import audit_rows
from tests.secretaries.conftest import reviewee_of

pytestmark = pytest.mark.django_db

LATER = (timezone.localdate() + datetime.timedelta(days=60)).isoformat()


def fields_of(error) -> list[str]:
    return [e["field"] for e in error.value.errors]


def test_create_lists_every_township_of_the_county(review, township_a, township_b, county_admin):
    assert review.status == "draft" and review.organizer_id == township_a.parent_id
    assert [r.organization for r in review.reviewees.order_by("organization__code")] == [
        township_a,
        township_b,
    ]
    assert review.weights == {
        "leaders": Decimal("0.4"),
        "members": Decimal("0.3"),
        "public": Decimal("0.3"),
    }
    assert audit_rows(review, AuditLog.Action.CREATE).get().actor == county_admin


def test_create_by_role_and_bad_input(county_admin, assessor_a, auditor, secretary_a1, year):
    base = {"level": "township", "year": year, "title": "述职评议", "held_on": "2024-01-20"}
    for user in (assessor_a, auditor, secretary_a1):
        with pytest.raises(NotPermitted):
            services.session_create(actor=user, **base)
    with pytest.raises(InvalidInput) as bad:
        services.session_create(actor=county_admin, **base | {"level": "city"})
    assert fields_of(bad) == ["level"]
    with pytest.raises(InvalidInput) as bad:
        services.session_create(
            actor=county_admin,
            **base,
            held_on_x="x",
        )
    assert "held_on_x" in fields_of(bad)
    with pytest.raises(InvalidInput) as bad:
        services.session_create(
            actor=county_admin, **base | {"weight_leaders": "0.5", "threshold_good": "abc"}
        )
    assert fields_of(bad) == ["threshold_good"]
    with pytest.raises(InvalidInput) as bad:
        services.session_create(actor=county_admin, **base | {"weight_leaders": "0.5"})
    assert fields_of(bad) == ["weight_leaders"] and "之和应为1" in bad.value.errors[0]["message"]
    with pytest.raises(InvalidInput) as bad:
        services.session_create(actor=county_admin, **base | {"threshold_fair": "85"})
    assert fields_of(bad) == ["threshold_good"]
    with pytest.raises(InvalidInput) as bad:
        services.session_create(actor=county_admin, **base, organizations=["999999"])
    assert fields_of(bad) == ["organizations"]
    assert ReviewSession.objects.count() == 0
    services.session_create(actor=county_admin, **base)
    with pytest.raises(Conflict):
        services.session_create(actor=county_admin, **base)


def test_a_township_reviews_its_villages(assessor_a, assessor_b, village_a1, village_a2, year):
    session = services.session_create(
        actor=assessor_a, level="village", year=year, title="村书记述职", held_on="2024-01-10"
    )
    assert {r.organization for r in session.reviewees.all()} == {village_a1, village_a2}
    assert session.organizer_id == assessor_a.organization_id
    with pytest.raises(NotPermitted):
        services.session_open(actor=assessor_b, session=session)


def test_scope_of_sessions_and_secretaries(
    review,
    county_admin,
    auditor,
    assessor_a,
    assessor_b,
    secretary_a1,
    county_admin2,
    auditor2,
    township_a,
):
    for user in (county_admin, auditor, assessor_a, assessor_b):
        assert list(selectors.sessions_for_user(user)) == [review]
    for user in (county_admin2, auditor2, secretary_a1):
        assert list(selectors.sessions_for_user(user)) == []
        with pytest.raises(Http404):
            selectors.session_get_for_user(user=user, pk=review.pk)
    assert selectors.reviewees_for_user(county_admin, review).count() == 2
    own = selectors.reviewees_for_user(assessor_a, review)
    assert [r.organization for r in own] == [township_a]
    other = reviewee_of(review, township_a)
    with pytest.raises(Http404):
        selectors.reviewee_get_for_user(user=assessor_b, pk=other.pk)
    with pytest.raises(Http404):
        selectors.reviewee_get_for_user(user=county_admin2, pk=other.pk)
    assert selectors.reviewee_get_for_user(user=assessor_a, pk=other.pk) == other


def test_report_and_answers_by_the_own_township(
    review, county_admin, assessor_a, assessor_b, township_a, township_b
):
    mine = reviewee_of(review, township_a)
    common = services.question_add(
        actor=county_admin, session=review, kind="common", text="如何抓党建促乡村振兴？"
    )
    extra_b = services.question_add(
        actor=county_admin,
        session=review,
        kind="extra",
        text="集体经济薄弱村如何清零？",
        reviewee=reviewee_of(review, township_b).pk,
    )
    extra_all = services.question_add(
        actor=county_admin,
        session=review,
        kind="extra",
        text="镇村干部如何减负？",
        domain="township",
    )
    assert selectors.questions_for(review, mine) == [common, extra_all]
    with pytest.raises(InvalidInput) as bad:
        services.question_add(actor=county_admin, session=review, kind="extra", text="x")
    assert fields_of(bad) == ["domain"]
    with pytest.raises(NotPermitted):
        services.question_add(actor=assessor_a, session=review, kind="common", text="x")

    services.report_save(
        actor=assessor_a, reviewee=mine, report="一年来……", report_evidence="报告原件"
    )
    mine.refresh_from_db()
    assert mine.report == "一年来……" and mine.report_at is not None
    with pytest.raises(NotPermitted):
        services.report_save(actor=assessor_b, reviewee=mine, report="冒名")
    with pytest.raises(InvalidInput) as bad:
        services.report_save(actor=assessor_a, reviewee=mine, report="  ")
    assert fields_of(bad) == ["report"]
    services.answer_save(actor=assessor_a, reviewee=mine, question=common.pk, text="抓班子带队伍")
    services.answer_save(actor=assessor_a, reviewee=mine, question=common.pk, text="改一下")
    assert mine.answers.get().text == "改一下"
    with pytest.raises(InvalidInput) as bad:
        services.answer_save(
            actor=assessor_a, reviewee=mine, question=extra_b.pk, text="不是我的题"
        )
    assert fields_of(bad) == ["question"]
    assert audit_rows(mine, AuditLog.Action.UPDATE).count() == 1


def test_scores_need_an_open_session_and_name_the_field(
    review, county_admin, assessor_a, township_a
):
    mine = reviewee_of(review, township_a)
    score = {"group": "leaders", "reviewer": "县委书记", "score": "92", "comment": "亮点突出"}
    with pytest.raises(Conflict):
        services.score_add(actor=county_admin, reviewee=mine, **score)  # still a draft
    services.session_open(actor=county_admin, session=review)
    mine.refresh_from_db()
    with pytest.raises(NotPermitted):
        services.score_add(actor=assessor_a, reviewee=mine, **score)
    for bad_value, field in (
        ({"score": "101"}, "score"),
        ({"score": "-1"}, "score"),
        ({"score": "9.999"}, "score"),
        ({"score": "NaN"}, "score"),
        ({"group": "cadres"}, "group"),
        ({"reviewer": ""}, "reviewer"),
    ):
        with pytest.raises(InvalidInput) as bad:
            services.score_add(actor=county_admin, reviewee=mine, **score | bad_value)
        assert fields_of(bad) == [field]
    row = services.score_add(actor=county_admin, reviewee=mine, **score)
    assert row.score == Decimal("92") and audit_rows(row, AuditLog.Action.CREATE).exists()
    with pytest.raises(Conflict):
        services.score_add(actor=county_admin, reviewee=mine, **score)
    assert ReviewScore.objects.count() == 1


def _score(admin, reviewee, leaders, members, public):
    for group, values in (("leaders", leaders), ("members", members), ("public", public)):
        for n, value in enumerate(values):
            services.score_add(
                actor=admin, reviewee=reviewee, group=group, reviewer=f"{group}{n}", score=value
            )


def test_results_close_freeze_and_lock(
    open_review, county_admin, assessor_a, township_a, township_b, options
):
    a, b = reviewee_of(open_review, township_a), reviewee_of(open_review, township_b)
    _score(county_admin, a, ["92", "88"], ["85"], ["80"])  # 85.50 → 较好
    _score(county_admin, b, ["95"], ["93"], [])  # public missing: (0.4×95+0.3×93)/0.7 = 94.14
    # Township B's project was graded 差 this year: the cap (差 → at most 一般) applies.
    SecretaryProject.objects.create(
        committee=township_b,
        option=options["three"],
        year=open_review.year,
        secretary_name="王书记",
        goal="x",
        status="graded",
        approved_on=timezone.localdate(),
        grade="poor",
        created_by=county_admin,
    )
    found = {
        r.reviewee.organization_id: r
        for r in selectors.results(
            open_review, selectors.reviewees_for_user(county_admin, open_review)
        )
    }
    assert (found[township_a.pk].score, found[township_a.pk].grade) == (Decimal("85.50"), "good")
    rb = found[township_b.pk]
    assert (rb.score, rb.score_grade, rb.grade, rb.capped) == (
        Decimal("94.14"),
        "excellent",
        "fair",
        True,
    )
    with pytest.raises(NotPermitted):
        services.session_close(actor=assessor_a, session=open_review)
    services.session_close(actor=county_admin, session=open_review)
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.score, a.grade, b.score, b.score_grade, b.grade) == (
        Decimal("85.50"),
        "good",
        Decimal("94.14"),
        "excellent",
        "fair",
    )
    assert audit_rows(open_review, AuditLog.Action.UPDATE).last().after["status"] == "closed"
    # Locked: nothing changes after closing, and the frozen result stays even if the project
    # grade changes later.
    SecretaryProject.objects.filter(committee=township_b).update(grade="excellent")
    again = selectors.results(open_review, ReviewedSecretary.objects.filter(pk=b.pk))
    assert again[0].grade == "fair"
    closed = ReviewSession.objects.get(pk=open_review.pk)
    for call in (
        lambda: services.score_add(
            actor=county_admin, reviewee=a, group="leaders", reviewer="x", score="90"
        ),
        lambda: services.report_save(actor=assessor_a, reviewee=a, report="补交"),
        lambda: services.session_update(actor=county_admin, session=closed, title="改名"),
        lambda: services.question_add(actor=county_admin, session=closed, kind="common", text="x"),
        lambda: services.check_add(
            actor=county_admin, reviewee=a, checked_on="2024-01-02", checkers="x", findings="y"
        ),
        lambda: services.session_close(actor=county_admin, session=closed),
    ):
        with pytest.raises(Conflict):
            call()


def test_update_settings_recomputes_live(open_review, county_admin, township_a):
    a = reviewee_of(open_review, township_a)
    _score(county_admin, a, ["85"], ["85"], ["85"])
    services.session_update(actor=county_admin, session=open_review, threshold_excellent="85")
    result = selectors.results(open_review, selectors.reviewees_for_user(county_admin, open_review))
    assert {r.grade for r in result if r.reviewee.pk == a.pk} == {"excellent"}
    with pytest.raises(InvalidInput) as bad:
        services.session_update(actor=county_admin, session=open_review, weight_public="0.4")
    assert fields_of(bad) == ["weight_leaders"]


def test_problems_go_on_the_ledger_one_entry_per_organization(
    open_review,
    county_admin,
    assessor_a,
    assessor_b,
    township_a,
    township_b,
    secretary_a1,
    county_admin2,
):
    a, b = reviewee_of(open_review, township_a), reviewee_of(open_review, township_b)
    common = services.problem_add(
        actor=county_admin,
        session=open_review,
        kind="common",
        text="党群服务中心利用率不高",
        measures="制定使用清单",
        deadline=LATER,
        reviewees=[a.pk, b.pk],
    )
    entries = list(common.rectifications.order_by("organization__code"))
    assert [e.organization for e in entries] == [township_a, township_b]
    assert {e.source for e in entries} == {Rectification.Source.REVIEW}
    assert audit_rows(common, AuditLog.Action.CREATE).exists()
    assert all(audit_rows(e, AuditLog.Action.CREATE).exists() for e in entries)
    single = services.problem_add(
        actor=county_admin,
        session=open_review,
        kind="individual",
        text="书记项目推进慢",
        measures="每月调度",
        deadline=LATER,
        reviewees=[a.pk],
    )
    assert single.rectifications.get().responsible_person == (a.secretary_name or "党组织书记")
    # Bad input names the field; nothing is written.
    for kind, chosen, field in (
        ("individual", [a.pk, b.pk], "reviewees"),
        ("common", [a.pk], "reviewees"),
        ("common", [a.pk, 999999], "reviewees"),
        ("other", [a.pk], "kind"),
    ):
        with pytest.raises(InvalidInput) as bad:
            services.problem_add(
                actor=county_admin,
                session=open_review,
                kind=kind,
                text="x",
                measures="y",
                deadline=LATER,
                reviewees=chosen,
            )
        assert fields_of(bad) == [field]
    with pytest.raises(InvalidInput) as bad:
        services.problem_add(
            actor=county_admin,
            session=open_review,
            kind="individual",
            text="x",
            measures="y",
            deadline="2000-01-01",
            reviewees=[a.pk],
        )
    assert fields_of(bad) == ["deadline"]
    with pytest.raises(NotPermitted):
        services.problem_add(
            actor=assessor_a,
            session=open_review,
            kind="individual",
            text="x",
            measures="y",
            deadline=LATER,
            reviewees=[a.pk],
        )
    assert Rectification.objects.count() == 3
    # The ledger: township A's entries are A's and the county's; not B's, a village's or
    # another county's.
    a_entries = {e.pk for e in Rectification.objects.filter(organization=township_a)}
    assert (
        set(ledger_selectors.rectifications_for_user(assessor_a).values_list("pk", flat=True))
        == a_entries
    )
    assert ledger_selectors.rectifications_for_user(county_admin).count() == 3
    for user in (secretary_a1, county_admin2):
        assert ledger_selectors.rectifications_for_user(user).count() == 0
    assert ledger_selectors.ledger_counts(assessor_b)["total"] == 1
    filtered = ledger_selectors.rectifications_filtered(county_admin, township=township_a.pk)
    assert set(filtered.values_list("pk", flat=True)) == a_entries


def test_a_township_entry_is_closed_on_the_ledger(
    open_review, county_admin, assessor_a, assessor_b, township_a
):
    a = reviewee_of(open_review, township_a)
    problem = services.problem_add(
        actor=county_admin,
        session=open_review,
        kind="individual",
        text="台账不规范",
        measures="规范台账",
        deadline=LATER,
        reviewees=[a.pk],
    )
    entry = problem.rectifications.get()
    with pytest.raises(NotPermitted):
        ledger_services.rectification_note_add(actor=assessor_b, entry=entry, text="冒名")
    ledger_services.rectification_note_add(actor=assessor_a, entry=entry, text="已整改")
    with pytest.raises(NotPermitted):  # the recorder cannot close their own entry
        ledger_services.rectification_close(actor=county_admin, entry=entry, closure_evidence="x")
    closed = ledger_services.rectification_close(
        actor=assessor_a, entry=entry, closure_evidence="台账已规范"
    )
    assert closed.status == "closed"


def test_the_ledger_still_refuses_townships_for_other_sources(county_admin, township_a):
    with pytest.raises(InvalidInput) as bad:
        ledger_services.rectification_create(
            actor=county_admin,
            organization=township_a,
            problem="x",
            measures="y",
            deadline=LATER,
            responsible_person="z",
        )
    assert fields_of(bad) == ["organization"]


def test_on_site_checks_link_spot_checks_of_the_township(
    open_review, county_admin, round_2024, village_a1, village_b1, township_a
):
    draw = assessment_services.spot_draw(
        actor=county_admin, round_=round_2024, size_kind="count", size_value="3", seed=7
    )
    in_a = draw.checks.get(assessment__organization=village_a1)
    in_b = draw.checks.get(assessment__organization=village_b1)
    a = reviewee_of(open_review, township_a)
    today = timezone.localdate().isoformat()
    check = services.check_add(
        actor=county_admin,
        reviewee=a,
        checked_on=today,
        checkers="第一核查组",
        findings="随机走访群众5人，反映较好",
        spot_check=str(in_a.pk),
    )
    assert check.spot_check == in_a and audit_rows(check, AuditLog.Action.CREATE).exists()
    assert in_a in selectors.spot_checks_for(a) and in_b not in selectors.spot_checks_for(a)
    with pytest.raises(InvalidInput) as bad:
        services.check_add(
            actor=county_admin,
            reviewee=a,
            checked_on=today,
            checkers="x",
            findings="y",
            spot_check=in_b.pk,
        )
    assert fields_of(bad) == ["spot_check"]


def test_a_project_visit_may_name_a_spot_check(
    approved_a, county_admin, round_2024, village_a1, village_b1
):
    draw = assessment_services.spot_draw(
        actor=county_admin, round_=round_2024, size_kind="count", size_value="3", seed=7
    )
    in_a = draw.checks.get(assessment__organization=village_a1)
    in_b = draw.checks.get(assessment__organization=village_b1)
    visit = {
        "visited_on": timezone.localdate().isoformat(),
        "method": "random",
        "visitors": "组织科",
        "findings": "结合三随机抽查走访",
    }
    done = services.visit_add(actor=county_admin, project=approved_a, **visit, spot_check=in_a.pk)
    assert done.spot_check == in_a
    with pytest.raises(InvalidInput) as bad:
        services.visit_add(actor=county_admin, project=approved_a, **visit, spot_check=in_b.pk)
    assert fields_of(bad) == ["spot_check"]
    assert services.visit_add(actor=county_admin, project=approved_a, **visit).spot_check is None


def test_a_village_secretary_in_its_townships_review(
    assessor_a, assessor_b, secretary_a1, county_admin, village_a1, village_a2, year
):
    session = services.session_create(
        actor=assessor_a, level="village", year=year, title="村书记述职", held_on="2024-01-10"
    )
    mine = reviewee_of(session, village_a1)
    assert list(selectors.sessions_for_user(secretary_a1)) == [session]
    assert list(selectors.sessions_for_user(assessor_b)) == []
    assert [r.organization for r in selectors.reviewees_for_user(secretary_a1, session)] == [
        village_a1
    ]
    with pytest.raises(Http404):
        selectors.reviewee_get_for_user(user=secretary_a1, pk=reviewee_of(session, village_a2).pk)
    services.report_save(actor=secretary_a1, reviewee=mine, report="村书记述职报告")
    with pytest.raises(NotPermitted):
        services.report_save(
            actor=secretary_a1, reviewee=reviewee_of(session, village_a2), report="x"
        )
    services.session_open(actor=assessor_a, session=session)
    with pytest.raises(NotPermitted):
        services.score_add(
            actor=secretary_a1, reviewee=mine, group="public", reviewer="x", score="90"
        )
    with pytest.raises(NotPermitted):  # the county reads village-level sessions, not runs them
        services.score_add(
            actor=county_admin, reviewee=mine, group="public", reviewer="x", score="90"
        )
    problem = services.problem_add(
        actor=assessor_a,
        session=session,
        kind="individual",
        text="三会一课不规范",
        measures="规范记录",
        deadline=LATER,
        reviewees=[mine.pk],
    )
    assert problem.rectifications.get().organization == village_a1
