"""The hot paths of docs/performance.md pinned in queries (the benchmark measures their time):
a sheet save by service, API and page, without and with quotas, in at most 12 statements
that do not grow with the round; the dashboard page and API and the results API in the
statements listed below, which do not grow; the compiled API output is the serializers' own;
the round's totals kept under the county equal the townships' sums, the ``counts`` rows their
key rows; no score read joins other tables to sort."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments import selectors, services
from assessments.models import CHANGE_KINDS, Assessment, ResultTally, Round, Score
from assessments.models.tallies import COUNT_COLUMNS, COUNTS
from assessments.services.tallies import tallies_rebuild
from dashboards.api.serializers import DashboardSerializer, RegionSerializer
from dashboards.api.views import dashboard_data, region_data
from dashboards.selectors import HISTOGRAM_BINS, dashboard_summary, region_summary
from organizations.services import api_token_create
from tests.conftest import full_sheet, move_to
from tests.factories import OrganizationFactory, UserFactory
from tests.support.web import as_user

pytestmark = pytest.mark.django_db

SAVE_QUERIES = 12


def statements(ctx) -> list[str]:
    """What the benchmark counts: every statement but transaction control (inside the test's
    transaction a service's BEGIN/COMMIT are savepoints)."""
    return [
        q["sql"]
        for q in ctx.captured_queries
        if "SAVEPOINT" not in q["sql"] and q["sql"].split(None, 1)[0] not in ("BEGIN", "COMMIT")
    ]


@pytest.fixture
def counting(round_2024, county_admin, catalogue, township_a):
    """A round in county review with a few villages scored by the service."""
    round_ = move_to(round_2024, Round.Status.COUNTY_REVIEW)
    for n in range(4):
        village = OrganizationFactory(code=f"2206021004{n:02d}", parent=township_a)
        Assessment.objects.create(round=round_, organization=village)
    for assessment in round_.assessments.all():
        services.scores_save(
            actor=county_admin,
            assessment=assessment,
            stage="county",
            scores=full_sheet(catalogue),
            submit=True,
        )
    return round_


def _points(catalogue, share: str) -> dict[str, str]:
    return {
        code: str((Decimal(value) * Decimal(share)).quantize(Decimal("0.01")))
        for code, value in full_sheet(catalogue).items()
    }


@pytest.mark.parametrize("quota", [None, Decimal("0.2")], ids=["without quotas", "with quotas"])
@pytest.mark.parametrize("way", ["service", "api", "page"])
def test_a_sheet_save_takes_at_most_12_statements(
    counting, county_admin, catalogue, client, api, way, quota
):
    Round.objects.filter(pk=counting.pk).update(quota_5=quota)
    counting.refresh_from_db()
    services.results_refresh(round_=counting)
    assessment = counting.assessments.order_by("organization__code").first()
    sheet = assessment.sheets.get(stage="county")
    as_user(client, county_admin)
    rest = api.as_(county_admin)
    counts = []
    for turn, share in enumerate(("0.81", "0.83")):
        points = _points(catalogue, share)
        version = sheet.version + turn
        with CaptureQueriesContext(connection) as ctx:
            if way == "service":
                services.scores_save(
                    actor=county_admin, assessment=assessment, stage="county", scores=points
                )
            elif way == "api":
                response = rest.patch(
                    f"/api/v1/assessments/{assessment.pk}/sheets/county/",
                    data=json.dumps({"version": version, "scores": points}),
                    content_type="application/json",
                )
                assert response.status_code == 200, response.content
                assert response.json()["scores"] == {
                    code: f"{Decimal(v):.2f}" for code, v in points.items()
                }
            else:
                data = {f"p_{code}": value for code, value in points.items()}
                response = client.post(
                    reverse("sheet", args=[assessment.pk, "county"]), {**data, "version": version}
                )
                assert response.status_code == 302
        counts.append(len(statements(ctx)))
    sheet.refresh_from_db()
    assert sheet.version == version + 1  # both saves wrote
    assert max(counts) <= SAVE_QUERIES, statements(ctx)


def test_the_api_answer_after_a_save_is_the_stored_sheet(counting, county_admin, catalogue, api):
    assessment = counting.assessments.order_by("organization__code").first()
    sheet = assessment.sheets.get(stage="county")
    points = _points(catalogue, "0.77")
    code = next(iter(points))
    response = api.as_(county_admin).patch(
        f"/api/v1/assessments/{assessment.pk}/sheets/county/",
        data=json.dumps({"version": sheet.version, "scores": points, "notes": {code: "现场核实"}}),
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["notes"] == {code: "现场核实"}
    read = api.as_(county_admin).get(f"/api/v1/assessments/{assessment.pk}/sheets/county/")
    assert response.json() == read.json()


def test_a_save_gives_the_same_result_as_a_recalculation(counting, county_admin, catalogue):
    """The save feeds the engine the points it wrote (no read); a whole-round recalculation
    reads them back: both store the same results."""
    assessment = counting.assessments.order_by("organization__code").first()
    services.scores_save(
        actor=county_admin,
        assessment=assessment,
        stage="county",
        scores=_points(catalogue, "0.66"),
    )
    fields = ["level", "total", "composite", "category_scores", "item_points", "result_steps"]
    saved = list(counting.assessments.order_by("pk").values_list(*fields))
    assert services.results_refresh(round_=counting) == 0
    assert list(counting.assessments.order_by("pk").values_list(*fields)) == saved


def test_the_county_totals_are_the_townships_sums(counting, county_admin, catalogue):
    def by_key(rows):
        sums: dict[str, list] = {}
        for key, n, total in rows:
            entry = sums.setdefault(key, [0, Decimal("0")])
            entry[0] += n
            entry[1] += total
        return {k: v for k, v in sums.items() if v != [0, Decimal("0")]}

    def check():
        tallies = ResultTally.objects.filter(round=counting)
        county = tallies.filter(township_id=counting.county_id)
        townships = tallies.exclude(township_id=counting.county_id)
        assert by_key(county.values_list("key", "n", "total")) == by_key(
            townships.values_list("key", "n", "total")
        )
        assert county.get(key="rated").n == counting.assessments.count()

    check()  # after the saves (increments)
    services.scores_save(
        actor=county_admin,
        assessment=counting.assessments.first(),
        stage="county",
        scores=_points(catalogue, "0.55"),
    )
    check()
    tallies_rebuild(counting)
    check()


# What the dashboard reads with a signed-in session (docs/performance.md): the session, the
# user with their organization (one query: organizations.backends), the round; the townships'
# stored counts (with the round's assessments counted in the same statement) and the stored
# item sums; the page adds the four follow-up counts of the ledgers and one page of the
# ranking (its length is in the stored counts).
DASHBOARD_API_STATEMENTS, DASHBOARD_PAGE_STATEMENTS = 5, 10


def test_the_dashboard_page_and_api_statements_are_pinned_and_do_not_grow(
    counting, county_admin, catalogue, township_a, township_b, client
):
    services.results_refresh(round_=counting)  # as opening a round does: every one counted
    as_user(client, county_admin)
    urls = {
        "api": f"/api/v1/rounds/{counting.pk}/dashboard/",
        "page": reverse("dashboard", args=[counting.pk]),
        "filtered page": reverse("dashboard", args=[counting.pk])
        + f"?township={township_a.pk}&sort=name&page=2",
    }

    def measure() -> dict[str, int]:
        counts = {}
        for name, url in urls.items():
            client.get(url)  # once first: a frozen catalogue is then kept in memory
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200
            counts[name] = len(statements(ctx))
        return counts

    before = measure()
    assert before == {
        "api": DASHBOARD_API_STATEMENTS,
        "page": DASHBOARD_PAGE_STATEMENTS,
        "filtered page": DASHBOARD_PAGE_STATEMENTS,
    }
    for n in range(5):
        village = OrganizationFactory(code=f"2206021013{n:02d}", parent=township_b)
        assessment = Assessment.objects.create(round=counting, organization=village)
        services.scores_save(
            actor=county_admin,
            assessment=assessment,
            stage="county",
            scores=full_sheet(catalogue),
            submit=True,
        )
    services.results_refresh(round_=counting)
    assert measure() == before


PAGE_STATEMENTS = 15


def test_the_pages_of_one_village_stay_within_15_statements(
    counting, county_admin, catalogue, client
):
    """The sheet, review and village pages (with every app's panel on the village page: the
    team facts, the stars outcome, the ledger) within the page budget of docs/performance.md
    once the frozen catalogue is in memory."""
    services.results_refresh(round_=counting)
    assessment = counting.assessments.order_by("code").first()
    as_user(client, county_admin)
    urls = [
        reverse("village", args=[assessment.organization_id]),
        reverse("sheet", args=[assessment.pk, "county"]),
        reverse("review", args=[assessment.pk]),
    ]
    for url in urls:
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        assert len(statements(ctx)) <= PAGE_STATEMENTS, (url, [q[:80] for q in statements(ctx)])


def test_the_ranking_pages_are_counted_from_the_stored_counts(
    counting, county_admin, township_a, client
):
    services.results_refresh(round_=counting)
    as_user(client, county_admin)
    url = reverse("dashboard", args=[counting.pk])
    rated = counting.assessments.filter(level__isnull=False)
    for query, expected in (
        ("", rated.count()),
        (f"?township={township_a.pk}", rated.filter(organization__parent=township_a).count()),
        ("?level=5", rated.filter(level=5).count()),
        ("?level=0", 0),
    ):
        page = client.get(url + query).context["ranking"]
        assert page.paginator.count == expected, query
        assert len(page.object_list) == min(expected, 50)


def test_the_counts_rows_are_the_key_rows(counting, county_admin, catalogue):
    """Each township's ``counts`` row holds what its key rows hold (written by the same
    statements), and after a whole-round recomputation its number of assessments."""

    def check(*, assessments: bool):
        rows = ResultTally.objects.filter(round=counting)
        for row in rows.filter(key=COUNTS):
            keys = dict(
                rows.filter(township_id=row.township_id, key__in=list(COUNT_COLUMNS)).values_list(
                    "key", "n"
                )
            )
            assert {c: getattr(row, c) for c in COUNT_COLUMNS.values()} == {
                column: keys.get(key, 0) for key, column in COUNT_COLUMNS.items()
            }
        if assessments:
            county = rows.get(key=COUNTS, township_id=counting.county_id)
            assert county.assessments == counting.assessments.count()
            for row in rows.filter(key=COUNTS).exclude(township_id=counting.county_id):
                assert (
                    row.assessments
                    == counting.assessments.filter(organization__parent_id=row.township_id).count()
                )

    check(assessments=False)  # the fixture's saves: increments only
    services.results_refresh(round_=counting)
    check(assessments=True)
    services.scores_save(
        actor=county_admin,
        assessment=counting.assessments.first(),
        stage="county",
        scores=_points(catalogue, "0.55"),
    )
    check(assessments=True)
    tallies_rebuild(counting)
    check(assessments=True)


def test_the_counts_columns_are_in_the_order_the_dashboard_reads():
    assert list(COUNT_COLUMNS) == [
        "rated",
        "vetoed",
        "c70",
        "c80",
        *(f"level:{level}" for level in range(6)),
        *(f"change:{kind}" for kind in CHANGE_KINDS),
        *(f"hist:{label}" for label in HISTOGRAM_BINS),
    ]


def test_the_results_api_takes_4_statements_and_answers_the_export_records(
    counting, county_admin, client
):
    """With a token: the token and its user, the round, the count and the page (the category
    order of the frozen catalogue is kept in memory); the records are ``result_records``."""
    _token, key = api_token_create(actor=county_admin, name="test")
    url = f"/api/v1/rounds/{counting.pk}/results/?page_size=3"
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    client.get(url, **headers)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **headers)
    assert response.status_code == 200
    assert len(statements(ctx)) == 4, statements(ctx)
    records = {
        r["organization_code"]: r
        for r in json.loads(json.dumps(selectors.result_records(counting), default=str))
    }
    body = response.json()
    assert body["count"] == counting.assessments.count()
    for row in body["results"]:
        assessment = row.pop("assessment")
        assert Assessment.objects.get(pk=assessment).organization.code == row["organization_code"]
        assert row == records[row["organization_code"]]
    filtered = client.get(url + "&status=rated&ordering=-composite", **headers).json()
    assert filtered["count"] == counting.assessments.filter(level__isnull=False).count()


@pytest.mark.parametrize("recomputed", [False, True], ids=["increments", "recomputed"])
def test_the_dashboard_api_answers_as_its_serializer(counting, county_admin, api, recomputed):
    if recomputed:
        services.results_refresh(round_=counting)
    response = api.as_(county_admin).get(f"/api/v1/rounds/{counting.pk}/dashboard/")
    assert response.status_code == 200
    summary = dashboard_summary(counting, county_admin)
    assert summary["assessments"] == counting.assessments.count()
    assert summary["townships"] and summary["weakest_items"]
    assert dashboard_data(summary) == DashboardSerializer(summary).data
    assert json.loads(json.dumps(dashboard_data(summary), default=str)) == response.json()


def test_the_region_answer_is_its_serializers(counting, county):
    city = OrganizationFactory(code="220600000000", name="白山市", kind="city")
    county.parent = city
    county.save(update_fields=["parent"])
    viewer = UserFactory(username="city-viewer", role="region_viewer", organization=city)
    summary = region_summary(viewer, year=counting.year)
    assert summary["counties"] and summary["rated"] == counting.assessments.count()
    assert region_data(summary) == RegionSerializer(summary).data


def test_score_reads_do_not_join_to_sort():
    """Score's default ordering is its own columns: a one-sheet read is an index lookup, not a
    join of sheets and assessments to sort (a sequential scan of every score row at scale)."""
    sql = str(Score.objects.filter(sheet_id=1).query)
    assert "JOIN" not in sql.upper()
    assert Score._meta.ordering == ["sheet_id", "item_id"]
