"""The venue figures the reports read: receptions and visitors (from the visit register), bookings by status,
venues by kind — over a unit (District, Subdistrict or Community) and a period, with breakdowns by sub-unit
and by month. Every function runs one or two aggregate queries whatever the number of rows.

"Receptions" (接待批次) counts register entries: one group or walk-in party received once. "Visitors"
(接待参观人数) sums the people who came, booked or walk-in.

    from venues import stats
    stats.totals(unit, start, end)       # {"receptions", "visitors", "walk_in_receptions", "walk_in_visitors",
                                         #  "bookings": {status: n for every status}, "bookings_total"}
    stats.by_subunit(unit, start, end)   # [{"id", "name", "receptions", "visitors"}] per subdistrict / community / venue
    stats.by_month(unit, start, end)     # [{"month": date(y, m, 1), "receptions", "visitors"}]
    stats.venues_by_kind(unit)           # {kind: n for every Venue.Kind}
"""

from datetime import date, datetime, timedelta

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce, TruncMonth

from registers.scoping import subunit_group
from registers.units import COMMUNITY, level_of

from .models import Booking, Venue, VisitRecord
from .services import local_tz


def _records(unit, start: date | None, end: date | None):
    records = VisitRecord.objects.for_unit(unit)
    if start:
        records = records.filter(visited_on__gte=start)
    if end:
        records = records.filter(visited_on__lte=end)
    return records


def _bookings(unit, start: date | None, end: date | None):
    bookings = Booking.objects.for_unit(unit)
    if start:
        bookings = bookings.filter(
            slot__starts_at__gte=datetime.combine(start, datetime.min.time(), tzinfo=local_tz())
        )
    if end:
        bookings = bookings.filter(
            slot__starts_at__lt=datetime.combine(
                end + timedelta(days=1), datetime.min.time(), tzinfo=local_tz()
            )
        )
    return bookings


def _register_sums():
    return {
        "receptions": Count("pk"),
        "visitor_total": Coalesce(Sum("visitors"), 0),
    }


def totals(unit, start: date | None = None, end: date | None = None) -> dict:
    """Two queries: the register's sums and the bookings counted by status."""
    figures = _records(unit, start, end).aggregate(
        **_register_sums(),
        walk_in_receptions=Count("pk", filter=Q(booking__isnull=True)),
        walk_in_visitors=Coalesce(Sum("visitors", filter=Q(booking__isnull=True)), 0),
    )
    figures["visitors"] = figures.pop("visitor_total")
    by_status = dict(
        _bookings(unit, start, end)
        .order_by()
        .values("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    figures["bookings"] = {status: by_status.get(status, 0) for status in Booking.Status.values}
    figures["bookings_total"] = sum(by_status.values())
    return figures


def by_subunit(unit, start: date | None = None, end: date | None = None) -> list[dict]:
    """Receptions and visitors per subdistrict of a district, community of a subdistrict, venue of a community.

    One query; sub-units without any record are left out."""
    if level_of(unit) == COMMUNITY:
        id_path, name_path = "venue_id", "venue__name"
    else:
        id_path = subunit_group(VisitRecord, unit)
        name_path = f"{id_path}__name"
    rows = (
        _records(unit, start, end)
        .order_by()
        .values(id_path, name_path)
        .annotate(**_register_sums())
        .order_by(name_path)
    )
    return [
        {
            "id": row[id_path],
            "name": row[name_path],
            "receptions": row["receptions"],
            "visitors": row["visitor_total"],
        }
        for row in rows
    ]


def by_month(unit, start: date | None = None, end: date | None = None) -> list[dict]:
    """Receptions and visitors per calendar month (one query; months without records are left out)."""
    rows = (
        _records(unit, start, end)
        .annotate(month=TruncMonth("visited_on"))
        .order_by()
        .values("month")
        .annotate(**_register_sums())
        .order_by("month")
    )
    return [
        {
            "month": row["month"] if isinstance(row["month"], date) else row["month"].date(),
            "receptions": row["receptions"],
            "visitors": row["visitor_total"],
        }
        for row in rows
    ]


def venues_by_kind(unit, *, public_only: bool = False) -> dict:
    """How many venues of each kind the unit has (one query)."""
    venues = Venue.objects.for_unit(unit)
    if public_only:
        venues = venues.open_to_public()
    counts = dict(venues.order_by().values("kind").annotate(n=Count("pk")).values_list("kind", "n"))
    return {kind: counts.get(kind, 0) for kind in Venue.Kind.values}
