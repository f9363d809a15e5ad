"""Error pages for URLs no view answers: under ``/api/`` the API's one JSON error shape
(``{"message", "errors"}``), elsewhere the product's own HTML page."""

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults


def not_found(request, exception=None):
    if request.path_info.startswith("/api/"):
        response = JsonResponse(
            {"message": _("未找到该对象，或您无权查看。"), "errors": []},
            status=404,
            json_dumps_params={"ensure_ascii": False},
        )
        response["Cache-Control"] = "no-store"
        return response
    return defaults.page_not_found(request, exception)
