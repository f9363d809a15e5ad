"""Evidence files: upload (a phone's camera included: the file input accepts images) to a
sheet's item, a finding, a ledger entry or a visit; download as an attachment, only for those
who may see the village (anyone else gets a 404)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ledgers import selectors, services
from ledgers.services.evidence import CONTENT_TYPES
from starrating.client import client_ip
from starrating.errors import DomainError, NotPermitted
from starrating.pages import require_role

from .common import LEDGER_ROLES, int_or_none


def _back(request: HttpRequest) -> str:
    url = request.POST.get("next") or request.META.get("HTTP_REFERER") or "/"
    if not url_has_allowed_host_and_scheme(url, {request.get_host()}, request.is_secure()):
        return "/"
    return url


def _target(request: HttpRequest) -> dict:
    """The object the file attaches to, looked up through the user's scope (else 404)."""
    post = request.POST
    kind = post.get("target", "")
    pk = int_or_none(post.get("target_id"))
    if kind not in ("item", "finding", "rectification", "visit", "objection") or pk is None:
        raise Http404
    if kind == "item":
        return selectors.evidence_target_for_user(
            request.user, assessment=pk, item=post.get("item", "")
        )
    extra = {"organization": int_or_none(post.get("organization"))} if kind == "visit" else {}
    return selectors.evidence_target_for_user(request.user, **{kind: pk}, **extra)


@login_required
@require_POST
def evidence_upload(request: HttpRequest) -> HttpResponse:
    require_role(request.user, LEDGER_ROLES)
    back = _back(request)
    try:
        target = _target(request)
        services.evidence_upload(
            actor=request.user,
            upload=request.FILES.get("file"),
            ip=client_ip(request),
            **target,
        )
    except NotPermitted as error:
        raise PermissionDenied(error.message) from error
    except DomainError as error:
        return render(
            request,
            "ledgers/evidence_refused.html",
            {"error": {"message": error.message, "errors": error.errors}, "back": back},
            status=error.status_code,
        )
    messages.success(request, _("佐证材料已上传。"))
    return redirect(back)


@login_required
@require_GET
def evidence_download(request: HttpRequest, pk: int) -> HttpResponse:
    require_role(request.user, LEDGER_ROLES)
    evidence = selectors.evidence_get_for_user(user=request.user, pk=pk)
    try:
        handle = evidence.file.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404 from exc
    services.evidence_download_record(actor=request.user, evidence=evidence, ip=client_ip(request))
    return private_file_response(handle, name=evidence.name, kind=evidence.kind)


def private_file_response(handle, *, name: str, kind: str) -> FileResponse:
    """A private file as an attachment that the browser neither sniffs nor renders (the
    secretaries' review reports are served the same way)."""
    response = FileResponse(
        handle, as_attachment=True, filename=name, content_type=CONTENT_TYPES[kind]
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
@require_POST
def evidence_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    require_role(request.user, LEDGER_ROLES)
    evidence = selectors.evidence_get_for_user(user=request.user, pk=pk)
    try:
        services.evidence_deactivate(actor=request.user, evidence=evidence, ip=client_ip(request))
    except NotPermitted as error:
        raise PermissionDenied(error.message) from error
    messages.success(request, _("佐证材料已撤下。"))
    return redirect(_back(request))
