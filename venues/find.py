"""Finding one's bookings by phone: a 6-digit code by SMS (valid FIND_CODE_SECONDS, FIND_CODE_TRIES tries),
then the phone's bookings for FIND_SESSION_SECONDS in this browser's session.

The codes are messaging.phone_codes'. Asking for a code answers the same whether or not the number has
bookings (no one learns who booked); a code is sent only to a number that has bookings, so the page cannot be
used to send SMS to anyone.
"""

import datetime

from django.utils import timezone

from messaging.phone_codes import CodeRefused, PhoneCodes

from .models import Booking

CODES = PhoneCodes("venues:find", "lookup_code")

__all__ = ["CodeRefused", "bookings_of", "check_code", "remember", "remembered_phone", "send_code"]


def send_code(phone: str) -> None:
    """A new code for ``phone``, sent by SMS only if the number has bookings."""
    if Booking.objects.filter(phone=phone).exists():
        CODES.send(phone)


def check_code(phone: str, code: str) -> None:
    CODES.check(phone, code)


def remember(session, phone: str) -> None:
    CODES.remember(session, phone)


def remembered_phone(session) -> str | None:
    return CODES.remembered_phone(session)


def bookings_of(phone: str):
    """The phone's bookings from 90 days ago on, soonest first (one query)."""
    since = timezone.now() - datetime.timedelta(days=90)
    return (
        Booking.objects.filter(phone=phone, slot__starts_at__gte=since)
        .select_related("venue", "slot")
        .order_by("slot__starts_at", "pk")
    )
