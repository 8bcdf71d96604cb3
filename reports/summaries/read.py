"""The dashboard's flow figures read from the summary tables, in the shapes ``reports.gather`` gives the
figures (the keys of the apps' stats modules' live queries): 7 to 9 queries (by the unit's level) whatever its size.

Only for whole calendar months (``covers``): a summary row is a month. Distinct people (volunteers, Party
members who made home visits, people visited, lecturers) come from ``PeopleYear`` for communities and, above
them, from its roll-up counted by month mask, ``UnitPeopleCount``: a person counts once in the period when
any of their month bits falls in it. Whether they are a Party member is as now: read now from PeopleYear,
and a change of membership marks the roll-up's rows (reports.summaries.triggers)."""

from __future__ import annotations

import datetime

from django.db.models import Case, Count, F, IntegerField, Max, Q, Value, When
from django.db.models.functions import Coalesce

from activities.models import ActivityType
from communities.models import Person
from registers.periods import month_bounds, months
from registers.scoping import subunit_group
from registers.units import COMMUNITY, level_of, next_level
from volunteers.stats import hours

from ..aggregates import COMMITTEE_PEOPLE, committee_people
from ..models import (
    CommitteeSeat,
    CommunityMonth,
    KindMonth,
    PeopleYear,
    ProgrammeMonth,
    UnitMemberCount,
    UnitPeopleCount,
    VenueMonth,
)
from .compute import COMMUNITY_FIGURES, sum_of

Role = PeopleYear.Role


def covers(start: datetime.date, end: datetime.date) -> bool:
    """Whether the period is whole months, which is what the summaries hold."""
    return start <= end and start.day == 1 and end == month_bounds(end)[1]


def _in_period(model, unit, start, end):
    return model.objects.for_unit(unit).filter(month__gte=start, month__lte=end).order_by()


def _add(into: dict, row: dict, keys) -> None:
    for key in keys:
        into[key] = into.get(key, 0) + row[key]


# --- home visits, service records and the people they count ---------------------------------------------

PEOPLE = {  # figure -> (role, Party members only)
    "recipients_visited": (Role.RECIPIENT, False),
    "volunteers": (Role.VOLUNTEER, False),
    "party_member_volunteers": (Role.VISIT_VOLUNTEER, True),
    "lecturers": (Role.LECTURER, False),
}


def _visit_figures(row: dict) -> dict:
    return {
        "visits": row.get("visits", 0),
        "visit_hours": hours(row.get("visit_minutes")),
        "volunteer_person_times": row.get("person_times", 0),
        "volunteer_hours": hours(row.get("volunteer_minutes")),
        "backfilled_hours": hours(row.get("backfilled_minutes")),
    }


def _bits(month_list) -> Case:
    """The month bits of a PeopleYear row that fall among ``month_list``."""
    masks: dict[int, int] = {}
    for month in month_list:
        masks[month.year] = masks.get(month.year, 0) | (1 << (month.month - 1))
    return Case(
        *(When(year=year, then=F("months").bitand(mask)) for year, mask in masks.items()),
        default=Value(0),
        output_field=IntegerField(),
    )


def _people_counts(*, distinct: bool) -> dict:
    """Each distinct-people figure: a COUNT of its role's rows where a person has one row (a unit's rows of
    one year), a COUNT(DISTINCT) where they may have several (a period across years)."""
    party_members = Person.objects.filter(is_party_member=True).values("pk")
    counts = {}
    for key, (role, party_only) in PEOPLE.items():
        condition = Q(role=role, who__in=party_members) if party_only else Q(role=role)
        counts[key] = (
            Count("who", distinct=True, filter=condition) if distinct else Count("pk", filter=condition)
        )
    return counts


def _hit(rows, mask: int):
    return rows.annotate(hit=F("months").bitand(mask)).filter(hit__gt=0)


def _people_of_units(year: int, mask: int, wanted: dict) -> dict:
    """{(level, unit id): the distinct-people figures} of the units ``wanted`` ({level: ids})
    in the months of ``mask`` of one year, for the units with anyone in them (1 query for communities, from
    PeopleYear; 1 above them, from the counts by month mask)."""
    found: dict = {}
    if COMMUNITY in wanted:
        rows = _hit(PeopleYear.objects.filter(community_id__in=wanted[COMMUNITY], year=year).order_by(), mask)
        for row in rows.values("community_id").annotate(**_people_counts(distinct=False)):
            found[(COMMUNITY, row.pop("community_id"))] = row
    above = Q()
    for name, units in wanted.items():
        if name != COMMUNITY:
            above |= Q(level=name, unit_id__in=units)
    if not above:
        return found
    sums = {
        key: sum_of("people", filter=Q(role=role, party=True) if party_only else Q(role=role))
        for key, (role, party_only) in PEOPLE.items()
    }
    counted = _hit(UnitPeopleCount.objects.filter(above, year=year).order_by(), mask)
    for row in counted.values("level", "unit_id").annotate(**sums):
        found[(row.pop("level"), row.pop("unit_id"))] = row
    return found


