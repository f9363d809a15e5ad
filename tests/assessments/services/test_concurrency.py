"""Two people saving the same sheet at once: one wins, the other gets a conflict (PostgreSQL
only: SQLite has no row locks, and serializes writers anyway)."""

import threading

import pytest
from django.db import connection, connections

from assessments import services
from assessments.models import Assessment, Round, Score, Sheet
from starrating.errors import Conflict
from tests.conftest import move_to

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (run with DATABASE_URL=postgres://…)")


def save_at_once(actors_and_values, assessment_id, version):
    """Run one scores_save per thread, released together; return what each one got."""
    barrier = threading.Barrier(len(actors_and_values))
    outcomes = [None] * len(actors_and_values)

    def run(index, actor, value):
        try:
            assessment = Assessment.objects.select_related("round", "organization").get(
                pk=assessment_id
            )
            barrier.wait()
            services.scores_save(
                actor=actor,
                assessment=assessment,
                stage="township",
                scores={"SJ01": value},
                version=version,
            )
            outcomes[index] = "saved"
        except Conflict:
            outcomes[index] = "conflict"
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=run, args=(i, actor, value))
        for i, (actor, value) in enumerate(actors_and_values)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return outcomes


@pytest.mark.parametrize("existing", [False, True], ids=["new sheet", "existing sheet"])
def test_concurrent_saves_of_one_version_one_wins(round_2024, assessor_a, county_admin, existing):
    round_ = move_to(round_2024, Round.Status.TOWNSHIP_REVIEW)
    a1 = round_.assessments.select_related("round", "organization").get(
        organization__code="220602100201"
    )
    version = 0
    if existing:
        services.scores_save(actor=assessor_a, assessment=a1, stage="township", scores={"SJ02": 1})
        version = 1

    outcomes = save_at_once([(assessor_a, "1.00"), (county_admin, "2.00")], a1.pk, version)

    assert sorted(outcomes) == ["conflict", "saved"]
    sheet = Sheet.objects.get(assessment=a1, stage="township")
    assert sheet.version == version + 1
    winner_value = "1.00" if outcomes[0] == "saved" else "2.00"
    assert str(Score.objects.get(sheet=sheet, item__code="SJ01").points) == winner_value
