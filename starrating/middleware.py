"""Request plumbing of the project: language selection, and no caching of personal data.

Language selection: the pages are Chinese only, the API also speaks English.

The web templates are written in Chinese; letting a browser's Accept-Language switch model labels
(stage and status names) to English would mix two languages on one page. The API honours
Accept-Language (zh-hans by default, en on request) for scripts and other systems.
"""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.template.response import TemplateResponse
from django.utils import translation


class ApiLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request):
        if request.path_info.startswith("/api/"):
            return super().process_request(request)
        translation.activate(settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = translation.get_language()
        return None


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on every answer to a signed-in user and on every API answer:
    scores, names and audit rows must not linger in a browser's or a proxy's cache (等保2.0
    剩余信息保护; OWASP ASVS 14.3). Static files are answered by WhiteNoise before this runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if request.path_info.startswith("/api/") or (user is not None and user.is_authenticated):
            response["Cache-Control"] = "no-store"
            response["Pragma"] = "no-cache"
        return response


class MethodNotAllowedPageMiddleware:
    """A web page answered 405 (a bookmarked or refreshed form address, a filter sent to a
    write's URL) shows the product's Chinese page with a way back, never a blank page. The
    API keeps its JSON answer; the ``Allow`` header stays."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code == 405
            and not request.path_info.startswith("/api/")
            and not response.content
        ):
            page = TemplateResponse(request, "405.html", status=405).render()
            if response.has_header("Allow"):
                page["Allow"] = response["Allow"]
            return page
        return response
