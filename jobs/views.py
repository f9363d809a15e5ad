"""Pages of the background jobs: the user's jobs, one job's progress (htmx refreshes it until
the job has finished) and its result file. Jobs are private to the user who started them:
anyone else's job is a 404."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from starrating.pages import paginate

from . import selectors


@login_required
@require_GET
def job_list(request: HttpRequest) -> HttpResponse:
    jobs = paginate(request, selectors.jobs_for_user(request.user, limit=None))
    return render(request, "jobs/list.html", {"jobs": jobs})


@login_required
@require_GET
def job_status(request: HttpRequest, pk: int) -> HttpResponse:
    job = selectors.job_get_for_user(user=request.user, pk=pk)
    template = "jobs/_progress.html" if request.htmx else "jobs/status.html"
    return render(request, template, {"job": job})


@login_required
@require_GET
def job_download(request: HttpRequest, pk: int) -> HttpResponse:
    job = selectors.job_get_for_user(user=request.user, pk=pk)
    if not job.result_available:
        raise Http404(_("结果文件不存在或已过期。"))
    name = job.result_file.name.rsplit("/", 1)[-1].split("-", 1)[-1]
    return FileResponse(job.result_file.open("rb"), as_attachment=True, filename=name)