def _wanted(unit, sub_ids: list) -> dict:
    """{level: unit ids}: the unit and its sub-units (``sub_ids``; a community is its own breakdown). As
    lists, not subqueries: each unit's rows are then an index range."""
    own_level, sub_level = level_of(unit), next_level(level_of(unit))
    return {own_level: [unit.pk]} if sub_level == own_level else {own_level: [unit.pk], sub_level: sub_ids}


def _distinct_people(unit, start, end, sub_ids: list) -> tuple[dict, dict]:
    """(the unit's distinct-people figures, {sub-unit id: its figures}) for the period."""
    if start.year != end.year:  # a person may have a row in each year: COUNT(DISTINCT) over the communities
        group = subunit_group(PeopleYear, unit)
        rows = PeopleYear.objects.for_unit(unit).filter(year__gte=start.year, year__lte=end.year).order_by()
        people = rows.annotate(hit=_bits(months(start, end))).filter(hit__gt=0)
        by_sub = people.values(group).annotate(**_people_counts(distinct=True))
        return people.aggregate(**_people_counts(distinct=True)), {row[group]: row for row in by_sub}
    mask = 0
    for month in months(start, end):
        mask |= 1 << (month.month - 1)
    own_level, sub_level = level_of(unit), next_level(level_of(unit))
    found = _people_of_units(start.year, mask, _wanted(unit, sub_ids))
    total = found.get((own_level, unit.pk)) or dict.fromkeys(PEOPLE, 0)
    return total, {pk: row for (name, pk), row in found.items() if name == sub_level}


# --- the flows -------------------------------------------------------------------------------------------

MONTH_SUMS = {field: sum_of(field) for field in COMMUNITY_FIGURES}
EXTRAS = {  # the key reports.aggregates.activity_extras gives -> CommunityMonth's figure
    "activity_count": "activities",
    "participant_sum": "participants",
    "lectures": "lectures",
    "lecture_participants": "lecture_participants",
    "partner_activities": "partner_activities",
    "volunteer_service": "volunteer_service",
}


def _extras(row: dict) -> dict:
    return {key: row.get(field, 0) for key, field in EXTRAS.items()}


def _receptions(row: dict) -> dict:
    return {"receptions": row.get("receptions", 0), "visitors": row.get("visitors", 0)}


