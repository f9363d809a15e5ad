"""创星晋级 reads, each scoped by the user: another township's or county's member, branch,
entry or table is a 404. Rankings and summaries read the stored standings (written by the
services through ``stars.rules``); the ladder figure for the annual rating is here too (S7)."""

from __future__ import annotations

from collections import Counter, defaultdict
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import ExtractMonth
from django.http import Http404

from assessments.models import Assessment, Round
from organizations.models import VILLAGE_KINDS, Organization, Role, User
from organizations.selectors import townships_for_user, villages_for_user

from . import rules
from .models import (
    ConsequenceTable,
    Ladder,
    LadderInput,
    PartyMember,
    PointEntry,
    PointsTable,
    StarStanding,
)


def tables_for_user(user: User) -> QuerySet[PointsTable]:
    if not user.is_authenticated or user.county_id is None:
        return PointsTable.objects.none()
    return PointsTable.objects.filter(county_id=user.county_id)


def table_get_for_user(*, user: User, pk: int) -> PointsTable:
    table = tables_for_user(user).filter(pk=pk).first()
    if table is None:
        raise Http404
    return table


def table_for_year(*, user: User, year: int, ladder: str) -> PointsTable | None:
    return tables_for_user(user).filter(year=year, ladder=ladder).first()


def years_for_user(user: User) -> list[int]:
    return sorted(set(tables_for_user(user).values_list("year", flat=True)), reverse=True)


def members_for_user(user: User) -> QuerySet[PartyMember]:
    return PartyMember.objects.filter(branch__in=villages_for_user(user)).select_related(
        "branch__parent"
    )


def member_get_for_user(*, user: User, pk: int) -> PartyMember:
    member = members_for_user(user).filter(pk=pk).first()
    if member is None:
        raise Http404
    return member


def committees_for_user(user: User) -> QuerySet[Organization]:
    """Township committees: a township assessor sees its own, a secretary none."""
    if user.role == Role.VILLAGE_SECRETARY:
        return Organization.objects.none()
    return townships_for_user(user)


def subject_org_for_user(*, user: User, pk: int) -> Organization:
    """A branch (village) or committee (township) the user may see, else 404."""
    org = (
        Organization.objects.filter(
            Q(pk__in=villages_for_user(user).values("pk"))
            | Q(pk__in=committees_for_user(user).values("pk"))
        )
        .select_related("parent")
        .filter(pk=pk)
        .first()
    )
    if org is None:
        raise Http404
    return org


def entries_for_user(user: User) -> QuerySet[PointEntry]:
    if not user.is_authenticated or user.county_id is None:
        return PointEntry.objects.none()
    villages = villages_for_user(user).values("pk")
    return (
        PointEntry.objects.filter(table__county_id=user.county_id)
        .filter(
            Q(member__branch__in=villages)
            | Q(organization__in=villages)
            | Q(organization__in=committees_for_user(user).values("pk"))
        )
        .select_related(
            "table", "item", "member__branch", "organization", "recorded_by", "decided_by"
        )
    )


def entry_get_for_user(*, user: User, pk: int) -> PointEntry:
    entry = entries_for_user(user).filter(pk=pk).first()
    if entry is None:
        raise Http404
    return entry


def _subjects(user: User, ladder: str, township: Organization | None) -> list:
    """(key, name, township name, object) of every subject of a ladder in scope."""
    if ladder == Ladder.MEMBER:
        qs = members_for_user(user).filter(is_active=True)
        if township is not None:
            qs = qs.filter(branch__parent=township)
        return [(("m", m.pk), m.name, m.branch.parent.name, m) for m in qs]
    if ladder == Ladder.BRANCH:
        qs = villages_for_user(user).select_related("parent").filter(is_active=True)
        if township is not None:
            qs = qs.filter(parent=township)
        return [(("o", o.pk), o.name, o.parent.name, o) for o in qs.order_by("code")]
    qs = committees_for_user(user).filter(is_active=True)
    if township is not None:
        qs = qs.filter(pk=township.pk)
    return [(("o", o.pk), o.name, o.name, o) for o in qs.order_by("code")]


def _standings(table: PointsTable | None) -> dict:
    if table is None:
        return {}
    return {
        (("m", s.member_id) if s.member_id else ("o", s.organization_id)): s
        for s in StarStanding.objects.filter(table=table)
    }


