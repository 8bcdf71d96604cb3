"""The volunteers' scheduled work (celery beat, config/settings.py)."""

from celery import shared_task

from . import messages, recruiting


@shared_task(name="volunteers.queue_due_lists")
def queue_due_lists() -> int:
    return messages.queue_due_lists()


@shared_task(name="volunteers.queue_sign_up_reminders")
def queue_sign_up_reminders() -> int:
    return recruiting.queue_reminders()
