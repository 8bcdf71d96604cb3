"""The messages a booking's visitor gets (SMS to the booking's phone, messaging.catalogue holds the texts):
queued in the same transaction as the change they announce, so a change rolled back sends nothing."""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from messaging.models import Message
from messaging.services import queue, queue_many

from .models import Booking

DIGEST_LISTED = 30  # waiting bookings named in a digest; more are counted

KIND_OF_STATUS = {
    Booking.Status.PENDING: "booking_received",
    Booking.Status.CONFIRMED: "booking_confirmed",
    Booking.Status.REJECTED: "booking_rejected",
    Booking.Status.CANCELLED: "booking_cancelled",
}


def when(starts_at) -> str:
    local = timezone.localtime(starts_at)
    return f"{local.month}月{local.day}日 {local:%H:%M}"


def announce(booking: Booking, venue, starts_at=None, *, previous=None) -> None:
    """Tell the visitor of the booking's new status, once per booking and status (its key). A confirmed visit
    the venue calls off (``previous`` confirmed, now rejected) is a cancellation by the venue, not a refusal."""
    kind = KIND_OF_STATUS.get(booking.status)
    if booking.status == Booking.Status.REJECTED and previous == Booking.Status.CONFIRMED:
        kind = "booking_cancelled_by_venue"
    if kind is None or not booking.phone:
        return
    queue(
        kind,
        to=booking.phone,
        key=f"booking:{booking.pk}:{kind}",
        params={
            "venue": venue.name,
            "time": when(starts_at or booking.slot.starts_at),
            "size": booking.size,
            "reference": booking.reference,
            "reason": booking.reject_reason,
        },
        community=booking.community,
        about=f"booking:{booking.pk}",
    )


def queue_reminders(now=None) -> int:
    """The reminder of every confirmed visit tomorrow (local date) whose visitor did not decline it; run
    once a day (the evening before: beat), and harmless when run again (each booking's key is used once)."""
    now = now or timezone.now()
    tomorrow = timezone.localdate(now) + datetime.timedelta(days=1)
    start = datetime.datetime.combine(tomorrow, datetime.time.min, tzinfo=timezone.get_current_timezone())
    bookings = (
        Booking.objects.filter(
            status=Booking.Status.CONFIRMED,
            reminders=True,
            slot__starts_at__gte=start,
            slot__starts_at__lt=start + datetime.timedelta(days=1),
        )
        .exclude(phone="")
        .values_list("pk", "phone", "size", "reference", "community_id", "venue__name", "slot__starts_at")
    )
    items = [
        {
            "to": phone,
            "key": f"booking:{pk}:visit_reminder",
            "params": {"venue": venue, "time": when(starts_at), "size": size, "reference": reference},
            "community_id": community_id,
            "about": f"booking:{pk}",
        }
        for pk, phone, size, reference, community_id, venue, starts_at in bookings.iterator(chunk_size=2000)
    ]
    return queue_many("visit_reminder", items, now=now)


def _approvers():
    """Active staff accounts with an email address that may approve bookings."""
    staff = get_user_model().objects.filter(is_active=True, is_staff=True).exclude(email="")
    return [
        user
        for user in staff.select_related("staff_profile").order_by("pk")
        if user.has_perm("venues.change_booking")
    ]


def queue_overdue_warnings(now=None) -> int:
    """Hourly: each booking that has waited longer than BOOKING_APPROVAL_WARN_HOURS for approval, once, to
    each account of its unit that may approve it."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(hours=settings.BOOKING_APPROVAL_WARN_HOURS)
    url = (
        settings.SITE_URL.rstrip("/") + reverse("admin:venues_booking_changelist") + "?status__exact=pending"
    )
    queued = 0
    for user in _approvers():
        overdue = (
            Booking.objects.for_user(user)
            .filter(status=Booking.Status.PENDING, created_at__lte=cutoff)
            .select_related("venue", "slot")
        )
        keys = {booking.pk: f"overdue:{booking.pk}:{user.pk}" for booking in overdue}
        warned = set(Message.objects.filter(key__in=keys.values()).values_list("key", flat=True))
        for booking in overdue:
            key = keys[booking.pk]
            if key in warned:
                continue
            hours = int((now - booking.created_at).total_seconds() // 3600)
            queue(
                "booking_overdue",
                to=user.email,
                key=key,
                params={
                    "reference": booking.reference,
                    "venue": booking.venue.name,
                    "time": when(booking.slot.starts_at),
                    "hours": hours,
                    "url": url,
                },
                community=booking.community,
                about=f"booking:{booking.pk}",
                now=now,
            )
            queued += 1
    return queued


def queue_digests(now=None) -> int:
    """Each morning, to every staff account that approves bookings and has an email address: its unit's
    bookings waiting for approval (the first DIGEST_LISTED named, the rest counted) and how long the oldest
    has waited — one message, not one per booking."""
    now = now or timezone.now()
    today = timezone.localdate(now).isoformat()
    url = (
        settings.SITE_URL.rstrip("/") + reverse("admin:venues_booking_changelist") + "?status__exact=pending"
    )
    queued = 0
    for user in _approvers():
        key = f"digest:{user.pk}:{today}"
        if Message.objects.filter(key=key).exists():
            continue
        pending = Booking.objects.for_user(user).filter(status=Booking.Status.PENDING)
        listed = list(pending.select_related("venue", "slot").order_by("created_at", "pk")[:DIGEST_LISTED])
        if not listed:
            continue
        count = pending.count() if len(listed) == DIGEST_LISTED else len(listed)
        lines = [f"{b.reference}  {b.venue.name}  {when(b.slot.starts_at)}  {b.size}人" for b in listed]
        if count > len(listed):
            lines.append(f"……另有{count - len(listed)}个")
        queue(
            "booking_digest",
            to=user.email,
            key=key,
            params={
                "count": count,
                "hours": int((now - listed[0].created_at).total_seconds() // 3600),
                "url": url,
                "bookings": "\n".join(lines),
            },
            now=now,
        )
        queued += 1
    return queued
