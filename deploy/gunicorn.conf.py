"""gunicorn settings for the web service (deploy/starrating-web.service runs
``gunicorn starrating.wsgi -c deploy/gunicorn.conf.py``). Overridable from the environment file."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", min(2 * multiprocessing.cpu_count() + 1, 9)))
# Generous: a large page (the annual ranking) on a slow county server; Excel work runs in Celery.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = 30
forwarded_allow_ips = "127.0.0.1,::1"  # nginx on the same machine

# Both logs to stdout/stderr: systemd's journal keeps them (journalctl -u starrating-web).
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# Client address as nginx saw it, user-visible request, status, bytes, duration in ms.
access_log_format = '%({x-real-ip}i)s %(m)s "%(U)s%(q)s" %(s)s %(B)s %(M)sms "%(a)s"'
# Same timestamps as Django and Celery: ISO 8601 with the offset, in the product's zone.
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"()": "starrating.logs.OffsetFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "stream": "ext://sys.stdout",
        }
    },
    "loggers": {
        "gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "gunicorn.access": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
