"""The venues' scheduled work (celery beat, config/settings.py): the reminders before tomorrow's visits."""

from celery import shared_task

from . import messages, waitlist


@shared_task(name="venues.queue_visit_reminders")
def queue_visit_reminders() -> int:
    return messages.queue_reminders()


@shared_task(name="venues.queue_booking_digests")
def queue_booking_digests() -> int:
    return messages.queue_digests()


@shared_task(name="venues.expire_waitlist_offers")
def expire_waitlist_offers() -> int:
    return waitlist.expire_offers()


@shared_task(name="venues.queue_overdue_warnings")
def queue_overdue_warnings() -> int:
    return messages.queue_overdue_warnings()
