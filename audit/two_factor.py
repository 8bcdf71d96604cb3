"""Who must sign in with a second factor, and the devices behind it (django-otp: TOTP + recovery codes)."""

import secrets

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from registers.roles import requires_two_factor

from . import events

RECOVERY_CODE_COUNT = 10
# The codes just made may be downloaded as a file for this long (audit.views.recovery_codes_file).
CODES_SHOWN_AT = "audit.recovery_codes_shown_at"
CODES_DOWNLOAD_SECONDS = 10 * 60


def has_confirmed_device(user) -> bool:
    return any(True for _device in devices_for_user(user, confirmed=True))


# Set at sign-in when the account has no second factor, so that its pages cost no device lookup. Turning a
# second factor on ends the account's other sessions (end_other_sessions), so none keeps this flag.
OFF_AT_SIGN_IN = "audit.two_factor_off"


def note_two_factor_at_sign_in(request, user) -> None:
    request.session[OFF_AT_SIGN_IN] = not has_confirmed_device(user)


def uses_two_factor(request) -> bool:
    """Whether the signed-in account must give its second factor: required, or turned on by its owner."""
    user = request.user
    if requires_two_factor(user):
        return True
    return request.session.get(OFF_AT_SIGN_IN) is not True and has_confirmed_device(user)


def pending_totp_device(user) -> TOTPDevice:
    """The unconfirmed authenticator being enrolled (a new secret each time enrolment starts over)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


@transaction.atomic
def confirm_totp_device(request, device: TOTPDevice) -> list[str]:
    """Make ``device`` the account's authenticator, verify this session, and issue new recovery codes."""
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    otp_login(request, device)
    end_other_sessions(request, device.user)
    events.record(events.Kind.TWO_FACTOR_ENROLLED, user=device.user, request=request)
    return new_recovery_codes(device.user)


def end_other_sessions(request, user) -> int:
    """Sign ``user`` out everywhere but here: a session opened with the password alone (perhaps by whoever
    the owner suspects has it) must not outlive the second factor the owner has just turned on. Sessions
    live 30 minutes idle, so the live ones are few enough to read."""
    ended = 0
    live = Session.objects.filter(expire_date__gt=timezone.now()).exclude(
        session_key=request.session.session_key
    )
    for session in live.iterator():
        if str(session.get_decoded().get(SESSION_KEY)) == str(user.pk):
            session.delete()
            ended += 1
    return ended


@transaction.atomic
def new_recovery_codes(user) -> list[str]:
    """Replace the account's recovery codes; each works once. Shown once, stored as django-otp keeps them."""
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name="recovery codes", defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [f"{secrets.randbelow(10**8):08d}" for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    events.record(events.Kind.RECOVERY_CODES, target=user.get_username())
    return codes


def unused_recovery_codes(user) -> list[str]:
    return list(
        StaticToken.objects.filter(device__user=user, device__name="recovery codes")
        .order_by("pk")
        .values_list("token", flat=True)
    )


def verify_token(request, token: str) -> bool:
    """Check ``token`` against the account's authenticator, then its recovery codes; verify the session."""
    token = "".join(token.split())
    for device in devices_for_user(request.user, confirmed=True):
        if device.verify_is_allowed()[0] and device.verify_token(token):
            otp_login(request, device)
            events.record(events.Kind.TWO_FACTOR, request=request, detail=type(device).__name__)
            return True
    events.record(events.Kind.TWO_FACTOR, succeeded=False, request=request)
    return False


@transaction.atomic
def remove_two_factor(user) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
