"""Booking workflows: which slots a venue offers, taking and releasing places, the staff decisions.

Capacity is kept by the database: a Slot row per (venue, start) counts its booked places, a check
constraint keeps ``booked_places <= capacity`` and places are taken with one conditional UPDATE
(``… SET booked_places = booked_places + n WHERE booked_places + n <= capacity``) in the same transaction
as the booking's INSERT. On PostgreSQL the UPDATE waits for a concurrent one on the same row and re-checks
its condition; on SQLite the IMMEDIATE transaction mode (settings) serialises writers.
"""

import copy
import re
import secrets
import unicodedata
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Min, Q
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registers.history import record_changed
from registers.phones import normalize_phone

from .messages import announce
from .models import Booking, Closure, Offering, OpeningHours, Slot, Venue, VisitRecord, WaitlistEntry

# No 0/O, 1/I: read aloud over the phone without mistakes. 32**12 = 2**60 references.
REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
REFERENCE_LENGTH = 12
# The public pages show this many days ahead (the booking window may be shorter).
SHOWN_DAYS = 28


@transaction.atomic
def venue_capacity_changed(venue: Venue, *, by) -> None:
    """After ``venue.capacity`` was saved with a new value (the admin, the venue sheet, the shell): the future
    slots follow it, never below the places already booked, each change in the slots' history, and the public
    pages' availability version moves so no cached page shows the old places."""
    future = Slot.objects.filter(venue=venue, starts_at__gt=timezone.now())
    changed = defaultdict(list)  # (old, new) -> slot ids
    for pk, capacity, booked in future.values_list("pk", "capacity", "booked_places"):
        if capacity != max(venue.capacity, booked):
            changed[capacity, max(venue.capacity, booked)].append(pk)
    Venue.bump_availability(venue.pk)
    future.update(capacity=Greatest(venue.capacity, F("booked_places")))
    for (before, after), pks in changed.items():
        record_changed(Slot, pks=pks, changes={"capacity": [str(before), str(after)]}, by=by)
    from .waitlist import offer_freed_places

    waiting = WaitlistEntry.objects.filter(slot__in=future, status=WaitlistEntry.Status.WAITING)
    for slot_id in waiting.values_list("slot_id", flat=True).distinct():
        offer_freed_places(slot_id)  # a larger capacity: places for those waiting


def new_reference() -> str:
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))


REFERENCE_RE = re.compile(r"^[A-Z0-9]{1,16}$")
# What people type around a reference copied from an SMS or read out on the phone: spaces, dashes, dots.
REFERENCE_NOISE = re.compile(r"[\s\-_.·—–]+")


def parse_reference(typed: str) -> str | None:
    """A reference as people type it — ``abcd-2345 efgh``, full-width ``ＡＢＣＤ２３４５`` — as stored
    (``ABCD2345EFGH``); None for what cannot be one."""
    reference = REFERENCE_NOISE.sub("", unicodedata.normalize("NFKC", typed or "")).upper()
    return reference if REFERENCE_RE.match(reference) else None


class BookingError(Exception):
    """A booking that cannot be made or changed; ``message`` is shown to the visitor as it is."""

    def __init__(self, message, *, field: str | None = None, code: str = "invalid"):
        super().__init__(str(message))
        self.message = message
        self.field = field
        self.code = code


class SlotFull(BookingError):
    def __init__(self, message):
        super().__init__(message, field="slot", code="full")


@dataclass(frozen=True)
class SlotView:
    starts_at: datetime
    ends_at: datetime
    capacity: int
    booked: int

    @property
    def free(self) -> int:
        return max(self.capacity - self.booked, 0)

    @property
    def value(self) -> str:
        return slot_value(self.starts_at)

    @property
    def label(self) -> str:
        start = timezone.localtime(self.starts_at, local_tz())
        end = timezone.localtime(self.ends_at, local_tz())
        return f"{start:%H:%M}–{end:%H:%M}"


@dataclass
class Day:
    date: date
    slots: list[SlotView]
    closure: Closure | None = None

    @property
    def free(self) -> int:
        return sum(slot.free for slot in self.slots)


