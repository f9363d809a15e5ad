"""The demo county's secretary projects, in the Fenyi shape (seed 004): a yearly list with the
mandatory 三化建设 (every committee) and 党建+村级集体经济 (townships), optional ones; every
township/street secretary leads 2 or 3 projects; most approved in March, one returned with a
reason, one still waiting for review; monthly reports since, mostly on time, a few late and a few
months owed; random visits; last year's projects graded.

The claims, reviews and visits go through the services. A month's report is dated the day it is
handed in, so the months before today are written as the history they would be (submitted on
their day, lateness by the same rule, docs/scoring.md §10.1)."""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.utils import timezone

from organizations.models import Organization, User
from secretaries import rules, selectors, services
from secretaries.models import ProgressReport, SecretaryProject

OPTIONS = [
    ("基层党建“三化”建设", "mandatory", "all", "今年基层党建“一号工程”"),
    ("党建+村级集体经济", "mandatory", "township", "决战决胜脱贫攻坚的重要基础"),
    ("党员评星定级", "optional", "all", ""),
    ("村（社区）干部“一人一档”", "optional", "all", "规范村干部队伍管理"),
    ("流动党员教育管理", "optional", "all", ""),
    ("小区值日生", "optional", "street", "老旧小区无物业的治理"),
    ("党建引领社区治理", "optional", "street", "“7+X”共议模式"),
]


def build_secretary_projects(
    county: Organization, townships, users: dict[str, User], *, seed: int
) -> None:
    rng = random.Random(seed + 4)
    today = timezone.localdate()
    admin = users["county_admin"]
    for year in (today.year - 1, today.year):
        options = {
            title: services.option_create(
                actor=admin,
                year=year,
                title=title,
                kind=kind,
                applies_to=applies,
                description=description,
            )
            for title, kind, applies, description in OPTIONS
        }
        for i, township in enumerate(townships, start=1):
            actor = users[f"township_{i}"]
            mine = [o for o in options.values() if o.applies(township)]
            mandatory = [o for o in mine if o.kind == "mandatory"]
            optional = [o for o in mine if o.kind == "optional"]
            chosen = mandatory + rng.sample(
                optional, k=max(0, min(3 - len(mandatory), rng.randint(1, 2)))
            )
            projects = [
                services.project_claim(
                    actor=actor,
                    option=o,
                    goal=f"{year}年底前{o.title}取得明显成效",
                    plan="一是摸清底数；二是制定方案、明确时间表；三是每月调度、年底总结。",
                    team=f"{township.name}党（工）委书记任组长，组织委员和相关站所负责人参加",
                )
                for o in chosen
            ]
            for n, project in enumerate(projects):
                if year == today.year and i == 2 and n == len(projects) - 1:
                    continue  # still a draft being written
                services.project_submit(actor=actor, project=project)
                if year == today.year and i == 3 and n == 0:
                    services.project_review(
                        actor=admin,
                        project=project,
                        decision="return",
                        reason="项目目标不够具体，请细化到村和时间节点",
                    )
                    continue
                if year == today.year and i == 4 and n == 0:
                    continue  # waiting for review
                services.project_review(actor=admin, project=project, decision="approve")
                _history(project, actor, year, today, rng)
                if rng.random() < 0.5:
                    services.visit_add(
                        actor=admin,
                        project=project,
                        visited_on=min(today, date(year, 9, 15)),
                        method=rng.choice(["random", "on_site"]),
                        visitors="县委组织部组织科",
                        findings="随机走访两个村，项目推进有序，群众认可",
                    )
                if year < today.year:
                    services.project_grade(
                        actor=admin,
                        project=SecretaryProject.objects.get(pk=project.pk),
                        grade=rng.choice(["excellent", "good", "good", "fair"]),
                        comment="完成年度目标，成效较好",
                    )


def _history(project: SecretaryProject, actor: User, year: int, today, rng) -> None:
    """Approved on 10 March; a report for every month since whose due day is past, mostly on
    time; one month in six owed (never handed in)."""
    approved = date(year, 3, 10)
    SecretaryProject.objects.filter(pk=project.pk).update(approved_on=approved)
    due_day = selectors.due_day()
    rows = []
    for month in rules.months_owed(approved, date(year, 12, 1), today, due_day):
        if rng.random() < 1 / 6 and year == today.year:
            continue
        due = rules.report_due(month, due_day)
        submitted = (
            due - timedelta(days=rng.randint(0, 4))
            if rng.random() < 0.85
            else due + timedelta(days=rng.randint(1, 6))
        )
        rows.append(
            ProgressReport(
                project=project,
                month=month,
                progress=f"{month.month}月：召开推进会，完成阶段任务",
                evidence="会议纪要、现场照片",
                submitted_on=submitted,
                days_late=rules.days_late(month, submitted, due_day),
                by=actor,
            )
        )
    ProgressReport.objects.bulk_create(rows)
