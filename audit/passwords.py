"""Staff passwords (等保 2.0 身份鉴别 a): complexity, age, and a reset by email that tells nothing away.

Django's own validators give the length, the likeness to the account's names and the common-password list
(AUTH_PASSWORD_VALIDATORS); the two below add what they lack. No maintained package checks "three of four
character classes" (django-password-validators asks a minimum of each class), hence ``CharacterClassesValidator``.
"""

import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from registers import ratelimit

from . import events
from .models import PasswordChange

CLASSES = (
    ("lower", str.islower),
    ("upper", str.isupper),
    ("digit", str.isdigit),
    ("symbol", lambda c: not c.isalnum()),
)


class CharacterClassesValidator:
    """At least ``min_classes`` of: lower-case letters, upper-case letters, digits, other characters."""

    def __init__(self, min_classes=3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        found = sum(1 for _name, test in CLASSES if any(test(c) for c in password))
        if found < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self):
        return _(
            "Your password must mix at least %(count)d of: lower-case letters, upper-case letters, digits, "
            "other characters (such as !@#%%)."
        ) % {"count": self.min_classes}


class NotContainingUsernameValidator:
    """The account's name may not stand inside its password (UserAttributeSimilarityValidator only compares
    the whole)."""

    def validate(self, password, user=None):
        username = (user.get_username() if user is not None else "") or ""
        if len(username) >= 3 and username.casefold() in password.casefold():
            raise ValidationError(
                _("Your password may not contain your user name."), code="password_contains_username"
            )

    def get_help_text(self):
        return _("Your password may not contain your user name.")


# ---- age -------------------------------------------------------------------------------------------------

CHANGED_AT = "audit.password_changed_at"


def last_changed(user) -> float:
    """When ``user``'s password was last set (epoch seconds); an account older than this rule counts from
    its creation."""
    last = PasswordChange.objects.filter(user=user).order_by("-at").values_list("at", flat=True).first()
    return (last or user.date_joined).timestamp()


def note_password_age_at_sign_in(request, user) -> None:
    request.session[CHANGED_AT] = last_changed(user)


def password_expired(request) -> bool:
    """Whether the signed-in account's password is older than PASSWORD_MAX_AGE_DAYS (0: never). Read from
    the session (set at sign-in); the database is asked again only once the session says it has expired."""
    days = settings.PASSWORD_MAX_AGE_DAYS
    if not days:
        return False
    limit = days * 24 * 3600
    changed_at = request.session.get(CHANGED_AT)
    if changed_at is not None and time.time() - changed_at <= limit:
        return False
    changed_at = last_changed(request.user)
    request.session[CHANGED_AT] = changed_at
    return time.time() - changed_at > limit


# ---- reset -----------------------------------------------------------------------------------------------


class StaffPasswordResetForm(PasswordResetForm):
    """Django's reset form, for active staff accounts only, sent by a worker: the page answers at once and the
    same way whether the address belongs to an account or not (no email is sent from the request, so its
    time tells nothing either); the link is made in the worker, so no token waits in the queue."""

    def get_users(self, email):
        return (user for user in super().get_users(email) if user.is_staff)

    def save(self, domain_override=None, use_https=False, request=None, **kwargs):
        from .tasks import send_password_reset

        email = self.cleaned_data["email"]
        events.record(events.Kind.PASSWORD_RESET_ASKED, username=email[:150], request=request)
        for user in self.get_users(email):
            send_password_reset.delay(user.pk, request.get_host(), request.is_secure())


def too_many_resets(request, email: str) -> bool:
    return ratelimit.hit("password_reset_ip", ratelimit.client_ip(request)) or ratelimit.hit(
        "password_reset_email", email.strip().casefold()
    )


def send_reset_email(user_id: int, domain: str, use_https: bool) -> None:
    """In a worker: the reset link for one account, by email (Django's own templates and token)."""
    user = get_user_model().objects.filter(pk=user_id, is_active=True, is_staff=True).first()
    if user is None or not user.email or not user.has_usable_password():
        return
    context = {
        "email": user.email,
        "domain": domain,
        "site_name": domain,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "user": user,
        "token": default_token_generator.make_token(user),
        "protocol": "https" if use_https else "http",
    }
    with translation.override(settings.LANGUAGE_CODE):
        PasswordResetForm().send_mail(
            "registration/password_reset_subject.txt",
            "registration/password_reset_email.html",
            context,
            settings.DEFAULT_FROM_EMAIL,
            user.email,
        )
