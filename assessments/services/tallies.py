"""The round-wide counts of ``ResultTally``, kept in step with the results: what one result
contributes, the increments of a set of changed results written in one statement, and a
rebuild from the stored results."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db import connection

from assessments.models import Assessment, ResultTally, Round
from assessments.models.tallies import COUNT_COLUMNS, COUNTS, ZERO, Contribution, contribution

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


_COLUMNS = tuple(COUNT_COLUMNS.values())


def _counts_rows(deltas: Deltas) -> dict[int, list[int]]:
    """The count keys of ``deltas`` as each township's ``counts`` row (COUNT_COLUMNS order)."""
    position = {key: i for i, key in enumerate(COUNT_COLUMNS)}
    rows: dict[int, list[int]] = {}
    for (township, key), (n, _total) in deltas.items():
        i = position.get(key)
        if i is not None and n:
            rows.setdefault(township, [0] * len(_COLUMNS))[i] += n
    return rows


def _insert_sql(table: str, key_rows: int, counts_rows: int, *, assessments: bool) -> str:
    """One INSERT of key rows (round, township, key, n, total; the count columns 0) and of
    ``counts`` rows (the count columns, and the number of assessments if ``assessments``)."""
    zeros = ", 0" * (len(_COLUMNS) + 1)
    counted = ", %s" * (len(_COLUMNS) + 1) if assessments else ", 0" + ", %s" * len(_COLUMNS)
    values = [f"(%s, %s, %s, %s, %s{zeros})"] * key_rows
    values += [f"(%s, %s, '{COUNTS}', 0, 0{counted})"] * counts_rows
    columns = ", ".join(("round_id", "township_id", "key", "n", "total", "assessments", *_COLUMNS))
    return f"INSERT INTO {table} ({columns}) VALUES {', '.join(values)}"


def tallies_increment(round_id: int, deltas: Deltas, county_id: int | None = None) -> None:
    """Add the increments in one statement (an upsert that adds to what is there): the key
    rows and the ``counts`` rows together; with ``county_id`` the round's totals too
    (``with_county``)."""
    if county_id is not None:
        deltas = with_county(deltas, county_id)
    rows = [(t, key, n, total) for (t, key), (n, total) in deltas.items() if n or total]
    if not rows:
        return
    counts = _counts_rows(deltas)
    table = connection.ops.quote_name(ResultTally._meta.db_table)
    added = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in ("n", "total", *_COLUMNS))
    sql = (
        f"{_insert_sql(table, len(rows), len(counts), assessments=False)} "
        f"ON CONFLICT (round_id, township_id, key) DO UPDATE SET {added}"
    )
    params = [v for t, key, n, total in rows for v in (round_id, t, key, n, total)]
    params += [v for t, columns in counts.items() for v in (round_id, t, *columns)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def tallies_rebuild(round_: Round, assessments: Iterable[Assessment] | None = None) -> None:
    """Count the round's stored results afresh (after a whole-round recomputation), per
    township and in total under the county, with the number of assessments of each (with a
    result or not). ``assessments``: all the round's, with their organization, already in
    memory (then nothing is read)."""
    deltas: Deltas = defaultdict(lambda: [0, ZERO])
    if assessments is None:
        assessments = (
            Assessment.objects.filter(round=round_)
            .select_related("organization")
            .defer("result_steps")
            .order_by()
            .iterator(chunk_size=2000)
        )
    present: dict[int, int] = defaultdict(int)
    for assessment in assessments:
        township = assessment.organization.parent_id
        present[township] += 1
        if assessment.level is not None:
            add_counts(deltas, township, contribution(assessment), +1)
    deltas = with_county(deltas, round_.county_id)
    present[round_.county_id] = sum(present.values())
    rows = [(t, key, n, total) for (t, key), (n, total) in deltas.items() if n or total]
    counts = _counts_rows(deltas)
    counted = [
        (t, present.get(t, 0), *counts.get(t, [0] * len(_COLUMNS)))
        for t in present.keys() | counts.keys()
    ]
    ResultTally.objects.filter(round=round_).delete()
    table = connection.ops.quote_name(ResultTally._meta.db_table)
    with connection.cursor() as cursor:
        # Multi-row INSERTs in batches (an executemany is one round trip per row on psycopg2,
        # and SQLite limits the parameters of one statement).
        for start in range(0, len(rows), 2000):
            batch = rows[start : start + 2000]
            cursor.execute(
                _insert_sql(table, len(batch), 0, assessments=True),
                [v for t, key, n, total in batch for v in (round_.pk, t, key, n, total)],
            )
        for start in range(0, len(counted), 500):
            batch = counted[start : start + 500]
            cursor.execute(
                _insert_sql(table, 0, len(batch), assessments=True),
                [v for row in batch for v in (round_.pk, *row)],
            )
