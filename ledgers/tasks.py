"""The daily reminders build (Celery beat, see CELERY_BEAT_SCHEDULE); safe to run any number
of times a day."""

from celery import shared_task

from . import services


@shared_task(name="ledgers.reminders_build")
def reminders_build() -> int:
    return services.reminders_build()
