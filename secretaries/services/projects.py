"""Writes of secretary projects: the county's list, a committee's claim (必选 + 自选, 1 to 3),
proposal → county review (approve / return with a reason), the plan, monthly progress reports
with their lateness (docs/scoring.md §10), random visits, and the year-end grade."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import SpotCheck
from organizations.models import TOWNSHIP_KINDS, AuditLog, Organization, User
from organizations.services import audit_record
from orghealth.services.common import Problems, snapshot
from starrating.errors import Conflict, InvalidInput, NotPermitted

from .. import policies, rules, selectors
from ..models import ProgressReport, ProjectOption, ProjectVisit, SecretaryProject

MAX_CLAIMS = 3
PROJECT_FIELDS = ("secretary_name", "goal", "plan", "team")


def option_create(*, actor: User, ip: str | None = None, **fields) -> ProjectOption:
    """Add an item to the county's yearly project list."""
    if not policies.can_manage(actor) or actor.county_id is None:
        raise NotPermitted(_("只有县级管理员可以维护书记项目清单。"))
    p = Problems()
    p.unknown(fields, ("year", "title", "kind", "applies_to", "description"))
    year = p.integer(fields, "year", _("年度"), low=2000, high=2100)
    title = p.text(fields, "title", _("项目名称"), max_length=100)
    kind = p.choice(fields, "kind", _("类型"), ProjectOption.Kind)
    applies_to = p.choice(
        fields | {"applies_to": fields.get("applies_to") or "all"},
        "applies_to",
        _("适用"),
        ProjectOption.AppliesTo,
    )
    description = p.text(fields, "description", _("说明"), max_length=300, required=False)
    p.raise_if_any(_("书记项目清单填写有误。"))
    if ProjectOption.objects.filter(county_id=actor.county_id, year=year, title=title).exists():
        raise Conflict(_("本年度清单中已有该项目。"))
    with transaction.atomic():
        option = ProjectOption.objects.create(
            county_id=actor.county_id,
            year=year,
            title=title,
            kind=kind,
            applies_to=applies_to,
            description=description,
        )
        audit_record(
            actor=actor,
            action=AuditLog.Action.CREATE,
            obj=option,
            after=snapshot(option, ("year", "title", "kind", "applies_to")),
            ip=ip,
        )
    return option


def _clean_project(fields: dict, *, partial: bool) -> dict:
    p = Problems()
    p.unknown(fields, PROJECT_FIELDS)
    values = {}
    specs = {
        "secretary_name": (_("领办书记"), 50, True),
        "goal": (_("项目目标"), 2000, True),
        "plan": (_("实施方案"), 5000, False),
        "team": (_("工作专班"), 300, False),
    }
    for name, (label, length, required) in specs.items():
        if partial and name not in fields:
            continue
        values[name] = p.text(fields, name, label, max_length=length, required=required)
    p.raise_if_any(_("书记项目填写有误。"))
    return values


def project_claim(
    *, actor: User, option: ProjectOption, ip: str | None = None, **fields
) -> SecretaryProject:
    """The township claims a project of the list for its committee's secretary (a draft)."""
    committee = actor.organization
    if not policies.can_propose(actor) or committee is None or committee.kind not in TOWNSHIP_KINDS:
        raise NotPermitted(_("只有乡镇（街道）可以为本级党（工）委书记申报项目。"))
    if option.county_id != committee.parent_id:
        raise InvalidInput(
            _("不是本县的清单项目。"), [{"field": "option", "message": _("不是本县的清单项目")}]
        )
    if not option.applies(committee):
        raise InvalidInput(
            _("该项目不适用于本级党（工）委。"),
            [{"field": "option", "value": option.title, "message": _("不适用于本级党（工）委")}],
        )
    fields.setdefault("secretary_name", committee.secretary_name)
    values = _clean_project(fields, partial=False)
    with transaction.atomic():
        # Lock the committee so two claims at once cannot pass the limit together.
        Organization.objects.select_for_update().get(pk=committee.pk)
        claimed = SecretaryProject.objects.filter(committee=committee, year=option.year)
        if claimed.filter(option=option).exists():
            raise Conflict(_("已认领该项目。"))
        if claimed.count() >= MAX_CLAIMS:
            raise Conflict(_("每名书记每年领办1至3个项目，已达3个。"))
        project = SecretaryProject.objects.create(
            committee=committee, option=option, year=option.year, created_by=actor, **values
        )
        audit_record(
            actor=actor,
            action=AuditLog.Action.CREATE,
            obj=project,
            after=snapshot(project, ("committee", "option", "year", *PROJECT_FIELDS)),
            ip=ip,
        )
    return project


