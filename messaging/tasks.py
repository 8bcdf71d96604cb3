"""Sending messages (the "messages" queue): retried with back-off while the provider fails temporarily."""

from celery import shared_task
from django.conf import settings

from . import services


@shared_task(
    name="messaging.send_message",
    autoretry_for=(services.TryAgain,),
    retry_backoff=settings.MESSAGES_RETRY_BACKOFF,  # seconds, doubled at each try
    retry_backoff_max=1800,
    retry_jitter=True,
    max_retries=None,  # deliver() counts the attempts (MESSAGES_MAX_ATTEMPTS) and stops
)
def send_message(message_id: int) -> None:
    services.deliver(message_id)


@shared_task(name="messaging.send_held")
def send_held() -> int:
    return services.release_held()
