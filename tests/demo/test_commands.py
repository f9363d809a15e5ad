"""Management commands: seed_demo, export_results (the contract), recalculate, load_catalogue.

The demo county is built once for this module (seed_demo takes seconds) inside a transaction
that is rolled back when the module ends; each test runs in a savepoint within it.

The levels exported for the demo are checked against a hand computation written out plainly
below from the stored county-sheet points (DOMAIN.md §4, rules 2–11 and 13) — deliberately not
through ``assessments.scoring``, so the engine and this reading of the rules check each other.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import re
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import models, transaction

from assessments.models import (
    Assessment,
    Finding,
    ResultCorrection,
    Round,
    SatisfactionSurvey,
    Score,
    Sheet,
)
from indicators.models import Catalogue, Item
from organizations.models import AuditLog, Organization, Role, User
from tests.conftest import CATALOGUE_FILE

CONTRACT_FIELDS = [
    "organization_code",
    "organization_name",
    "township_code",
    "category_scores",
    "total",
    "composite",
    "stars_earned",
    "level",
    "previous_level",
    "change",
]
TWO_PLACES = re.compile(r"^\d{1,3}\.\d{2}$")
DEMO_COUNTY = "220602000000"


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """seed_demo run once for the module; its printed output."""
    out = io.StringIO()
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


def export(tmp_path, year: int, fmt: str) -> str:
    path = tmp_path / f"results-{year}.{fmt}"
    call_command("export_results", "--round", str(year), "--format", fmt, "--output", str(path))
    return path.read_text(encoding="utf-8")


def demo_round(year: int, target: str = "village") -> Round:
    return Round.objects.get(county__code=DEMO_COUNTY, year=year, target=target)


# --- the hand computation (DOMAIN.md §4, written out) --------------------------------------


def half_up(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def hand_results(round_: Round, previous: dict[str, int] | None) -> dict[str, dict]:
    """organization code → the result worked out by hand from the submitted county sheets,
    under the demo rounds' rules: county stage authoritative, no satisfaction weight, bands
    90/80/70/60, pass line 16 of 20, mode "both", floor 0.6 → cap 2, promotion +1, no quotas."""
    assert round_.authoritative_stage == "county" and not round_.uses_stage_weights
    assert round_.satisfaction_weight == 0
    assert (round_.band_min_5, round_.band_min_4, round_.band_min_3, round_.band_min_2) == (
        90,
        80,
        70,
        60,
    )
    assert round_.level_mode == "both" and round_.max_promotion == 1
    assert round_.quota_5 is None and round_.quota_4 is None

    categories = list(round_.catalogue.categories.order_by("position"))
    assert [c.max_points for c in categories] == [Decimal("20")] * 5
    points: dict[str, dict[str, tuple[str, str, Decimal]]] = {}
    rows = Score.objects.filter(
        sheet__assessment__round=round_,
        sheet__stage="county",
        sheet__status=Sheet.Status.SUBMITTED,
    ).values_list(
        "sheet__assessment__organization__code",
        "item__code",
        "item__kind",
        "item__category__code",
        "points",
    )
    for org_code, item_code, kind, category_code, value in rows:
        points.setdefault(org_code, {})[item_code] = (kind, category_code, value)

    surveys = {
        code: (respondents, satisfied)
        for code, respondents, satisfied in SatisfactionSurvey.objects.filter(
            assessment__round=round_
        ).values_list("assessment__organization__code", "respondents", "satisfied")
    }
    confirmed = Finding.objects.filter(
        assessment__round=round_, status=Finding.Status.CONFIRMED
    ).values_list("assessment__organization__code", "item__kind")
    exceptional = set(
        round_.assessments.filter(exceptional=True).values_list("organization__code", flat=True)
    )

    results = {}
    for org_code, entered in points.items():
        # Rule 2: per category, scored points minus deduction points, clamped to [0, 20].
        category_scores = {}
        for category in categories:
            scored = sum(
                (v for kind, c, v in entered.values() if c == category.code and kind == "scored"),
                Decimal("0"),
            )
            deducted = sum(
                (
                    v
                    for kind, c, v in entered.values()
                    if c == category.code and kind == "deduction"
                ),
                Decimal("0"),
            )
            category_scores[category.code] = min(
                max(scored - deducted, Decimal("0")), Decimal("20")
            )
        # Rules 3, 4: total, and the composite equals it without a satisfaction weight.
        total = sum(category_scores.values(), Decimal("0"))
        composite = half_up(total)
        # Rule 5: bands.
        if composite >= 90:
            band = 5
        elif composite >= 80:
            band = 4
        elif composite >= 70:
            band = 3
        elif composite >= 60:
            band = 2
        else:
            band = 1
        # Rule 6: a star per category at 16 or more (80 % of 20).
        stars = [code for code, score in category_scores.items() if score >= 16]
        # Rule 7: mode "both".
        level = min(band, len(stars))
        # Rule 8: fewer than 60 % satisfied caps the level at 2.
        if org_code in surveys:
            respondents, satisfied = surveys[org_code]
            if satisfied * 10 < respondents * 6:
                level = min(level, 2)
        # Rule 9: one star less per confirmed star deduction.
        deductions = sum(1 for c, kind in confirmed if c == org_code and kind == "star_deduction")
        level = max(level - deductions, 0)
        # Rule 10: at most one level above last year's published level, unless 破格.
        before = (previous or {}).get(org_code)
        if before is not None and org_code not in exceptional:
            level = min(level, before + 1)
        # Rule 11: a confirmed veto takes every star.
        vetoed = any(c == org_code and kind == "veto" for c, kind in confirmed)
        if vetoed:
            level = 0
        results[org_code] = {
            "category_scores": {c: f"{s:.2f}" for c, s in category_scores.items()},
            "total": f"{total:.2f}",
            "composite": f"{composite:.2f}",
            "stars_earned": stars,
            "level": level,
            "previous_level": before,
            # Rule 13.
            "change": "new" if before is None else level - before,
            "_band_level": min(band, len(stars)),
            "_vetoed": vetoed,
            "_deductions": deductions,
            "_capped_by_survey": org_code in surveys
            and surveys[org_code][1] * 10 < surveys[org_code][0] * 6,
            "_exceptional": org_code in exceptional,
        }
    return results


# --- seed_demo ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_seed_demo_builds_the_demo_county(demo):
    county = Organization.objects.get(code=DEMO_COUNTY)
    townships = Organization.objects.filter(parent=county)
    assert townships.count() == 6
    # 55 villages rated, and one formed by a mid-2024 merge of two of them (rated from 2025).
    villages = Organization.objects.filter(parent__parent=county)
    assert villages.count() == 56
    assert villages.filter(is_active=True).count() == 54
    for village in villages.select_related("parent"):
        assert re.fullmatch(r"\d{12}", village.code), village.code
        assert village.code[:9] == village.parent.code[:9]
        assert village.kind in ("village", "community")
        assert village.name and village.secretary_name

    r23, r24 = demo_round(2023), demo_round(2024)
    assert r23.status == Round.Status.PUBLISHED and r23.published_at is not None
    assert r24.status == Round.Status.COUNTY_REVIEW
    assert r23.assessments.count() == r24.assessments.count() == 55
    assert r23.assessments.filter(level__isnull=True).count() == 0
    assert r24.assessments.filter(level__isnull=False).count() > 40
    assert r24.catalogue.is_frozen and r23.catalogue.is_frozen
    assert Finding.objects.filter(assessment__round=r24).count() >= 3
    assert SatisfactionSurvey.objects.filter(assessment__round=r24).count() > 40
    # Written through the services: the audit log is real.
    assert AuditLog.objects.filter(action=AuditLog.Action.SCORES_SAVE).count() > 200
    assert AuditLog.objects.filter(action=AuditLog.Action.ROUND_TRANSITION).count() >= 7


@pytest.mark.django_db
def test_seed_demo_publishes_the_township_round_as_in_hunjiang(demo, tmp_path):
    """Seed 000: “全区‘三星级’镇街4个，‘二星级’镇街2个” — the county's six townships rated on
    their own catalogue by the county alone, with the same engine."""
    r24 = demo_round(2024, target="township")
    assert r24.status == Round.Status.PUBLISHED and r24.published_at is not None
    assert r24.catalogue.target == "township" and r24.catalogue.is_frozen
    assert r24.catalogue.categories.count() == 5
    assert 15 <= r24.catalogue.items.filter(category__isnull=False).count() <= 25
    assessed = r24.assessments.select_related("organization")
    assert {a.organization.kind for a in assessed} <= {"township", "street"}
    assert assessed.count() == Organization.objects.filter(parent__code=DEMO_COUNTY).count() == 6
    assert sorted(a.level for a in assessed) == [2, 2, 3, 3, 3, 3]
    # Only the county stage was entered: no self-assessment, no township review.
    assert set(Sheet.objects.filter(assessment__round=r24).values_list("stage", flat=True)) == {
        "county"
    }
    assert not r24.self_assessment_enabled
    # Its results are those the engine gives on the submitted sheets (the same hand check as
    # the village rounds').
    expected = hand_results(r24, previous=None)
    for a in assessed:
        assert a.level == expected[a.organization.code]["level"], a.organization.code
    # The export command reads it with --target township; the village round stays the default.
    path = tmp_path / "townships.json"
    call_command("export_results", "--round", "2024", "--target", "township", "--output", str(path))
    exported = json.loads(path.read_text(encoding="utf-8"))
    assert len(exported) == 6 and sorted(r["level"] for r in exported) == [2, 2, 3, 3, 3, 3]
    # The two-star townships' weakest category is on the 整改台账, filed under the township.
    from ledgers.models import Rectification

    weak = Rectification.objects.filter(assessment__round=r24)
    assert weak.count() == 2
    assert {e.source for e in weak} == {"weak_category"}
    assert {e.organization.kind for e in weak} <= {"township", "street"}


@pytest.mark.django_db
def test_seed_demo_builds_the_follow_up_in_the_hunjiang_shape(demo):
    from ledgers.models import EvidenceFile, Pairing, Rectification, SupervisionVisit

    assert SupervisionVisit.objects.count() == 73
    # The follow-up's own entries (the 软弱涣散 整顿 entries are organization health's, the
    # 述职评议 ones the secretaries' review's).
    entries = list(
        Rectification.objects.exclude(
            source__in=[Rectification.Source.WEAK_LAX, Rectification.Source.REVIEW]
        ).exclude(assessment__round__target="township")
    )
    assert len(entries) == 18
    statuses = {e.effective_status for e in entries}
    assert statuses == {"open", "in_progress", "closed", "overdue"}
    assert any(e.reopen_reason for e in entries)
    assert all(e.closed_by_id != e.recorded_by_id for e in entries if e.is_closed)
    assert Pairing.objects.values("organization").distinct().count() == 55
    assert EvidenceFile.objects.count() >= 3


def test_seed_demo_builds_star_points_for_every_ladder(demo):
    """创星晋级: every ladder has approved entries this year and last, approved by a second
    person, some pending; every page of the demo shows real standings."""
    from django.utils import timezone

    from stars.models import ConsequenceTable, Ladder, PartyMember, PointEntry, StarStanding

    year = timezone.localdate().year
    # four members in each active village (two of the 55 were merged into one in 2024)
    active = Organization.objects.filter(parent__parent__code=DEMO_COUNTY, is_active=True)
    assert PartyMember.objects.count() == active.count() * 4 == 54 * 4
    for ladder in Ladder.values:
        for y in (year - 1, year):
            standings = StarStanding.objects.filter(table__ladder=ladder, table__year=y)
            assert standings.filter(stars__gt=0).exists(), (ladder, y)
    entries = PointEntry.objects.all()
    assert entries.filter(status="pending").exists()
    assert not entries.filter(decided_by_id=models.F("recorded_by_id")).exists()
    assert ConsequenceTable.objects.filter(year=year).exists()  # 奖惩凭星 shows a real table


@pytest.mark.django_db
def test_seed_demo_links_the_stars_to_the_rest_of_the_year(demo):
    """S11 on the 2024 round (DW07 from the share of members at three stars), 2024's 奖惩凭星
    for the report, and this year's 软弱涣散 suggestions with one dismissed."""
    from django.utils import timezone

    from organizations.models import User
    from orghealth import selectors as health_selectors
    from stars import selectors as star_selectors
    from stars.models import ConsequenceTable, LadderInput

    r24 = demo_round(2024)
    assert LadderInput.objects.get(round=r24).item.code == "DW07"
    shares = [
        star_selectors.ladder_values(a)[0]["share"]
        for a in r24.assessments.select_related("organization", "round")
    ]
    assert any(s > 0 for s in shares)
    assert ConsequenceTable.objects.filter(county=r24.county, year=2024).exists()
    admin = User.objects.get(username="county_admin")
    data = health_selectors.weak_suggestions(admin, year=timezone.localdate().year)
    assert data["suggestions"] and len(data["dismissed"]) == 1


