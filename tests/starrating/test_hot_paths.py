"""The hot paths of docs/performance.md pinned in queries (the benchmark measures their time):
a sheet save by service, API and page, without and with quotas, in at most 12 statements
that do not grow with the round; the dashboard API in at most 12; the compiled API output is
the serializers' own; the round's totals kept under the county equal the townships' sums; no
score read joins other tables to sort."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments import services
from assessments.models import Assessment, ResultTally, Round, Score
from assessments.services.tallies import tallies_rebuild
from dashboards.api.serializers import DashboardSerializer, RegionSerializer
from dashboards.api.views import dashboard_data, region_data
from dashboards.selectors import dashboard_summary, region_summary
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


def test_the_dashboard_api_takes_at_most_12_queries_and_answers_as_its_serializer(
    counting, county_admin, api
):
    client = api.as_(county_admin)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(f"/api/v1/rounds/{counting.pk}/dashboard/")
    assert response.status_code == 200
    assert len(ctx.captured_queries) <= 12
    summary = dashboard_summary(counting, county_admin)
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
