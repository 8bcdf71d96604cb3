"""Staff sessions end after SESSION_IDLE_SECONDS without a request and SESSION_ABSOLUTE_SECONDS after sign-in.

The times are kept in the session itself (epoch seconds); SESSION_COOKIE_AGE and SESSION_SAVE_EVERY_REQUEST
make the cookie and the stored session expire with the idle limit as well.
"""

import time

from django.conf import settings

LOGIN_AT = "audit.login_at"
LAST_SEEN = "audit.last_seen"


def start_session_clock(request) -> None:
    now = int(time.time())
    request.session[LOGIN_AT] = now
    request.session[LAST_SEEN] = now


def session_expired(session, now: float) -> bool:
    login_at = session.get(LOGIN_AT)
    last_seen = session.get(LAST_SEEN, login_at)
    if login_at is None:  # signed in before this rule existed: sign in again
        return True
    return (
        now - last_seen > settings.SESSION_IDLE_SECONDS or now - login_at > settings.SESSION_ABSOLUTE_SECONDS
    )
