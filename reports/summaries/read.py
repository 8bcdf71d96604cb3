"""The dashboard's flow figures read from the summary tables, in the shapes ``reports.gather`` gives the
figures (the keys of the apps' stats modules' live queries): 12 queries whatever the unit's size.

Only for whole calendar months (``covers``): a summary row is a month. Distinct people (volunteers, Party
members who made home visits, people visited, lecturers) come from ``PeopleYear``: a person counts once in
the period when any of their month bits falls in it; whether they are a Party member is read now, as the
live count does."""

from __future__ import annotations

import datetime

from django.db.models import Case, Count, F, IntegerField, Q, Sum, Value, When
from django.db.models.functions import Coalesce

from activities.models import ActivityType
from communities.models import Person
from registers.periods import month_bounds, months
from registers.scoping import subunit_group
from volunteers.stats import hours

from ..models import ActivityMonth, PeopleYear, ReceptionMonth, VisitMonth

Role = PeopleYear.Role
LECTURE, VOLUNTEER_SERVICE = ActivityType.Kind.LECTURE, ActivityType.Kind.VOLUNTEER_SERVICE


def covers(start: datetime.date, end: datetime.date) -> bool:
    """Whether the period is whole months, which is what the summaries hold."""
    return start <= end and start.day == 1 and end == month_bounds(end)[1]


def _sum(field):
    return Coalesce(Sum(field), Value(0), output_field=IntegerField())


def _in_period(model, unit, start, end):
    return model.objects.for_unit(unit).filter(month__gte=start, month__lte=end).order_by()


def _add(into: dict, row: dict, keys) -> None:
    for key in keys:
        into[key] = into.get(key, 0) + row[key]


# --- home visits, service records and the people they count ---------------------------------------------

VISIT_SUMS = {
    "visits": _sum("visits"),
    "visit_minutes": _sum("visit_minutes"),
    "volunteer_person_times": _sum("person_times"),
    "volunteer_minutes": _sum("volunteer_minutes"),
    "backfilled_minutes": _sum("backfilled_minutes"),
}
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
        "volunteer_person_times": row.get("volunteer_person_times", 0),
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


def _people_counts(condition: Q | None = None, suffix: str = "") -> dict:
    party_members = Person.objects.filter(is_party_member=True).values("pk")
    counts = {}
    for key, (role, party_only) in PEOPLE.items():
        role_condition = (condition or Q()) & Q(role=role)
        if party_only:
            role_condition &= Q(who__in=party_members)
        counts[key + suffix] = Count("who", distinct=True, filter=role_condition)
    return counts


def _people(unit, start, end):
    period = months(start, end)
    rows = PeopleYear.objects.for_unit(unit).filter(year__gte=start.year, year__lte=end.year).order_by()
    return rows.annotate(hit=_bits(period)).filter(hit__gt=0), period


def _people_by_month(people, period) -> dict:
    """{month: distinct people of each kind that month} (1 query)."""
    bits = {f"bit{i}": _bits([month]) for i, month in enumerate(period)}
    counts = {}
    for i in range(len(period)):
        counts.update(_people_counts(Q(**{f"bit{i}__gt": 0}), suffix=f"__{i}"))
    row = people.annotate(**bits).aggregate(**counts)
    return {month: {key: row[f"{key}__{i}"] for key in PEOPLE} for i, month in enumerate(period)}


# --- the flows -------------------------------------------------------------------------------------------

ACTIVITY_SUMS = {
    "activity_count": _sum("activities"),
    "participant_sum": _sum("participants"),
    "partner_activities": _sum("partner_activities"),
}
EXTRA_KEYS = (
    "activity_count",
    "participant_sum",
    "lectures",
    "lecture_participants",
    "partner_activities",
    "volunteer_service",
)


def _extras(rows, key_field: str) -> dict:
    """Rows grouped by ``key_field`` and the type's kind into the live shape of reports.aggregates'
    activity_extras."""
    result: dict = {}
    for row in rows:
        extra = result.setdefault(row[key_field], dict.fromkeys(EXTRA_KEYS, 0))
        _add(extra, row, ("activity_count", "participant_sum", "partner_activities"))
        if row["type__kind"] == LECTURE:
            extra["lectures"] += row["activity_count"]
            extra["lecture_participants"] += row["participant_sum"]
        elif row["type__kind"] == VOLUNTEER_SERVICE:
            extra["volunteer_service"] += row["activity_count"]
    return result


