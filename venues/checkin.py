"""Checking visitors in at the door: the booking's QR code, the docent's phone, the visit register.

A confirmed booking's page shows a QR code holding a signed token of its reference (signed so that a code
made up from a guessed reference is refused, and the code alone tells nothing); the reference in large type
beside it can be typed instead. Staff of the venue's unit open /venues/<slug>/check-in/ on a phone, scan or
type, see the booking and enter how many came: that completes the booking and writes its visit-register
row (services.booking_complete). Bookings nobody checked in become no-shows (mark_no_shows, a scheduled job);
a phone with too many of them has its next bookings approved by staff (services.booking_create).
"""

import io
from datetime import timedelta

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.core import signing
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Booking
from .services import BookingError, booking_complete, booking_no_show, parse_reference

SALT = "venues.check-in"
# Visitors may be checked in from this long before their slot starts.
EARLY = timedelta(minutes=30)


def token_for(booking: Booking) -> str:
    return signing.Signer(salt=SALT).sign(booking.reference)


def qr_svg(booking: Booking) -> bytes:
    image = qrcode.make(token_for(booking), image_factory=qrcode.image.svg.SvgPathImage, box_size=10)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue()


def reference_in(code: str) -> str | None:
    """The reference a scanned code or a typed one names: a signed token (the QR code), or the reference as
    people type it (spaces, dashes, small letters). None for anything else, a forged token included."""
    code = (code or "").strip()
    if ":" in code:
        try:
            return signing.Signer(salt=SALT).unsign(code)
        except signing.BadSignature:
            return None
    return parse_reference(code)


def check_in(booking: Booking, *, visitors: int, by, now=None) -> None:
    """Record that ``visitors`` came for ``booking``; a clear BookingError otherwise."""
    now = now or timezone.now()
    if booking.status == Booking.Status.COMPLETED:
        raise BookingError(_("This booking was already checked in."))
    if booking.status != Booking.Status.CONFIRMED:
        raise BookingError(
            _("This booking is %(status)s: only a confirmed booking can be checked in.")
            % {"status": booking.get_status_display()}
        )
    starts_at = booking.slot.starts_at
    if now < starts_at - EARLY:
        raise BookingError(
            _("Too early: visitors are checked in from %(minutes)d minutes before their time (%(time)s).")
            % {"minutes": EARLY.seconds // 60, "time": timezone.localtime(starts_at).strftime("%m-%d %H:%M")}
        )
    if visitors < 1:
        raise BookingError(_("Enter how many visitors came (at least one)."), field="visitors")
    booking_complete(booking, visitors=visitors, now=max(now, starts_at), by=by)


def mark_no_shows(now=None) -> int:
    """Confirmed bookings nobody checked in NO_SHOW_AFTER_MINUTES after their slot started: no-shows."""
    now = now or timezone.now()
    late = now - timedelta(minutes=settings.NO_SHOW_AFTER_MINUTES)
    missed = Booking.objects.filter(
        status=Booking.Status.CONFIRMED, slot__starts_at__lte=late
    ).select_related("slot")
    return sum(1 for booking in missed.iterator() if booking_no_show(booking, now=now))