def test_seed_demo_shows_the_joint_review_spot_checks_and_objections(demo):
    from assessments import selectors
    from assessments.models import Objection, SpotCheckDraw

    r24, r23 = demo_round(2024), demo_round(2023)
    progress = {p["department"]: p for p in selectors.review_progress(r24)}
    assert len([p for p in progress.values() if p["required"]]) == 7
    assert progress["united_front"]["percent"] == 0  # listed, nothing done yet
    assert 0 < progress["petitions"]["percent"] < 100
    assert selectors.joint_review_open(r24)  # the gate is not met yet
    draws = list(SpotCheckDraw.objects.filter(round=r24).order_by("number"))
    assert [d.is_current for d in draws] == [False, True] and draws[1].reason
    outcomes = set(draws[1].checks.values_list("outcome", flat=True))
    assert {"confirmed", "differences"} <= outcomes
    kinds = set(Objection.objects.filter(round=r23).values_list("kind", "status"))
    assert kinds == {("objection", "upheld"), ("objection", "rejected"), ("appeal", "pending")}


@pytest.mark.django_db
def test_seed_demo_after_publishing(demo):
    """Issue 14: imported history for 2021–2022 with its source, one star stripped from 2023
    (approved by a second administrator) and one correction awaiting approval, a merged
    village whose next round inherits its larger predecessor's level."""
    from assessments import selectors
    from assessments.models import HistoryImport, PublishedLevel
    from organizations.models import Succession

    source = HistoryImport.objects.get()
    assert source.years == [2021, 2022] and source.rows == 110
    assert PublishedLevel.objects.count() == 110
    stripped = ResultCorrection.objects.get(status="approved")
    assert stripped.kind == "strip" and stripped.decided_by_id != stripped.proposed_by_id
    assert ResultCorrection.objects.filter(status="pending").count() == 1
    r24 = demo_round(2024)
    assert r24.assessments.get(organization=stripped.assessment.organization).previous_level == 0
    links = list(Succession.objects.select_related("predecessor", "successor"))
    assert len(links) == 2 and links[0].successor == links[1].successor
    merged = links[0].successor
    county = Organization.objects.get(code=DEMO_COUNTY)
    got = selectors.next_previous_level(merged, county_id=county.pk, year=2025)
    rated = [
        (link.predecessor_members, demo_round(2023).assessments.get(organization=link.predecessor))
        for link in links
    ]
    most = max(m for m, _a in rated)
    assert got is not None
    assert got == max(selectors.assessment_current_level(a) for m, a in rated if m == most)


