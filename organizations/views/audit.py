"""The audit log page (安全审计): the county's rows, filtered in the URL, paginated, with
Chinese names and readable before → after. Read only, for the auditor and the audit
administrator."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from organizations import selectors
from organizations.forms import audit_rows_for

PAGE_SIZE = 50


@login_required
@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    if not selectors.can_read_audit(request.user):
        raise PermissionDenied(_("只有审计员和审计管理员可以查看审计日志。"))
    form, rows = audit_rows_for(request.user, request.GET)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    entries = [
        {
            "entry": entry,
            "object_type": selectors.object_type_label(entry.object_type),
            "diff": selectors.audit_diff(entry),
        }
        for entry in page.object_list
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "organizations/audit_log.html",
        {"form": form, "page": page, "entries": entries, "query": query.urlencode()},
    )