def local_tz():
    return timezone.get_default_timezone()


def slot_value(starts_at: datetime) -> str:
    """A slot's value in forms and links: local time, minute precision (parse_slot_value reads it back)."""
    return timezone.localtime(starts_at, local_tz()).strftime("%Y-%m-%dT%H:%M")


def parse_slot_value(value: str) -> datetime | None:
    try:
        return datetime.strptime(value.strip(), "%Y-%m-%dT%H:%M").replace(tzinfo=local_tz())
    except (ValueError, AttributeError):
        return None


def _slot_starts(venue: Venue, day: date, hours) -> list[datetime]:
    """The start times of ``venue``'s slots on ``day`` from its opening hours (one list per weekday)."""
    length = timedelta(minutes=venue.slot_minutes)
    starts = []
    for row in hours:
        if row.weekday != day.weekday():
            continue
        start = datetime.combine(day, row.opens, tzinfo=local_tz())
        closes = datetime.combine(day, row.closes, tzinfo=local_tz())
        while start + length <= closes:
            starts.append(start)
            start += length
    return sorted(starts)


def _closure_on(closures, day: date):
    return next((c for c in closures if c.starts_on <= day <= c.ends_on), None)


def bookable_until(venue: Venue, now: datetime) -> date:
    return timezone.localdate(now) + timedelta(days=venue.booking_window_days)


def schedule(venue: Venue, *, now: datetime | None = None, days: int = SHOWN_DAYS) -> list[Day]:
    """Every bookable slot of the coming ``days`` with its free places: three queries whatever the size."""
    now = now or timezone.now()
    first = timezone.localdate(now)
    last = min(first + timedelta(days=days - 1), bookable_until(venue, now))
    earliest = now + timedelta(hours=venue.min_notice_hours)
    hours = list(venue.opening_hours.all())
    closures = list(venue.closures.filter(ends_on__gte=first, starts_on__lte=last))
    window_start = datetime.combine(first, datetime.min.time(), tzinfo=local_tz())
    window_end = datetime.combine(last + timedelta(days=1), datetime.min.time(), tzinfo=local_tz())
    taken = {
        starts_at: (capacity, booked)
        for starts_at, capacity, booked in venue.slots.filter(
            starts_at__gte=window_start, starts_at__lt=window_end
        ).values_list("starts_at", "capacity", "booked_places")
    }
    length = timedelta(minutes=venue.slot_minutes)
    result = []
    day = first
    while day <= last:
        closure = _closure_on(closures, day)
        slots = []
        if closure is None:
            for start in _slot_starts(venue, day, hours):
                if start < earliest:
                    continue
                capacity, booked = taken.get(start, (venue.capacity, 0))
                slots.append(SlotView(start, start + length, capacity, booked))
        if slots or closure is not None:
            result.append(Day(day, slots, closure))
        day += timedelta(days=1)
    return result


def check_slot_time(venue: Venue, starts_at: datetime, *, now: datetime | None = None) -> None:
    """Raise BookingError unless ``starts_at`` is one of the venue's bookable slot starts."""
    now = now or timezone.now()
    if starts_at <= now:
        raise BookingError(_("This time has already passed. Choose a slot in the future."), field="slot")
    if starts_at < now + timedelta(hours=venue.min_notice_hours):
        raise BookingError(
            _("Bookings must be made at least %(hours)s hours ahead.") % {"hours": venue.min_notice_hours},
            field="slot",
        )
    day = timezone.localtime(starts_at, local_tz()).date()
    if day > bookable_until(venue, now):
        raise BookingError(
            _("Bookings open %(days)s days ahead. Choose an earlier date.")
            % {"days": venue.booking_window_days},
            field="slot",
        )
    closure = venue.closures.filter(starts_on__lte=day, ends_on__gte=day).first()
    if closure is not None:
        raise BookingError(
            _("The venue is closed on %(date)s: %(reason)s.")
            % {"date": day.isoformat(), "reason": closure.reason},
            field="slot",
        )
    if starts_at not in _slot_starts(venue, day, venue.opening_hours.filter(weekday=day.weekday())):
        raise BookingError(
            _("The venue is not open at this time. Choose one of the slots listed."), field="slot"
        )