@pytest.mark.django_db
def test_seed_demo_builds_organization_health_in_the_xian_shape(demo):
    from django.utils import timezone

    from ledgers.models import Reminder
    from orghealth import rules, selectors
    from orghealth.models import BodyAdjustment, Posting

    admin = User.objects.get(username="county_admin")
    today = timezone.localdate()
    _rows, counts = selectors.election_rows(admin, today=today)
    # every active township and village: 6 + 54 (two of the 55 villages merged into one)
    assert counts["total"] == 60 and counts[rules.OVERDUE] == 3
    assert counts[rules.DUE_SOON] == 2 and counts[rules.UNRECORDED] == 1
    # the seed's three, and the village merged in 2024 (its members add up past the line)
    assert len(selectors.body_flags(admin)) == 4 and BodyAdjustment.objects.count() == 1
    rates = selectors.commitment_rates(admin, year=today.year)
    assert 70 < rates["organization"]["rate"] <= 100 and 60 < rates["member"]["rate"] < 90
    assert Posting.objects.filter(kind="first_secretary").count() == 7
    assert Posting.objects.filter(kind="township_cadre").count() == 54  # one per active village
    assert Posting.objects.filter(extensions__isnull=False).count() == 4
    assert selectors.weak_summary(admin, year=today.year) == {"designated": 5, "done": 2}
    village = selectors.villages_for_user(admin).first()
    assert selectors.team_facts(village, today=today).facts.count >= 5
    assert Reminder.objects.filter(kind=Reminder.Kind.ELECTION_DUE, user=admin).exists()


