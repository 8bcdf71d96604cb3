"""The summary rows, computed from the live records by grouped queries (one per table, two for the visits).

``Cells`` names what to compute: some communities (or all) and a range of months (or all). Every function
returns plain rows keyed by their natural key, so the refresh can write them and the check can compare them
with what is stored."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    DateField,
    F,
    IntegerField,
    Max,
    Min,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, ExtractMonth, ExtractYear, Greatest, TruncMonth

from activities.models import Activity, ActivityType, period_bounds
from communities.models import CommitteeMember, Person
from registers.periods import month_bounds
from registers.units import COMMUNITY, level_names, path_up
from venues.models import VisitRecord
from volunteers.models import HomeVisit, Membership, ServiceRecord

from ..aggregates import age_on
from ..models import NO_DATE, PeopleYear, UnitMember, UnitPeopleYear

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

    def in_years(self, queryset):
        """``queryset`` (of a table with a ``year``) within the years of these cells' months."""
        if self.first:
            queryset = queryset.filter(year__gte=self.first.year)
        if self.last:
            queryset = queryset.filter(year__lte=self.last.year)
        return queryset.order_by()

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


def sum_of(field, **filter_):
    """SUM of ``field``, 0 where there are no rows (as an integer on both databases)."""
    return Coalesce(Sum(field, **filter_), Value(0), output_field=IntegerField())


def _grouped(queryset, date_field: str, keys: tuple, sums: dict) -> dict:
    """{(community, month, *keys): {figure: value}} of a queryset grouped by month (local time)."""
    # Annotated under other names: a figure named like the field it sums ("participants") would clash.
    named = {f"n_{figure}": aggregate for figure, aggregate in sums.items()}
    rows = queryset.annotate(m=TruncMonth(date_field)).values("community_id", "m", *keys).annotate(**named)
    return {
        (row["community_id"], _month(row["m"]), *(row[k] for k in keys)): {f: row[f"n_{f}"] for f in sums}
        for row in rows
    }


def _merge(into: dict, found: dict, figures: tuple, empty: dict) -> None:
    for key, row in found.items():
        target = into.setdefault(key, dict(empty))
        for figure in figures:
            target[figure] = row[figure]


LECTURE, VOLUNTEER_SERVICE = ActivityType.Kind.LECTURE, ActivityType.Kind.VOLUNTEER_SERVICE
COMMUNITY_FIGURES = (
    "visits", "visit_minutes", "person_times", "volunteer_minutes", "backfilled_minutes", "activities",
    "participants", "lectures", "lecture_participants", "volunteer_service", "partner_activities",
    "receptions", "visitors",
)  # fmt: skip


def community_months(cells: Cells) -> dict:
    """{(community, month): {every figure of CommunityMonth}}"""
    rows: dict = {}
    empty = dict.fromkeys(COMMUNITY_FIGURES, 0)
    visits = cells.filter(HomeVisit.objects.all(), "visited_on")
    found = _grouped(visits, "visited_on", (), {"visits": Count("pk"), "visit_minutes": sum_of("minutes")})
    _merge(rows, found, ("visits", "visit_minutes"), empty)
    records = cells.filter(ServiceRecord.objects.confirmed(), "served_on")
    sums = {
        "person_times": Count("pk"),
        "volunteer_minutes": sum_of("minutes"),
        "backfilled_minutes": sum_of("minutes", filter=Q(recorded=ServiceRecord.Recorded.BACKFILLED)),
    }
    _merge(rows, _grouped(records, "served_on", (), sums), tuple(sums), empty)
    lecture, service = Q(type__kind=LECTURE), Q(type__kind=VOLUNTEER_SERVICE)
    sums = {
        "activities": Count("pk"),
        "participants": sum_of("participants"),
        "lectures": Count("pk", filter=lecture),
        "lecture_participants": sum_of("participants", filter=lecture),
        "volunteer_service": Count("pk", filter=service),
        "partner_activities": Count("pk", filter=Q(partner__isnull=False)),
    }
    log = cells.filter(Activity.objects.all(), "start", moment=True)
    _merge(rows, _grouped(log, "start", (), sums), tuple(sums), empty)
    register = cells.filter(VisitRecord.objects.all(), "visited_on")
    sums = {"receptions": Count("pk"), "visitors": sum_of("visitors")}
    _merge(rows, _grouped(register, "visited_on", (), sums), tuple(sums), empty)
    return rows


ACTIVITY_SUMS = {"activities": Count("pk"), "participants": sum_of("participants")}


