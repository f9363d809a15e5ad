"""Read-only pages over a round's results: the dashboard, a village's history, the publicity
list."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from assessments import advice, policies, selectors
from assessments.models import Round
from assessments.views.common import (
    COUNTY_STAFF,
    DASHBOARD_ROLES,
    ROUND_ROLES,
    VILLAGE_ROLES,
    round_context,
)
from dashboards.forms import DashboardFilterForm
from dashboards.selectors import (
    dashboard_summary,
    publicity_entries,
    publicity_missing,
    ranking_count,
    ranking_for_user,
)
from dashboards.views.record import village_explain_context
from organizations.models import Role
from organizations.selectors import rated_organizations_for_user
from starrating.pages import Counted, paginate, require_role


def percent_text(value: Decimal | None) -> str | None:
    return None if value is None else f"{(value * 100).quantize(Decimal('0.1'))}"


SORT_ORDERS = {
    "-composite": ("-composite", "-total"),
    "composite": ("composite", "total"),
    "-level": ("-level", "-composite"),
    "township": ("organization__parent__code", "-composite"),
    "name": ("organization__name",),
}


@login_required
@require_GET
def dashboard(request: HttpRequest, round_id: int) -> HttpResponse:
    require_role(request.user, DASHBOARD_ROLES)
    round_ = selectors.round_get_for_user(user=request.user, pk=round_id)
    summary = dashboard_summary(round_, request.user)
    # The townships with villages in the round (the summary's, by code) filter the ranking.
    townships = [(t["id"], t["name"]) for t in summary["townships"]]
    form = DashboardFilterForm(
        request.GET or None, townships=townships, rates_townships=round_.rates_townships
    )
    filters = form.cleaned_data if form.is_valid() else {}

    bins = summary["histogram"]
    histogram = [
        {"label": label if label.startswith("<") else f"{label}–{int(label) + 5}", "count": n}
        for label, n in bins.items()
    ]
    level = filters.get("level")
    level = int(level) if level not in (None, "") else None
    township_id = filters.get("township")
    ranking = ranking_for_user(
        round_,
        request.user,
        township_id=township_id,
        level=level,
        order=SORT_ORDERS[filters.get("sort") or "-composite"],
    )
    # Its length is in the stored counts: the pages need no COUNT of the round.
    ranking = Counted(ranking, ranking_count(summary, township_id=township_id, level=level))
    levels = list(range(5, -1, -1))
    targets = [
        {
            "label": _("三星及以上（保三）"),
            "target": percent_text(round_.target_share_3),
            "share": summary["share_3_plus"],
            "count": summary["level_3_plus"],
            "goal": round_.target_share_3,
        },
        {
            "label": _("四星及以上（争四）"),
            "target": percent_text(round_.target_share_4),
            "share": summary["share_4_plus"],
            "count": summary["level_4_plus"],
            "goal": round_.target_share_4,
        },
    ]
    for t in targets:
        t["actual"] = percent_text(t["share"])
        t["met"] = t["share"] is not None and t["share"] >= t["goal"]
    township_rows = [
        (t["name"], *(t["levels"][str(lv)] for lv in levels), t["pending"])
        for t in summary["townships"]
    ]
    charts = {
        "distribution": {
            "townships": [t["name"] for t in summary["townships"]],
            "series": [
                {"name": f"{lv}星", "data": [t["levels"][str(lv)] for t in summary["townships"]]}
                for lv in levels
            ],
        },
        "histogram": {
            "labels": [h["label"] for h in histogram],
            "counts": [h["count"] for h in histogram],
        },
        "targets": {
            "labels": [t["label"] for t in targets],
            "target": [t["target"] for t in targets],
            "actual": [t["actual"] or "0" for t in targets],
        },
    }
    return render(
        request,
        "dashboards/dashboard.html",
        {
            **round_context(request, round_, "dashboard"),
            "data": summary,
            "levels": levels,
            "histogram": histogram,
            "charts": charts,
            "township_rows": township_rows,
            "ranking": paginate(request, ranking),
            "form": form,
            "targets": targets,
        },
    )


@login_required
@require_GET
def village(request: HttpRequest, org_id: int) -> HttpResponse:
    require_role(request.user, VILLAGE_ROLES)
    try:
        org = rated_organizations_for_user(request.user).select_related("parent").get(pk=org_id)
    except Exception as exc:  # DoesNotExist, or a malformed id
        raise Http404 from exc
    # Through the assessments selector, not the county: an evaluation group member sees only
    # the villages of their own groups (DOMAIN.md §1), published or not.
    assessments = (
        selectors.assessments_for_user(request.user)
        .filter(organization=org)
        .select_related("round", "round__catalogue", "survey")
    )
    if request.user.has_role(Role.EVALUATOR) and not assessments.exists():
        raise Http404
    if not request.user.has_role(*COUNTY_STAFF):
        assessments = assessments.filter(
            round__status__in=[Round.Status.PUBLISHED, Round.Status.ARCHIVED]
        )
    assessments = list(assessments.order_by("-round__year"))
    rows, category_names = [], []
    latest_advice = None
    for a in assessments:
        rules = selectors.round_rules(a.round)
        names = [(c.code, c.name) for c in rules.categories]
        for name in names:
            if name not in category_names:
                category_names.append(name)
        scores = a.category_scores or {}
        rows.append({"assessment": a, "scores": scores})
        if latest_advice is None and a.has_result and scores and a.composite is not None:
            latest_advice = {
                "round": a.round,
                "advice": advice.level_advice(
                    rules,
                    {c: Decimal(v) for c, v in scores.items()},
                    a.composite,
                    level=a.level_before_quota if a.level_before_quota is not None else a.level,
                    steps=[(s["rule"], s["level"]) for s in a.result_steps or []],
                    previous_level=a.previous_level,
                    vetoed=a.vetoed,
                    after_quota=a.level,
                    verb=_("评定") if a.round.is_published else _("预计"),
                ),
            }
    vetoes = selectors.confirmed_vetoes(
        row["assessment"].pk for row in rows if row["assessment"].vetoed
    )
    # 动态管理: the published level stays as published; the current level and the trail of
    # corrections come beside it (one query, scoped: a village sees approved ones only; none
    # while no result is published, as only a published result is corrected).
    published = [a.pk for a in assessments if a.round.is_published]
    trails: dict[int, list] = {}
    if published:
        for c in (
            selectors.corrections_for_user(request.user)
            .filter(assessment_id__in=published)
            .order_by("proposed_at", "pk")
        ):
            trails.setdefault(c.assessment_id, []).append(c)
    for row in rows:
        row["cells"] = [(name, row["scores"].get(code)) for code, name in category_names]
        trail = trails.get(row["assessment"].pk, [])
        row["current"] = selectors.current_of(row["assessment"], trail)
        row["trail"] = trail
        row["vetoes"] = vetoes.get(row["assessment"].pk, [])
    corrections = [c for row in rows for c in row["trail"]]
    # 撤并: what the village came from or went into, and the previous level rule 10 will read
    # for it in next year's round (own, corrected, imported or inherited).
    successions = selectors.successions_of(org)
    next_year, next_previous = None, None
    if successions:
        latest = (
            selectors.rounds_for_user(request.user)
            .filter(status__in=[Round.Status.PUBLISHED, Round.Status.ARCHIVED])
            .order_by("-year")
            .values_list("year", flat=True)
            .first()
        )
        next_year = (latest or timezone.localdate().year) + 1
        next_previous = selectors.next_previous_level(
            org, county_id=org.parent.parent_id, year=next_year
        )
    # Score history: only the stages whose sheets the reader may see (a village secretary
    # does not see the county stage's working values before they are published).
    visible: dict[int, bool] = {}  # per sheet: the policy may query (an evaluator's groups)
    history = []
    for line in selectors.score_history(org):
        sheet = line["sheet"]
        if sheet.pk not in visible:
            visible[sheet.pk] = policies.can_view_sheet(request.user, sheet.assessment, sheet.stage)
        if visible[sheet.pk]:
            history.append(line)
    history_page = paginate(request, history)
    return render(
        request,
        "dashboards/village.html",
        {
            "village": org,
            "rows": rows,
            "category_names": category_names,
            "latest": latest_advice,
            "history": history_page.object_list,
            "history_page": history_page,
            **village_explain_context(request.user, assessments),
            "corrections": corrections,
            "successions": successions,
            "next_year": next_year,
            "next_previous": next_previous,
            "may_correct": request.user.has_role(Role.COUNTY_ADMIN),
        },
    )


@login_required
@require_GET
def publicity(request: HttpRequest, round_id: int) -> HttpResponse:
    require_role(request.user, ROUND_ROLES)
    round_ = selectors.round_get_for_user(user=request.user, pk=round_id)
    public = round_.is_public
    if not public and not request.user.has_role(*COUNTY_STAFF):
        raise PermissionDenied(_("公示名单尚未发布。"))
    entries = publicity_entries(round_)
    if round_.rates_townships and not request.user.has_role(*COUNTY_STAFF):
        # A township round's list is the county's: a township reads its own line only.
        entries = entries.filter(
            pk__in=selectors.assessments_for_user(request.user, round_=round_).values("pk")
        )
    show_all = bool(request.GET.get("all"))
    return render(
        request,
        "dashboards/publicity.html",
        {
            **round_context(request, round_, "publicity"),
            # The whole list (?all=1) is the printable one; on screen it comes in pages.
            "entries": entries if show_all else paginate(request, entries, per_page=100),
            "all": show_all,
            "draft": not public,
            # Villages without a result are not on the list: say which (county staff only).
            "missing": publicity_missing(round_) if request.user.has_role(*COUNTY_STAFF) else [],
        },
    )