@pytest.mark.django_db
def test_seed_demo_builds_secretary_projects_in_the_fenyi_shape(demo):
    from django.utils import timezone

    from secretaries import selectors
    from secretaries.models import ProgressReport, SecretaryProject

    admin = User.objects.get(username="county_admin")
    year = timezone.localdate().year
    data = selectors.dashboard(admin, year=year, today=timezone.localdate())
    assert len(data["townships"]) == 6 and 12 <= data["total"] <= 18
    assert data["by_status"]["returned"] == 1 and data["by_status"]["submitted"] == 1
    assert data["by_status"]["draft"] == 1 and data["by_status"]["approved"] >= 9
    assert ProgressReport.objects.filter(days_late__gt=0).exists()
    assert SecretaryProject.objects.filter(year=year - 1, status="graded").count() >= 12
    # Every township took 党建+村级集体经济 (streets do not have to).
    economy = SecretaryProject.objects.filter(year=year, option__title="党建+村级集体经济")
    towns = Organization.objects.filter(kind="township", parent__code=DEMO_COUNTY).count()
    assert towns == 4 and economy.count() == towns


@pytest.mark.django_db
def test_seed_demo_prints_one_account_per_role(demo):
    for role in Role:
        users = User.objects.filter(role=role, organization__isnull=False)
        assert users.exists(), role
        assert str(role.label) in demo
    assert User.objects.filter(role=Role.TOWNSHIP_ASSESSOR).count() == 6
    lines = [line.split() for line in demo.splitlines()[1:] if line.strip()]
    printed = {parts[0]: parts[1] for parts in lines}
    assert set(printed) == set(
        User.objects.filter(organization__isnull=False).values_list("username", flat=True)
    )
    for username, password in printed.items():  # the printed passwords log in
        assert User.objects.get(username=username).check_password(password), username