def flows(unit, start: datetime.date, end: datetime.date) -> dict:
    """Every flow figure of ``reports.gather.Data`` for the unit and the whole months from start to end."""
    group = subunit_group(VisitMonth, unit)  # every summary table is community-scoped: the same path

    visits = _in_period(VisitMonth, unit, start, end)
    visit_by_sub = {row[group]: row for row in visits.values(group).annotate(**VISIT_SUMS)}
    visit_by_month = {row["month"]: row for row in visits.values("month").annotate(**VISIT_SUMS)}
    people, period = _people(unit, start, end)
    people_total = people.aggregate(**_people_counts())
    people_by_sub = {row[group]: row for row in people.values(group).annotate(**_people_counts())}
    people_by_month = _people_by_month(people, period)
    visit_total: dict = {}
    for row in visit_by_sub.values():
        _add(visit_total, row, VISIT_SUMS)

    activities = _in_period(ActivityMonth, unit, start, end)
    by_sub_kind = list(activities.values(group, "type__kind").annotate(**ACTIVITY_SUMS))
    by_month_kind = activities.values("month", "type__kind").annotate(**ACTIVITY_SUMS)
    by_kind: dict = {}
    for row in by_sub_kind:
        _add(by_kind.setdefault(row["type__kind"], {}), row, ("activity_count", "participant_sum"))
    programmes = (
        activities.filter(programme__isnull=False)
        .annotate(
            pid=Coalesce("programme__parent_id", "programme_id"),
            pname=Coalesce("programme__parent__name", "programme__name"),
        )
        .values("pid", "pname")
        .annotate(activities=_sum("activities"), participants=_sum("participants"))
        .order_by("pname", "pid")
    )
    by_venue = activities.filter(venue__isnull=False).values("venue_id").annotate(**ACTIVITY_SUMS)
    extras_by_sub = _extras(by_sub_kind, group)
    activity_total = dict.fromkeys(EXTRA_KEYS, 0)
    for row in extras_by_sub.values():
        _add(activity_total, row, EXTRA_KEYS)

    receptions = _in_period(ReceptionMonth, unit, start, end)
    sums = {"receptions": _sum("receptions"), "visitors": _sum("visitors")}
    reception_rows = list(receptions.values(group, "venue__kind").annotate(**sums))
    per_sub: dict = {}
    by_venue_kind: dict = {}
    for row in reception_rows:
        _add(per_sub.setdefault(row[group], {}), row, sums)
        _add(by_venue_kind.setdefault(row["venue__kind"], {}), row, sums)
    reception_total = {"receptions": 0, "visitors": 0}
    for row in per_sub.values():
        _add(reception_total, row, sums)

    return {
        "volunteers": {
            **_visit_figures(visit_total),
            **{k: people_total[k] for k in PEOPLE if k != "lecturers"},
        },
        "volunteers_by_sub": {
            sub: {**_visit_figures(visit_by_sub.get(sub, {})), **people_by_sub.get(sub, {})}
            for sub in visit_by_sub.keys() | people_by_sub.keys()
        },
        "volunteers_by_month": {
            month: {**_visit_figures(visit_by_month.get(month, {})), **people_by_month[month]}
            for month in period
        },
        "activities": {
            "activities": activity_total["activity_count"],
            "participants": activity_total["participant_sum"],
        },
        "activities_by_kind": [
            {
                "kind": kind,
                "label": label,
                "activities": by_kind.get(kind, {}).get("activity_count", 0),
                "participants": by_kind.get(kind, {}).get("participant_sum", 0),
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
            "sessions": activity_total["lectures"],
            "participants": activity_total["lecture_participants"],
            "lecturers": people_total["lecturers"],
        },
        "extras_by_sub": extras_by_sub,
        "extras_by_month": _extras(by_month_kind, "month"),
        "activities_by_venue": {row["venue_id"]: row for row in by_venue},
        "receptions": reception_total,
        "receptions_per_sub": per_sub,
        "receptions_by_month": {row["month"]: row for row in receptions.values("month").annotate(**sums)},
        "receptions_by_kind": by_venue_kind,
        "receptions_by_venue": {
            row["venue_id"]: row for row in receptions.values("venue_id").annotate(**sums)
        },
    }
