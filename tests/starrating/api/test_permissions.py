"""The permission matrix (issue 3, Tests): every role × every endpoint × own/other scope,
generated from the one table below.

"own" is a target in the user's scope (village A1 of township A; the evaluator's group owns
A1), "other" one outside it (village B1 of township B for village-level targets; another
county's round for round-level ones). County-wide roles see both. Each row runs in one
database, roles in the table's order with the county admin last, because the admin's writes
change state (a transition, a new finding).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from assessments import services
from assessments.models import Assessment, Round, Sheet
from jobs.models import Job
from ledgers import services as ledger_services
from ledgers.models import Rectification
from organizations.models import AuditLog
from tests.conftest import move_to
from tests.support.files import catalogue_data, unique_code, unique_name, users_xlsx

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "secretary_a1",
    "assessor_a",
    "assessor_b",
    "reviewer",
    "auditor",
    "maintainer",
    "evaluator",
    "system_admin",
    "security_admin",
    "audit_admin",
    "county_admin",
]
R, W = "read", "write"


@dataclass
class Row:
    """One endpoint: method, path (``{a}`` an assessment, ``{r}`` a round, ``{f}`` a finding,
    ``{c}`` a catalogue; of the ledgers ``{e}`` an entry, ``{s}`` a visit, ``{p}`` its problem,
    ``{x}`` an evidence file — each recorded by the county admin for the target's village),
    body (the same keys may be its values), the round status to start from, and per role the
    expected status for the (own, other) target. Roles not listed: 403 on both (wrong
    role)."""

    name: str
    method: str
    path: str
    expect: dict[str, tuple[int, int]]
    body: Any = None
    status: str = Round.Status.SELF_ASSESSMENT
    setup: list[str] = field(default_factory=list)
    format: str = "json"  # "multipart" for an upload ("{pdf}", "{xlsx}": a fresh file)


VILLAGE_READ = {
    # own village / other township's village
    "secretary_a1": (200, 404),
    "assessor_a": (200, 404),
    "assessor_b": (404, 200),
    "reviewer": (200, 200),
    "auditor": (200, 200),
    "maintainer": (200, 200),
    "evaluator": (200, 404),
    "county_admin": (200, 200),
}
COUNTY_READ = {role: (200, 404) for role in ROLES if role != "anonymous"}
ALL_READ = {role: (200, 200) for role in ROLES if role != "anonymous"}
ADMIN_ONLY_VILLAGE = {
    "secretary_a1": (403, 404),
    "assessor_a": (403, 404),
    "assessor_b": (404, 403),
    "evaluator": (403, 404),
    "county_admin": (200, 200),
}
ADMIN_ONLY_ROUND = {"county_admin": (200, 404)} | {
    role: (403, 404) for role in ROLES if role not in ("anonymous", "county_admin")
}

ALL_SELF = {role: (204, 204) for role in ROLES if role != "anonymous"}
SYSTEM_ADMIN_ONLY = {"system_admin": (200, 404)}

# The ledgers (整改台账 · 督导 · 包保 · 佐证材料): every role but the maintainer and the 三员 may
# open them (403 before any lookup); reads are scoped like villages.
LEDGER_REFUSED = {role: (403, 403) for role in ("system_admin", "security_admin", "audit_admin")}
LEDGER_LIST = {
    role: (200, 200)
    for role in (
        "secretary_a1",
        "assessor_a",
        "assessor_b",
        "reviewer",
        "auditor",
        "evaluator",
        "county_admin",
    )
}
LEDGER_READ = LEDGER_REFUSED | {
    "secretary_a1": (200, 404),
    "assessor_a": (200, 404),
    "assessor_b": (404, 200),
    "reviewer": (200, 200),
    "auditor": (200, 200),
    "evaluator": (200, 200),  # county-wide in the ledgers, like the villages
    "county_admin": (200, 200),
}


STARS_READ = {
    role: (200, 200)
    for role in ("secretary_a1", "assessor_a", "assessor_b", "auditor", "county_admin")
}


def ledger_write(ok: int, *, secretary: bool = False, reviewer: bool = False) -> dict:
    """A write on an entry (or file) in scope: ``ok`` for the writers, 403 for a reader, 404
    out of scope."""
    return LEDGER_REFUSED | {
        "secretary_a1": (ok if secretary else 403, 404),
        "assessor_a": (ok, 404),
        "assessor_b": (404, ok),
        "reviewer": (ok, ok) if reviewer else (403, 403),
        "auditor": (403, 403),
        "evaluator": (ok, ok),
        "county_admin": (ok, ok),
    }


GROUP_READ = {role: (200, 404) for role in ("county_admin", "auditor", "evaluator")}
GROUP_WRITE = {"county_admin": (200, 404), "auditor": (403, 404), "evaluator": (403, 404)}
NOT_FOUND = {role: (404, 404) for role in ROLES if role != "anonymous"}
HEALTH_READ = {
    role: (200, 200)
    for role in ("secretary_a1", "assessor_a", "assessor_b", "auditor", "county_admin")
}
THREE_ADMINS = ("system_admin", "security_admin", "audit_admin")
SP_READ = {r: (200, 200) for r in ("assessor_a", "assessor_b", "auditor", "county_admin")}

PAIRING_READERS = {
    role: (200, 200)
    for role in ("assessor_a", "assessor_b", "auditor", "evaluator", "county_admin")
}

ORGANIZATION_WRITE = {
    "secretary_a1": (403, 404),
    "assessor_a": (403, 404),
    "assessor_b": (404, 403),
    "evaluator": (403, 403),
    "county_admin": (200, 200),
}
OWN_JOB = {role: (404, 404) for role in ROLES if role != "anonymous"}

TABLE = [
    Row("organizations", "get", "/api/v1/organizations/", ALL_READ),
    Row("organization tree", "get", "/api/v1/organizations/tree/", ALL_READ),
    Row(
        "audit log",
        "get",
        "/api/v1/audit-log/",
        {"auditor": (200, 200), "audit_admin": (200, 200)},
    ),
    Row(
        "village search",
        "get",
        "/api/v1/villages/search/?q=c",
        {
            role: (200, 200)
            for role in (
                "secretary_a1",
                "assessor_a",
                "assessor_b",
                "reviewer",
                "auditor",
                "evaluator",
                "county_admin",
            )
        },
    ),
    Row(
        "organization detail",
        "get",
        "/api/v1/organizations/{v}/",
        {
            "secretary_a1": (200, 404),
            "assessor_a": (200, 404),
            "assessor_b": (404, 200),
            "evaluator": (200, 200),
        }
        | {r: (200, 200) for r in ("reviewer", "auditor", "maintainer", "county_admin")},
    ),
    Row("catalogues", "get", "/api/v1/catalogues/", ALL_READ),
    Row("catalogue", "get", "/api/v1/catalogues/{c}/", ALL_READ),
    Row(
        "catalogue item edit (frozen: 409)",
        "patch",
        "/api/v1/items/{i}/",
        {"maintainer": (409, 409)},
        body={"title": "新标题"},
    ),
    Row(
        "catalogue item create (frozen: 409)",
        "post",
        "/api/v1/catalogues/{c}/items/",
        {"maintainer": (409, 409)},
        body={"code": "FJ99", "title": "新否决项", "kind": "veto"},
    ),
    Row(
        "category edit (frozen: 409)",
        "patch",
        "/api/v1/categories/{k}/",
        {"maintainer": (409, 409)},
        body={"name": "新星"},
    ),
    Row("rounds", "get", "/api/v1/rounds/", ALL_READ),
    Row("round", "get", "/api/v1/rounds/{r}/", COUNTY_READ),
    Row(
        "round update",
        "patch",
        "/api/v1/rounds/{r}/",
        ADMIN_ONLY_ROUND,
        body={"supervision_phone": "0439-1234567"},
    ),
    Row(
        "round advance",
        "post",
        "/api/v1/rounds/{r}/advance/",
        ADMIN_ONLY_ROUND,
    ),
    Row(
        "round open (already open: 409)",
        "post",
        "/api/v1/rounds/{r}/open/",
        ADMIN_ONLY_ROUND | {"county_admin": (409, 404)},
    ),
    Row(
        "round publish (not in publicity: 409)",
        "post",
        "/api/v1/rounds/{r}/publish/",
        ADMIN_ONLY_ROUND | {"county_admin": (409, 404)},
    ),
    Row(
        "round archive (not published: 409)",
        "post",
        "/api/v1/rounds/{r}/archive/",
        ADMIN_ONLY_ROUND | {"county_admin": (409, 404)},
    ),
    Row(
        "round reopen",
        "post",
        "/api/v1/rounds/{r}/reopen/",
        ADMIN_ONLY_ROUND,
        body={"stage": "self", "reason": "补录"},
        status=Round.Status.TOWNSHIP_REVIEW,
    ),
    Row("round results", "get", "/api/v1/rounds/{r}/results/", COUNTY_READ),
    Row("round dashboard", "get", "/api/v1/rounds/{r}/dashboard/", COUNTY_READ),
    # County roles are refused; the region viewer's own checks are in tests/dashboards.
    Row("region summary", "get", "/api/v1/regions/summary/", {}),
    Row("assessments", "get", "/api/v1/assessments/?round={r}", ALL_READ),
    Row("assessment", "get", "/api/v1/assessments/{a}/", VILLAGE_READ),
    Row(
        "self sheet read",
        "get",
        "/api/v1/assessments/{a}/sheets/self/",
        {
            "secretary_a1": (200, 404),
            "assessor_a": (200, 404),
            "assessor_b": (404, 200),
            "reviewer": (403, 403),
            "auditor": (200, 200),
            "maintainer": (403, 403),
            "evaluator": (200, 404),
            "county_admin": (200, 200),
        },
    ),
    Row(
        "self sheet write",
        "patch",
        "/api/v1/assessments/{a}/sheets/self/",
        {
            "secretary_a1": (200, 404),
            "assessor_a": (403, 404),
            "assessor_b": (404, 403),
            "evaluator": (403, 404),
            "county_admin": (200, 200),
        },
        body={"version": "{version:self}", "scores": {"SJ01": "2.50"}},
    ),
    Row(
        "township sheet write",
        "put",
        "/api/v1/assessments/{a}/sheets/township/",
        {
            "secretary_a1": (403, 404),
            "assessor_a": (200, 404),
            "assessor_b": (404, 200),
            "evaluator": (403, 404),
            "county_admin": (200, 200),
        },
        body={"version": "{version:township}", "scores": {"SJ01": "2.00"}},
        status=Round.Status.TOWNSHIP_REVIEW,
    ),
    Row(
        "county sheet write",
        "patch",
        "/api/v1/assessments/{a}/sheets/county/",
        {
            "secretary_a1": (403, 404),
            "assessor_a": (403, 404),
            "assessor_b": (404, 403),
            "evaluator": (200, 404),
            "county_admin": (200, 200),
        },
        body={"version": "{version:county}", "scores": {"SJ01": "2.00"}},
        status=Round.Status.COUNTY_REVIEW,
    ),
    Row(
        "sheet return (nothing submitted: 409)",
        "post",
        "/api/v1/assessments/{a}/sheets/self/return/",
        ADMIN_ONLY_VILLAGE | {"county_admin": (409, 409)},
        body={"reason": "退回修改"},
    ),
    Row("findings", "get", "/api/v1/findings/", ALL_READ),
    Row("finding", "get", "/api/v1/findings/{f}/", VILLAGE_READ, setup=["finding"]),
    Row(
        "finding withdraw",
        "post",
        "/api/v1/findings/{f}/withdraw/",
        ADMIN_ONLY_VILLAGE,
        body={"reason": "不属实"},
        setup=["finding"],
    ),
    Row(
        "finding create",
        "post",
        "/api/v1/assessments/{a}/findings/",
        {
            "secretary_a1": (403, 404),
            "assessor_a": (403, 404),
            "assessor_b": (404, 403),
            "reviewer": (201, 201),
            "evaluator": (201, 404),
            "county_admin": (201, 201),
        },
        body={"item": "FJ01", "evidence": "经查实"},
    ),
    Row(
        "clearance record (the evaluator records the organization department's first: 409)",
        "post",
        "/api/v1/assessments/{a}/clearance/",
        {
            "secretary_a1": (403, 404),
            "assessor_a": (403, 404),
            "assessor_b": (404, 403),
            "reviewer": (201, 201),
            "evaluator": (201, 404),
            "county_admin": (409, 201),
        },
    ),
    Row(
        "clearance undo (the organization department's, recorded by the county admin)",
        "delete",
        "/api/v1/assessments/{a}/clearance/",
        {
            "secretary_a1": (403, 404),
            "assessor_a": (403, 404),
            "assessor_b": (404, 403),
            "reviewer": (409, 409),  # their own department recorded nothing
            "evaluator": (204, 404),
            "county_admin": (409, 204),
        },
        setup=["clearance"],
    ),
    Row(
        "finding confirm",
        "post",
        "/api/v1/findings/{f}/confirm/",
        ADMIN_ONLY_VILLAGE,
        setup=["finding"],
    ),
    Row(
        "survey read",
        "get",
        "/api/v1/assessments/{a}/survey/",
        VILLAGE_READ,
    ),
    Row(
        "survey write",
        "put",
        "/api/v1/assessments/{a}/survey/",
        {
            "secretary_a1": (403, 404),
            "assessor_a": (403, 404),
            "assessor_b": (404, 403),
            "evaluator": (200, 404),
            "county_admin": (200, 200),
        },
        body={"respondents": 20, "satisfied": 18},
    ),
    Row(
        "exceptional",
        "post",
        "/api/v1/assessments/{a}/exceptional/",
        ADMIN_ONLY_VILLAGE,
        body={"exceptional": True, "reason": "重大贡献"},
    ),
    Row("tokens", "get", "/api/v1/tokens/", ALL_READ),
    Row("me", "get", "/api/v1/me/", ALL_READ),
    Row("logout everywhere", "post", "/api/v1/me/logout-everywhere/", ALL_SELF),
    # Accounts (三员): "own" is an account of the user's county, "other" one of the other county.
    Row("users", "get", "/api/v1/users/", {"system_admin": (200, 200)}),
    Row("user", "get", "/api/v1/users/{u}/", SYSTEM_ADMIN_ONLY),
    Row("user update", "patch", "/api/v1/users/{u}/", SYSTEM_ADMIN_ONLY, body={"phone": "0439"}),
    Row(
        "user active", "post", "/api/v1/users/{u}/active/", SYSTEM_ADMIN_ONLY, body={"active": True}
    ),
    Row("user reset password", "post", "/api/v1/users/{u}/reset-password/", SYSTEM_ADMIN_ONLY),
    Row("user unlock", "post", "/api/v1/users/{u}/unlock/", {"security_admin": (204, 404)}),
    Row(
        "user sessions revoke",
        "post",
        "/api/v1/users/{u}/sessions/revoke/",
        {"security_admin": (204, 404)},
    ),
    Row("rectifications", "get", "/api/v1/rectifications/", LEDGER_LIST),
    Row(
        "rectification create (another township's village in the body: 400)",
        "post",
        "/api/v1/rectifications/",
        LEDGER_REFUSED
        | {
            "secretary_a1": (403, 400),
            "assessor_a": (201, 400),
            "assessor_b": (400, 201),
            "reviewer": (403, 403),
            "auditor": (403, 403),
            "evaluator": (201, 201),
            "county_admin": (201, 201),
        },
        body={
            "organization": "{v}",
            "problem": "村务公开栏破损",
            "measures": "更换公开栏",
            "deadline": "2030-01-01",
            "responsible_person": "李书记",
        },
    ),
    Row("rectification", "get", "/api/v1/rectifications/{e}/", LEDGER_READ),
    Row(
        "rectification update",
        "patch",
        "/api/v1/rectifications/{e}/",
        ledger_write(200),
        body={"measures": "更换公开栏并按月公开"},
    ),
    Row(
        "rectification note (the village too)",
        "post",
        "/api/v1/rectifications/{e}/notes/",
        ledger_write(201, secretary=True),
        body={"text": "已订购新公开栏"},
    ),
    Row(
        "rectification close (the county admin recorded it: a second person closes)",
        "post",
        "/api/v1/rectifications/{e}/close/",
        ledger_write(200) | {"evaluator": (403, 403), "county_admin": (403, 403)},
        body={"closure_evidence": "现场查看已整改"},
    ),
    Row(
        "rectification reopen",
        "post",
        "/api/v1/rectifications/{e}/reopen/",
        ledger_write(200)
        | {"assessor_a": (403, 404), "assessor_b": (404, 403), "evaluator": (403, 403)},
        body={"reason": "复查未到位"},
        setup=["closed"],
    ),
    Row(
        "finding onto the ledger (once: 409 after)",
        "post",
        "/api/v1/findings/{f}/rectification/",
        ledger_write(201) | {"evaluator": (409, 404), "county_admin": (409, 409)},
        setup=["finding", "confirmed"],
    ),
    Row(
        "weakness onto the ledger (one open entry: 409 after)",
        "post",
        "/api/v1/assessments/{a}/rectification/",
        ledger_write(201) | {"evaluator": (409, 404), "county_admin": (409, 409)},
        body={"code": "SJ01"},
    ),
    Row("visits", "get", "/api/v1/visits/", LEDGER_LIST),
    Row(
        "visit create (another township's village in the body: 400)",
        "post",
        "/api/v1/visits/",
        LEDGER_REFUSED
        | {
            "secretary_a1": (403, 400),
            "assessor_a": (201, 400),
            "assessor_b": (400, 201),
            "reviewer": (403, 403),
            "auditor": (403, 403),
            "evaluator": (201, 201),
            "county_admin": (201, 201),
        },
        body={
            "visited_on": "2024-05-01",
            "visitors": "县委组织部",
            "organizations": ["{v}"],
            "method": "forum",
            "problems": [{"organization": "{v}", "description": "会议记录不全"}],
        },
    ),
    Row("visit", "get", "/api/v1/visits/{s}/", LEDGER_READ),
    Row(
        "visit problem onto the ledger (once: 409 after)",
        "post",
        "/api/v1/visit-problems/{p}/rectification/",
        ledger_write(201) | {"evaluator": (409, 409), "county_admin": (409, 409)},
    ),
    Row("pairings", "get", "/api/v1/pairings/", PAIRING_READERS),
    Row(
        "pairing import (a job: 202)",
        "post",
        "/api/v1/pairings/import/",
        {role: (403, 403) for role in PAIRING_READERS} | {"county_admin": (202, 202)},
        body={"year": 2026, "file": "{xlsx}"},
        format="multipart",
    ),
    Row("evidence of an entry", "get", "/api/v1/evidence/?rectification={e}", LEDGER_READ),
    Row(
        "evidence upload",
        "post",
        "/api/v1/evidence/",
        ledger_write(201, secretary=True, reviewer=True),
        body={"rectification": "{e}", "file": "{pdf}"},
        format="multipart",
    ),
    Row("evidence download", "get", "/api/v1/evidence/{x}/download/", LEDGER_READ),
    Row(
        "evidence withdraw (its uploader, the county admin)",
        "post",
        "/api/v1/evidence/{x}/withdraw/",
        ledger_write(403) | {"county_admin": (204, 204)},
    ),
    Row("reminders", "get", "/api/v1/reminders/", ALL_READ),
    Row("reminders read", "post", "/api/v1/reminders/read/", ALL_READ, body={}),
    # The tree, one node at a time (county admin): "own"/"other" are villages of townships A/B
    # for the role-scoped readers; the county admin edits both.
    Row(
        "organization create",
        "post",
        "/api/v1/organizations/",
        {"county_admin": (201, 201)},
        body={"code": "{code}", "name": "新建村", "kind": "village", "parent": "{t}"},
    ),
    Row(
        "organization update (rename, move)",
        "patch",
        "/api/v1/organizations/{v}/",
        ORGANIZATION_WRITE,
        body={"name": "更名村", "parent": "{t}"},
    ),
    Row(
        "organization deactivate",
        "post",
        "/api/v1/organizations/{v}/active/",
        ORGANIZATION_WRITE,
        body={"active": False, "reason": "村庄撤并"},
    ),
    Row(
        "organization import preview (a job: 202)",
        "post",
        "/api/v1/organizations/import/",
        {"county_admin": (202, 202)},
        body={"file": "{xlsx}"},
        format="multipart",
    ),
    Row(
        "organization import confirm (one's own preview job only)",
        "post",
        "/api/v1/organizations/import/{j}/confirm/",
        OWN_JOB | {"county_admin": (202, 404)},
        body={"confirm_deactivation": True},
        setup=["job"],
    ),
    Row(
        "organization template",
        "get",
        "/api/v1/organizations/template/",
        {"county_admin": (200, 200)},
    ),
    Row(
        "users bulk (Excel)",
        "post",
        "/api/v1/users/bulk/",
        {"system_admin": (201, 201)},
        body={"file": "{users}"},
        format="multipart",
    ),
    Row(
        "catalogue create",
        "post",
        "/api/v1/catalogues/",
        {"maintainer": (201, 201)},
        body="{catalogue}",
    ),
    Row(
        "catalogue copy",
        "post",
        "/api/v1/catalogues/{c}/copy/",
        {"maintainer": (201, 201), "county_admin": (201, 201)},
        body={"name": "{name}", "year": 2025},
    ),
    # Jobs: each user sees only the jobs they started ("own": the county admin's job, "other":
    # the other county admin's).
    Row("jobs", "get", "/api/v1/jobs/", ALL_READ),
    Row("job", "get", "/api/v1/jobs/{j}/", OWN_JOB | {"county_admin": (200, 404)}, setup=["job"]),
    Row(
        "job download",
        "get",
        "/api/v1/jobs/{j}/download/",
        OWN_JOB | {"county_admin": (200, 404)},
        setup=["job"],
    ),
    Row(
        "template export (a job: 202)",
        "post",
        "/api/v1/rounds/{r}/template/",
        ADMIN_ONLY_ROUND | {"evaluator": (202, 404), "county_admin": (202, 404)},
        body={"stage": "county"},
    ),
    Row(
        "scores import (a job: 202)",
        "post",
        "/api/v1/rounds/{r}/scores/import/",
        ADMIN_ONLY_ROUND | {"evaluator": (202, 404), "county_admin": (202, 404)},
        body={"stage": "county", "file": "{xlsx}"},
        format="multipart",
    ),
    Row(
        "report export (a job: 202)",
        "post",
        "/api/v1/rounds/{r}/report/",
        ADMIN_ONLY_ROUND
        | {role: (202, 404) for role in ("assessor_a", "assessor_b", "auditor", "county_admin")},
        body={},
    ),
    Row(
        "ledger export (a job: 202)",
        "post",
        "/api/v1/rectifications/export/",
        {
            role: (202, 202)
            for role in ("assessor_a", "assessor_b", "auditor", "evaluator", "county_admin")
        },
        body={},
    ),
    # Evaluation groups and 回避 (issue 14): {g} the round's group, {q} a recorded relation.
    Row("round groups", "get", "/api/v1/rounds/{r}/groups/", GROUP_READ),
    Row(
        "round group create",
        "post",
        "/api/v1/rounds/{r}/groups/",
        ADMIN_ONLY_ROUND | {"county_admin": (201, 404)},
        body={"name": "新考评组"},
    ),
    Row(
        "round group coverage",
        "get",
        "/api/v1/rounds/{r}/groups/coverage/",
        {"county_admin": (200, 404), "auditor": (200, 404)},
    ),
    Row("group", "get", "/api/v1/groups/{g}/", GROUP_READ),
    Row("group rename", "patch", "/api/v1/groups/{g}/", GROUP_WRITE, body={"name": "改名的组"}),
    Row(
        "group delete (not empty: 409)",
        "delete",
        "/api/v1/groups/{g}/",
        GROUP_WRITE | {"county_admin": (409, 404)},
    ),
    Row("group members", "put", "/api/v1/groups/{g}/members/", GROUP_WRITE, body={"members": []}),
    Row(
        "group villages",
        "put",
        "/api/v1/groups/{g}/villages/",
        GROUP_WRITE,
        body={"villages": ["220602100201"]},
    ),
    Row(
        "recusals", "get", "/api/v1/recusals/", {"county_admin": (200, 200), "auditor": (200, 200)}
    ),
    Row(
        "recusal create (a secretary is no member: 400)",
        "post",
        "/api/v1/recusals/",
        {"county_admin": (400, 400)},
        body={"user": "{u}", "organization": "220602101000", "reason": "在该镇工作"},
    ),
    Row(
        "recusal end",
        "post",
        "/api/v1/recusals/{q}/end/",
        {"county_admin": (200, 404), "auditor": (403, 404)},
        body={"reason": "已调离"},
    ),
    # Issue 14: joint review ({l} a clearance by the county admin), spot checks ({d} a draw,
    # {h} its one village) and objections ({o}, lodged by the county admin about A1); a draw
    # and an objection exist in the own round only, "other" is an id that does not exist.
    Row("round review", "get", "/api/v1/rounds/{r}/review/", COUNTY_READ),
    Row(
        "round review departments",
        "put",
        "/api/v1/rounds/{r}/review/",
        ADMIN_ONLY_ROUND,
        body={"departments": ["organization", "discipline"]},
    ),
    Row("clearances", "get", "/api/v1/clearances/", ALL_READ),
    Row("clearance", "get", "/api/v1/clearances/{l}/", VILLAGE_READ),
    Row(
        "clearance withdraw",
        "post",
        "/api/v1/clearances/{l}/withdraw/",
        # {l} is the organization department's: an evaluation group may take it back too
        ADMIN_ONLY_VILLAGE | {"evaluator": (200, 404), "county_admin": (409, 200)},
        body={"reason": "误登记"},
    ),
    Row("assessment clearances", "get", "/api/v1/assessments/{a}/clearances/", VILLAGE_READ),
    Row(
        "clearance create (the evaluator cleared A1 for 组织部 first: 409)",
        "post",
        "/api/v1/assessments/{a}/clearances/",
        {
            "secretary_a1": (403, 404),
            "assessor_a": (403, 404),
            "assessor_b": (404, 403),
            "reviewer": (201, 201),
            "evaluator": (201, 404),
            "county_admin": (409, 201),
        },
        body={},
    ),
    Row("spot draws", "get", "/api/v1/rounds/{r}/spot-draws/", COUNTY_READ),
    Row(
        "spot draw",
        "post",
        "/api/v1/rounds/{r}/spot-draws/",
        ADMIN_ONLY_ROUND | {"county_admin": (201, 404)},
        body={"size_kind": "count", "size_value": "1", "seed": 1},
    ),
    Row(
        "spot draw detail",
        "get",
        "/api/v1/spot-draws/{d}/",
        NOT_FOUND | {r: (200, 404) for r in ("reviewer", "auditor", "evaluator", "county_admin")},
    ),
    Row(
        "spot check assign",
        "post",
        "/api/v1/spot-checks/{h}/assign/",
        NOT_FOUND
        | {r: (403, 404) for r in ("reviewer", "auditor", "evaluator")}
        | {"county_admin": (200, 404)},
        body={"checker": None},
    ),
    Row(
        "spot check outcome (no checker assigned: the admin only)",
        "post",
        "/api/v1/spot-checks/{h}/outcome/",
        NOT_FOUND
        | {r: (403, 404) for r in ("reviewer", "auditor", "evaluator")}
        | {"county_admin": (200, 404)},
        body={"outcome": "confirmed"},
    ),
    Row("objection counts", "get", "/api/v1/rounds/{r}/objections/counts/", COUNTY_READ),
    Row(
        "objection lodge (during publicity)",
        "post",
        "/api/v1/rounds/{r}/objections/",
        {role: (403, 404) for role in ROLES if role != "anonymous"}
        | {
            r: (201, 404)
            for r in (
                "secretary_a1",
                "assessor_a",
                "assessor_b",
                "reviewer",
                "evaluator",
                "county_admin",
            )
        },
        body={"assessment": "{a}", "issue": "集体收入数据有误"},
        status=Round.Status.PUBLICITY,
    ),
    Row("objections", "get", "/api/v1/objections/", ALL_READ),
    Row(
        "objection (its lodger and the county's staff)",
        "get",
        "/api/v1/objections/{o}/",
        NOT_FOUND | {"auditor": (200, 404), "county_admin": (200, 404)},
    ),
    Row(
        "objection handle",
        "post",
        "/api/v1/objections/{o}/handle/",
        NOT_FOUND | {"auditor": (403, 404), "county_admin": (200, 404)},
        body={"decision": "rejected", "reply": "经核实无误"},
    ),
    # Corrections after publishing (issue 14, item 4): the cast's round is not published,
    # so the county admin's proposal is refused by state (409) after the role check.
    Row("assessment corrections", "get", "/api/v1/assessments/{a}/corrections/", VILLAGE_READ),
    Row(
        "correction propose (not published: 409)",
        "post",
        "/api/v1/assessments/{a}/corrections/",
        ADMIN_ONLY_VILLAGE | {"county_admin": (409, 409)},
        body={"kind": "strip", "reason": "查实否决情形"},
    ),
    Row("corrections", "get", "/api/v1/corrections/", ALL_READ),
    # Village merges and splits (issue 14, item 5): read by county-wide roles (others get an
    # empty list), recorded by the county admin; an empty body is a 400 naming each field.
    Row("successions", "get", "/api/v1/successions/", ALL_READ),
    Row(
        "succession record (bad input: 400)",
        "post",
        "/api/v1/successions/",
        {"county_admin": (400, 400)},
        body={
            "kind": "merge",
            "predecessors": [],
            "successors": [],
            "effective_date": "2024-03-01",
        },
    ),
    # Previous years' published levels (issue 14, item 5): imports started as a job.
    Row("history imports", "get", "/api/v1/history/imports/", ALL_READ),
    Row("history levels", "get", "/api/v1/history/levels/", ALL_READ),
    Row("history template", "get", "/api/v1/history/template/", {"county_admin": (200, 200)}),
    Row(
        "history import (a job)",
        "post",
        "/api/v1/history/import/",
        {"county_admin": (202, 202)},
        body={"file": "{xlsx}"},
        format="multipart",
    ),
    # Organization health (组织建设): its readers, each scoped; the writes and the per-record
    # routes walk the checklist in tests/orghealth/test_api.py.
    *[
        Row(f"health {name}", "get", f"/api/v1/health/{name}/", HEALTH_READ)
        for name in (
            "summary",
            "settings",
            "elections",
            "body-flags",
            "body-adjustments",
            "commitments",
            "commitments/rates",
            "postings",
            "members",
            "weak",
            "weak/suggestions",
        )
    ],
    Row(
        "health export",
        "get",
        "/api/v1/health/export/",
        {r: (200, 200) for r in ("assessor_a", "assessor_b", "auditor", "county_admin")},
    ),
    Row(
        "health village team",
        "get",
        "/api/v1/health/villages/{v}/team/",
        {
            "secretary_a1": (200, 404),
            "assessor_a": (200, 404),
            "assessor_b": (404, 200),
            "auditor": (200, 200),
            "county_admin": (200, 200),
        }
        | {r: (403, 403) for r in THREE_ADMINS},
    ),
    # Secretary projects (书记项目): the county and the townships (their own projects only);
    # the per-project routes walk the checklist in tests/secretaries/test_api.py.
    *[
        Row(
            f"secretary projects {name or 'list'}",
            "get",
            f"/api/v1/secretary-projects/{name}",
            SP_READ,
        )
        for name in ("", "options/", "dashboard/", "export/")
    ],
    # 述职评议 (secretaries' annual review): the county's readers and the village secretary
    # (its township's village-level sessions; none here, so an empty list); the per-session and
    # per-secretary routes walk the checklist in tests/secretaries/test_review_api.py.
    Row(
        "secretary reviews list",
        "get",
        "/api/v1/secretary-reviews/",
        {r: (200, 200) for r in ("secretary_a1", *SP_READ)},
    ),
    # 创星晋级: the county's readers (scoped lists); other roles 403.
    *[
        Row(f"stars {name}", "get", f"/api/v1/stars/{name}", STARS_READ)
        for name in ("tables/", "members/", "entries/", "rankings/", "summary/", "outcomes/")
    ],
    Row("stars pay list", "get", "/api/v1/stars/outcomes/pay.xlsx", STARS_READ),
    # S11: a round's ladder inputs (round-level: another county's round is a 404) and one
    # assessment's ladder figures (village-level, the evaluation group too).
    Row(
        "stars ladder inputs of a round",
        "get",
        "/api/v1/stars/ladder-inputs/?round={r}",
        {role: (200, 404) for role in STARS_READ},
    ),
    Row(
        "stars ladder figures of an assessment",
        "get",
        "/api/v1/stars/ladder-inputs/values/?assessment={a}",
        {
            "secretary_a1": (200, 404),
            "assessor_a": (200, 404),
            "assessor_b": (404, 200),
            "auditor": (200, 200),
            "evaluator": (200, 404),
            "county_admin": (200, 200),
        }
        | {r: (403, 403) for r in THREE_ADMINS},
    ),
    Row(
        "stars handbook without a subject (400)",
        "get",
        "/api/v1/stars/handbook/",
        {role: (400, 400) for role in STARS_READ},
    ),
]


@pytest.fixture
def cast(
    round_2024,
    secretary_a1,
    assessor_a,
    assessor_b,
    reviewer,
    auditor,
    maintainer,
    evaluator,
    county_admin,
    village_a1,
    village_b1,
    catalogue,
    system_admin,
    security_admin,
    audit_admin,
    round2,
    secretary2,
    media_root,
    township_a,
    township_b,
    county_admin2,
):
    return {
        "townships": {"own": township_b, "other": township_a},
        "other_admin": county_admin2,
        "users": {
            "anonymous": None,
            "secretary_a1": secretary_a1,
            "assessor_a": assessor_a,
            "assessor_b": assessor_b,
            "reviewer": reviewer,
            "auditor": auditor,
            "maintainer": maintainer,
            "evaluator": evaluator,
            "system_admin": system_admin,
            "security_admin": security_admin,
            "audit_admin": audit_admin,
            "county_admin": county_admin,
        },
        "round": round_2024,
        "other_round": round2,
        "accounts": {"own": secretary_a1, "other": secretary2},
        "own": Assessment.objects.get(round=round_2024, organization=village_a1),
        "other": Assessment.objects.get(round=round_2024, organization=village_b1),
        "catalogue": catalogue,
        **_groups_and_relations(round_2024, round2, county_admin),
    }


def _groups_and_relations(round_, other_round, county_admin) -> dict:
    """The round's own group (the evaluator's) and one of the other county's; a 回避 relation
    in each county."""
    from assessments.models import EvaluationGroup
    from organizations.models import Organization, Role
    from tests.factories import UserFactory

    other_admin = UserFactory(
        username="admin2", role=Role.COUNTY_ADMIN, organization=other_round.county
    )
    other_group = services.group_create(actor=other_admin, round_=other_round, name="抚松考评组")
    relations = {}
    for scope, actor, county in (
        ("own", county_admin, round_.county),
        ("other", other_admin, other_round.county),
    ):
        member = UserFactory(username=f"member_{scope}", role=Role.EVALUATOR, organization=county)
        township = Organization.objects.filter(parent=county).order_by("code").first()
        relations[scope] = services.recusal_create(
            actor=actor, user=member, organization=township, reason="在该镇工作"
        ).pk
    return {
        "groups": {"own": EvaluationGroup.objects.get(round=round_).pk, "other": other_group.pk},
        "relations": relations,
    }


PDF = b"%PDF-1.7\n%%EOF\n"


def _xlsx() -> bytes:
    wb = openpyxl.Workbook()
    wb.active.append(["区划代码", "联系领导", "包保部门"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _fill(value: Any, target: Assessment, ids: dict) -> Any:
    if value == "{catalogue}":
        return catalogue_data()
    if value == "{users}":
        return users_xlsx()
    if value == "{name}":
        return unique_name()
    if value == "{code}":
        return unique_code()
    if isinstance(value, dict):
        return {k: _fill(v, target, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, target, ids) for v in value]
    if value == "{pdf}":
        return SimpleUploadedFile("证明.pdf", PDF)
    if value == "{xlsx}":
        return SimpleUploadedFile("包保.xlsx", _xlsx())
    if isinstance(value, str) and re.fullmatch(r"\{[a-z]\}", value):
        return ids[value[1]]
    if isinstance(value, str) and value.startswith("{version:"):
        stage = value[len("{version:") : -1]
        sheet = Sheet.objects.filter(assessment=target, stage=stage).first()
        return sheet.version if sheet else 0
    return value


VILLAGE_KEYS = ("{a}", "{v}", "{f}", "{e}", "{s}", "{p}", "{x}", "{l}")
FAIRNESS_KEYS = ("{l}", "{d}", "{h}", "{o}")


def job_of(user) -> Job:
    """A succeeded organization-import preview of ``user``, with its upload and a result
    file (as an export has): its detail, its download and its confirmation."""
    job = Job.objects.create(
        kind="preview_organizations",
        status=Job.Status.SUCCEEDED,
        created_by=user,
        parameters={"filename": "组织.xlsx"},
        counts={"created": 0},
    )
    job.upload.save("组织.xlsx", SimpleUploadedFile("组织.xlsx", _xlsx()))
    job.result_file.save("结果.xlsx", SimpleUploadedFile("结果.xlsx", _xlsx()))
    return job


LEDGER_KEYS = ("{e}", "{s}", "{p}", "{x}")


def ledger_records(actor, village) -> dict:
    """An entry, a visit with one problem and an evidence file of the entry, for ``village``,
    recorded by ``actor`` (the county admin of its county)."""
    entry = ledger_services.rectification_create(
        actor=actor,
        organization=village,
        problem="党员活动室设施陈旧",
        measures="更新桌椅",
        deadline="2030-01-01",
        responsible_person="李书记",
    )
    visit = ledger_services.visit_create(
        actor=actor,
        visited_on="2024-05-01",
        visitors="县委组织部",
        organizations=[village],
        method="forum",
        problems=[(village, "会议记录不全")],
    )
    evidence = ledger_services.evidence_upload(
        actor=actor, upload=SimpleUploadedFile("证明.pdf", PDF), rectification=entry
    )
    return {"e": entry.pk, "s": visit.pk, "p": visit.problems.get().pk, "x": evidence.pk}


def fairness_records(actor, target: Assessment, *, own: bool) -> dict:
    """A clearance (组织部) of ``target``; in the own scope also a spot-check draw of one village
    and an objection about A1 (the other scope's ids do not exist)."""
    from assessments.models import Objection

    ids = {"l": services.clearance_record(actor=actor, assessment=target).pk}
    if not own:
        return ids | {"d": 0, "h": 0, "o": 0}
    round_ = target.round
    draw = services.spot_draw(actor=actor, round_=round_, size_kind="count", size_value="1", seed=1)
    objection = Objection.objects.create(
        round=round_, assessment=target, kind="objection", issue="数据有误", lodged_by=actor
    )
    return ids | {"d": draw.pk, "h": draw.checks.get().pk, "o": objection.pk}


def uses_ledger(row: Row) -> bool:
    return any(k in row.path or k in str(row.body) for k in LEDGER_KEYS)


def default(role: str, row: Row) -> tuple[int, int]:
    """Roles a row does not list: a wrong role is a 403; the 三员 administrators have no
    village in their scope at all, so a village's records are not found for them."""
    if role in THREE_ADMINS and any(k in row.path for k in VILLAGE_KEYS):
        return (404, 404)
    return (403, 403)


@pytest.mark.parametrize("row", TABLE, ids=[row.name for row in TABLE])
def test_permission_matrix(row: Row, api, cast, county_admin):
    round_ = cast["round"]
    if row.status != round_.status:
        move_to(round_, row.status)
    findings = {}
    if "finding" in row.setup:
        for scope in ("own", "other"):
            findings[scope] = services.finding_create(
                actor=county_admin, assessment=cast[scope], item_code="FJ01", evidence="经查"
            )
            if "confirmed" in row.setup:
                services.finding_confirm(actor=county_admin, finding=findings[scope])
    if "clearance" in row.setup:
        for scope in ("own", "other"):
            services.clearance_record(actor=county_admin, assessment=cast[scope])
    ledger = {"own": {}, "other": {}}
    if uses_ledger(row):
        for scope in ledger:
            ledger[scope] = ledger_records(county_admin, cast[scope].organization)
    if "closed" in row.setup:
        for scope, closer in (("own", "assessor_a"), ("other", "assessor_b")):
            ledger_services.rectification_close(
                actor=cast["users"][closer],
                entry=Rectification.objects.get(pk=ledger[scope]["e"]),
                closure_evidence="已整改",
            )
    fairness = {"own": {}, "other": {}}
    if any(k in row.path for k in FAIRNESS_KEYS):
        for scope in fairness:
            fairness[scope] = fairness_records(county_admin, cast[scope], own=scope == "own")
    item = cast["catalogue"].items.get(code="SJ01")
    jobs = {"own": 0, "other": 0}
    if "job" in row.setup:
        jobs = {"own": job_of(county_admin).pk, "other": job_of(cast["other_admin"]).pk}

    failures = []
    for role in ROLES:
        expected = (401, 401) if role == "anonymous" else row.expect.get(role, default(role, row))
        for scope, want in zip(("own", "other"), expected, strict=True):
            target = cast[scope]
            ids = {
                "a": target.pk,
                "v": target.organization_id,
                "r": round_.pk if scope == "own" else cast["other_round"].pk,
                "f": findings[scope].pk if findings else 0,
                "c": cast["catalogue"].pk,
                "i": item.pk,
                "k": item.category_id,
                "u": cast["accounts"][scope].pk,
                "t": cast["townships"][scope].pk,
                "j": jobs[scope],
                "g": cast["groups"][scope],
                "q": cast["relations"][scope],
                **ledger[scope],
                **fairness[scope],
            }
            url = row.path.format(**ids)
            client = api.as_(cast["users"][role])
            kwargs = {"format": row.format} if row.body is not None else {}
            body = _fill(row.body, target, ids)
            response = getattr(client, row.method)(url, body, **kwargs)
            if response.status_code != want:
                failures.append(f"{role}/{scope}: {response.status_code} ≠ {want}")
            elif response.status_code >= 400:
                assert set(response.json()) >= {"message", "errors"}
    assert not failures, failures


def test_every_route_is_in_the_table():
    """A new endpoint must be added to the matrix (or to the waived list with a reason)."""
    from django.urls import get_resolver

    waived = {
        # Each user's own token is the "own" target, so it does not fit the table's one
        # target per scope; test_tokens.py covers own (204), another user's (404), anonymous.
        "tokens/<id:pk>/",
        # A correction exists only on a published round: approval and rejection (second
        # person, role, county, state) are walked in tests/assessments/api/test_corrections.py.
        "corrections/<id:pk>/approve/",
        "corrections/<id:pk>/reject/",
        # Per-record writes of organization health: tests/orghealth/test_api.py walks each one
        # (works, anonymous, other township and other county 404, wrong role, bad input, 405).
        "health/commitments/<id:pk>/complete/",
        "health/postings/<id:pk>/extend/",
        "health/members/<id:pk>/leave/",
        # Per-project routes of secretary projects: tests/secretaries/test_api.py walks each.
        "secretary-projects/<id:pk>/",
        "secretary-projects/<id:pk>/submit/",
        "secretary-projects/<id:pk>/review/",
        "secretary-projects/<id:pk>/reports/",
        "secretary-projects/<id:pk>/visits/",
        "secretary-projects/<id:pk>/grade/",
        # Per-session and per-secretary routes of 述职评议: their targets are a session and a
        # reviewed secretary, not the table's village; tests/secretaries/test_review_api.py and
        # test_review_services.py walk each (other township / county 404, wrong role 403, bad
        # input 400 naming the field, the closed session 409, 405).
        "secretary-reviews/<id:pk>/",
        "secretary-reviews/<id:pk>/open/",
        "secretary-reviews/<id:pk>/close/",
        "secretary-reviews/<id:pk>/questions/",
        "secretary-reviews/<id:pk>/problems/",
        "secretary-reviews/<id:pk>/export/",
        "secretary-reviews/secretaries/<id:pk>/",
        "secretary-reviews/secretaries/<id:pk>/report/",
        "secretary-reviews/secretaries/<id:pk>/answers/",
        "secretary-reviews/secretaries/<id:pk>/scores/",
        "secretary-reviews/secretaries/<id:pk>/checks/",
        # Withdrawing a score and the report file (upload, download): tests/secretaries/
        # test_review_corrections.py walks each (role, other township / county 404, anonymous,
        # bad input 400 naming the field, the closed session 409).
        "secretary-reviews/secretaries/<id:pk>/report-file/",
        "secretary-reviews/report-files/<id:pk>/download/",
        "secretary-reviews/scores/<id:pk>/withdraw/",
        # 创星晋级's writes and its records by id: their targets are members, entries and tables,
        # not the table's village; tests/stars/test_api.py and test_outcomes.py walk the
        # checklist for each (other township / county 404, wrong role 403, 400, 405).
        "stars/tables/copy/",
        "stars/tables/<id:pk>/thresholds/",
        "stars/tables/<id:pk>/items/",
        "stars/members/import/",
        "stars/entries/<id:pk>/",
        "stars/entries/<id:pk>/evidence/",
        "stars/entries/<id:pk>/approve/",
        "stars/entries/<id:pk>/reject/",
        "stars/consequences/",
        # S11's fill writes through the sheet save (its stage, village and lock checks):
        # tests/stars/test_ladder_inputs.py walks each role, township, county, lock and 400.
        "stars/ladder-inputs/fill/",
        # 软弱涣散 suggestions acted on: tests/orghealth/test_weak_suggestions.py walks them.
        "health/weak/suggestions/designate/",
        "health/weak/suggestions/dismiss/",
    }
    resolver = get_resolver()
    routes = {
        str(p.pattern)
        for include in resolver.url_patterns
        if str(include.pattern) == "api/v1/"
        for p in include.url_patterns
    }
    tabled = set()
    for row in TABLE:
        path = row.path.split("?")[0].removeprefix("/api/v1/")
        for key in "arfcvuikespxjglqdho":
            path = path.replace("{" + key + "}", "<id:pk>")
        path = path.replace("sheets/self/", "sheets/<str:stage>/")
        path = path.replace("sheets/township/", "sheets/<str:stage>/")
        path = path.replace("sheets/county/", "sheets/<str:stage>/")
        tabled.add(path)
    assert routes - tabled - waived == set()


VILLAGE_ROWS = [row for row in TABLE if any(k in row.path for k in VILLAGE_KEYS)]


@pytest.mark.parametrize("row", VILLAGE_ROWS, ids=[row.name for row in VILLAGE_ROWS])
def test_the_other_county_is_not_found(row: Row, api, cast, county_admin2, village2, township2):
    """Two counties in one system: every village-level endpoint, for every role of the first
    county, on the second county's village, assessment and finding is a 404 (a role refused
    outright may be told 403 first); nothing is written."""
    round2 = cast["other_round"]
    if row.status != round2.status:
        move_to(round2, row.status)
    target = Assessment.objects.get(round=round2, organization=village2)
    finding = services.finding_create(
        actor=county_admin2, assessment=target, item_code="FJ01", evidence="经查"
    )
    item = cast["catalogue"].items.get(code="SJ01")
    ledger = ledger_records(county_admin2, village2) if uses_ledger(row) else {}
    if "{l}" in row.path:
        ledger["l"] = services.clearance_record(
            actor=county_admin2, assessment=target, department="discipline"
        ).pk
    ids = {
        **ledger,
        "a": target.pk,
        "v": village2.pk,
        "r": round2.pk,
        "f": finding.pk,
        "c": cast["catalogue"].pk,
        "i": item.pk,
        "k": item.category_id,
        "u": cast["accounts"]["other"].pk,
        "t": township2.pk,
        "j": 0,
    }

    def written() -> int:
        return AuditLog.objects.exclude(action=AuditLog.Action.PERMISSION_DENIED).count()

    audited = written()
    failures = []
    for role in ROLES[1:]:
        refused = row.expect.get(role, default(role, row)) == (403, 403)
        allowed = {403, 404} if refused else {404}
        client = api.as_(cast["users"][role])
        kwargs = {"format": row.format} if row.body is not None else {}
        response = getattr(client, row.method)(
            row.path.format(**ids), _fill(row.body, target, ids), **kwargs
        )
        if response.status_code not in allowed:
            failures.append(f"{role}: {response.status_code} ∉ {allowed}")
    assert not failures, failures
    finding.refresh_from_db()
    assert finding.status == finding.Status.PENDING
    assert written() == audited  # nothing was written (a refusal is audited as such)