def project_update(
    *, actor: User, project: SecretaryProject, ip: str | None = None, **fields
) -> SecretaryProject:
    """The township edits the goal, plan (一套方案) and team (一支队伍) while draft or returned."""
    if not policies.can_propose(actor, project):
        raise NotPermitted(_("只有本乡镇（街道）可以修改该项目。"))
    if not project.is_editable:
        raise Conflict(_("项目已提交审核，不能修改。"))
    values = _clean_project(fields, partial=True)
    with transaction.atomic():
        before = snapshot(project, PROJECT_FIELDS)
        for name, value in values.items():
            setattr(project, name, value)
        project.save()
        audit_record(
            actor=actor,
            action=AuditLog.Action.UPDATE,
            obj=project,
            before=before,
            after=snapshot(project, PROJECT_FIELDS),
            ip=ip,
        )
    return project


def project_submit(*, actor: User, project: SecretaryProject, ip: str | None = None):
    """Send to the county for review (党委申报). The plan must be written, and the committee's
    claims of the year must include every mandatory project of its kind (§10.2)."""
    if not policies.can_propose(actor, project):
        raise NotPermitted(_("只有本乡镇（街道）可以提交该项目。"))
    if not project.is_editable:
        raise Conflict(_("项目已提交审核。"))
    errors = []
    if not project.plan.strip():
        errors.append({"field": "plan", "message": _("请先填写实施方案")})
    committee = project.committee
    mandatory = {
        o.pk: o.title
        for o in ProjectOption.objects.filter(
            county_id=committee.parent_id, year=project.year, kind=ProjectOption.Kind.MANDATORY
        )
        if o.applies(committee)
    }
    claimed = set(
        SecretaryProject.objects.filter(committee=committee, year=project.year).values_list(
            "option_id", flat=True
        )
    )
    if rules.MISSING_MANDATORY in rules.claim_problems(claimed, set(mandatory)):
        missing = [t for pk, t in mandatory.items() if pk not in claimed]
        errors.append(
            {
                "field": "option",
                "value": "、".join(missing),
                "message": _("必选项目尚未认领：%(t)s") % {"t": "、".join(missing)},
            }
        )
    if errors:
        raise InvalidInput(_("项目还不能提交。"), errors)
    return _transition(actor, project, SecretaryProject.Status.SUBMITTED, ip=ip)


def _transition(actor, project, status, *, ip, reason: str = "", **extra):
    with transaction.atomic():
        before = {"status": project.status}
        project.status = status
        for name, value in extra.items():
            setattr(project, name, value)
        project.save()
        audit_record(
            actor=actor,
            action=AuditLog.Action.UPDATE,
            obj=project,
            before=before,
            after={"status": status, **{k: str(v) for k, v in extra.items()}},
            reason=reason,
            ip=ip,
        )
    return project


def project_review(
    *, actor: User, project: SecretaryProject, decision: str, reason: str = "", ip=None
) -> SecretaryProject:
    """县委组织部审核: approve, or return with a reason (the township edits and resubmits)."""
    if not policies.can_manage(actor):
        raise NotPermitted(_("只有县级管理员可以审核书记项目。"))
    if project.status != SecretaryProject.Status.SUBMITTED:
        raise Conflict(_("只有待审核的项目可以审核。"))
    reason = str(reason or "").strip()
    if decision == "approve":
        return _transition(
            actor,
            project,
            SecretaryProject.Status.APPROVED,
            ip=ip,
            reviewed_by=actor,
            approved_on=timezone.localdate(),
            review_reason="",
        )
    if decision == "return":
        if not reason:
            raise InvalidInput(
                _("退回须填写原因。"), [{"field": "reason", "message": _("请填写退回原因")}]
            )
        if len(reason) > 300:
            raise InvalidInput(
                _("退回原因过长。"), [{"field": "reason", "message": _("退回原因不超过300个字")}]
            )
        return _transition(
            actor,
            project,
            SecretaryProject.Status.RETURNED,
            ip=ip,
            reason=reason,
            reviewed_by=actor,
            review_reason=reason,
        )
    raise InvalidInput(
        _("审核结论无效。"),
        [
            {
                "field": "decision",
                "value": str(decision)[:20],
                "message": _("应为 approve 或 return"),
            }
        ],
    )


