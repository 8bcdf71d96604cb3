"""The volunteers' scheduled work (celery beat, config/settings.py)."""

from celery import shared_task

from . import messages


@shared_task(name="volunteers.queue_due_lists")
def queue_due_lists() -> int:
    return messages.queue_due_lists()
