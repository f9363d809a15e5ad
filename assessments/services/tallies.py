"""The round-wide counts of ``ResultTally``, kept in step with the results: what one result
contributes, the increments of a set of changed results written in one statement, and a
rebuild from the stored results."""

from __future__ import annotations

from collections import defaultdict

from django.db import connection

from assessments.models import Assessment, ResultTally, Round
from assessments.models.tallies import ZERO, Contribution, contribution

Deltas = dict[tuple[int, str], list]  # (township id, key) → [n, total]


def add_counts(deltas: Deltas, township_id: int, counts: Contribution, sign: int) -> None:
    for key, (n, total) in counts.items():
        entry = deltas.setdefault((township_id, key), [0, ZERO])
        entry[0] += sign * n
        entry[1] += sign * total


def tallies_increment(round_id: int, deltas: Deltas) -> None:
    """Add the increments in one statement (an upsert that adds to what is there)."""
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


def tallies_rebuild(round_: Round) -> None:
    """Count the round's stored results afresh (after a whole-round recomputation)."""
    deltas: Deltas = defaultdict(lambda: [0, ZERO])
    stored = Assessment.objects.filter(round=round_, level__isnull=False).select_related(
        "organization"
    )
    for assessment in stored.order_by().iterator(chunk_size=2000):
        add_counts(deltas, assessment.organization.parent_id, contribution(assessment), +1)
    ResultTally.objects.filter(round=round_).delete()
    ResultTally.objects.bulk_create(
        [
            ResultTally(round=round_, township_id=t, key=key, n=n, total=total)
            for (t, key), (n, total) in deltas.items()
            if n or total
        ],
        batch_size=2000,
    )