def report_add(
    *, actor: User, project: SecretaryProject, ip: str | None = None, **fields
) -> ProgressReport:
    """一月一调度: the month's progress and evidence; lateness is fixed by §10.1 on the day."""
    if not policies.can_propose(actor, project):
        raise NotPermitted(_("只有本乡镇（街道）可以报送调度情况。"))
    if project.status != SecretaryProject.Status.APPROVED:
        raise Conflict(_("只有实施中的项目报送月度调度。"))
    p = Problems()
    p.unknown(fields, ("month", "progress", "evidence"))
    raw = str(fields.get("month") or "").strip()
    month = p.date({"month": f"{raw}-01" if len(raw) == 7 else raw}, "month", _("月份"))
    progress = p.text(fields, "progress", _("进展情况"), max_length=5000)
    evidence = p.text(fields, "evidence", _("佐证"), max_length=300)
    today = timezone.localdate()
    if month:
        month = rules.first_of_month(month)
        if month.year != project.year or month > rules.first_of_month(today):
            p.add("month", _("月份应在项目年度内且不晚于本月"), raw)
        elif month < rules.first_of_month(project.approved_on):
            p.add("month", _("月份不能早于项目审核通过的月份"), raw)
    p.raise_if_any(_("月度调度填写有误。"))
    if ProgressReport.objects.filter(project=project, month=month).exists():
        raise Conflict(_("该月已报送调度情况。"))
    with transaction.atomic():
        report = ProgressReport.objects.create(
            project=project,
            month=month,
            progress=progress,
            evidence=evidence,
            submitted_on=today,
            days_late=rules.days_late(month, today, selectors.due_day()),
            by=actor,
        )
        audit_record(
            actor=actor,
            action=AuditLog.Action.CREATE,
            obj=report,
            after=snapshot(report, ("project", "month", "submitted_on", "days_late")),
            ip=ip,
        )
    return report


def visit_add(
    *, actor: User, project: SecretaryProject, ip: str | None = None, **fields
) -> ProjectVisit:
    """随机调研走访 / 实地核查 by the county; ``spot_check`` names the assessment spot check
    (三随机) of one of the committee's villages the visit went with, if any."""
    if not policies.can_manage(actor):
        raise NotPermitted(_("只有县级管理员可以登记项目走访。"))
    if project.status not in (SecretaryProject.Status.APPROVED, SecretaryProject.Status.GRADED):
        raise Conflict(_("只有实施中的项目可以登记走访。"))
    p = Problems()
    p.unknown(fields, ("visited_on", "method", "visitors", "findings", "spot_check"))
    visited_on = p.date(fields, "visited_on", _("走访日期"))
    method = p.choice(fields, "method", _("方式"), ProjectVisit.Method)
    visitors = p.text(fields, "visitors", _("走访人员"), max_length=200)
    findings = p.text(fields, "findings", _("走访情况"), max_length=5000)
    if visited_on and visited_on > timezone.localdate():
        p.add("visited_on", _("走访日期不能晚于今天"), visited_on)
    spot_check = spot_check_of(
        p, fields, Q(assessment__organization__parent_id=project.committee_id)
    )
    p.raise_if_any(_("项目走访填写有误。"))
    with transaction.atomic():
        visit = ProjectVisit.objects.create(
            project=project,
            visited_on=visited_on,
            method=method,
            visitors=visitors,
            findings=findings,
            spot_check=spot_check,
            by=actor,
        )
        audit_record(
            actor=actor,
            action=AuditLog.Action.CREATE,
            obj=visit,
            after=snapshot(visit, ("project", "visited_on", "method", "visitors", "spot_check")),
            ip=ip,
        )
    return visit


def spot_check_of(p: Problems, fields: dict, where: Q) -> SpotCheck | None:
    """The spot check named by ``fields["spot_check"]`` (an id, optional) if it is one of
    ``where``; else a problem on the field."""
    raw = fields.get("spot_check")
    if raw in (None, ""):
        return None
    try:
        pk = int(str(raw).strip())
    except (TypeError, ValueError):
        pk = None
    if pk is not None and not 0 < pk < 2**31:
        pk = None
    found = SpotCheck.objects.filter(where, pk=pk).first() if pk else None
    if found is None:
        p.add("spot_check", _("不是本单位所辖村的三随机核查记录"), raw)
    return found


def project_grade(
    *, actor: User, project: SecretaryProject, grade: str, comment: str = "", ip=None
) -> SecretaryProject:
    """Year-end completion review (集中评审): 好 / 较好 / 一般 / 差 with a comment; it feeds
    the secretary's annual report-and-review."""
    if not policies.can_manage(actor):
        raise NotPermitted(_("只有县级管理员可以考核书记项目。"))
    if project.status != SecretaryProject.Status.APPROVED:
        raise Conflict(_("只有实施中的项目可以年终考核。"))
    comment = str(comment or "").strip()
    errors = []
    if grade not in SecretaryProject.Grade.values:
        errors.append({"field": "grade", "value": str(grade)[:20], "message": _("考核等次无效")})
    if not comment:
        errors.append({"field": "comment", "message": _("请填写考核评语")})
    elif len(comment) > 300:
        errors.append({"field": "comment", "message": _("考核评语不超过300个字")})
    if errors:
        raise InvalidInput(_("年终考核填写有误。"), errors)
    return _transition(
        actor,
        project,
        SecretaryProject.Status.GRADED,
        ip=ip,
        grade=grade,
        grade_comment=comment,
        graded_by=actor,
    )
