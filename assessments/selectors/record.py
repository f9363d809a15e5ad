"""The 一村一档 record of one assessment (issue 14, item 7): how its level came about, in Chinese,
from the engine's stored steps (docs/scoring.md rules 1–12); the entries behind each category
(points per stage, who last changed each item and when, from the score rows and the audit log);
the findings, department clearances and the survey that applied.

A fixed number of queries whatever the catalogue's size (the page budget is 15)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.http import Http404
from django.utils.translation import gettext as _

from assessments import policies, scoring
from assessments.models import (
    Assessment,
    DepartmentClearance,
    Finding,
    LevelMode,
    Round,
    SatisfactionSurvey,
    Score,
    Sheet,
    Stage,
)
from indicators.models import Item
from organizations.models import AuditLog, Role, User

from .assessments import assessments_for_user
from .results import catalogue_categories, round_rules

PERCENT = Decimal("100")


def _pct(value: Decimal) -> str:
    return f"{(value * PERCENT).normalize():f}%"


def _names(rules: scoring.RoundRules, codes) -> str:
    names = {c.code: c.name for c in rules.categories}
    return "、".join(names.get(code, code) for code in codes)


def explain_steps(
    assessment: Assessment,
    rules: scoring.RoundRules,
    *,
    survey: SatisfactionSurvey | None,
    confirmed: dict[str, int],
) -> list[dict]:
    """The stored trail of the engine (rules 5–12), one Chinese sentence per step, with the
    level before and after it. ``confirmed`` counts the confirmed findings by item kind."""
    steps = assessment.steps or []
    out: list[dict] = []
    level_before: int | None = None
    round_ = assessment.round
    composite = assessment.composite
    for step in steps:
        rule, level = step["rule"], step["level"]
        if rule == 5:
            band = level
            if band:
                text = _("综合得分%(c)s ≥ %(l)s星分数线%(m)s，分数段定为%(l)s星。") % {
                    "c": composite,
                    "l": band,
                    "m": rules.band_min[band],
                }
            else:
                text = _("综合得分%(c)s低于各星级分数线，分数段为0星。") % {"c": composite}
        elif rule == 6:
            earned = assessment.stars_earned or []
            text = _("%(n)d个类别中%(e)d个达到达标线：%(names)s。") % {
                "n": len(rules.categories),
                "e": len(earned),
                "names": _names(rules, earned) or _("无"),
            }
        elif rule == 7:
            mode = rules.level_mode
            if mode == LevelMode.BOTH:
                text = _("定级方式“取两者较低”：分数段%(b)s星与达标星数%(e)s取较低者，为%(l)s星。")
            elif mode == LevelMode.TOTAL:
                text = _("定级方式“按总分定级”：取分数段%(b)s星，为%(l)s星。")
            else:
                text = _("定级方式“按星数定级”：取达标星数%(e)s，为%(l)s星。")
            text = text % {
                "b": assessment.band_level,
                "e": len(assessment.stars_earned or []),
                "l": level,
            }
        elif rule == 8:
            text = _(
                "满意度测评%(s)s/%(r)s人满意，低于底线%(f)s，星级最高%(cap)s星：%(a)s星 → %(l)s星。"
            ) % {
                "s": survey.satisfied if survey else "—",
                "r": survey.respondents if survey else "—",
                "f": _pct(rules.satisfaction_floor),
                "cap": rules.satisfaction_cap_level,
                "a": level_before,
                "l": level,
            }
        elif rule == 9:
            n = confirmed.get(Item.Kind.STAR_DEDUCTION, 0)
            text = _("已确认的减星项%(n)d项，每项减一星：%(a)s星 → %(l)s星。") % {
                "n": n,
                "a": level_before,
                "l": level,
            }
        elif rule == 10:
            previous = assessment.previous_level
            if previous is None:
                text = _("首次评定（无上年已发布星级），最高%(m)s星：%(a)s星 → %(l)s星。") % {
                    "m": rules.first_year_max,
                    "a": level_before,
                    "l": level,
                }
            elif assessment.exceptional and level == level_before:
                text = _(
                    "破格晋升（%(why)s）：不受“上年%(p)s星 + 每年最多晋升%(k)s星”的限制，"
                    "保持%(l)s星。"
                ) % {
                    "why": assessment.exceptional_reason,
                    "p": previous,
                    "k": rules.max_promotion,
                    "l": level,
                }
            else:
                text = _(
                    "晋升限制：上年%(p)s星 + 每年最多晋升%(k)s星，最高%(m)s星：%(a)s星 → %(l)s星。"
                ) % {
                    "p": previous,
                    "k": rules.max_promotion,
                    "m": previous + rules.max_promotion,
                    "a": level_before,
                    "l": level,
                }
        elif rule == 11:
            text = _("已确认的否决项%(n)d项：取消评星资格，为0星。") % {
                "n": confirmed.get(Item.Kind.VETO, 0)
            }
        elif rule == 12:
            quota_level = level + 1
            share = round_.quota_5 if quota_level == 5 else round_.quota_4
            text = _(
                "名额控制：%(q)s星不超过%(s)s，本村（综合得分%(c)s，总分%(t)s）未排在名额之内："
                "%(a)s星 → %(l)s星。"
            ) % {
                "q": quota_level,
                "s": _pct(share) if share is not None else "—",
                "c": composite,
                "t": assessment.total,
                "a": quota_level,
                "l": level,
            }
        else:  # a rule this page does not know yet: the engine's own words
            text = step.get("note", "")
        out.append({"rule": rule, "level": level, "level_before": level_before, "text": text})
        level_before = level
    return out


def _points_rules_text(assessment: Assessment, rules: scoring.RoundRules, survey) -> list[str]:
    """Rules 1–4 in words: where the item points come from, the total and the composite."""
    lines = []
    if rules.stage_weights:
        parts = " + ".join(
            f"{Stage(stage).label} {weight}"
            for stage, weight in rules.stage_weights.items()
            if weight > 0
        )
        lines.append(
            _("各指标得分按阶段权重计算（%(p)s），逐项四舍五入到两位小数。") % {"p": parts}
        )
    else:
        lines.append(
            _("各指标得分取自“%(s)s”阶段。") % {"s": Stage(rules.authoritative_stage).label}
        )
    lines.append(
        _("类别得分 = 评分项之和 − 减分项之和（0至满分）；总分为各类别得分之和：%(t)s。")
        % {"t": assessment.total}
    )
    weight = rules.satisfaction_weight
    if weight == 0:
        lines.append(_("未设满意度权重，综合得分即总分：%(c)s。") % {"c": assessment.composite})
    elif survey is not None:
        lines.append(
            _("综合得分 = (1 − %(w)s) × 总分%(t)s + %(w)s × 100 × 满意%(s)s/%(r)s = %(c)s。")
            % {
                "w": weight,
                "t": assessment.total,
                "s": survey.satisfied,
                "r": survey.respondents,
                "c": assessment.composite,
            }
        )
    return lines


def assessment_record(*, assessment: Assessment, user: User) -> dict:
    """Everything the 一村一档 page prints for one assessment the user may already see (the
    caller scopes it). Sheets and their entries appear only for the stages the user may read."""
    round_ = assessment.round
    categories = catalogue_categories(round_.catalogue_id)
    rules = round_rules(round_, categories)
    sheets = {
        s.stage: s
        for s in Sheet.objects.filter(assessment=assessment).select_related(
            "submitted_by", "updated_by"
        )
    }
    # One policy answer per stage; for an evaluator it does not depend on the stage's sheet.
    stages = [stage for stage in round_.stages if policies.can_view_sheet(user, assessment, stage)]
    visible = {sheets[s].pk: s for s in stages if s in sheets}
    points: dict[str, dict[str, Decimal]] = defaultdict(dict)
    for sheet_id, code, value in Score.objects.filter(sheet_id__in=list(visible)).values_list(
        "sheet_id", "item__code", "points"
    ):
        points[visible[sheet_id]][code] = value
    # Who last changed each item of each visible sheet, and when (the audit trail).
    changed: dict[tuple[str, str], AuditLog] = {}
    for entry in AuditLog.objects.filter(
        object_type=Sheet._meta.label,
        object_id__in=[str(pk) for pk in visible],
        action=AuditLog.Action.SCORES_SAVE,
    ).order_by("at", "id"):
        stage = visible[int(entry.object_id)]
        old = (entry.before or {}).get("scores") or {}
        new = (entry.after or {}).get("scores") or {}
        for code in set(old) | set(new):
            if old.get(code) != new.get(code):
                changed[(stage, code)] = entry

    item_points = assessment.item_points or {}
    category_scores = assessment.category_scores or {}
    earned = set(assessment.stars_earned or [])
    category_rows = []
    for category, rule in zip(categories, rules.categories, strict=True):
        items = []
        for item in category.catalogue_items:
            entries = []
            for stage in stages:
                entry = changed.get((stage, item.code))
                entries.append(
                    {
                        "stage": stage,
                        "points": points.get(stage, {}).get(item.code),
                        "by": entry.actor_name if entry else "",
                        "at": entry.at if entry else None,
                    }
                )
            items.append(
                {
                    "item": item,
                    "entries": entries,
                    "result": item_points.get(item.code),
                }
            )
        score = category_scores.get(category.code)
        category_rows.append(
            {
                "category": category,
                "max": rule.max_points,
                "pass": rule.pass_points,
                "score": score,
                "earned": category.code in earned,
                "items": items,
            }
        )

    findings = list(
        Finding.objects.filter(assessment=assessment)
        .select_related("item", "recorded_by", "confirmed_by")
        .order_by("recorded_at", "id")
    )
    confirmed: dict[str, int] = defaultdict(int)
    for finding in findings:
        if finding.status == Finding.Status.CONFIRMED:
            confirmed[finding.item.kind] += 1
    survey = (
        SatisfactionSurvey.objects.filter(assessment=assessment)
        .select_related("recorded_by")
        .first()
    )
    clearances = list(
        DepartmentClearance.objects.filter(assessment=assessment).select_related("by")
    )
    has_result = assessment.level is not None
    return {
        "assessment": assessment,
        "rules": rules,
        "stages": [{"stage": s, "label": Stage(s).label, "sheet": sheets.get(s)} for s in stages],
        "categories": category_rows,
        "points_text": _points_rules_text(assessment, rules, survey) if has_result else [],
        "steps": explain_steps(assessment, rules, survey=survey, confirmed=confirmed)
        if has_result
        else [],
        "missing": assessment.result_missing or [],
        "findings": findings,
        "clearances": clearances,
        "survey": survey,
    }


RECORD_ANY_STATUS = (Role.COUNTY_ADMIN, Role.AUDITOR)


def record_assessment_get_for_user(*, user: User, org_id: int, round_id: int) -> Assessment:
    """The assessment behind a village's 一村一档 of one round, scoped as the village page is:
    county staff any round, everyone else published rounds only; out of scope is a 404."""
    qs = assessments_for_user(user).filter(organization_id=org_id, round_id=round_id)
    if not user.has_role(*RECORD_ANY_STATUS):
        qs = qs.filter(round__status__in=[Round.Status.PUBLISHED, Round.Status.ARCHIVED])
    try:
        return qs.select_related("round__catalogue", "organization__parent").get()
    except (Assessment.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def latest_explanation(assessments: list[Assessment]) -> dict | None:
    """The rule steps of the newest assessment with a result among ``assessments`` (the
    village page's rows, newest first): three queries."""
    latest = next((a for a in assessments if a.level is not None), None)
    if latest is None:
        return None
    rules = round_rules(latest.round)
    try:
        survey = latest.survey  # (selected with the assessments by the village page)
    except SatisfactionSurvey.DoesNotExist:
        survey = None
    confirmed: dict[str, int] = defaultdict(int)
    for kind in Finding.objects.filter(
        assessment=latest, status=Finding.Status.CONFIRMED
    ).values_list("item__kind", flat=True):
        confirmed[kind] += 1
    return {
        "assessment": latest,
        "steps": explain_steps(latest, rules, survey=survey, confirmed=confirmed),
    }