# These look-ups find one row by a unique key: order_by("pk") because the models' default orderings would join
# another table (the venue, the slot) for nothing.
def _slot_id(venue: Venue, starts_at: datetime) -> int | None:
    return (
        Slot.objects.filter(venue=venue, starts_at=starts_at)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )


def missed_too_often(phone: str, now: datetime | None = None) -> bool:
    """A phone that did not come NO_SHOW_LIMIT times in NO_SHOW_DAYS: its next bookings wait for staff."""
    since = (now or timezone.now()) - timedelta(days=settings.NO_SHOW_DAYS)
    missed = Booking.objects.filter(
        phone=normalize_phone(phone), status=Booking.Status.NO_SHOW, slot__starts_at__gte=since
    )
    return missed.count() >= settings.NO_SHOW_LIMIT


def existing_booking(
    venue: Venue, starts_at: datetime, phone: str, idempotency_key: uuid.UUID | None = None
) -> Booking | None:
    """The booking this form already made (its key), or the active one this phone holds at this time: one
    query."""
    phone = normalize_phone(phone)
    same = Q(pk__in=[])
    if idempotency_key is not None:
        same |= Q(idempotency_key=idempotency_key)
    if phone:
        same |= Q(
            slot__starts_at=starts_at,
            phone=phone,
            status__in=[Booking.Status.PENDING, Booking.Status.CONFIRMED],
        )
    return Booking.objects.filter(same, venue=venue).order_by("pk").first()


def booking_create(
    *,
    venue: Venue,
    starts_at: datetime,
    offering: Offering | None,
    visitor_kind: str,
    organisation: str,
    size: int,
    contact_name: str,
    phone: str,
    purpose: str = "",
    reminders: bool = True,
    idempotency_key: uuid.UUID | None = None,
    privacy_notice=None,
    now: datetime | None = None,
) -> Booking:
    """Book ``size`` places at ``starts_at``. The same ``idempotency_key`` twice, or a phone that already holds
    an active booking at this time, returns that booking instead of making a second. ``privacy_notice`` is
    the notice the visitor accepted on the public form (staff and imports book without one)."""
    existing = existing_booking(venue, starts_at, phone, idempotency_key)
    if existing is not None:
        return existing
    if not venue.public_bookable:
        raise BookingError(_("This venue does not take bookings from the public."))
    if size is None or size < 1:
        raise BookingError(_("A booking is for at least one visitor."), field="size")
    is_group = visitor_kind != Booking.VisitorKind.RESIDENT
    organisation = (organisation or "").strip()
    if is_group and not organisation:
        raise BookingError(_("Enter the name of the organisation for a group visit."), field="organisation")
    if offering is not None and offering.venue_id != venue.pk:
        raise BookingError(_("Choose an item of this venue's menu."), field="offering")
    largest = venue.capacity
    if offering is not None and offering.max_group_size:
        largest = min(largest, offering.max_group_size)
    if size > largest:
        raise BookingError(
            _("A group of %(size)s is larger than the %(largest)s visitors this venue can take per slot.")
            % {"size": size, "largest": largest},
            field="size",
        )
    check_slot_time(venue, starts_at, now=now)

    booking = Booking(
        reference=new_reference(),
        venue=venue,
        community_id=venue.community_id,
        offering=offering,
        visitor_kind=visitor_kind,
        organisation=organisation if is_group else "",
        size=size,
        contact_name=contact_name.strip(),
        phone=normalize_phone(phone),
        purpose=purpose.strip(),
        reminders=reminders,
        status=Booking.Status.PENDING
        if venue.needs_approval or missed_too_often(phone, now)
        else Booking.Status.CONFIRMED,
        idempotency_key=idempotency_key,
        privacy_notice=privacy_notice,
        consented_at=timezone.now() if privacy_notice is not None else None,
    )
    try:
        with transaction.atomic():
            # First lock taken: the venue row (its availability version, see Venue). Every booking change of
            # a venue takes the venue's row lock before the slot's, so the locks are always taken in order.
            Venue.bump_availability(venue.pk)
            # The slot row exists once anyone books it: looked up first (one query when it exists), inserted
            # once otherwise (the venue's lock is held, and a conflicting insert would be ignored anyway).
            slot_id = _slot_id(venue, starts_at)
            if slot_id is None:
                Slot.objects.bulk_create(
                    [
                        Slot(
                            venue=venue,
                            starts_at=starts_at,
                            ends_at=starts_at + timedelta(minutes=venue.slot_minutes),
                            capacity=venue.capacity,
                        )
                    ],
                    ignore_conflicts=True,
                )
                slot_id = _slot_id(venue, starts_at)
            booking.slot_id = slot_id
            # Inserted before the places are taken: a double submit waits here for the first one's commit
            # and fails on the unique key, so it never takes places of its own.
            booking.save(force_insert=True)
            taken = Slot.objects.filter(pk=slot_id, booked_places__lte=F("capacity") - size).update(
                booked_places=F("booked_places") + size
            )
            if not taken:
                free = Slot.objects.filter(pk=slot_id).values_list(
                    F("capacity") - F("booked_places"), flat=True
                )[0]
                if free <= 0:
                    raise SlotFull(_("This slot is full. Choose another time."))
                raise SlotFull(
                    _("Only %(free)s places are left at this time; your group has %(size)s.")
                    % {"free": free, "size": size}
                )
            announce(booking, venue, starts_at)
    except IntegrityError:
        # The same form, or the same phone, won a moment earlier in another request.
        existing = existing_booking(venue, starts_at, phone, idempotency_key)
        if existing is not None:
            return existing
        raise
    return booking


