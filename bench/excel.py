"""Excel benchmark at province scale, each figure beside a floor measured in the same run.

- Annual report export of N villages × 65 items vs a bare XlsxWriter constant-memory write of
  the same cells — values, types and number formats, read back from the report: ≤ 1.5×.
- Peak RSS of the export in a fresh process at N/4, N/2 and N villages: ≤ 250 MB and flat
  (the largest may exceed the smallest by at most 15%).
- Score import of N villages × 65 items vs a bare openpyxl read-only pass over the same file
  plus a bare ``bulk_create`` of the same score rows: ≤ 2.5×.

Medians of ``--runs`` (≥ 3) runs. Exits 1 if any figure misses its limit. Uses its own
database (``BENCH_DATABASE_URL``, default a SQLite file under var/bench/), never the app's.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import BENCH_DIR, ROOT, median, prepare_rounds, setup

EXPORT_LIMIT = 1.5
IMPORT_LIMIT = 2.5
RSS_LIMIT_MB = 250
RSS_FLAT_LIMIT = 0.15


def _line(name: str, value: float, floor: float, limit: float) -> bool:
    ratio = value / floor
    ok = ratio <= limit
    print(
        f"{name}: {value:.2f} s | floor {floor:.2f} s | {ratio:.2f}× (limit {limit:.1f}×) "
        f"{'OK' if ok else 'MISS'}",
        flush=True,
    )
    return ok


def _rss_child(round_id: int, out: str) -> None:
    """Run in a fresh process: one export, then print the peak RSS in MB."""
    from assessments.models import Round
    from workbooks import report

    report.report_export(out, round_=Round.objects.get(pk=round_id))
    print(_peak_rss_mb())


def _peak_rss_mb() -> float:
    """This process's peak resident set (VmHWM). Not getrusage's ru_maxrss, which a child
    started by fork+exec inherits from its parent."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _read_cells(path: Path) -> dict[str, list[list]]:
    """Every cell of a workbook as (value, number format) — what the floor writes again."""
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True)
    sheets = {
        ws.title: [
            [(c.value, getattr(c, "number_format", "General")) for c in row]
            for row in ws.iter_rows()
        ]
        for ws in wb.worksheets
    }
    wb.close()
    return sheets