def flows(unit, start: datetime.date, end: datetime.date, sub_ids: list) -> dict:
    """Every flow figure of ``reports.gather.Data`` for the unit and the whole months from start to end
    (8 queries)."""
    group = subunit_group(CommunityMonth, unit)  # every summary table is community-scoped: the same path
    # One grouped read by sub-unit and month, summed here both ways (a few hundred rows).
    by_sub: dict = {}
    by_month: dict = {}
    total = dict.fromkeys(COMMUNITY_FIGURES, 0)
    for row in _in_period(CommunityMonth, unit, start, end).values(group, "month").annotate(**MONTH_SUMS):
        _add(by_sub.setdefault(row[group], dict.fromkeys(COMMUNITY_FIGURES, 0)), row, COMMUNITY_FIGURES)
        _add(by_month.setdefault(row["month"], dict.fromkeys(COMMUNITY_FIGURES, 0)), row, COMMUNITY_FIGURES)
        _add(total, row, COMMUNITY_FIGURES)

    people_total, people_by_sub = _distinct_people(unit, start, end, sub_ids)

    kinds = {
        row["kind"]: row
        for row in _in_period(KindMonth, unit, start, end)
        .values("kind")
        .annotate(activities=sum_of("activities"), participants=sum_of("participants"))
    }
    programmes = (
        _in_period(ProgrammeMonth, unit, start, end)
        .annotate(
            pid=Coalesce("programme__parent_id", "programme_id"),
            pname=Coalesce("programme__parent__name", "programme__name"),
        )
        .values("pid", "pname")
        .annotate(activities=sum_of("activities"), participants=sum_of("participants"))
        .order_by("pname", "pid")
    )
    venue_sums = {f: sum_of(f) for f in ("activities", "participants", "receptions", "visitors")}
    by_venue: dict = {}
    by_venue_kind: dict = {}
    for row in (
        _in_period(VenueMonth, unit, start, end).values("venue_id", "venue__kind").annotate(**venue_sums)
    ):
        by_venue[row["venue_id"]] = row
        _add(by_venue_kind.setdefault(row["venue__kind"], dict.fromkeys(venue_sums, 0)), row, venue_sums)

    volunteer_keys = [key for key in PEOPLE if key != "lecturers"]
    return {
        "volunteers": {**_visit_figures(total), **{key: people_total[key] for key in volunteer_keys}},
        "volunteers_by_sub": {
            sub: {**_visit_figures(by_sub.get(sub, {})), **people_by_sub.get(sub, {})}
            for sub in by_sub.keys() | people_by_sub.keys()
        },
        # By month the dashboard shows flows only (its months table): distinct people are not broken down.
        "volunteers_by_month": {month: _visit_figures(row) for month, row in by_month.items()},
        "activities": {"activities": total["activities"], "participants": total["participants"]},
        "activities_by_kind": [
            {
                "kind": kind,
                "label": label,
                "activities": kinds.get(kind, {}).get("activities", 0),
                "participants": kinds.get(kind, {}).get("participants", 0),
            }
            for kind, label in ActivityType.Kind.choices
        ],
        "programmes": [
            {
                "id": r["pid"],
                "name": r["pname"],
                "activities": r["activities"],
                "participants": r["participants"],
            }
            for r in programmes
        ],
        "lectures": {
            "sessions": total["lectures"],
            "participants": total["lecture_participants"],
            "lecturers": people_total["lecturers"],
        },
        "extras_by_sub": {sub: _extras(row) for sub, row in by_sub.items()},
        "extras_by_month": {month: _extras(row) for month, row in by_month.items()},
        "activities_by_venue": {
            venue: {"activity_count": row["activities"], "participant_sum": row["participants"]}
            for venue, row in by_venue.items()
            if row["activities"]
        },
        "receptions": _receptions(total),
        "receptions_per_sub": {sub: _receptions(row) for sub, row in by_sub.items()},
        "receptions_by_month": {month: _receptions(row) for month, row in by_month.items()},
        "receptions_by_kind": {kind: _receptions(row) for kind, row in by_venue_kind.items()},
        "receptions_by_venue": {venue: _receptions(row) for venue, row in by_venue.items()},
    }


def members(unit, end: datetime.date, sub_ids: list) -> tuple[dict, dict]:
    """(the unit's volunteer team members at ``end``, {sub-unit id: theirs}), as volunteers.stats counts them
    (``members``, ``party_member_members``), from the member counts (1 query)."""
    own_level, sub_level = level_of(unit), next_level(level_of(unit))
    which = Q()
    for name, ids in _wanted(unit, sub_ids).items():
        which |= Q(level=name, unit_id__in=ids)
    counted = (
        UnitMemberCount.objects.filter(which, since__lte=end)
        .order_by()
        .values("level", "unit_id")
        .annotate(members=sum_of("people"), party_member_members=sum_of("people", filter=Q(party=True)))
    )
    total, by_sub = {"members": 0, "party_member_members": 0}, {}
    for row in counted:
        if (row.pop("level"), row["unit_id"]) == (own_level, unit.pk):
            total = {key: row[key] for key in total}
        else:
            by_sub[row.pop("unit_id")] = row
    return total, ({unit.pk: total} if sub_level == own_level else by_sub)


def committee(unit, start: datetime.date, end: datetime.date):
    """``reports.aggregates.committee``'s figures from the committee seats (3 queries)."""
    seats = _in_period(CommitteeSeat, unit, start, end)
    term = seats.aggregate(term=Max("term"))["term"]
    if term is None:
        return None, {}, dict.fromkeys(COMMITTEE_PEOPLE, 0), {}
    seats = seats.filter(term=term)
    roles = dict(seats.values("role").annotate(n=sum_of("seats")).values_list("role", "n"))
    group = subunit_group(CommitteeSeat, unit)
    per_person = seats.values("who", group).annotate(person_age=Max("age"), person_college=Max("college"))
    totals, by_sub = committee_people(per_person, group)
    return term, roles, totals, by_sub
