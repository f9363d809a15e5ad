"""Done when (issue 3): a script with a token runs a whole round end to end through the API —
docs/examples/run_round.py, run here over real HTTP against the live test server."""

import importlib.util

import pytest

from assessments.models import Assessment, Round
from organizations.models import ApiToken, AuditLog
from organizations.services import api_token_create
from tests.conftest import ROOT

SCRIPT = ROOT / "docs" / "examples" / "run_round.py"


def load_script():
    spec = importlib.util.spec_from_file_location("run_round", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.django_db(transaction=True)
def test_the_example_script_runs_a_round_end_to_end(
    live_server, county, villages, county_admin, catalogue
):
    script = load_script()
    _token, key = api_token_create(actor=county_admin, name="年度评定脚本")
    lines = []

    outcome = script.run_round(
        script.Api(f"{live_server.url}/api/v1", key), year=2024, log=lines.append
    )

    round_ = Round.objects.get(year=2024, county=county)
    assert round_.status == Round.Status.PUBLISHED
    assert outcome["round"]["status"] == "published"
    results = outcome["results"]
    assert len(results) == len(villages)
    assert all(r["level"] is not None and r["change"] == "new" for r in results)
    composites = [r["composite"] for r in results]
    assert composites == sorted(composites, key=float, reverse=True)
    # The first village's confirmed star deduction cost it one star (rule 9).
    first = Assessment.objects.order_by("organization__code").first()
    assert first.level == first.band_level - 1
    assert outcome["dashboard"]["rated"] == len(villages)
    assert ApiToken.objects.get(user=county_admin).last_used_at is not None
    assert (
        AuditLog.objects.filter(action=AuditLog.Action.ROUND_TRANSITION, actor=county_admin).count()
        == 5
    )  # open, advance ×3, publish
    assert any("已发布" in line for line in lines)


def test_the_script_reports_api_errors(county_admin):
    script = load_script()

    def transport(method, url, body, headers):
        return 401, {"message": "请先登录", "errors": []}

    with pytest.raises(script.ApiError, match="HTTP 401: 请先登录"):
        script.run_round(script.Api("http://x/api/v1", "bad", transport), year=2024)
