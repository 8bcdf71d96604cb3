"""Test helpers for the two-factor requirement (used by the project's conftest.py and tests/audit)."""

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from .two_factor import requires_two_factor


def verified_device(user) -> TOTPDevice:
    device, _created = TOTPDevice.objects.get_or_create(
        user=user, name="test authenticator", defaults={"confirmed": True}
    )
    return device


def verify_forced_login(sender, request, user, **kwargs):
    """user_logged_in receiver: a login outside a request cycle (Client.force_login) also passes 2FA."""
    if request is not None and request.method is None and requires_two_factor(user):
        request.session[DEVICE_ID_SESSION_KEY] = verified_device(user).persistent_id


def otp_verify_session(client, user) -> None:
    """Mark ``client``'s session as having passed the second factor for ``user``."""
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = verified_device(user).persistent_id
    session.save()
