"""The waitlist of a full slot: joining, the offer of freed places to the first in line that fits (the places
held in the slot's ``booked_places`` by the same conditional UPDATE as a booking), accepting, leaving, and the
offers that expire and pass on (beat, every 5 minutes).

Everything that frees places (a cancellation, a rejection, a larger capacity, an expired or declined offer)
calls ``offer_freed_places`` in its own transaction, after taking the venue's row lock: offers of one venue are
made one after the other, and a place is either booked or offered, once.
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from messaging.services import queue
from registers.phones import normalize_phone

from .messages import announce, when
from .models import Booking, Slot, Venue, WaitlistEntry


def join(*, venue: Venue, starts_at, size: int, contact_name: str, phone: str) -> WaitlistEntry:
    from .services import BookingError

    slot = Slot.objects.filter(venue=venue, starts_at=starts_at).first()
    if slot is None or slot.capacity - slot.booked_places >= size:
        raise BookingError(_("There are free places at this time: book them instead."))
    if size > slot.capacity:
        raise BookingError(_("Your group is larger than this venue takes at a time."), field="size")
    return WaitlistEntry.objects.create(
        slot=slot,
        venue=venue,
        community_id=venue.community_id,
        size=size,
        contact_name=contact_name.strip(),
        phone=normalize_phone(phone),
        token=secrets.token_urlsafe(24)[:32],
    )


def offer_freed_places(slot_id: int, *, now=None) -> list[WaitlistEntry]:
    """Offer the slot's free places to the waiting in order, each whose group fits (a smaller group behind a
    larger one that does not fit gets them). Call inside the transaction that freed them, venue locked."""
    now = now or timezone.now()
    offered = []
    waiting = (
        WaitlistEntry.objects.filter(slot_id=slot_id, status=WaitlistEntry.Status.WAITING)
        .select_related("slot", "venue")
        .order_by("created_at", "pk")
    )
    for entry in waiting:
        notice = entry.slot.starts_at - timedelta(hours=entry.venue.min_notice_hours)
        until = min(now + timedelta(seconds=settings.WAITLIST_OFFER_SECONDS), notice)
        if until <= now:
            break  # too close to the visit for anyone to come
        taken = Slot.objects.filter(pk=slot_id, booked_places__lte=F("capacity") - entry.size).update(
            booked_places=F("booked_places") + entry.size
        )
        if not taken:
            continue
        WaitlistEntry.objects.filter(pk=entry.pk).update(
            status=WaitlistEntry.Status.OFFERED, offered_until=until
        )
        queue(
            "waitlist_offer",
            to=entry.phone,
            key=f"waitlist:{entry.pk}:offer",
            params={
                "venue": entry.venue.name,
                "time": when(entry.slot.starts_at),
                "size": entry.size,
                "until": timezone.localtime(until).strftime("%H:%M"),
                "url": settings.SITE_URL.rstrip("/") + reverse("venues:waitlist_entry", args=[entry.token]),
            },
            community=entry.venue.community,
            about=f"waitlist:{entry.pk}",
        )
        offered.append(entry)
    return offered


def accept(entry: WaitlistEntry, *, now=None) -> Booking:
    """The offer taken up: a booking on the held places (not taken a second time)."""
    from .services import BookingError, new_reference

    now = now or timezone.now()
    with transaction.atomic():
        Venue.bump_availability(entry.venue_id)  # the venue's lock first, as every booking change
        entry = WaitlistEntry.objects.select_related("slot", "venue").get(pk=entry.pk)
        if entry.status != WaitlistEntry.Status.OFFERED or entry.offered_until <= now:
            raise BookingError(_("This offer is no longer open."))
        venue = entry.venue
        booking = Booking(
            reference=new_reference(),
            venue=venue,
            community_id=venue.community_id,
            slot=entry.slot,
            visitor_kind=Booking.VisitorKind.RESIDENT,
            size=entry.size,
            contact_name=entry.contact_name,
            phone=entry.phone,
            status=Booking.Status.PENDING if venue.needs_approval else Booking.Status.CONFIRMED,
        )
        booking.save(force_insert=True)
        WaitlistEntry.objects.filter(pk=entry.pk).update(status=WaitlistEntry.Status.BOOKED, booking=booking)
        announce(booking, venue, entry.slot.starts_at)
    return booking


def _give_back(entry: WaitlistEntry, status: str, *, now) -> bool:
    """An offer ends without a booking: its places go back and on to the next in line."""
    held = WaitlistEntry.objects.filter(pk=entry.pk, status=WaitlistEntry.Status.OFFERED)
    if status == WaitlistEntry.Status.EXPIRED:
        held = held.filter(offered_until__lte=now)
    if not held.update(status=status):
        return False
    Slot.objects.filter(pk=entry.slot_id).update(booked_places=F("booked_places") - entry.size)
    offer_freed_places(entry.slot_id, now=now)
    return True


def leave(entry: WaitlistEntry, *, now=None) -> None:
    now = now or timezone.now()
    with transaction.atomic():
        Venue.bump_availability(entry.venue_id)
        if not _give_back(entry, WaitlistEntry.Status.LEFT, now=now):
            WaitlistEntry.objects.filter(pk=entry.pk, status=WaitlistEntry.Status.WAITING).update(
                status=WaitlistEntry.Status.LEFT
            )


def expire_offers(now=None) -> int:
    now = now or timezone.now()
    expired = 0
    due = WaitlistEntry.objects.filter(status=WaitlistEntry.Status.OFFERED, offered_until__lte=now)
    for entry in due.only("pk", "venue_id", "slot_id", "size"):
        with transaction.atomic():
            Venue.bump_availability(entry.venue_id)
            expired += _give_back(entry, WaitlistEntry.Status.EXPIRED, now=now)
    return expired


def position(entry: WaitlistEntry) -> int:
    """1 for the first in line."""
    earlier = WaitlistEntry.objects.filter(
        slot_id=entry.slot_id, status=WaitlistEntry.Status.WAITING, created_at__lt=entry.created_at
    )
    return earlier.count() + 1
