"""Finding one's bookings by phone: a 6-digit code by SMS (valid FIND_CODE_SECONDS, FIND_CODE_TRIES tries),
then the phone's bookings for FIND_SESSION_SECONDS in this browser's session.

The code is kept in the cache as a keyed hash, under a hash of the phone, never as typed. Asking for a code
answers the same whether or not the number has bookings (no one learns who booked); a code is sent only to a
number that has bookings, so the page cannot be used to send SMS to anyone.
"""

import datetime
import hashlib
import hmac
import secrets
import time
import uuid

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _

from messaging.services import queue

from .models import Booking

SESSION_KEY = "venues:bookings_of"


def _digest(*parts) -> str:
    text = ":".join(str(part) for part in parts)
    return hmac.new(settings.SECRET_KEY.encode(), text.encode(), hashlib.sha256).hexdigest()


def _code_key(phone: str) -> str:
    return f"venues:find:{_digest('phone', phone)[:32]}"


def send_code(phone: str) -> None:
    """A new code for ``phone`` (replacing an earlier one), sent by SMS if the number has bookings."""
    if not Booking.objects.filter(phone=phone).exists():
        return
    code = f"{secrets.randbelow(10**6):06d}"
    cache.set(
        _code_key(phone), {"hash": _digest("code", phone, code), "tries": 0}, settings.FIND_CODE_SECONDS
    )
    queue(
        "lookup_code",
        to=phone,
        key=f"code:{_digest('phone', phone)[:16]}:{uuid.uuid4().hex}",
        params={"code": code, "minutes": settings.FIND_CODE_SECONDS // 60},
    )


class CodeRefused(Exception):
    pass


def check_code(phone: str, code: str) -> None:
    """Nothing when ``code`` is the phone's current code (then it is used up), else CodeRefused(why)."""
    key = _code_key(phone)
    found = cache.get(key)
    if found is None:
        raise CodeRefused(_("This code has expired or was never sent. Ask for a new one."))
    if found["tries"] >= settings.FIND_CODE_TRIES:
        cache.delete(key)
        raise CodeRefused(_("Too many wrong codes. Ask for a new one."))
    if not hmac.compare_digest(found["hash"], _digest("code", phone, (code or "").strip())):
        found["tries"] += 1
        left = settings.FIND_CODE_TRIES - found["tries"]
        if left <= 0:
            cache.delete(key)
            raise CodeRefused(_("Too many wrong codes. Ask for a new one."))
        cache.set(key, found, settings.FIND_CODE_SECONDS)
        raise CodeRefused(_("This code is not right. %(left)s tries left.") % {"left": left})
    cache.delete(key)


def remember(session, phone: str) -> None:
    session[SESSION_KEY] = {"phone": phone, "until": time.time() + settings.FIND_SESSION_SECONDS}


def remembered_phone(session) -> str | None:
    found = session.get(SESSION_KEY)
    if not found or found.get("until", 0) < time.time():
        return None
    return found["phone"]


def bookings_of(phone: str):
    """The phone's bookings from 90 days ago on, soonest first (one query)."""
    since = timezone.now() - datetime.timedelta(days=90)
    return (
        Booking.objects.filter(phone=phone, slot__starts_at__gte=since)
        .select_related("venue", "slot")
        .order_by("slot__starts_at", "pk")
    )