def ranking(
    *, user: User, year: int, ladder: str, township: Organization | None = None
) -> list[dict]:
    """A ladder's ranking in scope (the whole county, or one township): stars, then points.
    Subjects with no approved entry stand at no star (S5). On the committee ladder each row
    also has its 示范星 (S6); on the branch ladder the mean of its members decides 示范星."""
    table = table_for_year(user=user, year=year, ladder=ladder)
    standings = _standings(table)
    children: dict[int, list[int]] = defaultdict(list)
    if ladder in (Ladder.BRANCH, Ladder.COMMITTEE):
        child_ladder = Ladder.MEMBER if ladder == Ladder.BRANCH else Ladder.BRANCH
        child_table = table_for_year(user=user, year=year, ladder=child_ladder)
        child_stars = {k: s.stars for k, s in _standings(child_table).items()}
        for key, _name, _t, obj in _subjects(
            user, child_ladder, township if ladder == Ladder.BRANCH else None
        ):
            parent = obj.branch_id if child_ladder == Ladder.MEMBER else obj.parent_id
            children[parent].append(child_stars.get(key, 0))
    rows = []
    for key, name, township_name, obj in _subjects(user, ladder, township):
        s = standings.get(key)
        stars = s.stars if s else 0
        row = {
            "key": key,
            "id": obj.pk,
            "name": name,
            "township": township_name,
            "branch": obj.branch.name if ladder == Ladder.MEMBER else "",
            "category": obj.get_category_display() if ladder == Ladder.MEMBER else "",
            "points": s.points if s else Decimal("0.0"),
            "deducted": s.deducted if s else 0,
            "vetoed": s.vetoed if s else False,
            "stars": stars,
        }
        if ladder != Ladder.MEMBER:
            row["exemplary"] = rules.exemplary_star(stars, children.get(obj.pk, []))
        rows.append(row)
    rows.sort(key=lambda r: (-r["stars"], -r["points"], r["name"]))
    for n, row in enumerate(rows, start=1):
        row["rank"] = n
    return rows


def summary(*, user: User, year: int, ladder: str, township: Organization | None = None) -> dict:
    """Monthly and quarterly sums of approved points in scope (S1), entry counts, and how many
    subjects stand at each grade now."""
    table = table_for_year(user=user, year=year, ladder=ladder)
    entries = entries_for_user(user).filter(table=table, status=PointEntry.Status.APPROVED)
    if township is not None:
        entries = entries.filter(
            Q(member__branch__parent=township)
            | Q(organization__parent=township)
            | Q(organization=township)
        )
    monthly = {m: Decimal("0.0") for m in range(1, 13)}
    counts = dict.fromkeys(range(1, 13), 0)
    for row in (
        entries.filter(item__kind="add")
        .annotate(month=ExtractMonth("occurred_on"))
        .values("month")
        .annotate(total=Sum("points"))
    ):
        monthly[row["month"]] = row["total"]
    for month in entries.annotate(month=ExtractMonth("occurred_on")).values_list(
        "month", flat=True
    ):
        counts[month] += 1
    grades = Counter(
        r["stars"] for r in ranking(user=user, year=year, ladder=ladder, township=township)
    )
    return {
        "table": table,
        "monthly": [{"month": m, "points": monthly[m], "entries": counts[m]} for m in range(1, 13)],
        "quarterly": [
            {"quarter": q, "points": v} for q, v in rules.quarterly_sums(monthly).items()
        ],
        "grades": [{"stars": g, "count": grades.get(g, 0)} for g in range(5, -1, -1)],
        "subjects": sum(grades.values()),
    }


def handbook(
    *,
    user: User,
    year: int,
    member: PartyMember | None = None,
    organization: Organization | None = None,
) -> dict:
    """The 记分手册 of one member or organization: its entries of the year by month (S1)."""
    subject = {"member": member} if member is not None else {"organization": organization}
    entries = list(
        entries_for_user(user).filter(table__year=year, **subject).order_by("occurred_on", "id")
    )
    approved = [
        rules.Entry(e.occurred_on, e.item.kind, e.points)
        for e in entries
        if e.status == PointEntry.Status.APPROVED
    ]
    table = entries[0].table if entries else None
    if table is None:
        ladder = (
            Ladder.MEMBER
            if member is not None
            else Ladder.BRANCH
            if organization.is_village_level
            else Ladder.COMMITTEE
        )
        table = table_for_year(user=user, year=year, ladder=ladder)
    result = rules.standing(approved, table.thresholds, year) if table else None
    return {"entries": entries, "table": table, "standing": result, "year": year}


