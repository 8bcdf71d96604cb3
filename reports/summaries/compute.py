"""The summary rows, computed from the live records by grouped queries (one per table, two for the visits).

``Cells`` names what to compute: some communities (or all) and a range of months (or all). Every function
returns plain rows keyed by their natural key, so the refresh can write them and the check can compare them
with what is stored."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, IntegerField, Q, Sum, Value
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear, TruncMonth

from activities.models import Activity, period_bounds
from registers.periods import month_bounds
from venues.models import VisitRecord
from volunteers.models import HomeVisit, ServiceRecord

from ..models import PeopleYear

Role = PeopleYear.Role


@dataclass(frozen=True)
class Cells:
    communities: frozenset | None = None  # None: every community
    first: datetime.date | None = None  # first month (its first day); None: from the beginning
    last: datetime.date | None = None  # last month (its first day); None: to the end

    def years(self) -> Cells:
        """The same communities over whole years (the people tables are per year)."""
        return Cells(
            self.communities,
            self.first and self.first.replace(month=1),
            self.last and self.last.replace(month=12),
        )

    def filter(self, queryset, date_field: str, *, moment: bool = False):
        if self.communities is not None:
            queryset = queryset.filter(community_id__in=self.communities)
        if self.first or self.last:
            first = self.first or datetime.date(1900, 1, 1)
            last = month_bounds(self.last)[1] if self.last else datetime.date(2999, 12, 31)
            if moment:
                begin, stop = period_bounds(first, last)
                queryset = queryset.filter(**{f"{date_field}__gte": begin, f"{date_field}__lt": stop})
            else:
                queryset = queryset.filter(**{f"{date_field}__gte": first, f"{date_field}__lte": last})
        return queryset.order_by()


def _month(value) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value


def _sum(field, **filter_):
    return Coalesce(Sum(field, **filter_), Value(0), output_field=IntegerField())


def visit_months(cells: Cells) -> dict:
    """{(community, month): {visits, visit_minutes, person_times, volunteer_minutes, backfilled_minutes}}"""
    rows: dict = {}
    empty = dict.fromkeys(
        ("visits", "visit_minutes", "person_times", "volunteer_minutes", "backfilled_minutes"), 0
    )
    visits = cells.filter(HomeVisit.objects.all(), "visited_on")
    for row in (
        visits.annotate(m=TruncMonth("visited_on"))
        .values("community_id", "m")
        .annotate(visits=Count("pk"), visit_minutes=_sum("minutes"))
    ):
        key = (row["community_id"], _month(row["m"]))
        rows.setdefault(key, dict(empty)).update(visits=row["visits"], visit_minutes=row["visit_minutes"])
    records = cells.filter(ServiceRecord.objects.confirmed(), "served_on")
    for row in (
        records.annotate(m=TruncMonth("served_on"))
        .values("community_id", "m")
        .annotate(
            person_times=Count("pk"),
            volunteer_minutes=_sum("minutes"),
            backfilled_minutes=_sum("minutes", filter=Q(recorded=ServiceRecord.Recorded.BACKFILLED)),
        )
    ):
        key = (row["community_id"], _month(row["m"]))
        found = rows.setdefault(key, dict(empty))
        found.update({k: row[k] for k in ("person_times", "volunteer_minutes", "backfilled_minutes")})
    return rows


def activity_months(cells: Cells) -> dict:
    """{(community, month, type, programme, venue): {activities, participants, partner_activities}}"""
    log = cells.filter(Activity.objects.all(), "start", moment=True)
    return {
        (row["community_id"], _month(row["m"]), row["type_id"], row["programme_id"], row["venue_id"]): {
            "activities": row["activities"],
            "participants": row["participants"],
            "partner_activities": row["partner_activities"],
        }
        for row in log.annotate(m=TruncMonth("start"))
        .values("community_id", "m", "type_id", "programme_id", "venue_id")
        .annotate(
            activities=Count("pk"),
            participants=_sum("participants"),
            partner_activities=Count("pk", filter=Q(partner__isnull=False)),
        )
    }


def reception_months(cells: Cells) -> dict:
    """{(community, month, venue): {receptions, visitors}}"""
    records = cells.filter(VisitRecord.objects.all(), "visited_on")
    return {
        (row["community_id"], _month(row["m"]), row["venue_id"]): {
            "receptions": row["receptions"],
            "visitors": row["visitors"],
        }
        for row in records.annotate(m=TruncMonth("visited_on"))
        .values("community_id", "m", "venue_id")
        .annotate(receptions=Count("pk"), visitors=_sum("visitors"))
    }


def _fold(rows, result: dict, role: str):
    """Rows of (community, year, month, who) into {(community, year, role, who): month bits}."""
    for community, year, month, who in rows:
        key = (community, year, role, who)
        result[key] = result.get(key, 0) | (1 << (month - 1))


def people_years(cells: Cells) -> dict:
    """{(community, year, role, who): months}: the people each distinct-people figure counts, per year."""
    cells = cells.years()
    result: dict = {}
    records = cells.filter(ServiceRecord.objects.confirmed(), "served_on")
    by_month = ("community_id", "y", "m", "volunteer_id")
    dated = records.annotate(y=ExtractYear("served_on"), m=ExtractMonth("served_on"))
    _fold(dated.values_list(*by_month).distinct(), result, Role.VOLUNTEER)
    visit_records = dated.filter(kind=ServiceRecord.Kind.HOME_VISIT)
    _fold(visit_records.values_list(*by_month).distinct(), result, Role.VISIT_VOLUNTEER)
    visits = cells.filter(HomeVisit.objects.all(), "visited_on")
    _fold(
        visits.annotate(y=ExtractYear("visited_on"), m=ExtractMonth("visited_on"))
        .values_list("community_id", "y", "m", "recipient_id")
        .distinct(),
        result,
        Role.RECIPIENT,
    )
    lectures = cells.filter(Activity.objects.lectures(), "start", moment=True)
    # The lecturers of lecture activities, by the activity's local month (ExtractYear/Month use the current
    # time zone, as TruncMonth does for the activity tables).
    through = Activity.lecturers.through.objects.filter(activity__in=lectures.values("pk"))
    _fold(
        through.annotate(y=ExtractYear("activity__start"), m=ExtractMonth("activity__start"))
        .values_list("activity__community_id", "y", "m", "lecturer_id")
        .distinct()
        .order_by(),
        result,
        Role.LECTURER,
    )
    return result