@pytest.mark.django_db
def test_seed_demo_twice_does_not_duplicate(demo):
    def counts():
        return {
            model.__name__: model.objects.count()
            for model in (Organization, User, Catalogue, Round, Assessment, Sheet, Score, Finding)
        }

    before = counts()
    levels = list(Assessment.objects.order_by("pk").values_list("pk", "level"))
    out = io.StringIO()

    call_command("seed_demo", stdout=out)

    assert counts() == before
    assert list(Assessment.objects.order_by("pk").values_list("pk", "level")) == levels
    admin_line = next(line for line in out.getvalue().splitlines() if "county_admin" in line)
    assert User.objects.get(username="county_admin").check_password(admin_line.split()[1])


@pytest.mark.django_db
def test_seed_demo_refuses_in_production(settings):
    settings.PRODUCTION = True
    before = Organization.objects.count()

    with pytest.raises(CommandError) as exc:
        call_command("seed_demo", stdout=io.StringIO())

    assert "生产模式" in str(exc.value)
    assert Organization.objects.count() == before


# --- export_results -----------------------------------------------------------------------


@pytest.mark.django_db
def test_export_json_follows_the_contract(demo, tmp_path):
    records = json.loads(export(tmp_path, 2024, "json"))

    assert len(records) == 55
    assert [r["organization_code"] for r in records] == sorted(
        r["organization_code"] for r in records
    )
    catalogue_order = ["SJ", "DW", "CY", "MS", "ZL"]
    with_result = [r for r in records if r["level"] is not None]
    without = [r for r in records if r["level"] is None]
    assert with_result and without
    for r in records:
        assert list(r) == CONTRACT_FIELDS
        assert re.fullmatch(r"\d{12}", r["organization_code"])
        assert re.fullmatch(r"\d{12}", r["township_code"])
        assert r["organization_name"]
    for r in with_result:
        # A JSON object: the keys' order is not part of the contract (PostgreSQL's jsonb
        # stores them sorted its own way).
        assert sorted(r["category_scores"]) == sorted(catalogue_order)
        assert all(TWO_PLACES.match(v) for v in r["category_scores"].values()), r
        assert TWO_PLACES.match(r["total"]) and TWO_PLACES.match(r["composite"])
        assert r["stars_earned"] == [c for c in catalogue_order if c in r["stars_earned"]]
        assert r["level"] in range(6)
        assert isinstance(r["previous_level"], int)  # every village was rated in 2023
        assert r["change"] == r["level"] - r["previous_level"]
    for r in without:
        assert r["change"] is None
        assert r["category_scores"] is None and r["stars_earned"] is None
        assert r["total"] is None and r["composite"] is None
        assert r["previous_level"] is None