def kind_months(cells: Cells) -> dict:
    """{(community, month, kind): {activities, participants}}"""
    log = cells.filter(Activity.objects.all(), "start", moment=True)
    return _grouped(log, "start", ("type__kind",), ACTIVITY_SUMS)


def programme_months(cells: Cells) -> dict:
    """{(community, month, programme): {activities, participants}}"""
    log = cells.filter(Activity.objects.filter(programme__isnull=False), "start", moment=True)
    return _grouped(log, "start", ("programme_id",), ACTIVITY_SUMS)


def venue_months(cells: Cells) -> dict:
    """{(community, month, venue): {activities, participants, receptions, visitors}}"""
    rows: dict = {}
    empty = {"activities": 0, "participants": 0, "receptions": 0, "visitors": 0}
    log = cells.filter(Activity.objects.filter(venue__isnull=False), "start", moment=True)
    _merge(rows, _grouped(log, "start", ("venue_id",), ACTIVITY_SUMS), tuple(ACTIVITY_SUMS), empty)
    register = cells.filter(VisitRecord.objects.all(), "visited_on")
    sums = {"receptions": Count("pk"), "visitors": sum_of("visitors")}
    _merge(rows, _grouped(register, "visited_on", ("venue_id",), sums), tuple(sums), empty)
    return rows


def committee_seats(cells: Cells) -> dict:
    """{(community, month, term, role, who): {age, college, seats}}"""
    members = cells.filter(CommitteeMember.objects.all(), "elected_on")
    college = When(person__education__in=Person.COLLEGE_OR_ABOVE, then=Value(1))
    sums = {
        "age": Max(age_on("elected_on", "person__birth_date")),
        "college": Max(Case(college, default=Value(0), output_field=IntegerField())),
        "seats": Count("pk"),
    }
    return _grouped(members, "elected_on", ("term", "role", "person_id"), sums)


# A month's bit (1 << month - 1) as a CASE both databases evaluate to an integer: the OR of a person's months
# in a year is then SUM(DISTINCT bit), done by the database (the rows it returns are the table's rows).
MONTH_BIT = {m: 1 << (m - 1) for m in range(1, 13)}


def _months_of(date_field: str):
    month = ExtractMonth(date_field)
    return Sum(
        Case(*(When(m=m, then=Value(bit)) for m, bit in MONTH_BIT.items()), output_field=IntegerField()),
        distinct=True,
    ), month


def _people(queryset, community: str, date_field: str, who: str, role: str, result: dict) -> None:
    months, month = _months_of(date_field)
    rows = (
        queryset.annotate(m=month, y=ExtractYear(date_field))
        .values_list(community, "y", who)
        .annotate(months=months)
        .order_by()
    )
    for community_id, year, person, bits in rows:
        result[(community_id, year, role, person)] = {"months": bits}


def people_years(cells: Cells) -> dict:
    """{(community, year, role, who): {months}}: the people each distinct-people figure counts, per year."""
    cells = cells.years()
    result: dict = {}
    records = cells.filter(ServiceRecord.objects.confirmed(), "served_on")
    _people(records, "community_id", "served_on", "volunteer_id", Role.VOLUNTEER, result)
    visit_records = records.filter(kind=ServiceRecord.Kind.HOME_VISIT)
    _people(visit_records, "community_id", "served_on", "volunteer_id", Role.VISIT_VOLUNTEER, result)
    visits = cells.filter(HomeVisit.objects.all(), "visited_on")
    _people(visits, "community_id", "visited_on", "recipient_id", Role.RECIPIENT, result)
    lectures = cells.filter(Activity.objects.lectures(), "start", moment=True)
    # The lecturers of lecture activities, by the activity's local month (ExtractYear/Month use the current
    # time zone, as TruncMonth does for the activity tables).
    through = Activity.lecturers.through.objects.filter(activity__in=lectures.values("pk"))
    _people(through, "activity__community_id", "activity__start", "lecturer_id", Role.LECTURER, result)
    return result


def _months_or():
    """The OR of the rows' month masks: each month's bit that any row has, summed (both databases)."""
    total = None
    for bit in MONTH_BIT.values():
        present = Max(F("months").bitand(bit))
        total = present if total is None else total + present
    return total


ROLL_UP_CHUNK = 5000  # people per query (SQLite's limit on a statement's parameters)


