"""The OpenAPI schema, the local Swagger UI, and schemathesis fuzzing every operation of the
generated schema through the WSGI app: no 5xx, and every response (status, content type, body)
conforming to the schema. Deterministic (derandomized) and bounded in examples."""

from __future__ import annotations

import os
import re

import pytest
import schemathesis
from django.core import signals
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from assessments import services
from assessments.models import Assessment, ResultCorrection
from indicators.services import catalogue_copy
from organizations.services import api_token_create
from tests.conftest import ROOT

pytestmark = pytest.mark.django_db

# Examples per operation and generation mode: 40 operations × 2 modes × 10 stays well under a
# minute on two cores. API_FUZZ_EXAMPLES=200 runs a deeper search (by hand, not in CI).
MAX_EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "10"))
SECRETARY_EXAMPLES = max(3, MAX_EXAMPLES // 4)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def test_schema_is_served_and_documents_the_error_shape(api):
    response = api.get("/api/schema/?format=json")

    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/assessments/{id}/sheets/{stage}/" in schema["paths"]
    sheet_put = schema["paths"]["/api/v1/assessments/{id}/sheets/{stage}/"]["put"]
    assert {"200", "400", "401", "403", "404", "409"} <= set(sheet_put["responses"])
    assert schema["components"]["schemas"]["Error"]["required"] == ["message", "errors"]
    assert schema["components"]["securitySchemes"]["tokenAuth"]["scheme"] == "bearer"


def test_swagger_ui_uses_only_local_assets(api):
    response = api.get("/api/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    external = re.findall(r"""(?:src|href)=["'](https?:)?//""", html)
    assert external == []
    assert "/static/drf_spectacular_sidecar/" in html


@pytest.fixture
def fuzz_world(
    round_2024,
    county_admin,
    maintainer,
    secretary_a1,
    catalogue,
    village_a1,
    system_admin,
    evaluator,
    media_root,
    assessor_a,
):
    """Real ids for the path parameters, so that fuzzing reaches the views' validation
    instead of stopping at 404s, and a token per user."""
    a1 = Assessment.objects.get(round=round_2024, organization=village_a1)
    finding = services.finding_create(
        actor=county_admin, assessment=a1, item_code="FJ01", evidence="线索"
    )
    from ledgers import services as ledger_services
    from organizations.models import User

    entry = ledger_services.rectification_create(
        actor=User.objects.get(username="evaluator"),
        organization=village_a1,
        problem="p",
        measures="m",
        deadline="2030-01-01",
        responsible_person="r",
    )
    visit = ledger_services.visit_create(
        actor=county_admin,
        visited_on="2024-05-01",
        visitors="v",
        organizations=[village_a1],
        method="forum",
        problems=[(village_a1, "p")],
    )
    evidence = ledger_services.evidence_upload(
        actor=county_admin,
        upload=SimpleUploadedFile("证明.pdf", b"%PDF-1.7\n%%EOF\n"),
        rectification=entry,
    )
    from assessments.models import Objection

    clearance = services.clearance_record(
        actor=county_admin, assessment=a1, department="discipline"
    )
    draw = services.spot_draw(
        actor=county_admin, round_=round_2024, size_kind="count", size_value="1", seed=1
    )
    objection = Objection.objects.create(
        round=round_2024, assessment=a1, kind="objection", issue="异议", lodged_by=county_admin
    )
    # A correction to approve or reject (its round's state is the service's business, not
    # the schema's): proposed by someone else, so the admin may decide it.
    correction = ResultCorrection.objects.create(
        assessment=a1, kind="strip", level_before=3, new_level=0, reason="x", proposed_by=maintainer
    )
    from orghealth import services as health_services

    commitment = health_services.commitment_create(
        actor=county_admin, organization=village_a1, year=2024, kind="organization", content="c"
    )
    posting = health_services.posting_create(
        actor=county_admin,
        organization=village_a1,
        kind="first_secretary",
        person_name="n",
        unit="u",
        starts_on="2024-01-01",
        ends_on="2025-01-01",
    )
    member = health_services.member_add(
        actor=county_admin,
        organization=village_a1,
        name="n",
        position="p",
        body="party",
        gender="female",
        birth_date="1980-01-01",
        education="college",
    )
    from secretaries import services as sp_services

    option = sp_services.option_create(actor=county_admin, year=2024, title="t", kind="optional")
    project = sp_services.project_claim(actor=assessor_a, option=option, goal="g", plan="p")
    review = sp_services.session_create(
        actor=county_admin, level="township", year=2024, title="t", held_on="2024-01-20"
    )
    sp_services.session_open(actor=county_admin, session=review)
    editable = catalogue_copy(actor=maintainer, catalogue=catalogue, name="2025版", year=2025)
    # A succeeded organization-import preview of the county admin (its upload to confirm, a
    # result file to download), so the jobs' operations reach their validation.
    from jobs.models import Job

    job = Job.objects.create(
        kind="preview_organizations",
        status=Job.Status.SUCCEEDED,
        created_by=county_admin,
        parameters={"filename": "组织.xlsx"},
        counts={"created": 0},
    )
    job.upload.save("组织.xlsx", SimpleUploadedFile("组织.xlsx", b"PK\x03\x04"))
    job.result_file.save("结果.xlsx", SimpleUploadedFile("结果.xlsx", b"PK\x03\x04"))
    # 创星晋级: this year's tables and one pending branch entry of the county admin.
    from django.utils import timezone

    from stars import services as star_services

    star_tables = star_services.tables_copy(actor=county_admin, year=timezone.localdate().year)
    star_entry = star_services.entry_record(
        actor=county_admin,
        item=next(t for t in star_tables if t.ladder == "branch").items.get(code="B01"),
        organization=village_a1,
        occurred_on=timezone.localdate(),
        description="召开支部党员大会",
    )
    admin_token, admin_key = api_token_create(actor=county_admin, name="fuzz")
    _, maintainer_key = api_token_create(actor=maintainer, name="fuzz")
    _, secretary_key = api_token_create(actor=secretary_a1, name="fuzz")
    _, sysadmin_key = api_token_create(actor=system_admin, name="fuzz")
    # "Log out everywhere" revokes the caller's tokens: fuzzed with a key nobody else uses.
    _, burner_key = api_token_create(actor=evaluator, name="fuzz")
    return {
        "admin": admin_key,
        "maintainer": maintainer_key,
        "secretary": secretary_key,
        "sysadmin": sysadmin_key,
        "burner": burner_key,
        "ids": {
            "/api/v1/organizations/import/": job.pk,
            "/api/v1/jobs/": job.pk,
            "/api/v1/users/": secretary_a1.pk,
            "/api/v1/assessments/": a1.pk,
            "/api/v1/rounds/": round_2024.pk,
            "/api/v1/findings/": finding.pk,
            "/api/v1/catalogues/": editable.pk,
            "/api/v1/categories/": editable.categories.first().pk,
            "/api/v1/items/": editable.items.get(code="SJ01").pk,
            "/api/v1/organizations/": village_a1.pk,
            "/api/v1/tokens/": admin_token.pk,
            "/api/v1/rectifications/": entry.pk,
            "/api/v1/visits/": visit.pk,
            "/api/v1/visit-problems/": visit.problems.get().pk,
            "/api/v1/evidence/": evidence.pk,
            "/api/v1/groups/": round_2024.groups.get().pk,
            "/api/v1/recusals/": services.recusal_create(
                actor=county_admin,
                user=evaluator,
                organization=village_a1.parent.parent.children.order_by("-code").first(),
                reason="在该镇工作",
            ).pk,
            "/api/v1/clearances/": clearance.pk,
            "/api/v1/spot-draws/": draw.pk,
            "/api/v1/spot-checks/": draw.checks.get().pk,
            "/api/v1/objections/": objection.pk,
            "/api/v1/corrections/": correction.pk,
            "/api/v1/health/commitments/": commitment.pk,
            "/api/v1/health/postings/": posting.pk,
            "/api/v1/health/members/": member.pk,
            "/api/v1/health/villages/": village_a1.pk,
            "/api/v1/secretary-projects/": project.pk,
            "/api/v1/secretary-reviews/secretaries/": review.reviewees.first().pk,
            "/api/v1/secretary-reviews/": review.pk,
            "/api/v1/stars/tables/": star_entry.table_id,
            "/api/v1/stars/entries/": star_entry.pk,
        },
    }


@pytest.fixture
def keep_test_connection():
    """The real WSGI handler closes "old" connections after each request; inside a test's
    transaction that closes PostgreSQL's connection under the test (SQLite's in-memory one
    survives). Django's own test client disconnects these handlers the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def fuzzer(strategy, headers: dict, max_examples: int):
    @given(case=strategy)
    @settings(
        max_examples=max_examples,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        case.call_and_validate(headers=headers, checks=CHECKS)

    return run


def test_fuzz_every_operation(fuzz_world, keep_test_connection):
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 40
    failures: dict[str, str] = {}

    for operation in operations:
        prefix = next((p for p in fuzz_world["ids"] if operation.path.startswith(p)), None)
        path_parameters = {"id": fuzz_world["ids"][prefix]} if "{id}" in operation.path else {}
        catalogue_write = operation.method != "get" and prefix in (
            "/api/v1/catalogues/",
            "/api/v1/categories/",
            "/api/v1/items/",
        )
        writer = fuzz_world["maintainer" if catalogue_write else "admin"]
        if prefix == "/api/v1/users/":
            writer = fuzz_world["sysadmin"]
        if operation.path.endswith("logout-everywhere/"):
            writer = fuzz_world["burner"]
        # The widest role with positive and negative data; a village secretary (mostly 403s
        # and 404s, which must be documented too) with a few positive examples.
        passes = [
            (writer, GenerationMode.POSITIVE, MAX_EXAMPLES),
            (writer, GenerationMode.NEGATIVE, MAX_EXAMPLES),
            (fuzz_world["secretary"], GenerationMode.POSITIVE, SECRETARY_EXAMPLES),
        ]
        for key, mode, examples in passes:
            strategy = operation.as_strategy(generation_mode=mode, path_parameters=path_parameters)
            run = fuzzer(strategy, {"Authorization": f"Bearer {key}"}, examples)
            try:
                run()
            except Exception as exc:  # collect every operation's failure, then report all
                label = f"{operation.method.upper()} {operation.path} ({mode.value}, {key[:6]})"
                failures[label] = str(exc)[:1500]

    assert not failures, "\n\n".join(f"{k}: {v}" for k, v in failures.items())


def test_docs_list_every_path_of_the_schema(api):
    """docs/api.md is the human reference: a new endpoint must be documented there too."""
    docs = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    paths = api.get("/api/schema/?format=json").json()["paths"]

    missing = [p for p in paths if f"`{p.removeprefix('/api/v1')}" not in docs]

    assert missing == []
