"""Writes of 述职评议考核 (issue 16 part 3) on the session: its settings (weights and
thresholds checked by docs/scoring.md §11), the list of secretaries, questions, opening and
closing — which freezes every result and locks the session. The writes on one reviewed
secretary (report, answers, scores, problems, on-site checks) are in ``reviewees``."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from organizations.models import TOWNSHIP_KINDS, VILLAGE_KINDS, AuditLog, Organization, User
from organizations.services import audit_record
from orghealth.services.common import Problems, snapshot
from starrating.errors import Conflict, InvalidInput, NotPermitted

from .. import policies, rules, selectors
from ..models import (
    ReviewedSecretary,
    ReviewQuestion,
    ReviewSession,
)
from ..models.reviews import Grade

SETTING_FIELDS = (
    "title",
    "held_on",
    "weight_leaders",
    "weight_members",
    "weight_public",
    "threshold_excellent",
    "threshold_good",
    "threshold_fair",
    "cap_project_poor",
    "cap_project_fair",
)
WEIGHT_LABELS = {
    "weight_leaders": _("领导权重"),
    "weight_members": _("党员代表权重"),
    "weight_public": _("群众代表权重"),
}
THRESHOLD_LABELS = {
    "threshold_excellent": _("“好”起点分"),
    "threshold_good": _("“较好”起点分"),
    "threshold_fair": _("“一般”起点分"),
}


def decimal_in(p: Problems, fields: dict, name: str, label: str, *, high: Decimal, places: int):
    value = fields.get(name)
    if value in (None, ""):
        p.add(name, _("请填写%(f)s") % {"f": label})
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        p.add(name, _("%(f)s应为数字") % {"f": label}, value)
        return None
    if not number.is_finite() or not Decimal(0) <= number <= high:
        p.add(name, _("%(f)s应在0到%(h)s之间") % {"f": label, "h": high}, value)
        return None
    if number != number.quantize(Decimal(1).scaleb(-places)):
        p.add(name, _("%(f)s最多%(n)s位小数") % {"f": label, "n": places}, value)
        return None
    return number


def _clean_settings(fields: dict, current: dict) -> dict:
    """The session's settings: ``current`` fills what ``fields`` leaves out; the weights must
    sum to 1 and the thresholds descend (§11)."""
    p = Problems()
    merged = current | fields
    values = {
        "title": p.text(merged, "title", _("名称"), max_length=100),
        "held_on": p.date(merged, "held_on", _("会议日期")),
    }
    for name, label in WEIGHT_LABELS.items():
        values[name] = decimal_in(p, merged, name, label, high=Decimal(1), places=3)
    for name, label in THRESHOLD_LABELS.items():
        values[name] = decimal_in(p, merged, name, label, high=rules.SCORE_MAX, places=2)
    for name, label in (
        ("cap_project_poor", _("书记项目考核为“差”时最高等次")),
        ("cap_project_fair", _("书记项目考核为“一般”时最高等次")),
    ):
        values[name] = p.choice(merged, name, label, Grade)
    if not p.errors:
        weights = {
            "leaders": values["weight_leaders"],
            "members": values["weight_members"],
            "public": values["weight_public"],
        }
        if rules.WEIGHTS_SUM in rules.weight_problems(weights):
            p.add(
                "weight_leaders",
                _("三组权重之和应为1（现为%(s)s）") % {"s": sum(weights.values())},
            )
        if rules.threshold_problems(
            values["threshold_excellent"], values["threshold_good"], values["threshold_fair"]
        ):
            p.add("threshold_good", _("等次起点分应为 好 > 较好 > 一般"))
    p.raise_if_any(_("述职评议设置有误。"))
    return values


def row_id(raw) -> int | None:
    """A row id from a form or a body: a positive integer the database can hold, else None."""
    try:
        pk = int(str(raw).strip())
    except (TypeError, ValueError):
        return None
    return pk if 0 < pk < 2**31 else None


def _settings_of(session: ReviewSession) -> dict:
    return {name: getattr(session, name) for name in SETTING_FIELDS}


def _audit_session(actor, session, *, action, before=None, reason="", ip=None):
    audit_record(
        actor=actor,
        action=action,
        obj=session,
        before=before,
        after=snapshot(session, ("level", "year", "status", *SETTING_FIELDS)),
        reason=reason,
        ip=ip,
    )


def session_create(
    *, actor: User, level: str = "", year=None, organizations=None, ip=None, **fields
) -> ReviewSession:
    """A township-level session (the county admin, every active township and street of the
    county reviewed) or a village-level one (a township, its villages and communities);
    ``organizations`` narrows the list to those ids."""
    if level not in ReviewSession.Level.values:
        raise InvalidInput(
            _("评议对象无效。"),
            [
                {
                    "field": "level",
                    "value": str(level)[:20],
                    "message": _("应为 township 或 village"),
                }
            ],
        )
    if not policies.can_create_review(actor, level):
        raise NotPermitted(
            _("乡镇书记述职评议由县级管理员组织，村书记述职评议由乡镇（街道）组织。")
        )
    p = Problems()
    p.unknown(fields, SETTING_FIELDS)
    year = p.integer({"year": year}, "year", _("年度"), low=2000, high=2100)
    p.raise_if_any(_("述职评议设置有误。"))
    defaults = {
        "weight_leaders": Decimal("0.4"),
        "weight_members": Decimal("0.3"),
        "weight_public": Decimal("0.3"),
        "threshold_excellent": Decimal(90),
        "threshold_good": Decimal(80),
        "threshold_fair": Decimal(60),
        "cap_project_poor": Grade.FAIR,
        "cap_project_fair": Grade.EXCELLENT,
    }
    values = _clean_settings({k: v for k, v in fields.items() if v not in (None, "")}, defaults)
    if level == ReviewSession.Level.TOWNSHIP:
        organizer = Organization.objects.get(pk=actor.county_id)
        candidates = Organization.objects.filter(parent=organizer, kind__in=TOWNSHIP_KINDS)
    else:
        organizer = actor.organization
        candidates = Organization.objects.filter(parent=organizer, kind__in=VILLAGE_KINDS)
    candidates = candidates.filter(is_active=True).order_by("code")
    if organizations:
        wanted = {row_id(raw) or -1 for raw in organizations}
        candidates = candidates.filter(pk__in=wanted)
        if len(candidates) != len(wanted):
            raise InvalidInput(
                _("述职对象有误。"),
                [{"field": "organizations", "message": _("含有不属于本级评议范围的党组织")}],
            )
    orgs = list(candidates)
    if not orgs:
        raise InvalidInput(
            _("述职对象有误。"),
            [{"field": "organizations", "message": _("没有可评议的党组织")}],
        )
    if ReviewSession.objects.filter(organizer=organizer, year=year, level=level).exists():
        raise Conflict(_("本年度已有该级述职评议。"))
    with transaction.atomic():
        session = ReviewSession.objects.create(
            county_id=actor.county_id,
            organizer=organizer,
            year=year,
            level=level,
            created_by=actor,
            **values,
        )
        ReviewedSecretary.objects.bulk_create(
            ReviewedSecretary(session=session, organization=o, secretary_name=o.secretary_name)
            for o in orgs
        )
        _audit_session(actor, session, action=AuditLog.Action.CREATE, ip=ip)
    return session


def ensure_organizer(actor: User, session: ReviewSession, what: str) -> None:
    if not policies.can_manage_review(actor, session):
        raise NotPermitted(_("只有组织本次述职评议的单位可以%(w)s。") % {"w": what})
    if session.is_closed:
        raise Conflict(_("述职评议已结束，不能再修改。"))


def session_update(*, actor: User, session: ReviewSession, ip=None, **fields) -> ReviewSession:
    """The name, date, weights, thresholds and project caps, until the session is closed."""
    ensure_organizer(actor, session, _("修改设置"))
    p = Problems()
    p.unknown(fields, SETTING_FIELDS)
    p.raise_if_any(_("述职评议设置有误。"))
    values = _clean_settings(fields, _settings_of(session))
    with transaction.atomic():
        before = snapshot(session, SETTING_FIELDS)
        for name, value in values.items():
            setattr(session, name, value)
        session.save()
        _audit_session(actor, session, action=AuditLog.Action.UPDATE, before=before, ip=ip)
    return session


def session_open(*, actor: User, session: ReviewSession, ip=None) -> ReviewSession:
    """筹备中 → 评议中: scores and problems may be recorded."""
    ensure_organizer(actor, session, _("开始评议"))
    if session.status != ReviewSession.Status.DRAFT:
        raise Conflict(_("述职评议已经开始。"))
    with transaction.atomic():
        session.status = ReviewSession.Status.OPEN
        session.save(update_fields=["status"])
        _audit_session(
            actor, session, action=AuditLog.Action.UPDATE, before={"status": "draft"}, ip=ip
        )
    return session


def session_close(*, actor: User, session: ReviewSession, ip=None) -> ReviewSession:
    """评议中 → 已结束: every secretary's score and grade are computed once more and frozen;
    nothing of the session can change after."""
    ensure_organizer(actor, session, _("结束评议"))
    if session.status != ReviewSession.Status.OPEN:
        raise Conflict(_("只有评议中的述职评议可以结束。"))
    with transaction.atomic():
        locked = ReviewSession.objects.select_for_update().get(pk=session.pk)
        if locked.status != ReviewSession.Status.OPEN:
            raise Conflict(_("只有评议中的述职评议可以结束。"))
        reviewees = list(
            ReviewedSecretary.objects.filter(session=locked)
            .select_related("organization")
            .prefetch_related("scores")
        )
        found = selectors.results(locked, reviewees)
        for result in found:
            r = result.reviewee
            r.score, r.score_grade, r.grade = result.score, result.score_grade, result.grade
        ReviewedSecretary.objects.bulk_update(reviewees, ["score", "score_grade", "grade"])
        locked.status = ReviewSession.Status.CLOSED
        locked.closed_by = actor
        locked.closed_at = timezone.now()
        locked.save(update_fields=["status", "closed_by", "closed_at"])
        audit_record(
            actor=actor,
            action=AuditLog.Action.UPDATE,
            obj=locked,
            before={"status": "open"},
            after={
                "status": "closed",
                "results": {
                    str(r.reviewee.organization_id): [str(r.score or ""), r.grade] for r in found
                },
            },
            ip=ip,
        )
    session.refresh_from_db()
    return session


def _reviewee_of(session: ReviewSession, raw) -> ReviewedSecretary | None:
    pk = row_id(raw)
    return ReviewedSecretary.objects.filter(session=session, pk=pk).first() if pk else None


def question_add(*, actor: User, session: ReviewSession, ip=None, **fields) -> ReviewQuestion:
    """同题共答 (every secretary) or 加试题 for one kind of organization (``domain``) or one
    secretary (``reviewee``, an id of the session's list)."""
    ensure_organizer(actor, session, _("出题"))
    p = Problems()
    p.unknown(fields, ("kind", "text", "domain", "reviewee"))
    kind = p.choice(fields, "kind", _("类型"), ReviewQuestion.Kind)
    text = p.text(fields, "text", _("题目"), max_length=300)
    domain = str(fields.get("domain") or "").strip()
    reviewee = None
    raw = fields.get("reviewee")
    if kind == ReviewQuestion.Kind.EXTRA:
        if domain and domain not in Organization.Kind.values:
            p.add("domain", _("适用领域不是有效选项"), domain)
        if raw not in (None, ""):
            reviewee = _reviewee_of(session, raw)
            if reviewee is None:
                p.add("reviewee", _("不是本次述职的书记"), raw)
        elif not domain:
            p.add("domain", _("加试题须指定适用领域或书记"))
    elif kind == ReviewQuestion.Kind.COMMON:
        domain = ""
    p.raise_if_any(_("述职题目填写有误。"))
    with transaction.atomic():
        question = ReviewQuestion.objects.create(
            session=session, kind=kind, text=text, domain=domain, reviewee=reviewee
        )
        audit_record(
            actor=actor,
            action=AuditLog.Action.CREATE,
            obj=question,
            after=snapshot(question, ("session", "kind", "text", "domain", "reviewee")),
            ip=ip,
        )
    return question
