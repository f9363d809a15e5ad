"""Template context of every page: the idle timeout the page's warning counts down."""

from django.conf import settings


def session_timeout(request) -> dict:
    return {
        "session_idle_timeout": settings.SESSION_IDLE_TIMEOUT,
        "session_idle_warning": settings.SESSION_IDLE_WARNING,
    }