@pytest.mark.django_db
def test_export_first_year_change_is_new(demo, tmp_path):
    records = json.loads(export(tmp_path, 2023, "json"))

    assert len(records) == 55
    assert all(r["level"] in range(6) for r in records)
    assert all(r["previous_level"] is None and r["change"] == "new" for r in records)


@pytest.mark.django_db
def test_export_csv_matches_json(demo, tmp_path):
    as_json = json.loads(export(tmp_path, 2024, "json"))
    text = export(tmp_path, 2024, "csv")

    reader = csv.DictReader(io.StringIO(text))
    assert reader.fieldnames == CONTRACT_FIELDS
    rows = list(reader)
    assert len(rows) == len(as_json) == 55
    for row, record in zip(rows, as_json, strict=True):
        assert row["organization_code"] == record["organization_code"]
        assert row["organization_name"] == record["organization_name"]
        if record["level"] is None:
            assert row["level"] == row["change"] == row["previous_level"] == ""
            assert row["category_scores"] == row["stars_earned"] == row["total"] == ""
            continue
        assert json.loads(row["category_scores"]) == record["category_scores"]
        assert row["total"] == record["total"] and row["composite"] == record["composite"]
        assert row["stars_earned"].split() == record["stars_earned"]
        assert int(row["level"]) == record["level"]
        assert int(row["previous_level"]) == record["previous_level"]
        assert int(row["change"]) == record["change"]


@pytest.mark.django_db
def test_exported_levels_equal_the_hand_computation(demo, tmp_path):
    r23, r24 = demo_round(2023), demo_round(2024)
    hand_2023 = hand_results(r23, previous=None)
    # Rule 10 reads last year's *current* level: the published one unless a correction after
    # publishing was approved (the demo strips one 2023 village).
    corrected = dict(
        ResultCorrection.objects.filter(assessment__round=r23, status="approved").values_list(
            "assessment__organization__code", "new_level"
        )
    )
    assert len(corrected) == 1
    hand_2024 = hand_results(
        r24, previous={c: corrected.get(c, r["level"]) for c, r in hand_2023.items()}
    )
    exported_2023 = {r["organization_code"]: r for r in json.loads(export(tmp_path, 2023, "json"))}
    exported_2024 = {r["organization_code"]: r for r in json.loads(export(tmp_path, 2024, "json"))}

    assert set(hand_2023) == set(exported_2023)  # every 2023 village was scored and submitted
    for code, hand in hand_2023.items():
        assert {k: v for k, v in hand.items() if not k.startswith("_")} == {
            k: v for k, v in exported_2023[code].items() if k in hand
        }, code

    rated = {code for code, r in exported_2024.items() if r["level"] is not None}
    assert rated == set(hand_2024), "a result exactly where the county sheet is submitted"
    for code, hand in hand_2024.items():
        assert {k: v for k, v in hand.items() if not k.startswith("_")} == {
            k: v for k, v in exported_2024[code].items() if k in hand
        }, code

    # The demo exercises every rule the hand computation spells out.
    cases = hand_2024.values()
    assert any(h["_vetoed"] and h["level"] == 0 and h["_band_level"] > 0 for h in cases)
    assert any(h["_deductions"] and not h["_vetoed"] for h in cases)
    assert any(h["_capped_by_survey"] and h["_band_level"] > 2 for h in cases)
    assert any(
        h["_band_level"] > h["previous_level"] + 1 and h["level"] == h["previous_level"] + 1
        for h in cases
    )
    assert any(h["_exceptional"] and h["level"] > h["previous_level"] + 1 for h in cases)
    assert any(h["change"] < 0 for h in cases) and any(h["change"] > 0 for h in cases)


