"""Slowing down one phone number, account or address asking too often: counters in Django's cache.

The keys hold a hash, never the phone number itself. The client address is REMOTE_ADDR: the reverse proxy
(docs/deploy.md) must pass the real address through (e.g. uWSGI/gunicorn behind nginx with real_ip).
"""

import hashlib

from django.conf import settings
from django.core.cache import cache

# (how many, per how many seconds); override in settings as RATE_LIMITS.
DEFAULT_LIMITS = {
    "booking_ip": (20, 3600),
    "booking_phone": (5, 3600),
    # Wrong phone numbers typed on a booking's cancel form: per address, and per address and booking — never
    # per booking alone, or five wrong tries by anyone would keep its owner from cancelling.
    "cancel_ip": (20, 3600),
    "cancel_tries": (5, 3600),
    # Looking bookings up by reference (status page, calendar file): guessing references is slowed down.
    "lookup_ip": (120, 3600),
    "certificate_ip": (60, 3600),  # certificate verification pages: a number is not guessed in an hour
    # Finding bookings by phone: codes asked for per number and per address, codes tried per address.
    "find_phone": (5, 3600),
    "find_ip": (20, 3600),
    "code_ip": (30, 3600),
    # Staff asking for a password-reset email: per address and per address typed in.
    "password_reset_ip": (10, 3600),
    "password_reset_email": (3, 3600),
}


def _limit(name: str) -> tuple[int, int]:
    return getattr(settings, "RATE_LIMITS", {}).get(name, DEFAULT_LIMITS[name])


def _key(name: str, value: str) -> str:
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{value}".encode()).hexdigest()[:32]
    return f"rl:{name}:{digest}"


def hit(name: str, value: str) -> bool:
    """Count one attempt; True when this attempt goes over the limit."""
    limit, seconds = _limit(name)
    key = _key(name, value)
    if cache.add(key, 1, seconds):  # the first attempt in this window: one write, not two
        return 1 > limit
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, seconds)
        count = 1
    return count > limit


def used_up(name: str, value: str) -> bool:
    """Whether the attempts counted so far (by ``hit``) already reach the limit: for limits that count only
    failures, checked before the attempt and counted after it fails."""
    limit, _seconds = _limit(name)
    return (cache.get(_key(name, value)) or 0) >= limit


def client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "")
