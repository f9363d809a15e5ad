#!/usr/bin/env python3
"""Run a whole rating round through the REST API with a personal token — an example for the
county's IT staff (docs/api.md). Standard library only.

    python docs/examples/run_round.py --url http://127.0.0.1:8000 --token sr_… --year 2025

The token must belong to a county admin (组织部); create one at ``POST /api/v1/tokens/`` while
logged in, or in the admin. The script:

1. creates the year's round (or reuses it while it is still a draft) and opens it, and puts
   every village in one evaluation group (the county stage opens only then);
2. enters and submits the three stages' sheets (村自评, 镇街初评, 考评组评定) for every village,
   advancing the round after each of the first two;
3. records findings (a star deduction confirmed, a veto withdrawn) and the satisfaction surveys;
4. advances to publicity, publishes, and prints the results and the dashboard summary.

Points are sent as strings ("2.50"): JSON numbers are accepted too (read as exact decimals), but
strings make the two-decimal rule obvious. Every error comes back as
``{"message": …, "errors": [...]}``; the script prints it and stops.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.error
import urllib.request
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

# (method, url, body or None, headers) → (status, parsed JSON or None)
Transport = Callable[[str, str, dict | None, dict], tuple[int, dict | None]]


class ApiError(Exception):
    def __init__(self, status: int, body: dict | None) -> None:
        self.status, self.body = status, body or {}
        problems = "; ".join(
            f"{e.get('item') or e.get('field') or e.get('organization', '')}: {e.get('message')}"
            for e in self.body.get("errors", [])
        )
        super().__init__(f"HTTP {status}: {self.body.get('message', '')} {problems}".strip())


def urllib_transport(method: str, url: str, body: dict | None, headers: dict):
    data = None if body is None else json.dumps(body, ensure_ascii=False).encode()
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            text = response.read()
            return response.status, json.loads(text) if text else None
    except urllib.error.HTTPError as exc:
        text = exc.read()
        return exc.code, json.loads(text) if text else None


class Api:
    """A tiny client: JSON in and out, the token in ``Authorization: Bearer``."""

    def __init__(self, base_url: str, token: str, transport: Transport = urllib_transport):
        self.base_url = base_url.rstrip("/")
        self.headers = {
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
            "Accept": "application/json",
            "Accept-Language": "zh-hans",
        }
        self.transport = transport

    def call(self, method: str, path: str, body: dict | None = None):
        url = path if path.startswith("http") else f"{self.base_url}{path}"
        status, data = self.transport(method, url, body, self.headers)
        if status >= 400:
            raise ApiError(status, data)
        return data

    def get(self, path: str):
        return self.call("GET", path)

    def post(self, path: str, body: dict | None = None):
        return self.call("POST", path, body if body is not None else {})

    def put(self, path: str, body: dict):
        return self.call("PUT", path, body)

    def all(self, path: str) -> list[dict]:
        """Every row of a paginated list, following ``next``."""
        rows, page = [], self.get(path)
        while True:
            rows += page["results"]
            if not page["next"]:
                return rows
            page = self.get(page["next"])


def points_at(max_points: str, share: Decimal) -> str:
    return str((Decimal(max_points) * share).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def run_round(api: Api, *, year: int, log: Callable[[str], None] = print) -> dict:
    """Run the round of ``year`` from draft to published; returns results and dashboard."""
    catalogues = (
        api.get(f"/catalogues/?year={year}")["results"] or api.get("/catalogues/")["results"]
    )
    catalogue = api.get(f"/catalogues/{catalogues[0]['id']}/")
    scored = [
        item for c in catalogue["categories"] for item in c["items"] if item["kind"] == "scored"
    ]
    log(f"指标体系：{catalogue['name']}（{len(scored)}个评分项）")

    existing = api.get(f"/rounds/?year={year}")["results"]
    if existing and existing[0]["status"] != "draft":
        raise SystemExit(f"{year}年度评定轮次已开启（{existing[0]['status']}），请换一个年度。")
    round_ = (
        existing[0]
        if existing
        else api.post("/rounds/", {"year": year, "catalogue": catalogue["id"]})
    )
    rid = round_["id"]
    round_ = api.post(f"/rounds/{rid}/open/")
    log(f"已开启：{round_['name']}，状态 {round_['status']}")

    assessments = api.all(f"/assessments/?round={rid}")
    log(f"评定对象：{len(assessments)}个村")

    # The county stage opens only when every village is in exactly one evaluation group.
    group = api.post(f"/rounds/{rid}/groups/", {"name": "第一考评组"})
    codes = [a["organization"]["code"] for a in assessments]
    api.put(f"/groups/{group['id']}/villages/", {"villages": codes})
    log(f"考评组：{group['name']}负责{len(codes)}个村")

    # Each village scores a little differently, so the levels differ.
    for stage in ("self", "township", "county"):
        for index, assessment in enumerate(assessments):
            share = Decimal("0.97") - Decimal("0.06") * (index % 5)
            if stage == "self":
                share = min(share + Decimal("0.02"), Decimal("1"))
            url = f"/assessments/{assessment['id']}/sheets/{stage}/"
            sheet = api.get(url)
            body = {
                "version": sheet["version"],
                "scores": {i["code"]: points_at(i["max_points"], share) for i in scored},
                "submit": True,
            }
            api.put(url, body)
        log(f"已提交全部“{stage}”评分表")
        if stage != "county":
            round_ = api.post(f"/rounds/{rid}/advance/")
            log(f"进入下一阶段：{round_['status']}")

    first, second = assessments[0]["id"], assessments[-1]["id"]
    deduction = api.post(
        f"/assessments/{first}/findings/",
        {"item": "JX01", "evidence": "被上级通报批评（示例）", "department": "organization"},
    )
    api.post(f"/findings/{deduction['id']}/confirm/")
    veto = api.post(
        f"/assessments/{second}/findings/",
        {"item": "FJ01", "evidence": "待核实的线索（示例）", "department": "discipline"},
    )
    api.post(f"/findings/{veto['id']}/withdraw/", {"reason": "经核查不属实"})
    log("联审问题：1项减星已确认，1项否决已撤回")

    for assessment in assessments:
        api.put(f"/assessments/{assessment['id']}/survey/", {"respondents": 20, "satisfied": 19})
    log("满意度测评已录入")

    round_ = api.post(f"/rounds/{rid}/advance/")
    log(f"进入公示：{round_['status']}")
    round_ = api.post(f"/rounds/{rid}/publish/")
    log(f"已发布：{round_['status']}")

    results = api.all(f"/rounds/{rid}/results/?ordering=-composite")
    for r in results:
        log(
            f"{r['organization_name']:<8} 总分 {r['total']:>6} 综合 {r['composite']:>6} "
            f"{r['level']}星 变化 {r['change']}"
        )
    dashboard = api.get(f"/rounds/{rid}/dashboard/")
    rated, levels = dashboard["rated"], dashboard["levels"]
    log(f"三星及以上 {dashboard['level_3_plus']}/{rated}，星级分布 {levels}")
    return {"round": round_, "results": results, "dashboard": dashboard}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=os.environ.get("STARRATING_URL", "http://127.0.0.1:8000"))
    parser.add_argument("--token", default=os.environ.get("STARRATING_TOKEN"))
    parser.add_argument("--year", type=int, required=True)
    args = parser.parse_args(argv)
    if not args.token:
        parser.error("--token or STARRATING_TOKEN is required")
    api = Api(f"{args.url.rstrip('/')}/api/v1", args.token)
    try:
        run_round(api, year=args.year)
    except ApiError as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