@pytest.mark.django_db
def test_export_unknown_round_fails(demo, tmp_path):
    with pytest.raises(CommandError):
        export(tmp_path, 1999, "json")


# --- recalculate --------------------------------------------------------------------------


@pytest.mark.django_db
def test_recalculate_restores_an_open_rounds_results(demo):
    r24 = demo_round(2024)
    victim = r24.assessments.filter(level__gte=2, vetoed=False).order_by("pk").first()
    level, total = victim.level, victim.total
    Assessment.objects.filter(pk=victim.pk).update(level=0, total=Decimal("1.00"))
    out = io.StringIO()

    call_command("recalculate", "--round", "2024", stdout=out)

    victim.refresh_from_db()
    assert (victim.level, victim.total) == (level, total)
    text = out.getvalue()
    with_result = r24.assessments.filter(level__isnull=False).count()
    assert "55 个评定对象" in text and f"{with_result} 个有结果" in text
    assert "1 个结果发生变化" in text


@pytest.mark.django_db
def test_recalculate_refuses_a_published_round(demo):
    with pytest.raises(CommandError) as exc:
        call_command("recalculate", "--round", "2023", stdout=io.StringIO())

    assert "已发布" in str(exc.value)


# --- load_catalogue -----------------------------------------------------------------------


@pytest.mark.django_db
def test_load_catalogue_with_a_broken_file_lists_every_problem(tmp_path):
    data = json.loads(CATALOGUE_FILE.read_text(encoding="utf-8"))
    broken = copy.deepcopy(data)
    broken["name"] = "2026版（有误）"
    broken["categories"][2]["items"][0]["max_points"] = "3.50"  # CY scored items no longer 20
    broken["categories"][4]["items"][1]["code"] = "ZL01"  # a duplicate code
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(broken, ensure_ascii=False), encoding="utf-8")
    before = Catalogue.objects.count(), Item.objects.count()

    with pytest.raises(CommandError) as exc:
        call_command("load_catalogue", str(path), stdout=io.StringIO())

    message = str(exc.value)
    assert "2处错误" in message
    assert re.search(r"CY: 评分项分值合计\d+\.\d+，与类别满分20\.00不一致", message)
    assert "ZL01: 代码重复" in message
    assert (Catalogue.objects.count(), Item.objects.count()) == before


@pytest.mark.django_db
def test_load_catalogue_loads_the_real_file_once(tmp_path):
    out = io.StringIO()
    call_command("load_catalogue", str(CATALOGUE_FILE), stdout=out)
    call_command("load_catalogue", str(CATALOGUE_FILE), stdout=out)

    catalogue = Catalogue.objects.get(name="2024版村党组织星级评定指标体系")
    assert catalogue.items.count() == 78
    assert (
        catalogue.items.filter(kind=Item.Kind.SCORED).count()
        + catalogue.items.filter(kind=Item.Kind.DEDUCTION).count()
        == 65
    )
    # The README's "65 items" are the five categories' items; the other 13 are said apart.
    assert out.getvalue().count("65 项指标，另有 13 项否决和减星事项") == 2
    with pytest.raises(CommandError):
        call_command("load_catalogue", str(tmp_path / "missing.json"))


