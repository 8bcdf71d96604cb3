"""Tiered login cool-offs for django-axes (settings.AXES_COOLOFF_TIME points here).

Axes locks a username, or an address, after ``AXES_FAILURE_LIMIT`` failures within the cool-off. The
cool-off grows with the failures of the last day, counted from axes' failure log (one row per failure):
5 failures lock for 15 minutes, 10 or more for 2 hours. A lockout always ends: an attacker who knows a
staff member's username can delay them, never shut them out for good.
"""

from datetime import timedelta

from axes.helpers import get_client_username
from axes.models import AccessFailureLog
from django.db.models import Q
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
        counts.append(recent.filter(Q(username=username)).count())
    if ip_address:
        counts.append(recent.filter(ip_address=ip_address).count())
    return max(counts, default=0)


def cool_off_for(failures: int) -> timedelta:
    for threshold, cool_off in TIERS:
        if failures >= threshold:
            return cool_off
    return TIERS[-1][1]


def cool_off(request=None) -> timedelta:
    if request is None:
        return TIERS[-1][1]
    username = get_client_username(request)
    ip_address = getattr(request, "axes_ip_address", None)
    return cool_off_for(recent_failures(username, ip_address))


def lockout_response(request, original_response=None, credentials=None):
    """The sign-in page's answer during a lockout: a clear message with the wait, status 429."""
    from django.conf import settings
    from django.contrib import admin
    from django.shortcuts import render

    minutes = int(cool_off(request).total_seconds() // 60)
    context = {**admin.site.each_context(request), "title": "", "cooloff_minutes": minutes}
    return render(request, "audit/lockout.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)
