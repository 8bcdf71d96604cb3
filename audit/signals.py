"""Receivers: the start of a session (for its absolute limit)."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .sessions import start_session_clock


@receiver(user_logged_in, dispatch_uid="audit.session_clock")
def _start_session_clock(sender, request, user, **kwargs):
    start_session_clock(request)
