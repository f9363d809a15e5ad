"""The round-wide counts of ``ResultTally``, kept in step with the results: what one result
contributes, the increments of a set of changed results written in one statement, and a
rebuild from the stored results."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db import connection

from assessments.models import Assessment, ResultTally, Round
from assessments.models.tallies import ZERO, Contribution, contribution

Deltas = dict[tuple[int, str], list]  # (township id, key) → [n, total]


def add_counts(deltas: Deltas, township_id: int, counts: Contribution, sign: int) -> None:
    for key, (n, total) in counts.items():
        entry = deltas.setdefault((township_id, key), [0, ZERO])
        entry[0] += sign * n
        entry[1] += sign * total


def with_county(deltas: Deltas, county_id: int) -> Deltas:
    """The township counts and, under the county, their sums: the round's totals, which a
    county-wide reader gets in one short read whatever the number of townships."""
    totals: Deltas = {}
    for (_township, key), (n, total) in deltas.items():
        entry = totals.setdefault((county_id, key), [0, ZERO])
        entry[0] += n
        entry[1] += total
    return {**deltas, **totals}


def tallies_increment(round_id: int, deltas: Deltas, county_id: int | None = None) -> None:
    """Add the increments in one statement (an upsert that adds to what is there); with
    ``county_id`` the round's totals too (``with_county``)."""
    if county_id is not None:
        deltas = with_county(deltas, county_id)
    rows = [(t, key, n, total) for (t, key), (n, total) in deltas.items() if n or total]
    if not rows:
        return
    table = connection.ops.quote_name(ResultTally._meta.db_table)
    values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(rows))
    sql = (
        f"INSERT INTO {table} (round_id, township_id, key, n, total) VALUES {values} "
        f"ON CONFLICT (round_id, township_id, key) DO UPDATE SET "
        f"n = {table}.n + excluded.n, total = {table}.total + excluded.total"
    )
    params = [v for t, key, n, total in rows for v in (round_id, t, key, n, total)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def tallies_rebuild(round_: Round, assessments: Iterable[Assessment] | None = None) -> None:
    """Count the round's stored results afresh (after a whole-round recomputation), per
    township and in total under the county. ``assessments``: the round's, with their
    organization, already in memory (then nothing is read)."""
    deltas: Deltas = defaultdict(lambda: [0, ZERO])
    if assessments is None:
        assessments = (
            Assessment.objects.filter(round=round_, level__isnull=False)
            .select_related("organization")
            .order_by()
            .iterator(chunk_size=2000)
        )
    for assessment in assessments:
        if assessment.level is not None:
            add_counts(deltas, assessment.organization.parent_id, contribution(assessment), +1)
    rows = [
        (t, key, n, total)
        for (t, key), (n, total) in with_county(deltas, round_.county_id).items()
        if n or total
    ]
    ResultTally.objects.filter(round=round_).delete()
    table = connection.ops.quote_name(ResultTally._meta.db_table)
    values = [(round_.pk, t, key, n, total) for t, key, n, total in rows]
    columns = f"INSERT INTO {table} (round_id, township_id, key, n, total) VALUES"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Multi-row INSERTs: an executemany is one round trip per row on psycopg2.
            from psycopg2.extras import execute_values

            execute_values(cursor.cursor, f"{columns} %s", values, page_size=5000)
        else:
            cursor.executemany(f"{columns} (%s, %s, %s, %s, %s)", values)
