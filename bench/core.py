"""Hot paths at province scale, each figure beside a floor measured in the same run
(docs/performance.md, issue "Province scale"):

- recalculation of a round (all results written, quotas) vs a bare fetch of its score rows:
  ≤ 4×, and per village at N ≤ 1.3 × per village at N/4 (linear);
- dashboard page and API vs one GROUP BY over stored results: ≤ 5×, ≤ 12 queries;
- sheet save of 65 items (service, API, page), without and with quotas, vs one bulk upsert of
  65 rows: ≤ 3×, ≤ 12 queries;
- sheet, review, village and publicity pages: ≤ 150 ms, ≤ 15 queries;
- results API under load (gunicorn, 2 workers) vs a trivial endpoint in the same server and
  run: ≥ 50 % of its rate.

Uses the databases of ``python -m bench excel`` (same synthetic counties; ``--keep`` reuses
them). Medians of ``--runs`` (≥ 3). Exits 1 if any figure misses its target. Results are also
written to ``var/bench/core-<database>.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from decimal import Decimal
from http.client import HTTPConnection
from urllib.parse import urlencode

from bench.common import BENCH_DIR, ROOT, median, prepare_province, prepare_rounds, setup

RECALC_LIMIT, RECALC_LINEAR = 4.0, 1.3
DASHBOARD_LIMIT, DASHBOARD_QUERIES = 5.0, 12
SAVE_LIMIT, SAVE_QUERIES = 3.0, 12
PAGE_MS, PAGE_QUERIES = 150, 15
LOAD_SHARE, LOAD_SECONDS = 0.5, 10


class Report:
    def __init__(self) -> None:
        self.rows: list[dict] = []
        self.ok = True

    def ratio(self, name: str, value: float, floor: float, limit: float, queries=None) -> None:
        ratio = value / floor if floor else float("inf")
        good = ratio <= limit and (queries is None or queries[0] <= queries[1])
        q = "" if queries is None else f" | {queries[0]} queries (limit {queries[1]})"
        print(
            f"{name}: {value * 1000:.1f} ms | floor {floor * 1000:.1f} ms | {ratio:.2f}× "
            f"(limit {limit:.1f}×){q} {'OK' if good else 'MISS'}",
            flush=True,
        )
        self._add(name, good, value=value, floor=floor, ratio=ratio, queries=queries)

    def page(self, name: str, value: float, queries: int) -> None:
        good = value * 1000 <= PAGE_MS and queries <= PAGE_QUERIES
        print(
            f"{name}: {value * 1000:.1f} ms (limit {PAGE_MS} ms) | {queries} queries "
            f"(limit {PAGE_QUERIES}) {'OK' if good else 'MISS'}",
            flush=True,
        )
        self._add(name, good, value=value, queries=queries)

    def check(self, name: str, good: bool, text: str, **figures) -> None:
        print(f"{name}: {text} {'OK' if good else 'MISS'}", flush=True)
        self._add(name, good, **figures)

    def _add(self, name: str, good: bool, **figures) -> None:
        self.ok &= good
        self.rows.append({"figure": name, "ok": good, **figures})


def _queries(fn) -> tuple[object, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        result = fn()
    # Transaction control (BEGIN, COMMIT, savepoints) is not a query: inside the test suite's
    # transaction a service's BEGIN/COMMIT become savepoints, which the pins do not count.
    return result, sum(1 for q in ctx.captured_queries if not _control(q["sql"]))


def _control(sql: str) -> bool:
    word = sql.lstrip().split(None, 1)[0].upper() if sql.strip() else ""
    return word in ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE") or "SAVEPOINT" in sql


def _recalculation(report: Report, rounds: dict, runs: int) -> None:
    from django.db import connection

    from assessments.models import Assessment, Round, Score
    from assessments.services import results_refresh

    per_village = {}
    for n, round_ in sorted(rounds.items()):
        Round.objects.filter(pk=round_.pk).update(quota_5=Decimal("0.2"))
        round_.refresh_from_db()

        def blank(round_=round_):  # every result rewritten by the run
            Assessment.objects.filter(round=round_).update(level=None, total=None)

        def fetch(round_=round_):
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT sc.sheet_id, sc.item_id, sc.points FROM {Score._meta.db_table} sc "
                    f"JOIN assessments_sheet s ON s.id = sc.sheet_id "
                    f"JOIN assessments_assessment a ON a.id = s.assessment_id "
                    f"WHERE a.round_id = %s",
                    [round_.pk],
                )
                return len(cursor.fetchall())

        floor, _ = median(fetch, runs)
        value, _ = median(lambda round_=round_: results_refresh(round_=round_), runs, blank)
        per_village[n] = value / n
        if n == max(rounds):
            report.ratio(f"recalculation of {n} villages (quotas)", value, floor, RECALC_LIMIT)
        Round.objects.filter(pk=round_.pk).update(quota_5=None)
        results_refresh(round_=Round.objects.get(pk=round_.pk))
    small, large = min(per_village), max(per_village)
    growth = per_village[large] / per_village[small]
    report.check(
        "recalculation is linear",
        growth <= RECALC_LINEAR,
        f"{per_village[small] * 1e3:.2f} ms/village at {small}, "
        f"{per_village[large] * 1e3:.2f} at {large}: ×{growth:.2f} (limit ×{RECALC_LINEAR})",
        growth=growth,
    )


def _client(admin):
    from django.test import Client

    client = Client()
    client.force_login(admin)
    return client


def _dashboard(report: Report, round_, admin, runs: int) -> None:
    from django.db.models import Count

    from assessments.models import Assessment

    def floor_query():
        return list(
            Assessment.objects.filter(round=round_)
            .order_by()
            .values("level")
            .annotate(n=Count("pk"))
        )

    floor, _ = median(floor_query, runs)
    client = _client(admin)
    for name, url in (
        ("dashboard page", f"/rounds/{round_.pk}/dashboard/"),
        ("dashboard API", f"/api/v1/rounds/{round_.pk}/dashboard/"),
    ):
        # Once first: a server process keeps a frozen catalogue in memory after its first
        # read, and the figure is the steady state (as for the timed runs).
        client.get(url)
        response, queries = _queries(lambda url=url: client.get(url))
        assert response.status_code == 200, (url, response.status_code)
        value, _ = median(lambda url=url: client.get(url), runs)
        report.ratio(name, value, floor, DASHBOARD_LIMIT, (queries, DASHBOARD_QUERIES))


def _region(report: Report, viewer, runs: int) -> None:
    """A province's roll-up of its counties (page and API) against one GROUP BY over the
    stored results of all its counties' rounds."""
    from django.db.models import Count

    from assessments.models import Assessment

    def floor_query():
        return list(
            Assessment.objects.filter(round__county__parent__parent=viewer.organization)
            .order_by()
            .values("round_id", "level")
            .annotate(n=Count("pk"))
        )

    floor, _ = median(floor_query, runs)
    client = _client(viewer)
    for name, url in (
        ("province page (regions)", "/regions/"),
        ("province API (regions summary)", "/api/v1/regions/summary/"),
    ):
        response, queries = _queries(lambda url=url: client.get(url))
        assert response.status_code == 200, (url, response.status_code)
        value, _ = median(lambda url=url: client.get(url), runs)
        report.ratio(name, value, floor, DASHBOARD_LIMIT, (queries, DASHBOARD_QUERIES))


