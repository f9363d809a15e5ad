"""Writes on one reviewed secretary of a 述职评议 session (issue 16 part 3): the report (text
or file) and answers by the secretary's own organization, the 现场测评 scores and their
withdrawal, the problems raised (each affected organization gets a ledger entry, source
述职评议, tracked to 销号 there) and the 三随机 on-site checks. The session itself, its
settings, questions and closing are in ``reviews``."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ledgers import services as ledger_services
from ledgers.models import Rectification
from organizations.models import TOWNSHIP_KINDS, AuditLog, User
from organizations.services import audit_record
from orghealth.services.common import Problems, snapshot
from starrating.errors import Conflict, NotPermitted

from .. import policies, rules
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
from .projects import spot_check_of
from .reviews import decimal_in, ensure_organizer, row_id


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
    pk = row_id(question)
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
    ensure_organizer(actor, session, _("登记测评打分"))
    if session.status != ReviewSession.Status.OPEN:
        raise Conflict(_("述职评议尚未开始，不能登记打分。"))
    p = Problems()
    p.unknown(fields, ("group", "reviewer", "score", "comment"))
    group = p.choice(fields, "group", _("评议组别"), ReviewScore.Group)
    reviewer = p.text(fields, "reviewer", _("评议人"), max_length=50)
    score = decimal_in(p, fields, "score", _("得分"), high=rules.SCORE_MAX, places=2)
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
    ensure_organizer(actor, session, _("撤回测评打分"))
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
    ensure_organizer(actor, session, _("登记点评问题"))
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
    ids = {row_id(raw) or -1 for raw in reviewees or ()}
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
    ensure_organizer(actor, reviewee.session, _("登记实地核查"))
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