def _release(booking: Booking) -> None:
    from .waitlist import offer_freed_places

    Slot.objects.filter(pk=booking.slot_id).update(booked_places=F("booked_places") - booking.size)
    offer_freed_places(booking.slot_id)  # the first in the slot's waitlist whose group fits


def _transition(booking: Booking, *, from_statuses, to_status, release: bool, by=None, **fields) -> bool:
    """Move ``booking`` to ``to_status`` if it is still in one of ``from_statuses`` (checked by the UPDATE),
    with its history entry (who: ``by``, a staff account, or None for the visitor) in the same transaction."""
    before = copy.copy(booking)
    with transaction.atomic():
        if release:
            Venue.bump_availability(booking.venue_id)
        changed = Booking.objects.filter(pk=booking.pk, status__in=from_statuses).update(
            status=to_status, **fields
        )
        if changed:
            booking.status = to_status
            for name, value in fields.items():
                setattr(booking, name, value)
            # QuerySet.update() sends no signal: the history is written here.
            record_changed(Booking, objs=[booking], before=before, by=by)
            announce(booking, booking.venue, previous=before.status)
            if release:
                _release(booking)
    return bool(changed)


# The staff's decisions on a booking and the statuses each moves it from: the services' UPDATEs check these,
# and the booking's admin page offers a decision only where they allow it (booking_decisions).
DECISION_FROM = {
    "approve": (Booking.Status.PENDING,),
    "reject": (Booking.Status.PENDING, Booking.Status.CONFIRMED),
    "complete": (Booking.Status.CONFIRMED,),
    "no_show": (Booking.Status.CONFIRMED,),
}
# Decisions about the visit itself: only once it has started.
AFTER_START = ("complete", "no_show")


def _started(booking: Booking, now: datetime) -> bool:
    return booking.slot.starts_at <= now


def booking_decisions(booking: Booking, *, now: datetime | None = None) -> list[str]:
    """The decisions (keys of DECISION_FROM) the booking's status and time allow now."""
    now = now or timezone.now()
    return [
        decision
        for decision, statuses in DECISION_FROM.items()
        if booking.status in statuses and (decision not in AFTER_START or _started(booking, now))
    ]


