"""A whole year driven by another government system with tokens only (issue 14, item 8): the
tree, the accounts, the catalogue, the round, the scores by an Excel import job, the stages,
publishing and the annual report — no page, no service called by the test after the install.

What the install gives (docs/deployment.md): the county, its county admin, its system
administrator and an indicator maintainer, and the shipped catalogue. Each of them makes a
token; everything else is over /api/v1/ with ``Authorization: Bearer``."""

from __future__ import annotations

from decimal import Decimal

import openpyxl
import pytest
from rest_framework.test import APIClient

from organizations.models import AuditLog
from organizations.services import api_token_create
from tests.support.excel import fill

pytestmark = pytest.mark.django_db


class TokenClient:
    """The API as a script sees it: JSON in and out, a token, nothing else. Every answer is
    checked against the status the step expects (its error body shown when not)."""

    def __init__(self, user):
        _token, key = api_token_create(actor=user, name="省级平台对接")
        self.client = APIClient()
        self.client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")

    def call(self, method: str, path: str, body=None, *, expect: int = 200, **kwargs):
        kwargs.setdefault("format", "json")
        response = getattr(self.client, method)(f"/api/v1{path}", body, **kwargs)
        detail = response.json() if response.get("Content-Type") == "application/json" else ""
        assert response.status_code == expect, (method, path, response.status_code, detail)
        return response

    def json(self, method: str, path: str, body=None, *, expect: int = 200, **kwargs):
        return self.call(method, path, body, expect=expect, **kwargs).json()

    def job(self, started: dict) -> dict:
        """Poll a job to its end (it ran on commit here; a real client would wait)."""
        job = self.json("get", started["url"].removeprefix("/api/v1"))
        assert job["status"] == "succeeded", job
        return job

    def download(self, job: dict, path):
        response = self.call("get", job["download_url"].removeprefix("/api/v1"))
        path.write_bytes(b"".join(response.streaming_content))
        return path


