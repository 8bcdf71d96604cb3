"""Receivers: the start of a session (for its absolute limit, and whether it owes a second factor)."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .sessions import start_session_clock
from .two_factor import note_two_factor_at_sign_in


@receiver(user_logged_in, dispatch_uid="audit.session_clock")
def _start_session_clock(sender, request, user, **kwargs):
    start_session_clock(request)


@receiver(user_logged_in, dispatch_uid="audit.two_factor_at_sign_in")
def _note_two_factor(sender, request, user, **kwargs):
    note_two_factor_at_sign_in(request, user)
