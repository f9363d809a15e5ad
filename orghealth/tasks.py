"""The daily 换届 reminders (Celery beat, see CELERY_BEAT_SCHEDULE); safe to run any number of
times a day."""

from celery import shared_task

from . import services


@shared_task(name="orghealth.election_reminders_build")
def election_reminders_build() -> int:
    return services.election_reminders_build()