def _chunks(who) -> list[list]:
    people = sorted(who)
    return [people[i : i + ROLL_UP_CHUNK] for i in range(0, len(people), ROLL_UP_CHUNK)]


def _party():
    """Whether a person row is a home-visit volunteer who is a Party member now."""
    party_members = Person.objects.filter(is_party_member=True).values("pk")
    return Case(
        When(role=Role.VISIT_VOLUNTEER, who__in=party_members, then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )


def unit_people_years(cells: Cells, who=None) -> list:
    """Querysets of (level, unit, year, role, who, party, months): ``PeopleYear``'s rows of the cells' years
    rolled up to every unit above the community (of everyone, or only of ``who`` — ids of any role — in
    whichever communities they are). Read from PeopleYear, so they run after PeopleYear is written; the
    refresh inserts them with INSERT … SELECT, the check reads them."""
    stored = cells.in_years(PeopleYear.objects.all())
    chunks = [None] if who is None else _chunks(who)
    queries = []
    for level in level_names()[:-1]:
        path = f"community__{path_up(COMMUNITY, level)}"
        for chunk in chunks:
            rows = stored.filter(**{f"{path}__isnull": False})
            if chunk is not None:
                rows = rows.filter(who__in=chunk)
            rows = rows.annotate(level=Value(level, output_field=CharField()), party=_party())
            queries.append(
                rows.values_list("level", path, "year", "role", "who", "party").annotate(months=_months_or())
            )
    return queries


def people_in(cells: Cells) -> set:
    """The ids (of any role) with a PeopleYear row in the cells' communities and years, as stored now."""
    rows = cells.in_years(PeopleYear.objects.all())
    if cells.communities is not None:
        rows = rows.filter(community_id__in=cells.communities)
    return set(rows.values_list("who", flat=True).distinct())


def roll_up_rows(cells: Cells, who=None):
    """The stored UnitPeopleYear rows that ``unit_people_years(cells, who)`` computes again."""
    rows = cells.in_years(UnitPeopleYear.objects.all())
    return [rows] if who is None else [rows.filter(who__in=chunk) for chunk in _chunks(who)]


def unit_people_counts():
    """A queryset of (level, unit, year, role, party, months, people): every UnitPeopleYear row counted by
    month mask (and, for home-visit volunteers, by being a Party member)."""
    rows = UnitPeopleYear.objects.order_by()
    return rows.values_list("level", "unit_id", "year", "role", "party", "months").annotate(
        people=Count("pk")
    )


# --- volunteer team members (UnitMember, UnitMemberCount) ------------------------------------------------


def _membership_counts_from():
    """The first day of the month a membership starts counting in (volunteers.stats: joined, in a team
    founded, by a period's end; a blank date does not hold it back)."""
    date = Greatest(
        Coalesce("joined_on", Value(NO_DATE)),
        Coalesce("team__founded_on", Value(NO_DATE)),
        output_field=DateField(),
    )
    # As a date on both databases (PostgreSQL's date_trunc gives a timestamp, which the check would compare).
    return Cast(TruncMonth(date, output_field=DateField()), DateField())


def unit_members(who=None) -> list:
    """Querysets of (level, unit, who, party, since): each person with a membership in a unit's teams, in
    every unit of every level (of everyone, or only of ``who``), ``since`` the earliest month one of their
    memberships there counts. The refresh inserts them with INSERT … SELECT, the check reads them."""
    chunks = [None] if who is None else _chunks(who)
    queries = []
    for level in level_names():
        path = "team__community" if level == COMMUNITY else f"team__community__{path_up(COMMUNITY, level)}"
        for chunk in chunks:
            rows = Membership.objects.filter(**{f"{path}__isnull": False}).order_by()
            if chunk is not None:
                rows = rows.filter(person_id__in=chunk)
            rows = rows.annotate(
                level=Value(level, output_field=CharField()), party=F("person__is_party_member")
            )
            queries.append(
                rows.values_list("level", path, "person_id", "party").annotate(
                    since=Min(_membership_counts_from())
                )
            )
    return queries


def member_rows(who=None) -> list:
    """The stored UnitMember rows that ``unit_members(who)`` computes again."""
    rows = UnitMember.objects.order_by()
    return [rows] if who is None else [rows.filter(who__in=chunk) for chunk in _chunks(who)]


def unit_member_counts():
    """A queryset of (level, unit, party, since, people): UnitMember counted."""
    return (
        UnitMember.objects.order_by()
        .values_list("level", "unit_id", "party", "since")
        .annotate(people=Count("pk"))
    )
