"""The notification centre: the user's own reminders, newest first; marking them read."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from ledgers import selectors, services
from starrating.pages import paginate

from .common import int_or_none


@login_required
@require_GET
def reminder_list(request: HttpRequest) -> HttpResponse:
    reminders = paginate(request, selectors.reminders_for_user(request.user))
    return render(request, "ledgers/reminders.html", {"reminders": reminders})


@login_required
@require_GET
def reminder_count(request: HttpRequest) -> HttpResponse:
    count = selectors.unread_reminder_count(request.user)
    return render(request, "ledgers/_reminder_count.html", {"count": count})


@login_required
@require_POST
def reminder_read(request: HttpRequest) -> HttpResponse:
    ids = [i for i in (int_or_none(v) for v in request.POST.getlist("id")) if i]
    services.reminder_mark_read(actor=request.user, reminder_ids=ids or None)
    return redirect("reminder_list")
