"""Celery application.

With no ``CELERY_BROKER_URL`` configured, settings switch Celery to run tasks in-process
(``task_always_eager``) so the embedded default needs nothing running besides Django.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "starrating.settings")

app = Celery("starrating")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