def member_share_at_least(*, branch: Organization, year: int, minimum: int = 4) -> Decimal:
    """S7: the share of a branch's registered members standing at ``minimum`` stars or more in
    ``year`` — the ladder figure an annual-rating item may take as its input."""
    members = list(
        PartyMember.objects.filter(branch=branch, is_active=True).values_list("pk", flat=True)
    )
    stars = dict(
        StarStanding.objects.filter(
            member_id__in=members, table__year=year, table__ladder=Ladder.MEMBER
        ).values_list("member_id", "stars")
    )
    return rules.share_at_least([stars.get(pk, 0) for pk in members], minimum)


# --- 奖惩凭星 --------------------------------------------------------------------------------


def consequences_for(*, user: User, year: int) -> ConsequenceTable | None:
    if not user.is_authenticated or user.county_id is None:
        return None
    return ConsequenceTable.objects.filter(county_id=user.county_id, year=year).first()


def outcomes(*, user: User, year: int, township: Organization | None = None) -> dict:
    """S8–S10 for a year in scope: each village's pay ratio, award eligibility and 软弱涣散
    flag (by its branch's 堡垒星), and the members first for awards or up for 不合格党员 review.
    Without a table the default ratios and lines apply (and the page says so)."""
    table = consequences_for(user=user, year=year)
    ratios = table.pay_ratios if table else rules.DEFAULT_PAY
    award_min = table.award_min_stars if table else 4
    unqualified_max = table.unqualified_max_stars if table else 1
    weak_max = table.weak_max_stars if table else 1
    villages = []
    for row in ranking(user=user, year=year, ladder=Ladder.BRANCH, township=township):
        result = rules.village_outcome(
            row["stars"], row["vetoed"], ratios, award_min=award_min, weak_max=weak_max
        )
        villages.append(
            {
                **row,
                "pay_ratio": result.pay_ratio,
                "award": result.award_eligible,
                "weak": result.weak_candidate,
            }
        )
    villages.sort(key=lambda r: (r["township"], r["name"]))
    flagged = {"award": [], "review": []}
    for row in ranking(user=user, year=year, ladder=Ladder.MEMBER, township=township):
        flag = rules.member_flag(row["stars"], award_min=award_min, unqualified_max=unqualified_max)
        if flag:
            flagged[flag].append(row)
    return {
        "consequences": table,
        "ratios": list(enumerate(ratios)),
        "award_min": award_min,
        "unqualified_max": unqualified_max,
        "weak_max": weak_max,
        "villages": villages,
        "members_award": flagged["award"],
        "members_review": flagged["review"],
    }


def village_outcome(*, user: User, village: Organization, year: int) -> dict | None:
    """S8/S9 for one village (its page): None when the county has neither a 堡垒星 table nor a
    奖惩凭星 table for the year. Three queries."""
    table = table_for_year(user=user, year=year, ladder=Ladder.BRANCH)
    consequences = consequences_for(user=user, year=year)
    if table is None and consequences is None:
        return None
    standing = (
        StarStanding.objects.filter(table=table, organization=village).first() if table else None
    )
    stars = standing.stars if standing else 0
    vetoed = standing.vetoed if standing else False
    result = rules.village_outcome(
        stars,
        vetoed,
        consequences.pay_ratios if consequences else rules.DEFAULT_PAY,
        award_min=consequences.award_min_stars if consequences else 4,
        weak_max=consequences.weak_max_stars if consequences else 1,
    )
    return {"year": year, "consequences": consequences, "vetoed": vetoed, "outcome": result}


def outcome_year(user: User) -> int | None:
    """The newest year with a 奖惩凭星 or a 堡垒星 table in the user's county."""
    if not user.is_authenticated or user.county_id is None:
        return None
    years = (
        ConsequenceTable.objects.filter(county_id=user.county_id)
        .order_by()
        .values_list("year", flat=True)
        .union(
            tables_for_user(user)
            .filter(ladder=Ladder.BRANCH)
            .order_by()
            .values_list("year", flat=True)
        )
    )
    return max(years, default=None)


