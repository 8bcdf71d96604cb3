"""The staff's week calendar of a venue: every slot of the week with the bookings in it (3 queries)."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from .models import Booking, Venue
from .services import _closure_on, _slot_starts, local_tz


@dataclass
class CalendarSlot:
    starts_at: datetime
    ends_at: datetime
    bookings: list = field(default_factory=list)

    @property
    def booked(self) -> int:
        return sum(b.size for b in self.bookings if b.status in Booking.HOLDING_PLACES)


@dataclass
class CalendarDay:
    date: date
    closure: object
    slots: list


def week_calendar(venue: Venue, any_day: date) -> dict:
    monday = any_day - timedelta(days=any_day.weekday())
    sunday = monday + timedelta(days=6)
    hours = list(venue.opening_hours.all())
    closures = list(venue.closures.filter(ends_on__gte=monday, starts_on__lte=sunday))
    start = datetime.combine(monday, datetime.min.time(), tzinfo=local_tz())
    bookings = list(
        venue.bookings.filter(slot__starts_at__gte=start, slot__starts_at__lt=start + timedelta(days=7))
        .select_related("slot", "docent__person")
        .order_by("slot__starts_at", "pk")
    )
    by_start: dict[datetime, list[Booking]] = {}
    for booking in bookings:
        by_start.setdefault(booking.slot.starts_at, []).append(booking)
    length = timedelta(minutes=venue.slot_minutes)
    days = []
    for offset in range(7):
        day = monday + timedelta(days=offset)
        starts = set(_slot_starts(venue, day, hours))
        # Bookings made before the opening hours changed still show, at their own time.
        starts |= {s for s in by_start if s.astimezone(local_tz()).date() == day}
        slots = [CalendarSlot(s, s + length, by_start.get(s, [])) for s in sorted(starts)]
        days.append(CalendarDay(day, _closure_on(closures, day), slots))
    return {
        "monday": monday,
        "sunday": sunday,
        "days": days,
        "previous": monday - timedelta(days=7),
        "next": monday + timedelta(days=7),
        "capacity": venue.capacity,
    }
