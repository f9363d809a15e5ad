"""Writes of 述职评议考核 (issue 16 part 3): the session (weights and thresholds checked by
docs/scoring.md §11), the list of secretaries, questions, each secretary's report and answers,
the 现场测评 scores, the problems raised (each affected organization gets a ledger entry,
source 述职评议, tracked to 销号 there), the 三随机 on-site checks, and closing — which freezes
every result and locks the session."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ledgers import services as ledger_services
from ledgers.models import Rectification
from organizations.models import TOWNSHIP_KINDS, VILLAGE_KINDS, AuditLog, Organization, User
from organizations.services import audit_record
from orghealth.services.common import Problems, snapshot
from starrating.errors import Conflict, InvalidInput, NotPermitted

from .. import policies, rules, selectors
from ..models import (
    OnSiteCheck,
    ReviewAnswer,
    ReviewedSecretary,
    ReviewProblem,
    ReviewQuestion,
    ReviewReportFile,
    ReviewScore,
    ReviewSession,
)
from ..models.reviews import Grade
from .projects import spot_check_of

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


def _decimal(p: Problems, fields: dict, name: str, label: str, *, high: Decimal, places: int):
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
        values[name] = _decimal(p, merged, name, label, high=Decimal(1), places=3)
    for name, label in THRESHOLD_LABELS.items():
        values[name] = _decimal(p, merged, name, label, high=rules.SCORE_MAX, places=2)
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


def _id(raw) -> int | None:
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
        wanted = {_id(raw) or -1 for raw in organizations}
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


def _manage(actor: User, session: ReviewSession, what: str) -> None:
    if not policies.can_manage_review(actor, session):
        raise NotPermitted(_("只有组织本次述职评议的单位可以%(w)s。") % {"w": what})
    if session.is_closed:
        raise Conflict(_("述职评议已结束，不能再修改。"))


def session_update(*, actor: User, session: ReviewSession, ip=None, **fields) -> ReviewSession:
    """The name, date, weights, thresholds and project caps, until the session is closed."""
    _manage(actor, session, _("修改设置"))
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
    _manage(actor, session, _("开始评议"))
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
    _manage(actor, session, _("结束评议"))
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


def question_add(*, actor: User, session: ReviewSession, ip=None, **fields) -> ReviewQuestion:
    """同题共答 (every secretary) or 加试题 for one kind of organization (``domain``) or one
    secretary (``reviewee``, an id of the session's list)."""
    _manage(actor, session, _("出题"))
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


def _reviewee_of(session: ReviewSession, raw) -> ReviewedSecretary | None:
    pk = _id(raw)
    return ReviewedSecretary.objects.filter(session=session, pk=pk).first() if pk else None


def _answerable(actor: User, reviewee: ReviewedSecretary) -> None:
    if not policies.can_answer(actor, reviewee):
        raise NotPermitted(_("只有述职书记所在单位可以填写述职报告和答题。"))
    if reviewee.session.is_closed:
        raise Conflict(_("述职评议已结束，不能再修改。"))


def report_save(
    *, actor: User, reviewee: ReviewedSecretary, ip=None, **fields
) -> ReviewedSecretary:
    """The written 述职报告 (and a note of its attachment), until the session is closed."""
    _answerable(actor, reviewee)
    p = Problems()
    p.unknown(fields, ("report", "report_evidence", "secretary_name"))
    report = p.text(fields, "report", _("述职报告"), max_length=20000)
    evidence = p.text(fields, "report_evidence", _("报告附件说明"), max_length=300, required=False)
    name = None
    if "secretary_name" in fields:
        name = p.text(fields, "secretary_name", _("书记"), max_length=50)
    p.raise_if_any(_("述职报告填写有误。"))
    with transaction.atomic():
        before = snapshot(reviewee, ("secretary_name", "report", "report_evidence"))
        reviewee.report = report
        reviewee.report_evidence = evidence
        reviewee.report_at = timezone.now()
        if name:
            reviewee.secretary_name = name
        reviewee.save()
        audit_record(
            actor=actor,
            action=AuditLog.Action.UPDATE,
            obj=reviewee,
            before=before,
            after=snapshot(reviewee, ("secretary_name", "report", "report_evidence")),
            ip=ip,
        )
    return reviewee


def answer_save(
    *, actor: User, reviewee: ReviewedSecretary, question=None, text="", ip=None
) -> ReviewAnswer:
    """The secretary's answer to one of the questions put to them (written again to change)."""
    _answerable(actor, reviewee)
    p = Problems()
    pk = _id(question)
    found = (
        ReviewQuestion.objects.filter(session_id=reviewee.session_id, pk=pk).first() if pk else None
    )
    if found is None or not found.asks(reviewee, reviewee.organization.kind):
        p.add("question", _("不是向该书记提出的题目"), question)
    text = p.text({"text": text}, "text", _("回答"), max_length=10000)
    p.raise_if_any(_("答题填写有误。"))
    with transaction.atomic():
        answer, created = ReviewAnswer.objects.update_or_create(
            reviewee=reviewee, question=found, defaults={"text": text, "by": actor}
        )
        audit_record(
            actor=actor,
            action=AuditLog.Action.CREATE if created else AuditLog.Action.UPDATE,
            obj=answer,
            after={"reviewee": reviewee.pk, "question": found.pk, "text": text},
            ip=ip,
        )
    return answer


def score_add(*, actor: User, reviewee: ReviewedSecretary, ip=None, **fields) -> ReviewScore:
    """One reviewer's 现场测评 score (0–100, 2 places) and comment, while the session is open."""
    session = reviewee.session
    _manage(actor, session, _("登记测评打分"))
    if session.status != ReviewSession.Status.OPEN:
        raise Conflict(_("述职评议尚未开始，不能登记打分。"))
    p = Problems()
    p.unknown(fields, ("group", "reviewer", "score", "comment"))
    group = p.choice(fields, "group", _("评议组别"), ReviewScore.Group)
    reviewer = p.text(fields, "reviewer", _("评议人"), max_length=50)
    score = _decimal(p, fields, "score", _("得分"), high=rules.SCORE_MAX, places=2)
    comment = p.text(fields, "comment", _("点评"), max_length=500, required=False)
    p.raise_if_any(_("测评打分填写有误。"))
    try:
        with transaction.atomic():
            row = ReviewScore.objects.create(
                reviewee=reviewee,
                group=group,
                reviewer=reviewer,
                score=score,
                comment=comment,
                by=actor,
            )
            audit_record(
                actor=actor,
                action=AuditLog.Action.CREATE,
                obj=row,
                after=snapshot(row, ("reviewee", "group", "reviewer", "score", "comment")),
                ip=ip,
            )
    except IntegrityError as exc:
        raise Conflict(_("该评议人已为这名书记打分。")) from exc
    return row


def score_withdraw(*, actor: User, score: ReviewScore, reason="", ip=None) -> ReviewScore:
    """Withdraw a wrong score (with the reason) while the session is open: the row is kept,
    marked withdrawn, and no longer counts in the averages; the reviewer's score may then be
    entered again. A closed session is locked."""
    reviewee = score.reviewee
    session = reviewee.session
    _manage(actor, session, _("撤回测评打分"))
    if session.status != ReviewSession.Status.OPEN:
        raise Conflict(_("述职评议尚未开始，不能撤回打分。"))
    if score.is_withdrawn:
        raise Conflict(_("该打分已撤回。"))
    p = Problems()
    reason = p.text({"reason": reason}, "reason", _("撤回原因"), max_length=300)
    p.raise_if_any(_("撤回打分填写有误。"))
    with transaction.atomic():
        row = ReviewScore.objects.select_for_update().get(pk=score.pk)
        if row.is_withdrawn:
            raise Conflict(_("该打分已撤回。"))
        row.withdrawn_at = timezone.now()
        row.withdrawn_by = actor
        row.withdraw_reason = reason
        row.save(update_fields=["withdrawn_at", "withdrawn_by", "withdraw_reason"])
        audit_record(
            actor=actor,
            action=AuditLog.Action.DEACTIVATE,
            obj=row,
            before=snapshot(row, ("reviewee", "group", "reviewer", "score", "comment")),
            after=snapshot(row, ("withdrawn_at", "withdrawn_by", "withdraw_reason")),
            reason=reason,
            ip=ip,
        )
    return row


def report_file_upload(
    *, actor: User, reviewee: ReviewedSecretary, upload=None, ip=None
) -> ReviewReportFile:
    """The 述职报告 as a file (PDF, Word or an image), checked like the ledger's evidence
    (content sniffed, size bounded, images re-encoded) and stored in the same private folder;
    it replaces the current file (kept, inactive). Until the session is closed."""
    _answerable(actor, reviewee)
    checked = ledger_services.checked_upload(upload, kinds=ReviewReportFile.KINDS)
    with transaction.atomic():
        previous = list(
            ReviewReportFile.objects.select_for_update().filter(reviewee=reviewee, is_active=True)
        )
        ReviewReportFile.objects.filter(pk__in=[f.pk for f in previous]).update(is_active=False)
        for replaced in previous:
            audit_record(
                actor=actor,
                action=AuditLog.Action.DEACTIVATE,
                obj=replaced,
                before={"is_active": True},
                after={"is_active": False},
                reason=_("上传新的述职报告文件，替换原文件"),
                ip=ip,
            )
        row = ReviewReportFile(
            reviewee=reviewee,
            name=checked.name,
            kind=checked.kind,
            size=len(checked.data),
            sha256=checked.sha256,
            uploaded_by=actor,
        )
        row.file.save(checked.storage_name(), checked.content(), save=False)
        try:
            row.save()
            if reviewee.report_at is None:
                reviewee.report_at = timezone.now()
                reviewee.save(update_fields=["report_at", "updated_at"])
            audit_record(
                actor=actor,
                action=AuditLog.Action.CREATE,
                obj=row,
                after={
                    "reviewee": reviewee.pk,
                    "name": checked.name,
                    "kind": checked.kind,
                    "size": len(checked.data),
                    "sha256": checked.sha256,
                },
                ip=ip,
            )
        except Exception:
            row.file.delete(save=False)
            raise
    return row


def report_file_download_record(*, actor: User, report_file: ReviewReportFile, ip=None) -> None:
    """Who fetched which report, when and from where."""
    audit_record(
        actor=actor,
        action=AuditLog.Action.EXPORT,
        obj=report_file,
        after={"name": report_file.name, "sha256": report_file.sha256},
        ip=ip,
    )


def problem_add(
    *, actor: User, session: ReviewSession, reviewees=(), ip=None, **fields
) -> ReviewProblem:
    """A problem named at the review: 个性 names one secretary, 共性 two or more (or all);
    every affected organization gets its own ledger entry (source 述职评议), 销号 there."""
    _manage(actor, session, _("登记点评问题"))
    if session.status != ReviewSession.Status.OPEN:
        raise Conflict(_("述职评议尚未开始，不能登记问题。"))
    p = Problems()
    p.unknown(fields, ("kind", "text", "measures", "deadline"))
    kind = p.choice(fields, "kind", _("类型"), ReviewProblem.Kind)
    text = p.text(fields, "text", _("问题"), max_length=2000)
    measures = p.text(fields, "measures", _("整改要求"), max_length=2000)
    deadline = p.date(fields, "deadline", _("整改时限"))
    if deadline and deadline < timezone.localdate():
        p.add("deadline", _("整改时限不能早于今天"), deadline)
    ids = {_id(raw) or -1 for raw in reviewees or ()}
    chosen = list(
        ReviewedSecretary.objects.filter(session=session, pk__in=ids)
        .select_related("organization", "organization__parent")
        .order_by("organization__code")
    )
    if len(chosen) != len(ids):
        p.add("reviewees", _("含有不是本次述职的书记"))
    elif kind == ReviewProblem.Kind.INDIVIDUAL and len(chosen) != 1:
        p.add("reviewees", _("个性问题须指定一名书记"))
    elif kind == ReviewProblem.Kind.COMMON and len(chosen) < 2:
        p.add("reviewees", _("共性问题须涉及两名以上书记"))
    p.raise_if_any(_("点评问题填写有误。"))
    with transaction.atomic():
        problem = ReviewProblem.objects.create(
            session=session, kind=kind, text=text, measures=measures, deadline=deadline, by=actor
        )
        problem.reviewees.set(chosen)
        label = ReviewProblem.Kind(kind).label
        entries = [
            ledger_services.rectification_create(
                actor=actor,
                organization=r.organization,
                source=Rectification.Source.REVIEW,
                problem=f"【{session.title}·{label}】{text}",
                measures=measures,
                deadline=deadline,
                responsible_person=r.secretary_name or _("党组织书记"),
                ip=ip,
            )
            for r in chosen
        ]
        problem.rectifications.set(entries)
        audit_record(
            actor=actor,
            action=AuditLog.Action.CREATE,
            obj=problem,
            after=snapshot(problem, ("session", "kind", "text", "deadline"))
            | {"reviewees": [r.pk for r in chosen], "rectifications": [e.pk for e in entries]},
            ip=ip,
        )
    return problem


def check_add(*, actor: User, reviewee: ReviewedSecretary, ip=None, **fields) -> OnSiteCheck:
    """实地核查 by 三随机 of one secretary's work, optionally linked to the assessment spot
    check (of the secretary's own village, or one of the township's villages) it went with."""
    _manage(actor, reviewee.session, _("登记实地核查"))
    p = Problems()
    p.unknown(fields, ("checked_on", "checkers", "findings", "spot_check"))
    checked_on = p.date(fields, "checked_on", _("核查日期"))
    checkers = p.text(fields, "checkers", _("核查组"), max_length=200)
    findings = p.text(fields, "findings", _("核查情况"), max_length=5000)
    if checked_on and checked_on > timezone.localdate():
        p.add("checked_on", _("核查日期不能晚于今天"), checked_on)
    org = reviewee.organization
    where = (
        Q(assessment__organization__parent_id=org.pk)
        if org.kind in TOWNSHIP_KINDS
        else Q(assessment__organization_id=org.pk)
    )
    spot_check = spot_check_of(p, fields, where)
    p.raise_if_any(_("实地核查填写有误。"))
    with transaction.atomic():
        check = OnSiteCheck.objects.create(
            reviewee=reviewee,
            checked_on=checked_on,
            checkers=checkers,
            findings=findings,
            spot_check=spot_check,
            by=actor,
        )
        audit_record(
            actor=actor,
            action=AuditLog.Action.CREATE,
            obj=check,
            after=snapshot(check, ("reviewee", "checked_on", "checkers", "spot_check")),
            ip=ip,
        )
    return check