def _sheet_saves(report: Report, round_, admin, runs: int) -> None:
    from django.db import transaction

    from assessments import services
    from assessments.models import Assessment, Round, Score, Sheet
    from indicators.models import Item

    items = list(Item.objects.filter(catalogue=round_.catalogue, kind=Item.Kind.SCORED))
    assessment = (
        Assessment.objects.filter(round=round_, level__isnull=False)
        .select_related("organization", "round")
        .order_by("organization__code")[len(items) % 7]
    )
    sheet = Sheet.objects.get(assessment=assessment, stage="county")
    points = [
        {i.code: str((i.max_points * share).quantize(Decimal("0.01"))) for i in items}
        for share in (Decimal("0.81"), Decimal("0.83"))
    ]
    turn = [0]
    # The sheet's version, followed from the answers (each save that changes points adds
    # one), so that the timed calls are the saves alone.
    version = [Sheet.objects.get(pk=sheet.pk).version]

    def next_points() -> dict:
        turn[0] += 1
        return points[turn[0] % 2]

    def floor_upsert():
        values = next_points()
        with transaction.atomic():
            Score.objects.bulk_create(
                [Score(sheet=sheet, item=i, points=Decimal(values[i.code])) for i in items],
                update_conflicts=True,
                unique_fields=["sheet", "item"],
                update_fields=["points", "updated_at"],
            )

    client = _client(admin)

    def by_service():
        saved = services.scores_save(
            actor=admin, assessment=assessment, stage="county", scores=next_points()
        )
        version[0] = saved.version

    def by_api():
        response = client.patch(
            f"/api/v1/assessments/{assessment.pk}/sheets/county/",
            data=json.dumps({"version": version[0], "scores": next_points()}),
            content_type="application/json",
        )
        assert response.status_code == 200, response.content[:300]
        version[0] = response.json()["version"]

    def by_page():
        data = {f"p_{code}": value for code, value in next_points().items()}
        response = client.post(  # urlencoded, as the page's form posts it
            f"/assessments/{assessment.pk}/sheet/county/",
            urlencode({**data, "version": version[0]}),
            content_type="application/x-www-form-urlencoded",
        )
        assert response.status_code == 302, response.status_code  # 200: the form again
        version[0] += 1

    for quota in (None, Decimal("0.2")):
        Round.objects.filter(pk=round_.pk).update(quota_5=quota)
        services.results_refresh(round_=Round.objects.get(pk=round_.pk))
        floor, _ = median(floor_upsert, runs)
        label = "with quotas" if quota else "without quotas"
        for name, fn in (("service", by_service), ("API", by_api), ("page", by_page)):
            _, queries = _queries(fn)
            value, _ = median(fn, runs)
            report.ratio(
                f"sheet save, {len(items)} items, {name}, {label}",
                value,
                floor,
                SAVE_LIMIT,
                (queries, SAVE_QUERIES),
            )
    Round.objects.filter(pk=round_.pk).update(quota_5=None)