def _bare_write(path: Path, sheets: dict[str, list[list]]) -> None:
    """The floor: the same cells (values, types, number formats) written straight to
    XlsxWriter in constant-memory mode, with no data access and no logic."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    formats = {}
    for name, rows in sheets.items():
        ws = wb.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, (value, number_format) in enumerate(row):
                if value is None:
                    continue
                fmt = formats.get(number_format)
                if fmt is None:
                    fmt = formats[number_format] = wb.add_format(
                        {"border": 1, "num_format": number_format}
                    )
                if isinstance(value, int | float):
                    ws.write_number(r, c, value, fmt)
                else:
                    ws.write_string(r, c, str(value), fmt)
    wb.close()


def _bare_read(path: Path) -> int:
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=False)
    n = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            n += len(row)
    wb.close()
    return n


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench excel")
    parser.add_argument("--villages", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="reuse the generated database")
    parser.add_argument(
        "--child-export", nargs=2, metavar=("ROUND_ID", "OUT"), help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)
    if args.child_export:
        setup()
        _rss_child(int(args.child_export[0]), args.child_export[1])
        return 0
    if args.runs < 3:
        parser.error("--runs must be at least 3 (medians of ≥ 3 runs)")

    setup(keep=args.keep)
    from django.db import connection

    from assessments.models import Assessment, Round, Score, Sheet, Stage
    from workbooks import imports, report

    rounds, _generated = prepare_rounds(args.villages)
    n = args.villages
    round_ = rounds[n]
    work = Path(tempfile.mkdtemp(prefix="bench-", dir=BENCH_DIR))
    ok = True
    try:
        # --- report export --------------------------------------------------------------
        report_path = work / "report.xlsx"
        export_time, runs = median(
            lambda: report.report_export(report_path, round_=round_), args.runs
        )
        cells = _read_cells(report_path)
        total_cells = sum(
            1 for rows in cells.values() for r in rows for value, _f in r if value is not None
        )
        bare = work / "bare.xlsx"
        floor, floor_runs = median(lambda: _bare_write(bare, cells), args.runs)
        print(
            f"report: {n} villages, {total_cells} cells; "
            f"runs {_fmt(runs)}; floor runs {_fmt(floor_runs)}"
        )
        ok &= _line(
            f"annual report export ({n} villages × 65 items)", export_time, floor, EXPORT_LIMIT
        )

        # --- peak RSS of the export, in fresh processes, as villages grow ----------------
        peaks = {}
        for size, r in sorted(rounds.items()):
            out = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "bench",
                    "excel",
                    "--child-export",
                    str(r.pk),
                    str(work / f"rss-{size}.xlsx"),
                ],
                cwd=ROOT,
                env=os.environ.copy(),
                capture_output=True,
                text=True,
                check=True,
            )
            peaks[size] = float(out.stdout.strip().splitlines()[-1])
        smallest, largest = peaks[min(peaks)], peaks[max(peaks)]
        growth = largest / smallest - 1
        rss_ok = largest <= RSS_LIMIT_MB and growth <= RSS_FLAT_LIMIT
        print(
            "peak RSS of the export: "
            + ", ".join(f"{size} villages {mb:.0f} MB" for size, mb in sorted(peaks.items()))
            + f" | limit {RSS_LIMIT_MB} MB, growth {growth:+.0%} (limit +{RSS_FLAT_LIMIT:.0%}) "
            + ("OK" if rss_ok else "MISS"),
            flush=True,
        )
        ok &= rss_ok

        # --- score import -----------------------------------------------------------------
        Round.objects.filter(pk=round_.pk).update(status=Round.Status.TOWNSHIP_REVIEW)
        round_.refresh_from_db()
        values = {}
        for assessment_id, code, points in (
            Score.objects.filter(sheet__assessment__round=round_, sheet__stage=Stage.COUNTY)
            .values_list("sheet__assessment_id", "item__code", "points")
            .iterator(chunk_size=20000)
        ):
            values.setdefault(assessment_id, {})[code] = points
        filled = work / "filled.xlsx"
        _filled_template(filled, round_, values)

        def clear_stage():
            with connection.cursor() as cursor:
                cursor.execute(
                    f"DELETE FROM {Score._meta.db_table} WHERE sheet_id IN "
                    f"(SELECT s.id FROM {Sheet._meta.db_table} s "
                    f"JOIN {Assessment._meta.db_table} a ON a.id = s.assessment_id "
                    "WHERE a.round_id = %s AND s.stage = %s)",
                    [round_.pk, Stage.TOWNSHIP],
                )
            Sheet.objects.filter(assessment__round=round_, stage=Stage.TOWNSHIP).delete()
            # The audit rows of earlier runs stay (the log is append-only): each run adds its own.

        counts = {}

        def run_import():
            counts.update(
                imports.import_scores_file(filled, actor=None, round_=round_, stage=Stage.TOWNSHIP)
            )

        import_time, runs = median(run_import, args.runs, before=clear_stage)
        assert counts["created"] == counts["cells"] > 0, counts

        items = dict(
            __import__("indicators.models", fromlist=["Item"])
            .Item.objects.filter(catalogue_id=round_.catalogue_id)
            .values_list("code", "pk")
        )

        def bare_setup():
            clear_stage()
            Sheet.objects.bulk_create(
                [Sheet(assessment_id=a, stage=Stage.TOWNSHIP) for a in values], batch_size=2000
            )

        def bare_import():
            started = time.perf_counter()
            _bare_read(filled)
            read = time.perf_counter() - started
            sheets = dict(
                Sheet.objects.filter(assessment__round=round_, stage=Stage.TOWNSHIP).values_list(
                    "assessment_id", "pk"
                )
            )
            Score.objects.bulk_create(
                [
                    Score(sheet_id=sheets[a], item_id=items[code], points=points)
                    for a, by_code in values.items()
                    for code, points in by_code.items()
                ],
                batch_size=2000,
            )
            parts.append((read, time.perf_counter() - started - read))

        parts: list[tuple[float, float]] = []
        floor, floor_runs = median(bare_import, args.runs, before=bare_setup)
        read_part = statistics.median(p[0] for p in parts)
        insert_part = statistics.median(p[1] for p in parts)
        print(
            f"import: {counts['villages']} villages, {counts['cells']} scores; runs {_fmt(runs)}; "
            f"floor runs {_fmt(floor_runs)} "
            f"(openpyxl read {read_part:.2f} s + bulk insert {insert_part:.2f} s)"
        )
        ok &= _line(f"score import ({n} villages × 65 items)", import_time, floor, IMPORT_LIMIT)
        clear_stage()
        Round.objects.filter(pk=round_.pk).update(status=Round.Status.COUNTY_REVIEW)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("PASS" if ok else "FAIL: a figure missed its limit", flush=True)
    return 0 if ok else 1


def _fmt(times: list[float]) -> str:
    return " ".join(f"{t:.2f}" for t in times)


def _filled_template(path: Path, round_, values: dict) -> None:
    """The template of the township stage with every village's points filled in (as a
    township would upload it), written with the app's own template writer."""
    from assessments.models import Stage
    from indicators.models import Item
    from workbooks import template

    items = [
        template.TemplateItem(
            i.code, i.title, i.max_points, str(Item.Kind(i.kind).label), i.category.name
        )
        for i in Item.objects.filter(
            catalogue_id=round_.catalogue_id, kind__in=[Item.Kind.SCORED, Item.Kind.DEDUCTION]
        )
        .select_related("category")
        .order_by("category__position", "position")
    ]
    sheets: dict[str, template.TemplateSheet] = {}
    for pk, code, name, township in round_.assessments.order_by(
        "organization__parent__code", "organization__code"
    ).values_list("pk", "organization__code", "organization__name", "organization__parent__name"):
        sheet = sheets.setdefault(township, template.TemplateSheet(township, []))
        sheet.villages.append((code, name, values.get(pk, {})))
    template.write_template(
        path,
        round_name=round_.name,
        year=round_.year,
        stage=Stage.TOWNSHIP,
        items=items,
        sheets=list(sheets.values()),
    )
