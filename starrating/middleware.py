"""Language selection: the pages are Chinese only, the API also speaks English.

The web templates are written in Chinese; letting a browser's Accept-Language switch model labels
(stage and status names) to English would mix two languages on one page. The API honours
Accept-Language (zh-hans by default, en on request) for scripts and other systems.
"""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class ApiLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request):
        if request.path_info.startswith("/api/"):
            return super().process_request(request)
        translation.activate(settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = translation.get_language()
        return None
