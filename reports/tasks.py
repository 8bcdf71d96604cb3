"""Background jobs of the reports app (run by a Celery worker; scheduled in CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from . import summaries


@shared_task(name="reports.refresh_summaries")
def refresh_summaries() -> int:
    """Bring every marked summary up to date (every minute, from beat): the dashboards then find little or
    nothing to refresh themselves. Returns the number of marks cleared."""
    return summaries.refresh()
