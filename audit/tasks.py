"""Background jobs of the audit app (run by a Celery worker; scheduled in CELERY_BEAT_SCHEDULE)."""

import logging

from celery import shared_task

from .passwords import send_reset_email
from .personal_data import purge_expired
from .protection import purge_old_entries

logger = logging.getLogger(__name__)


@shared_task(name="audit.purge_personal_data")
def purge_personal_data() -> dict[str, int]:
    """Anonymise the personal data whose retention period is over (daily, from beat)."""
    done = purge_expired()
    logger.info("retention purge: %s", done)  # model labels and counts only, no personal data
    return done


@shared_task(name="audit.purge_old_audit_entries")
def purge_old_audit_entries() -> dict[str, int]:
    """Delete security events and access-log rows past AUDIT_LOG_RETENTION_DAYS (daily, from beat)."""
    return purge_old_entries()


@shared_task(name="audit.send_password_reset")
def send_password_reset(user_id: int, domain: str, use_https: bool) -> None:
    """Email one staff account its password-reset link (asked for on the sign-in page)."""
    send_reset_email(user_id, domain, use_https)
