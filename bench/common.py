"""What the benchmarks share: their own database (never the application's), medians of timed
runs, and the synthetic counties (N/4, N/2 and N villages) they measure."""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
SEEDS = {4: 91, 2: 92, 1: 93}  # divisor of N → seed of that synthetic county
PROVINCE_SEED, CITIES, COUNTIES_PER_CITY = 4, 3, 3  # a province of N villages, 9 counties
DB_FILE = BENCH_DIR / "bench.sqlite3"


def setup(*, keep: bool = True, database_url: str | None = None) -> None:
    """Point Django at the benchmark database (``BENCH_DATABASE_URL``, default a SQLite file
    under var/bench/, removed first unless ``keep``), migrate it, and start Django."""
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    if not keep and database_url is None and "BENCH_DATABASE_URL" not in os.environ:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{DB_FILE}{suffix}").unlink(missing_ok=True)
    os.environ["DATABASE_URL"] = database_url or os.environ.get(
        "BENCH_DATABASE_URL", f"sqlite:///{DB_FILE}"
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "starrating.settings")
    os.environ.setdefault("MEDIA_ROOT", str(BENCH_DIR / "media"))
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}", flush=True)


def median(fn, runs: int, before=None) -> tuple[float, list[float]]:
    """The median wall time of ``runs`` calls of ``fn`` (``before`` runs untimed first)."""
    times = []
    for _ in range(runs):
        if before is not None:
            before()
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), times


def prepare_rounds(villages: int) -> tuple[dict, dict[int, float]]:
    """The synthetic counties of N/4, N/2 and N villages, generated where missing: (size →
    round, size → seconds it took to generate)."""
    from assessments.models import Round
    from demo import synthetic
    from organizations.models import Organization

    rounds, generated = {}, {}
    for divisor, seed in SEEDS.items():
        n = villages // divisor
        county = Organization.objects.filter(code=synthetic.county_code(seed)).first()
        if county is None:
            started, cpu = time.perf_counter(), time.process_time()
            made = synthetic.generate(villages=n, seed=seed)
            generated[n] = time.perf_counter() - started
            print(
                f"generate_synthetic --villages {n}: {generated[n]:.1f} s "
                f"(this process's CPU {time.process_time() - cpu:.1f} s)",
                flush=True,
            )
            rounds[n] = made.round
        else:
            rounds[n] = Round.objects.get(county=county)
    return rounds, generated


def prepare_province(villages: int):
    """A province of N villages in 3 cities of 3 counties, generated if missing: (its region
    viewer, seconds it took to generate or None)."""
    from demo import synthetic
    from organizations.models import Organization, User

    province = Organization.objects.filter(code=synthetic.province_code(PROVINCE_SEED)).first()
    if province is not None:
        return User.objects.get(organization=province, role="region_viewer"), None
    started, cpu = time.perf_counter(), time.process_time()
    made = synthetic.generate_province(
        villages=villages,
        cities=CITIES,
        counties_per_city=COUNTIES_PER_CITY,
        seed=PROVINCE_SEED,
    )
    seconds = time.perf_counter() - started
    print(
        f"generate_synthetic --villages {villages} --cities {CITIES} "
        f"--counties-per-city {COUNTIES_PER_CITY}: {seconds:.1f} s "
        f"(this process's CPU {time.process_time() - cpu:.1f} s)",
        flush=True,
    )
    return made.viewer, seconds
