"""The messages a booking's visitor gets (SMS to the booking's phone, messaging.catalogue holds the texts):
queued in the same transaction as the change they announce, so a change rolled back sends nothing."""

from django.utils import timezone

from messaging.services import queue

from .models import Booking

KIND_OF_STATUS = {
    Booking.Status.PENDING: "booking_received",
    Booking.Status.CONFIRMED: "booking_confirmed",
    Booking.Status.REJECTED: "booking_rejected",
    Booking.Status.CANCELLED: "booking_cancelled",
}


def announce(booking: Booking, venue, starts_at=None) -> None:
    """Tell the visitor of the booking's new status, once per booking and status (its key)."""
    kind = KIND_OF_STATUS.get(booking.status)
    if kind is None or not booking.phone:
        return
    starts_at = timezone.localtime(starts_at or booking.slot.starts_at)
    queue(
        kind,
        to=booking.phone,
        key=f"booking:{booking.pk}:{kind}",
        params={
            "venue": venue.name,
            "time": f"{starts_at.month}月{starts_at.day}日 {starts_at:%H:%M}",
            "size": booking.size,
            "reference": booking.reference,
            "reason": booking.reject_reason,
        },
        community=booking.community,
        about=f"booking:{booking.pk}",
    )