def awaiting_decision(user) -> tuple[int, datetime | None]:
    """How many bookings in the account's unit wait for approval, and when the oldest was made (1 query)."""
    waiting = Booking.objects.for_user(user).filter(status=Booking.Status.PENDING)
    row = waiting.aggregate(count=Count("pk"), oldest=Min("created_at"))
    return row["count"], row["oldest"]


def booking_approve(booking: Booking, *, by=None) -> bool:
    return _transition(
        booking,
        by=by,
        from_statuses=DECISION_FROM["approve"],
        to_status=Booking.Status.CONFIRMED,
        release=False,
        decided_at=timezone.now(),
    )


def booking_reject(booking: Booking, *, reason: str, by=None) -> bool:
    reason = (reason or "").strip()
    if not reason:
        raise BookingError(_("Give the visitor a reason for the rejection."), field="reason")
    return _transition(
        booking,
        by=by,
        from_statuses=DECISION_FROM["reject"],
        to_status=Booking.Status.REJECTED,
        release=True,
        reject_reason=reason,
        decided_at=timezone.now(),
    )


def booking_cancel(booking: Booking, *, phone: str, now: datetime | None = None) -> bool:
    """The visitor cancels; ``phone`` must be the one the booking was made with."""
    now = now or timezone.now()
    if not secrets.compare_digest(normalize_phone(phone), booking.phone):
        raise BookingError(_("This phone number does not match the booking."), field="phone", code="phone")
    if booking.slot.starts_at <= now:
        raise BookingError(_("A visit that has already started cannot be cancelled."))
    changed = _transition(
        booking,
        from_statuses=[Booking.Status.PENDING, Booking.Status.CONFIRMED],
        to_status=Booking.Status.CANCELLED,
        release=True,
    )
    if not changed:
        raise BookingError(_("This booking can no longer be cancelled."))
    return changed


def booking_complete(
    booking: Booking, *, visitors: int | None = None, now: datetime | None = None, by=None
) -> bool:
    """Mark a confirmed visit as done and enter it in the visit register (with the booked size by default)."""
    now = now or timezone.now()
    if not _started(booking, now):
        raise BookingError(_("A visit can be completed once it has started."))
    with transaction.atomic():
        changed = _transition(
            booking,
            by=by,
            from_statuses=DECISION_FROM["complete"],
            to_status=Booking.Status.COMPLETED,
            release=False,
        )
        if changed:
            VisitRecord.objects.create(
                venue_id=booking.venue_id,
                community_id=booking.community_id,
                booking=booking,
                visited_on=timezone.localtime(booking.slot.starts_at, local_tz()).date(),
                visitors=visitors or booking.size,
                organisation=booking.organisation,
                docent_id=booking.docent_id,
            )
    return changed


def booking_no_show(booking: Booking, *, now: datetime | None = None, by=None) -> bool:
    now = now or timezone.now()
    if not _started(booking, now):
        raise BookingError(_("A visit can be marked as missed once it has started."))
    return _transition(
        booking,
        by=by,
        from_statuses=DECISION_FROM["no_show"],
        to_status=Booking.Status.NO_SHOW,
        release=False,
    )


def compact_hours(rows) -> list[tuple[str, str]]:
    """Opening hours as a visitor reads them: (days, times) with runs of weekdays that keep the same times
    joined — ("Monday – Friday", "09:00–11:30, 14:00–17:00") — instead of one line per period."""
    by_day: dict[int, list[str]] = {}
    for row in rows:
        by_day.setdefault(row.weekday, []).append(f"{row.opens:%H:%M}–{row.closes:%H:%M}")
    labels = dict(OpeningHours.Weekday.choices)
    runs: list[list] = []  # [first weekday, last weekday, times]
    for weekday in sorted(by_day):
        times = ", ".join(by_day[weekday])
        if runs and runs[-1][1] == weekday - 1 and runs[-1][2] == times:
            runs[-1][1] = weekday
        else:
            runs.append([weekday, weekday, times])
    result = []
    for first, last, times in runs:
        if first == last:
            days = str(labels[first])
        else:
            days = _("%(first)s – %(last)s") % {"first": labels[first], "last": labels[last]}
        result.append((days, times))
    return result
