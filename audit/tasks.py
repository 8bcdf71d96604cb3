"""Background jobs of the audit app (run by a Celery worker; scheduled in CELERY_BEAT_SCHEDULE)."""

import logging

from celery import shared_task

from .personal_data import purge_expired

logger = logging.getLogger(__name__)


@shared_task(name="audit.purge_personal_data")
def purge_personal_data() -> dict[str, int]:
    """Anonymise the personal data whose retention period is over (daily, from beat)."""
    done = purge_expired()
    logger.info("retention purge: %s", done)  # model labels and counts only, no personal data
    return done
