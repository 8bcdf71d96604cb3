"""The security event log's one way in: ``record(kind, ...)``, from the receivers in audit.signals and the
few views that act on accounts. The request being served (its account and address) is read from a context
variable that RealClientAddressMiddleware sets, so that receivers of model signals know who acted."""

import contextvars
import ipaddress
from contextlib import contextmanager

from .models import SecurityEvent

Kind = SecurityEvent.Kind

_current_request = contextvars.ContextVar("audit_current_request", default=None)


@contextmanager
def serving(request):
    token = _current_request.set(request)
    try:
        yield
    finally:
        _current_request.reset(token)


def _address(request) -> str | None:
    address = request.META.get("REMOTE_ADDR", "") if request is not None else ""
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def _acting_user(request):
    user = getattr(request, "user", None) if request is not None else None
    return user if user is not None and user.is_authenticated else None


def record(kind, *, user=None, username="", succeeded=True, target="", detail="", request=None):
    """Write one event. ``user`` defaults to the signed-in account of the request being served (none for a
    job or a command); ``username`` is what was typed when there is no account (a failed sign-in)."""
    request = request if request is not None else _current_request.get()
    user = user if user is not None else _acting_user(request)
    return SecurityEvent.objects.create(
        kind=kind,
        user_id=user.pk if user is not None else None,
        username=(user.get_username() if user is not None else username)[:150],
        address=_address(request),
        succeeded=succeeded,
        target=str(target)[:200],
        detail=str(detail)[:500],
    )
