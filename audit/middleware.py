"""The visitor's address behind the proxy, session limits and the two-factor requirement, on every request."""

import ipaddress
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from .events import serving
from .passwords import password_expired
from .sessions import LAST_SEEN, session_expired
from .two_factor import has_confirmed_device, uses_two_factor


class RealClientAddressMiddleware:
    """Behind the reverse proxy every request comes from the proxy: take the visitor's address from the
    X-Forwarded-For header the proxy sets (docs/deploy.md), only when the request really comes from a
    trusted proxy (settings.TRUSTED_PROXIES). Login lockouts and the public pages' rate limits count per
    visitor this way, instead of locking everybody out together.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.trusted = set(settings.TRUSTED_PROXIES)

    def __call__(self, request):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded and request.META.get("REMOTE_ADDR") in self.trusted:
            # The rightmost address is the one our proxy saw; anything left of it the client could have sent.
            candidate = forwarded.split(",")[-1].strip()
            try:
                request.META["REMOTE_ADDR"] = str(ipaddress.ip_address(candidate))
            except ValueError:
                pass
        with serving(request):  # security events written while serving it know its account and address
            return self.get_response(request)


class SessionLimitsMiddleware:
    """Signs out a session idle for too long or older than a working day; the page then asks to sign in."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            if session_expired(request.session, now):
                logout(request)
                messages.info(request, _("Your session has ended. Please sign in again."))
            else:
                request.session[LAST_SEEN] = int(now)
        return self.get_response(request)


# Paths an account that still owes its second factor may open.
def _exempt_paths():
    return (
        reverse("audit:verify"),
        reverse("audit:two_factor"),
        reverse("audit:qr_code"),
        reverse("admin:logout"),
        reverse("admin:jsi18n"),
        "/static/",
        "/i18n/",
    )


class TwoFactorMiddleware:
    """An account that may see sensitive data, or that turned two-factor sign-in on, gets nothing but the
    second-factor pages until verified.

    Runs after django-otp's OTPMiddleware, which sets ``request.user.is_verified()`` from the session.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not user.is_verified()
            and not request.path.startswith(_exempt_paths())
            and uses_two_factor(request)
        ):
            target = "audit:verify" if has_confirmed_device(user) else "audit:two_factor"
            return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


class PasswordAgeMiddleware:
    """A staff account whose password is older than PASSWORD_MAX_AGE_DAYS gets only the page that changes it
    (and signing out) until it does. Runs after TwoFactorMiddleware: the second factor comes first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            settings.PASSWORD_MAX_AGE_DAYS
            and user.is_authenticated
            and user.is_staff
            and not request.path.startswith(_password_exempt_paths())
            and password_expired(request)
        ):
            messages.warning(
                request,
                _("Your password is more than %(days)d days old. Choose a new one to go on.")
                % {"days": settings.PASSWORD_MAX_AGE_DAYS},
            )
            return redirect("admin:password_change")
        return self.get_response(request)


def _password_exempt_paths():
    return (
        reverse("admin:password_change"),
        reverse("admin:password_change_done"),
        *_exempt_paths(),
    )