def test_a_year_end_to_end_with_tokens_only(
    county,
    county_admin,
    system_admin,
    maintainer,
    catalogue,
    tmp_path,
    media_root,
    django_capture_on_commit_callbacks,
):
    admin, sysadmin, editor = (
        TokenClient(county_admin),
        TokenClient(system_admin),
        TokenClient(maintainer),
    )

    # 1. The tree: a township and its three villages; one village is later merged away.
    township = admin.json(
        "post",
        "/organizations/",
        {"code": "220602103000", "name": "红土崖镇", "kind": "township", "parent": county.pk},
        expect=201,
    )
    villages = [
        admin.json(
            "post",
            "/organizations/",
            {
                "code": f"220602103{n:03d}",
                "name": name,
                "kind": "village",
                "parent": township["id"],
                "secretary_name": f"{name[0]}书记",
            },
            expect=201,
        )
        for n, name in ((201, "红土崖村"), (202, "双岔村"), (203, "老营沟村"))
    ]
    admin.json("patch", f"/organizations/{villages[1]['id']}/", {"name": "双岔河村"})  # renamed
    admin.json(
        "post",
        f"/organizations/{villages[2]['id']}/active/",
        {"active": False, "reason": "并入红土崖村"},
    )

    # 2. The accounts (三员: the system administrator, never the county admin).
    assessor = sysadmin.json(
        "post",
        "/users/",
        {"username": "hongtuya", "role": "township_assessor", "organization": township["id"]},
        expect=201,
    )
    assert assessor["password"] and assessor["must_change_password"]
    admin.call("post", "/users/", {"username": "x"}, expect=403)

    # 3. The catalogue: this year's is a copy of the shipped one, edited before the round.
    version = editor.json(
        "post", f"/catalogues/{catalogue.pk}/copy/", {"name": "2025版", "year": 2025}, expect=201
    )
    detail = editor.json("get", f"/catalogues/{version['id']}/")
    first_item = detail["categories"][0]["items"][0]
    editor.json("patch", f"/items/{first_item['id']}/", {"guidance": "以会议记录为准"})
    scored = [i for c in detail["categories"] for i in c["items"] if i["kind"] == "scored"]

    # 4. The round: created, opened (the catalogue freezes), self and township stages passed.
    round_ = admin.json("post", "/rounds/", {"year": 2025, "catalogue": version["id"]}, expect=201)
    rid = round_["id"]
    assert admin.json("post", f"/rounds/{rid}/open/")["status"] == "self_assessment"
    assert editor.json("get", f"/catalogues/{version['id']}/")["is_frozen"]
    editor.call("patch", f"/items/{first_item['id']}/", {"guidance": "改"}, expect=409)
    assessments = admin.json("get", f"/assessments/?round={rid}")["results"]
    assert sorted(a["organization"]["name"] for a in assessments) == ["双岔河村", "红土崖村"]
    assert admin.json("post", f"/rounds/{rid}/advance/")["status"] == "township_review"
    # The county stage opens only with every village in exactly one evaluation group.
    admin.call("post", f"/rounds/{rid}/advance/", expect=409)
    group = admin.json("post", f"/rounds/{rid}/groups/", {"name": "第一考评组"}, expect=201)
    codes = sorted(a["organization"]["code"] for a in assessments)
    admin.json("put", f"/groups/{group['id']}/villages/", {"villages": codes})
    assert admin.json("get", f"/rounds/{rid}/groups/coverage/")["ok"]
    assert admin.json("post", f"/rounds/{rid}/advance/")["status"] == "county_review"

    # 5. The county stage's scores by Excel: template job → fill → import job → submit.
    with django_capture_on_commit_callbacks(execute=True):
        started = admin.json("post", f"/rounds/{rid}/template/", {"stage": "county"}, expect=202)
    template = admin.download(admin.job(started), tmp_path / "template.xlsx")
    shares = {"220602103201": Decimal("0.95"), "220602103202": Decimal("0.75")}
    fill(
        template,
        {
            (code, item["code"]): str(
                (Decimal(item["max_points"]) * share).quantize(Decimal("0.01"))
            )
            for code, share in shares.items()
            for item in scored
        },
    )
    with django_capture_on_commit_callbacks(execute=True), template.open("rb") as f:
        started = admin.json(
            "post",
            f"/rounds/{rid}/scores/import/",
            {"stage": "county", "file": f},
            expect=202,
            format="multipart",
        )
    imported = admin.job(started)
    assert imported["counts"]["created"] == 2 * len(scored)
    for assessment in assessments:
        url = f"/assessments/{assessment['id']}/sheets/county/"
        sheet = admin.json("get", url)
        admin.json("patch", url, {"version": sheet["version"], "scores": {}, "submit": True})

    # 6. Publicity, publishing, the results.
    assert admin.json("post", f"/rounds/{rid}/advance/")["status"] == "publicity"
    assert admin.json("post", f"/rounds/{rid}/publish/")["status"] == "published"
    results = admin.json("get", f"/rounds/{rid}/results/?ordering=-composite")["results"]
    # 95 % everywhere: 5 stars; 75 %: band 3 but no category at its pass line, so 0 (rule 7).
    assert [(r["organization_name"], r["level"]) for r in results] == [
        ("红土崖村", 5),
        ("双岔河村", 0),
    ]

    # 7. The annual report, exported by a job and downloaded.
    with django_capture_on_commit_callbacks(execute=True):
        started = admin.json("post", f"/rounds/{rid}/report/", {}, expect=202)
    report = admin.download(admin.job(started), tmp_path / "report.xlsx")
    workbook = openpyxl.load_workbook(report)
    assert workbook.sheetnames[0] == "汇总"
    my_jobs = admin.json("get", "/jobs/")["results"]
    assert [j["kind"] for j in my_jobs] == ["export_report", "import_scores", "export_template"]

    # Everything above is in the audit log, by whom it was done.
    actions = set(AuditLog.objects.filter(actor=county_admin).values_list("action", flat=True))
    assert {"create", "update", "deactivate", "import", "export", "round_transition"} <= actions
