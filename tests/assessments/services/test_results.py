"""Results as stored: rule 12 re-applied across the round from stored rows after a save
rescores one village, always equal to scoring the whole round afresh; score reads that never
join to sort; a save's statements bounded with and without quotas."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments import scoring, selectors, services
from assessments.models import Assessment, Round, Score
from tests.conftest import full_sheet, move_to
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def _round(county_admin, county, catalogue, shares, *, quota_5=None, year=2031):
    """A round in county review whose villages are scored at ``shares`` of every maximum."""
    township = OrganizationFactory(
        code=f"22060218{year % 100:02d}00", name=f"名额镇{year}", kind="township", parent=county
    )
    for i in range(len(shares)):
        OrganizationFactory(code=f"22060218{year % 100:02d}{i + 1:02d}", parent=township)
    round_ = services.round_create(
        actor=county_admin, county=county, year=year, catalogue=catalogue, quota_5=quota_5
    )
    services.round_open(actor=county_admin, round_=round_)
    round_ = move_to(round_, Round.Status.COUNTY_REVIEW)
    assessments = list(
        round_.assessments.filter(organization__parent=township).order_by("organization__code")
    )
    for assessment, share in zip(assessments, shares, strict=True):
        services.scores_save(
            actor=county_admin,
            assessment=assessment,
            stage="county",
            scores=full_sheet(catalogue, Decimal(share)),
            submit=True,
        )
    return round_, assessments


def _stored(round_) -> dict[int, tuple]:
    return {
        a.pk: (a.level, a.change, a.steps)
        for a in Assessment.objects.filter(round=round_, level__isnull=False)
    }


def _afresh(round_) -> dict[int, tuple]:
    """Every result of the round computed from scratch by the engine (rules 0–13)."""
    rules = selectors.round_rules(round_)
    results = scoring.score_round(rules, selectors.scoring_inputs(round_))
    return {
        key: (
            r.level,
            r.change,
            [{"rule": s.rule, "level": s.level, "note": s.note} for s in r.steps],
        )
        for key, r in results.items()
        if r is not None
    }


def test_one_save_with_quotas_leaves_the_round_as_a_full_recompute_would(
    county_admin, county, catalogue
):
    # Five-star scores at 100, 98, 96, 94, 92 %; q5 = 0.2 of N = 5 → one place at 5 stars.
    round_, assessments = _round(
        county_admin, county, catalogue, ["1", "0.98", "0.96", "0.94", "0.92"], quota_5="0.2"
    )
    stored = _stored(round_)
    assert stored == _afresh(round_)
    assert sorted(level for level, _change, _steps in stored.values()) == [4, 4, 4, 4, 5]

    # The leader drops to 90 %: the 98 % village takes the one place, the leader moves to 4 —
    # a change to a village whose sheet nobody touched.
    services.scores_save(
        actor=county_admin,
        assessment=assessments[0],
        stage="county",
        scores=full_sheet(catalogue, Decimal("0.9")),
    )
    stored = _stored(round_)
    assert stored == _afresh(round_)
    assert stored[assessments[1].pk][0] == 5
    assert stored[assessments[0].pk][0] == 4


def test_a_save_with_quotas_reads_the_same_whatever_the_round_size(county_admin, county, catalogue):
    """Rule 12 is re-applied from stored rows: a save that moves nobody else (and no cut) costs
    the same statements in a round of 3 and of 9 villages; one that moves others also writes
    those rows, and a moved cut the round's row."""
    counts = []
    for n, year in ((3, 2032), (9, 2033)):
        shares = ["0.99"] + ["0.85"] * (n - 1)
        round_, assessments = _round(
            county_admin, county, catalogue, shares, quota_5="0.4", year=year
        )
        sheet = full_sheet(catalogue, Decimal("0.995"))
        with CaptureQueriesContext(connection) as ctx:
            services.scores_save(
                actor=county_admin, assessment=assessments[0], stage="county", scores=sheet
            )
        counts.append(_statements(ctx))
        assert _stored(round_) == _afresh(round_)
    assert counts[0] == counts[1]


def _statements(ctx) -> int:
    """Statements of a save as a request runs it: the test's own transaction turns the
    service's ``atomic`` into a savepoint, which a request (autocommit) does not have."""
    return sum(1 for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"])


@pytest.mark.parametrize("quota_5", [None, "0.2"])
def test_a_sheet_save_takes_at_most_twelve_statements(county_admin, county, catalogue, quota_5):
    _, assessments = _round(
        county_admin, county, catalogue, ["0.95", "0.9", "0.85"], quota_5=quota_5, year=2034
    )
    sheet = full_sheet(catalogue, Decimal("0.97"))
    with CaptureQueriesContext(connection) as ctx:
        services.scores_save(
            actor=county_admin, assessment=assessments[1], stage="county", scores=sheet
        )
    assert _statements(ctx) <= 12, [q["sql"][:120] for q in ctx.captured_queries]


def test_score_reads_never_join_to_sort():
    """Score's default ordering is its unique (sheet, item) index: reading one sheet's scores is
    an index scan, not a join of the sheet, assessment and item tables."""
    sql = str(Score.objects.filter(sheet_id=1).query).upper()
    assert "JOIN" not in sql
    assert 'ORDER BY "ASSESSMENTS_SCORE"."SHEET_ID" ASC, "ASSESSMENTS_SCORE"."ITEM_ID" ASC' in sql
