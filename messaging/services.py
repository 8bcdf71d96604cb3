"""Queuing a message and sending it (in a worker).

``queue()`` writes the message (once per key) and, once the caller's transaction commits, hands it to a
worker; in quiet hours (MESSAGES_QUIET_HOURS, 21:00–08:00) a message that is not urgent is held, and the
beat's ``messaging.send_held`` queues it in the morning. ``deliver()`` sends it at most once: it takes the
message from queued to sending in one conditional UPDATE, so a job run twice finds nothing to do; a temporary
failure puts it back (the task retries it with back-off), a permanent one marks it failed with the reason.
"""

import datetime
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from registers.phones import mask_phone

from . import catalogue
from .channels import PermanentFailure, TemporaryFailure, channel_for
from .models import Message

logger = logging.getLogger(__name__)


def _quiet_until(now: datetime.datetime) -> datetime.datetime | None:
    """The end of the quiet hours if ``now`` is in them, else None."""
    start, end = settings.MESSAGES_QUIET_HOURS
    if start == end:
        return None  # no quiet hours
    local = timezone.localtime(now)
    if start <= local.hour or local.hour < end:
        morning = local if local.hour < end else local + datetime.timedelta(days=1)
        return morning.replace(hour=end, minute=0, second=0, microsecond=0)
    return None


def queue(kind: str, *, to: str, key: str, params: dict, community=None, about: str = "", now=None):
    """Queue ``kind`` to ``to`` (a phone number: SMS; an address with @: email). Once per ``key``; None
    when ``to`` already had MESSAGES_DAILY_LIMIT messages today (against a page used to flood a number)."""
    now = now or timezone.now()
    midnight = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    if (
        Message.objects.filter(recipient=to, created_at__gte=midnight).count()
        >= settings.MESSAGES_DAILY_LIMIT
    ):
        logger.warning("daily message limit reached for %s: %s not queued", mask_phone(to), kind)
        return None
    channel = Message.Channel.EMAIL if "@" in to else Message.Channel.SMS
    held = None if catalogue.KINDS[kind].urgent else _quiet_until(now)
    try:
        with transaction.atomic():
            message = Message.objects.create(
                kind=kind,
                channel=channel,
                recipient=to,
                params=params,
                text=catalogue.render(kind, params),
                key=key,
                community=community,
                about=about,
                status=Message.Status.HELD if held else Message.Status.QUEUED,
                send_after=held,
            )
    except IntegrityError:
        return Message.objects.get(key=key)  # queued before: sent once
    if not held:
        transaction.on_commit(lambda: _hand_to_worker(message.pk))
    return message


def queue_many(kind: str, items: list[dict], *, now=None, batch_size: int = 1000) -> int:
    """``queue()`` for many messages at once (a reminder run): each item has to, key, params, community_id and
    about. Inserted in batches; a key queued before is skipped. Returns how many were queued now."""
    now = now or timezone.now()
    held = None if catalogue.KINDS[kind].urgent else _quiet_until(now)
    queued = 0
    for start in range(0, len(items), batch_size):
        batch = items[start : start + batch_size]
        keys = [item["key"] for item in batch]
        with transaction.atomic():
            existing = set(Message.objects.filter(key__in=keys).values_list("key", flat=True))
            Message.objects.bulk_create(
                [
                    Message(
                        kind=kind,
                        channel=Message.Channel.EMAIL if "@" in item["to"] else Message.Channel.SMS,
                        recipient=item["to"],
                        params=item["params"],
                        text=catalogue.render(kind, item["params"]),
                        key=item["key"],
                        community_id=item.get("community_id"),
                        about=item.get("about", ""),
                        status=Message.Status.HELD if held else Message.Status.QUEUED,
                        send_after=held,
                    )
                    for item in batch
                    if item["key"] not in existing
                ],
                ignore_conflicts=True,  # queued meanwhile by another run: that one sends it
            )
            new = list(
                Message.objects.filter(
                    key__in=set(keys) - existing, status=Message.Status.QUEUED, attempts=0
                ).values_list("pk", flat=True)
            )
        for pk in new:
            _hand_to_worker(pk)
        queued += len(new)
    return queued


def _hand_to_worker(message_id: int) -> None:
    from .tasks import send_message

    send_message.delay(message_id)


class TryAgain(Exception):
    """Raised by deliver() after a temporary failure: the task retries later."""


def deliver(message_id: int) -> None:
    taken = Message.objects.filter(pk=message_id, status=Message.Status.QUEUED).update(
        status=Message.Status.SENDING
    )
    if not taken:
        return  # sent, failed, held, or being sent by another run
    message = Message.objects.get(pk=message_id)
    attempts = message.attempts + 1
    try:
        provider_id = channel_for(message).send(message)
    except TemporaryFailure as error:
        final = attempts >= settings.MESSAGES_MAX_ATTEMPTS
        Message.objects.filter(pk=message_id).update(
            status=Message.Status.FAILED if final else Message.Status.QUEUED,
            attempts=attempts,
            error=str(error),
        )
        logger.warning("message %s (%s to %s) failed, attempt %s", message_id, message.kind,
                       mask_phone(message.recipient), attempts)  # fmt: skip
        if not final:
            raise TryAgain(str(error)) from None
        return
    except PermanentFailure as error:
        Message.objects.filter(pk=message_id).update(
            status=Message.Status.FAILED, attempts=attempts, error=str(error)
        )
        return
    Message.objects.filter(pk=message_id).update(
        status=Message.Status.SENT,
        attempts=attempts,
        provider_id=provider_id,
        sent_at=timezone.now(),
        error="",
    )


def release_held(now=None) -> int:
    """Queue the held messages whose quiet hours are over."""
    now = now or timezone.now()
    due = list(
        Message.objects.filter(status=Message.Status.HELD, send_after__lte=now).values_list("pk", flat=True)
    )
    for pk in due:
        if Message.objects.filter(pk=pk, status=Message.Status.HELD).update(status=Message.Status.QUEUED):
            _hand_to_worker(pk)
    return len(due)
