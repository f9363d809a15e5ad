"""The demo county after publishing (issue 14, items 4 and 5): the published levels of 2021 and
2022 imported as history (the county used paper before 2023), a star stripped from a 2023
result after a veto event found in 2024 (approved by a second administrator) and a correction
awaiting approval, and two villages merged into a new one in mid-2024. Written through the
services, as a user's actions would be."""

from __future__ import annotations

import random
from datetime import date

from assessments import services
from assessments.models import Round
from assessments.services import HistoryRow
from organizations.models import Organization, RatingTarget, User

STRIP_REASON = (
    "2024年3月，该村党支部书记因违反中央八项规定精神受到党内严重警告处分（区纪委监委通报）。"
)


def build_history(county: Organization, townships, users: dict[str, User], *, seed: int) -> None:
    admin, second = users["county_admin"], users["county_admin_b"]
    rng = random.Random(seed + 14)
    r23 = Round.objects.get(county=county, year=2023, target=RatingTarget.VILLAGE)
    levels_2023 = dict(r23.assessments.values_list("organization_id", "level"))
    villages = list(
        Organization.objects.filter(parent__parent=county, pk__in=list(levels_2023)).order_by(
            "code"
        )
    )

    # 2021 and 2022 from the paper records: around each village's 2023 level.
    rows, n = [], 1
    for year, drift in ((2021, 2), (2022, 1)):
        for v in villages:
            n += 1
            level = max(0, min(5, (levels_2023[v.pk] or 0) - rng.randint(0, drift)))
            rows.append(
                HistoryRow(
                    sheet="历年星级", row=n, code=v.code, name=v.name, year=year, level=f"{level}星"
                )
            )
    services.history_import(
        actor=admin, rows=rows, source="浑江区2021-2022年度村党组织星级评定结果.xlsx"
    )

    # 摘星: a starred 2023 village, stripped after publishing, approved by the second admin.
    a23 = {a.organization_id: a for a in r23.assessments.select_related("round", "organization")}
    starred = [v for v in villages if (levels_2023[v.pk] or 0) >= 3]
    stripped = starred[len(starred) // 2]
    correction = services.correction_propose(
        actor=admin,
        assessment=a23[stripped.pk],
        kind="strip",
        reason=STRIP_REASON,
        evidence="浑纪通〔2024〕6号",
    )
    services.correction_approve(
        actor=second, correction=correction, note="经部务会研究，同意摘星。"
    )
    # 更正 awaiting approval: proposed by the second admin, for the demo admin to decide.
    wrong = next(v for v in villages if v not in (stripped,) and (levels_2023[v.pk] or 0) >= 2)
    services.correction_propose(
        actor=second,
        assessment=a23[wrong.pk],
        kind="correct",
        new_level=(levels_2023[wrong.pk] or 0) - 1,
        reason="复核发现2023年度“村务公开”减分项漏录，应扣5分，更正后降一星。",
    )

    # 撤并: two villages of the first township merged into a new one on 2024-06-30; it joins
    # the rating from 2025 and inherits the larger one's 2023 level.
    first = [v for v in villages if v.parent_id == townships[0].pk and v != stripped][:2]
    merged = Organization.objects.create(
        code=f"{townships[0].code[:9]}298",
        name=f"{first[0].name[:-1]}{first[1].name[0]}联合村",
        kind=Organization.Kind.VILLAGE,
        parent=townships[0],
        secretary_name=first[0].secretary_name,
        member_count=sum(v.member_count for v in first),
    )
    services.succession_record(
        actor=admin,
        kind="merge",
        predecessor_codes=[v.code for v in first],
        successor_codes=[merged.code],
        effective_date=date(2024, 6, 30),
        note="浑政复〔2024〕21号",
    )