def report_outcomes(*, round_: Round, organization_ids) -> tuple[ConsequenceTable, object] | None:
    """The annual report's 奖惩凭星 columns (workbooks.registry): None without a consequence
    table for the round's county and year (the report stays as it was); else the table and a
    stream of (village code, stars, vetoed) ordered by code — one query for all villages, read
    in chunks, so the report keeps its constant memory."""
    table = ConsequenceTable.objects.filter(county_id=round_.county_id, year=round_.year).first()
    if table is None:
        return None
    # A round of township organizations (镇街评定) has no 堡垒星 to show.
    if not Organization.objects.filter(pk__in=organization_ids, kind__in=VILLAGE_KINDS).exists():
        return None
    rows = (
        StarStanding.objects.filter(
            table__county_id=round_.county_id,
            table__year=round_.year,
            table__ladder=Ladder.BRANCH,
            organization_id__in=organization_ids,
        )
        .order_by("organization__code")
        .values_list("organization__code", "stars", "vetoed")
        .iterator(chunk_size=2000)
    )
    return table, rows


# --- ladder figures as annual-rating item inputs (S11) ---------------------------------------


def rounds_for_user(user: User) -> QuerySet[Round]:
    if not user.is_authenticated or user.county_id is None:
        return Round.objects.none()
    return Round.objects.filter(county_id=user.county_id).select_related("catalogue")


def round_get_for_user(*, user: User, pk: int | None) -> Round:
    found = rounds_for_user(user).filter(pk=pk).first() if pk else None
    if found is None:
        raise Http404
    return found


def ladder_inputs(round_: Round, *, active_only: bool = True) -> list[LadderInput]:
    qs = LadderInput.objects.filter(round=round_).select_related("item", "updated_by")
    return list(qs.filter(is_active=True) if active_only else qs)


def ladder_share(entry: LadderInput, *, village: Organization, year: int) -> Decimal:
    """S11's share for one village: S7's member share at the line, or 堡垒星 ÷ 5."""
    if entry.figure == LadderInput.Figure.BRANCH_STARS:
        standing = StarStanding.objects.filter(
            table__county_id=entry.round.county_id,
            table__year=year,
            table__ladder=Ladder.BRANCH,
            organization=village,
        ).first()
        stars = 0 if standing is None or standing.vetoed else standing.stars
        return rules.branch_share(stars)
    return member_share_at_least(branch=village, year=year, minimum=entry.min_stars)


def ladder_values(assessment: Assessment) -> list[dict]:
    """Each active ladder input of the assessment's round: the figure for its village and the
    points it gives (S11). The caller has scoped the assessment."""
    round_ = assessment.round
    rows = []
    for entry in ladder_inputs(round_):
        share = ladder_share(entry, village=assessment.organization, year=round_.year)
        rows.append(
            {
                "input": entry,
                "item": entry.item,
                "code": entry.item.code,
                "share": share,
                "points": rules.input_points(share, entry.item.max_points, entry.full_share),
                "rule": entry.rule_text,
            }
        )
    return rows


def weak_candidates(*, user: User, year: int) -> list[dict]:
    """S9's 软弱涣散 candidates in scope for a year: villages whose branch stands at the weak line
    or below, or is vetoed — only when the county keeps a 堡垒星 table that year (without one no
    village has stars, and none is flagged). Each with its reason, for orghealth's list."""
    if table_for_year(user=user, year=year, ladder=Ladder.BRANCH) is None:
        return []
    table = consequences_for(user=user, year=year)
    weak_max = table.weak_max_stars if table else 1
    found = []
    for row in ranking(user=user, year=year, ladder=Ladder.BRANCH):
        result = rules.village_outcome(
            row["stars"], row["vetoed"], rules.DEFAULT_PAY, award_min=6, weak_max=weak_max
        )
        if result.weak_candidate:
            reason = (
                f"{year}年创星晋级堡垒星被否决"
                if row["vetoed"]
                else f"{year}年创星晋级堡垒星{row['stars']}星（{weak_max}星及以下）"
            )
            found.append({"organization_id": row["id"], "reason": reason})
    return found
