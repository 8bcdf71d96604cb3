"""One-time codes by SMS that prove a visitor holds a phone number (finding one's bookings, a volunteer's
sign-up and record): 6 digits, valid settings.FIND_CODE_SECONDS, settings.FIND_CODE_TRIES tries.

The code is kept in the cache as a keyed hash, under a hash of the phone, never as typed; a proven number is
remembered in the browser's session for settings.FIND_SESSION_SECONDS.
"""

import hashlib
import hmac
import secrets
import time
import uuid

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

from registers import ratelimit

from .services import queue


class CodeRefused(Exception):
    pass


def _digest(*parts) -> str:
    text = ":".join(str(part) for part in parts)
    return hmac.new(settings.SECRET_KEY.encode(), text.encode(), hashlib.sha256).hexdigest()


class PhoneCodes:
    """The codes of one purpose (``namespace``), sent as messages of ``kind`` (messaging.catalogue)."""

    def __init__(self, namespace: str, kind: str):
        self.namespace, self.kind = namespace, kind

    def _key(self, phone: str) -> str:
        return f"{self.namespace}:{_digest('phone', phone)[:32]}"

    def send(self, phone: str) -> None:
        """A new code for ``phone`` (replacing an earlier one), by SMS."""
        code = f"{secrets.randbelow(10**6):06d}"
        cache.set(
            self._key(phone),
            {"hash": _digest(self.namespace, phone, code), "tries": 0},
            settings.FIND_CODE_SECONDS,
        )
        queue(
            self.kind,
            to=phone,
            key=f"code:{_digest('phone', phone)[:16]}:{uuid.uuid4().hex}",
            params={"code": code, "minutes": settings.FIND_CODE_SECONDS // 60},
        )

    def check(self, phone: str, code: str) -> None:
        """Nothing when ``code`` is the phone's current code (then it is used up), else CodeRefused(why)."""
        key = self._key(phone)
        found = cache.get(key)
        if found is None:
            raise CodeRefused(_("This code has expired or was never sent. Ask for a new one."))
        if found["tries"] >= settings.FIND_CODE_TRIES:
            cache.delete(key)
            raise CodeRefused(_("Too many wrong codes. Ask for a new one."))
        if not hmac.compare_digest(found["hash"], _digest(self.namespace, phone, (code or "").strip())):
            found["tries"] += 1
            left = settings.FIND_CODE_TRIES - found["tries"]
            if left <= 0:
                cache.delete(key)
                raise CodeRefused(_("Too many wrong codes. Ask for a new one."))
            cache.set(key, found, settings.FIND_CODE_SECONDS)
            raise CodeRefused(_("This code is not right. %(left)s tries left.") % {"left": left})
        cache.delete(key)

    def remember(self, session, phone: str) -> None:
        session[self.namespace] = {"phone": phone, "until": time.time() + settings.FIND_SESSION_SECONDS}

    def remembered_phone(self, session) -> str | None:
        found = session.get(self.namespace)
        if not found or found.get("until", 0) < time.time():
            return None
        return found["phone"]


def codes_asked_too_often(request, phone: str) -> bool:
    """Counts one more code asked for by this network address and for this number; True past either limit
    (find_ip, find_phone in registers.ratelimit)."""
    return ratelimit.hit("find_ip", ratelimit.client_ip(request)) or ratelimit.hit("find_phone", phone)


def codes_tried_too_often(request) -> bool:
    """Counts one more code typed from this network address; True past the limit (code_ip)."""
    return ratelimit.hit("code_ip", ratelimit.client_ip(request))
