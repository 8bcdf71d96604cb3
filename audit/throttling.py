"""Tiered login cool-offs for django-axes (settings.AXES_HANDLER and AXES_COOLOFF_TIME point here).

Axes locks a username, or an address, after ``AXES_FAILURE_LIMIT`` failures within the cool-off. The
cool-off grows with the failures of the last day, counted from axes' failure log (one row per failure):
5 failures lock for 15 minutes, 10 or more for 2 hours. A lockout always ends: an attacker who knows a
staff member's username can delay them, never shut them out for good.

The lock lasts until the expiry stored with the failed attempts (AXES_USE_ATTEMPT_EXPIRATION), and
``TieredLockoutHandler`` makes that expiry right: the failure that locks sets it from the failures of the
day *including itself*, on every attempt that counts towards the lock. Axes alone computes it before the
failure is logged (9 failures: 15 minutes where the 10th should lock for 2 hours), and deletes expired
attempts whenever anybody signs in or fails, which then ended the lock.
"""

import math
from datetime import datetime, timedelta

from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username, get_failure_limit
from axes.models import AccessAttemptExpiration, AccessFailureLog
from django.db.models import Sum
from django.utils import timezone

# (failures within FAILURE_WINDOW, cool-off), highest first.
TIERS = ((10, timedelta(hours=2)), (0, timedelta(minutes=15)))
FAILURE_WINDOW = timedelta(hours=24)


def recent_failures(username: str | None, ip_address: str | None) -> int:
    """The larger of the failures of this username and of this address within the window."""
    since = timezone.now() - FAILURE_WINDOW
    recent = AccessFailureLog.objects.filter(attempt_time__gte=since)
    counts = []
    if username:
        counts.append(recent.filter(username=username).count())
    if ip_address:
        counts.append(recent.filter(ip_address=ip_address).count())
    return max(counts, default=0)


def cool_off_for(failures: int) -> timedelta:
    for threshold, cool_off in TIERS:
        if failures >= threshold:
            return cool_off
    return TIERS[-1][1]


def cool_off(request=None) -> timedelta:
    """The cool-off for the failures logged so far (while axes records a failure, without that one)."""
    if request is None:
        return TIERS[-1][1]
    username = get_client_username(request)
    ip_address = getattr(request, "axes_ip_address", None)
    return cool_off_for(recent_failures(username, ip_address))


class TieredLockoutHandler(AxesDatabaseHandler):
    """Axes' database handler, with a lock that lasts until its expiry, whoever signs in meanwhile."""

    def get_user_attempts(self, request, credentials=None):
        # An attempt counts until its stored expiry, not for a window worked out afresh on each request
        # (which depends on who asks): one expiry per attempt decides when a lock ends.
        now = request.axes_attempt_time or timezone.now()
        return [
            attempts.filter(expiration__expires_at__gt=now)
            for attempts in self.filter_user_attempts(request, credentials)
        ]

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        locked_before = getattr(request, "axes_locked_out", False)  # refused by the backend: not recorded
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is not None and request.axes_locked_out and not locked_before:
            self.hold_lock(request, credentials)

    def hold_lock(self, request, credentials=None) -> None:
        """The failure just recorded locks: every attempt counting towards the lock expires with it."""
        # The failure log now holds this failure too, so the tier counts it.
        ends_at = request.axes_attempt_time + cool_off(request)
        limit = get_failure_limit(request, credentials)
        for attempts in self.get_user_attempts(request, credentials):
            if (attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0) >= limit:
                AccessAttemptExpiration.objects.filter(
                    access_attempt__in=attempts.values("pk"), expires_at__lt=ends_at
                ).update(expires_at=ends_at)

    def lock_ends_at(self, request, credentials=None) -> datetime | None:
        """When the username's or the address's lock ends: when fewer than the limit of its failures remain."""
        limit = get_failure_limit(request, credentials)
        ends = []
        for attempts in self.get_user_attempts(request, credentials):
            remaining = 0
            rows = attempts.order_by("-expiration__expires_at")
            for failures, expires_at in rows.values_list("failures_since_start", "expiration__expires_at"):
                remaining += failures
                if remaining >= limit:
                    ends.append(expires_at)
                    break
        return max(ends, default=None)


def lockout_response(request, original_response=None, credentials=None):
    """The sign-in page's answer during a lockout: a clear message with the time left, status 429."""
    from django.conf import settings
    from django.contrib import admin
    from django.shortcuts import render

    ends_at = AxesProxyHandler.get_implementation().lock_ends_at(request, credentials)
    left = ends_at - timezone.now() if ends_at else cool_off(request)
    minutes = max(1, math.ceil(left.total_seconds() / 60))
    context = {**admin.site.each_context(request), "title": "", "cooloff_minutes": minutes}
    return render(request, "audit/lockout.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)