@pytest.mark.django_db
def test_seed_demo_builds_a_secretary_review_in_the_hanzhong_shape(demo):
    """Last year's township-secretary review, closed: every secretary scored by all three
    groups and graded (all four grades), 3 common and 8 individual problems on the ledger (one
    entry per organization concerned, some closed), on-site checks linked to spot checks; this
    year's village review open for the demo village's township."""
    from django.utils import timezone

    from ledgers.models import Rectification
    from secretaries import rules, selectors
    from secretaries.models import ReviewSession

    year = timezone.localdate().year
    session = ReviewSession.objects.get(county__code=DEMO_COUNTY, level="township")
    assert session.year == year - 1 and session.status == "closed"
    admin = User.objects.get(username="county_admin")
    results = selectors.results(session, selectors.reviewees_for_user(admin, session))
    assert len(results) == 6
    assert all(min(r.counts.values()) >= 3 for r in results)
    by_score = {g: sum(1 for r in results if r.score_grade == g) for g in rules.GRADES}
    assert by_score == {"excellent": 3, "good": 1, "fair": 1, "poor": 1}
    assert all(n >= 1 for n in selectors.grade_counts(results).values())  # all four grades
    assert session.problems.filter(kind="common").count() == 3
    assert session.problems.filter(kind="individual").count() == 8
    entries = Rectification.objects.filter(source="review")
    assert entries.count() == 21 and entries.filter(status="closed").exists()
    assert entries.filter(organization__kind__in=["township", "street"]).count() == 21
    assert session.reviewees.filter(checks__spot_check__isnull=False).exists()
    village = ReviewSession.objects.get(county__code=DEMO_COUNTY, level="village")
    assert village.status == "open" and village.reviewees.exclude(report="").exists()
    # The report files (five of six townships and the demo village) and a corrected score.
    from secretaries.models import ReviewReportFile, ReviewScore

    files = ReviewReportFile.objects.filter(is_active=True)
    assert files.filter(reviewee__session=session).count() == 5
    assert files.filter(reviewee__session=village).count() == 1
    withdrawn = ReviewScore.objects.get(withdrawn_at__isnull=False)
    assert withdrawn.reviewee.session == session and "录入错误" in withdrawn.withdraw_reason
    assert (
        ReviewScore.objects.filter(
            reviewee=withdrawn.reviewee, reviewer=withdrawn.reviewer, withdrawn_at__isnull=True
        )
        .get()
        .score
        == withdrawn.score * 10
    )


CRAWLED_ROLES = (
    "county_admin",
    "township_3",
    "village_secretary",
    "evaluator",
    "reviewer",
    "auditor",
    "city",
)
NOT_CRAWLED = re.compile(r"^/(static|admin|accounts/logout|logout)|\.(xlsx|csv|json|pdf)$")


@pytest.mark.django_db
def test_every_page_one_click_from_each_roles_home_opens_on_the_demo(demo):
    """Each role's home page and every page it links to open on the demo's real data (a page
    that works on the test casts can still fail on a year's worth of records); the auditor
    pages through the whole audit log."""
    from django.test import Client

    for username in CRAWLED_ROLES:
        client = Client()
        client.force_login(User.objects.get(username=username))
        home = client.get("/", follow=True)
        assert home.status_code == 200, username
        links = sorted(
            {
                href.split("#")[0]
                for href in re.findall(r'href="(/[^"]*)"', home.content.decode())
                if not NOT_CRAWLED.search(href.split("?")[0])
            }
        )
        assert links, username
        for link in links:
            assert client.get(link.replace("&amp;", "&")).status_code < 400, (username, link)
    auditor = Client()
    auditor.force_login(User.objects.get(username="auditor"))
    page = auditor.get("/audit/")
    pages = page.context["page"].paginator.num_pages
    for number in range(1, pages + 1):
        assert auditor.get(f"/audit/?page={number}").status_code == 200, number