def _pages(report: Report, round_, admin, runs: int) -> None:
    from assessments.models import Assessment

    assessment = (
        Assessment.objects.filter(round=round_, level__isnull=False)
        .order_by("organization__code")
        .first()
    )
    client = _client(admin)
    for name, url in (
        ("sheet page", f"/assessments/{assessment.pk}/sheet/county/"),
        ("review page", f"/assessments/{assessment.pk}/review/"),
        ("village page", f"/villages/{assessment.organization_id}/"),
        ("publicity page", f"/rounds/{round_.pk}/publicity/"),
    ):
        response, queries = _queries(lambda url=url: client.get(url))
        assert response.status_code == 200, (url, response.status_code)
        value, _ = median(lambda url=url: client.get(url), runs)
        report.page(name, value, queries)


SCORE_TABLE = "assessments_score"


def _plans(report: Report, round_, admin) -> None:
    """EXPLAIN every read of every hot path (pages, dashboard, results API, a sheet save):
    none may scan the whole score table (PostgreSQL: a Seq Scan of it; SQLite: a SCAN of it
    without an index)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from assessments.models import Assessment, Sheet
    from indicators.models import Item

    assessment = (
        Assessment.objects.filter(round=round_, level__isnull=False)
        .order_by("organization__code")
        .first()
    )
    client = _client(admin)
    sheet = Sheet.objects.get(assessment=assessment, stage="county")
    gets = {
        "sheet page": f"/assessments/{assessment.pk}/sheet/county/",
        "review page": f"/assessments/{assessment.pk}/review/",
        "village page": f"/villages/{assessment.organization_id}/",
        "publicity page": f"/rounds/{round_.pk}/publicity/",
        "dashboard page": f"/rounds/{round_.pk}/dashboard/",
        "dashboard API": f"/api/v1/rounds/{round_.pk}/dashboard/",
        "results API": f"/api/v1/rounds/{round_.pk}/results/?page_size=50",
    }
    captured: dict[str, list[str]] = {}
    for name, url in gets.items():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200, url
        captured[name] = [q["sql"] for q in ctx.captured_queries]
    with CaptureQueriesContext(connection) as ctx:
        response = client.patch(
            f"/api/v1/assessments/{assessment.pk}/sheets/county/",
            data=json.dumps(
                {
                    "version": sheet.version,
                    "scores": {
                        i.code: str((i.max_points * Decimal("0.79")).quantize(Decimal("0.01")))
                        for i in Item.objects.filter(
                            catalogue=round_.catalogue, kind=Item.Kind.SCORED
                        )
                    },
                }
            ),
            content_type="application/json",
        )
        assert response.status_code == 200, response.content[:300]
    captured["sheet save (API)"] = [q["sql"] for q in ctx.captured_queries]
    vendor = connection.vendor
    for name, statements in captured.items():
        scans = []
        for sql in statements:
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            with connection.cursor() as cursor:
                if vendor == "postgresql":
                    cursor.execute("EXPLAIN " + sql)
                    plan = "\n".join(row[0] for row in cursor.fetchall())
                    bad = f"Seq Scan on {SCORE_TABLE}" in plan
                else:
                    cursor.execute("EXPLAIN QUERY PLAN " + sql)
                    plan = "\n".join(str(row[-1]) for row in cursor.fetchall())
                    bad = any(
                        line.startswith(f"SCAN {SCORE_TABLE}") and "INDEX" not in line
                        for line in plan.splitlines()
                    )
            if bad:
                scans.append(sql[:200])
        report.check(
            f"plan of {name}: no full scan of the score table",
            not scans,
            f"{len(statements)} statements, {len(scans)} scanning scores"
            + (f": {scans[0]}" if scans else ""),
        )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _rate(port: int, path: str, token: str, seconds: float, threads: int = 4) -> float:
    """Requests per second over ``seconds`` from ``threads`` keep-alive connections."""
    stop = time.perf_counter() + seconds
    counts = [0] * threads

    def worker(index: int) -> None:
        connection = HTTPConnection("127.0.0.1", port, timeout=30)
        while time.perf_counter() < stop:
            connection.request("GET", path, headers={"Authorization": f"Bearer {token}"})
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                raise RuntimeError(f"{path}: {response.status}")
            counts[index] += 1
        connection.close()

    errors: list[BaseException] = []

    def guarded(index: int) -> None:
        try:
            worker(index)
        except BaseException as exc:  # a refused request must fail the run, not a thread
            errors.append(exc)

    pool = [threading.Thread(target=guarded, args=(i,)) for i in range(threads)]
    started = time.perf_counter()
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    if errors:
        raise errors[0]
    return sum(counts) / (time.perf_counter() - started)


def _load(report: Report, round_, admin, seconds: float) -> None:
    from organizations.services import api_token_create

    _token, key = api_token_create(actor=admin, name="bench")
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "starrating.settings",
        "DEBUG": "false",
        # The load is one client's: the per-user API throttle would otherwise be measured.
        "API_THROTTLE_USER": "1000000/min",
        "API_THROTTLE_ANON": "1000000/min",
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "starrating.wsgi",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.2)
        results = f"/api/v1/rounds/{round_.pk}/results/?page_size=50"
        trivial = "/api/v1/me/"
        _rate(port, trivial, key, 1)  # warm both workers
        floor = _rate(port, trivial, key, seconds)
        value = _rate(port, results, key, seconds)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    share = value / floor
    report.check(
        "results API under load (gunicorn, 2 workers)",
        share >= LOAD_SHARE,
        f"{value:.0f} req/s | trivial endpoint {floor:.0f} req/s | {share:.0%} "
        f"(target ≥ {LOAD_SHARE:.0%})",
        value=value,
        floor=floor,
        share=share,
    )


def _markdown(report: Report, args, vendor: str, load) -> str:
    """The run as the table of docs/performance.md."""
    lines = [
        f"{vendor}, {args.villages:,} villages, medians of {args.runs}, "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} CPUs, "
        f"load average {load[0][0]:.1f} before and {load[1][0]:.1f} after",
        "",
        "| figure | measured | floor | ratio / share | queries | |",
        "|---|---|---|---|---|---|",
    ]
    for row in report.rows:
        value, floor = row.get("value"), row.get("floor")
        queries = row.get("queries")
        if isinstance(queries, tuple | list):
            queries = queries[0]
        if "share" in row:
            measured = f"{value:.0f} req/s"
            floor_text, ratio = f"{floor:.0f} req/s", f"{row['share']:.0%}"
        elif "growth" in row:
            measured, floor_text, ratio = "", "", f"×{row['growth']:.2f}"
        elif floor is not None:
            measured, floor_text = f"{value * 1000:.1f} ms", f"{floor * 1000:.1f} ms"
            ratio = f"{row['ratio']:.2f}×"
        elif value is not None and row["figure"].startswith("generate"):
            measured, floor_text, ratio = f"{value:.1f} s", "", ""
        else:
            measured = "" if value is None else f"{value * 1000:.1f} ms"
            floor_text, ratio = "", ""
        lines.append(
            f"| {row['figure']} | {measured} | {floor_text} | {ratio} | "
            f"{'' if queries is None else queries} | {'met' if row['ok'] else '**missed**'} |"
        )
    return "\n".join(lines) + "\n"


FIGURES = ("recalculation", "dashboard", "region", "saves", "pages", "plans", "load")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench core")
    parser.add_argument("--villages", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="reuse the generated database")
    parser.add_argument("--load-seconds", type=float, default=LOAD_SECONDS)
    parser.add_argument(
        "--only",
        default=",".join(FIGURES),
        help=f"comma-separated subset of {', '.join(FIGURES)} (default: all)",
    )
    args = parser.parse_args(argv)
    only = set(args.only.split(","))
    if only - set(FIGURES):
        parser.error(f"--only: unknown {', '.join(sorted(only - set(FIGURES)))}")
    if args.runs < 3:
        parser.error("--runs must be at least 3 (medians of ≥ 3 runs)")
    setup(keep=args.keep)
    from django.db import connection

    report = Report()
    load_before = os.getloadavg()
    rounds, generated = prepare_rounds(args.villages)
    for n, seconds in generated.items():
        report.check(
            f"generate_synthetic --villages {n}",
            n < args.villages or seconds < 60,
            f"{seconds:.1f} s (target < 60 s at {args.villages})",
            value=seconds,
        )
    round_ = rounds[args.villages]
    viewer, seconds = prepare_province(args.villages)
    if seconds is not None:
        report.check(
            f"generate_synthetic --villages {args.villages} --cities 3 --counties-per-city 3",
            seconds < 60,
            f"{seconds:.1f} s (target < 60 s)",
            value=seconds,
        )
    from organizations.models import User

    admin = User.objects.get(role="county_admin", organization=round_.county)
    figures = {
        "recalculation": lambda: _recalculation(report, rounds, args.runs),
        "dashboard": lambda: _dashboard(report, round_, admin, args.runs),
        "region": lambda: _region(report, viewer, args.runs),
        "saves": lambda: _sheet_saves(report, round_, admin, args.runs),
        "pages": lambda: _pages(report, round_, admin, args.runs),
        "plans": lambda: _plans(report, round_, admin),
        "load": lambda: _load(report, round_, admin, args.load_seconds),
    }
    for name in FIGURES:
        if name in only:
            figures[name]()

    load = (load_before, os.getloadavg())
    out = BENCH_DIR / f"core-{connection.vendor}.json"
    out.write_text(
        json.dumps(
            {
                "villages": args.villages,
                "database": connection.vendor,
                "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                "command": "python -m bench core " + " ".join(argv),
                "load_average": load,
                "cpus": os.cpu_count(),
                "rows": report.rows,
            },
            ensure_ascii=False,
            indent=1,
            default=str,
        ),
        encoding="utf-8",
    )
    table = out.with_suffix(".md")
    table.write_text(_markdown(report, args, connection.vendor, load), encoding="utf-8")
    print(f"written to {out.relative_to(ROOT)} and {table.relative_to(ROOT)}", flush=True)
    if not report.ok:
        print("FAIL: a figure missed its target", flush=True)
    return 0 if report.ok else 1
