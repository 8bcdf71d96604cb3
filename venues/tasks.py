"""The venues' scheduled work (celery beat, config/settings.py): the reminders before tomorrow's visits."""

from celery import shared_task

from . import checkin, messages, waitlist


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


@shared_task(name="venues.mark_no_shows")
def mark_no_shows() -> int:
    """Confirmed bookings nobody checked in after their slot started become no-shows (every 15 minutes)."""
    return checkin.mark_no_shows()
