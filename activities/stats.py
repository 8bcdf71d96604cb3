"""Counts of the activity log for a unit (District, Subdistrict or Community) and a period.

Every function takes ``unit`` and the first and last day of the period (``datetime.date``, both included,
local time) and runs ONE database aggregate (``lecture_totals``: two), whatever the number of activities.
"Participants" are person-times (人次): the sum of each activity's participants.

Return shapes (plain dicts and lists, ready for a template or a spreadsheet):

- ``activity_totals`` → ``{"activities": int, "participants": int}``
- ``activities_by_subunit`` → ``[{"id", "name", "activities", "participants"}]`` one row per subdistrict of a
  district, community of a subdistrict (the community itself for a community), units without activities
  included with zeros, ordered by name
- ``activities_by_community`` → the same per community, for any unit
- ``activities_by_month`` → ``[{"month": date(y, m, 1), "activities", "participants"}]`` every month of the
  period, zeros included
- ``activities_by_kind`` → ``[{"kind", "label", "activities", "participants"}]`` every kind, zeros included
- ``activities_by_type`` → ``[{"id", "name", "kind", "activities", "participants"}]`` types with activities
- ``activities_by_programme`` → ``[{"id", "name", "activities", "participants"}]``; with ``roll_up=True``
  (default) sub-projects count toward their main programme (五心工程 = 暖心 + 爱心 + …)
- ``lecture_totals`` → ``{"sessions", "participants", "lecturers"}`` (lecturers: distinct people who gave
  a session in the period)
- ``lecturer_sessions`` → ``[{"id", "name", "category", "sessions", "participants"}]`` lecturers of the
  unit with sessions in the period, most sessions first
"""

import datetime

from django.db.models import Count, F, FilteredRelation, IntegerField, Q, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth

from communities.models import Community
from registers.units import COMMUNITY, level, level_names, level_of, next_level

from .models import Activity, ActivityType, Lecturer, period_bounds

Date = datetime.date


def _log(unit, start: Date, end: Date):
    return Activity.objects.for_unit(unit).between(start, end).order_by()


def _figures(prefix=""):
    return {
        "activities": Count(f"{prefix}pk"),
        "participants": Coalesce(Sum(f"{prefix}participants"), Value(0), output_field=IntegerField()),
    }


def activity_totals(unit, start: Date, end: Date) -> dict:
    return _log(unit, start, end).aggregate(**_figures())


def _by_units(units, path_to_unit: str, unit, start: Date, end: Date) -> list[dict]:
    """Per-unit figures in one query: the units LEFT JOIN their activities in the period."""
    begin, stop = period_bounds(start, end)
    # The period goes into the JOIN's ON clause, so the (community, start) index limits the rows joined.
    in_period = FilteredRelation(
        path_to_unit,
        condition=Q(**{f"{path_to_unit}__start__gte": begin, f"{path_to_unit}__start__lt": stop}),
    )
    rows = (
        units.order_by("name", "pk")
        .annotate(log=in_period)
        .annotate(
            n_activities=Count("log__pk"),
            n_participants=Coalesce(Sum("log__participants"), Value(0), output_field=IntegerField()),
        )
        .values_list("id", "name", "n_activities", "n_participants")
    )
    return [{"id": i, "name": n, "activities": a, "participants": p} for i, n, a, p in rows]


def activities_by_community(unit, start: Date, end: Date) -> list[dict]:
    return _by_units(Community.objects.for_unit(unit), "activities", unit, start, end)


def activities_by_subunit(unit, start: Date, end: Date) -> list[dict]:
    """The next level down: districts of a city, subdistricts of a district, communities of a subdistrict (or
    the community)."""
    below = next_level(level_of(unit))
    if below == COMMUNITY or below == level_of(unit):
        return activities_by_community(unit, start, end)
    names = level_names()
    down = [
        level(name).model._meta.get_field(level(name).parent_field).related_query_name()
        for name in names[names.index(below) + 1 :]
    ]
    return _by_units(
        level(below).model.objects.for_unit(unit), "__".join([*down, "activities"]), unit, start, end
    )


def activities_by_month(unit, start: Date, end: Date) -> list[dict]:
    rows = (
        _log(unit, start, end)
        .annotate(month=TruncMonth("start"))
        .values("month")
        .annotate(**_figures())
        .order_by("month")
    )
    found = {}
    for row in rows:
        month = row["month"]
        month = month.date() if isinstance(month, datetime.datetime) else month
        found[month] = row
    months, month = [], start.replace(day=1)
    while month <= end:
        row = found.get(month, {"activities": 0, "participants": 0})
        months.append({"month": month, "activities": row["activities"], "participants": row["participants"]})
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return months


def activities_by_kind(unit, start: Date, end: Date) -> list[dict]:
    rows = {
        row["type__kind"]: row
        for row in _log(unit, start, end).values("type__kind").annotate(**_figures()).order_by()
    }
    return [
        {
            "kind": kind,
            "label": label,
            "activities": rows.get(kind, {}).get("activities", 0),
            "participants": rows.get(kind, {}).get("participants", 0),
        }
        for kind, label in ActivityType.Kind.choices
    ]


def activities_by_type(unit, start: Date, end: Date) -> list[dict]:
    rows = (
        _log(unit, start, end)
        .values("type_id", "type__name", "type__kind")
        .annotate(**_figures())
        .order_by("type__kind", "type__name")
    )
    return [
        {
            "id": row["type_id"],
            "name": row["type__name"],
            "kind": row["type__kind"],
            "activities": row["activities"],
            "participants": row["participants"],
        }
        for row in rows
    ]


def activities_by_programme(unit, start: Date, end: Date, roll_up: bool = True) -> list[dict]:
    log = _log(unit, start, end).filter(programme__isnull=False)
    if roll_up:
        log = log.annotate(
            pid=Coalesce("programme__parent_id", "programme_id"),
            pname=Coalesce("programme__parent__name", "programme__name"),
        )
    else:
        log = log.annotate(pid=F("programme_id"), pname=F("programme__name"))
    rows = log.values("pid", "pname").annotate(**_figures()).order_by("pname", "pid")
    return [
        {"id": r["pid"], "name": r["pname"], "activities": r["activities"], "participants": r["participants"]}
        for r in rows
    ]


def lecture_totals(unit, start: Date, end: Date) -> dict:
    lectures = _log(unit, start, end).lectures()
    totals = lectures.aggregate(sessions=Count("pk"), **{"participants": _figures()["participants"]})
    # Separate query: joining the lecturers would count an activity once per lecturer.
    totals["lecturers"] = Activity.lecturers.through.objects.filter(
        activity__in=lectures.values("pk")
    ).aggregate(n=Count("lecturer_id", distinct=True))["n"]
    return totals


def lecturer_sessions(unit, start: Date, end: Date) -> list[dict]:
    begin, stop = period_bounds(start, end)
    in_period = Q(
        activities__start__gte=begin,
        activities__start__lt=stop,
        activities__type__kind=ActivityType.Kind.LECTURE,
    )
    rows = (
        Lecturer.objects.for_unit(unit)
        .annotate(
            sessions=Count("activities", filter=in_period),
            participants=Coalesce(Sum("activities__participants", filter=in_period), Value(0)),
        )
        .filter(sessions__gt=0)
        .order_by("-sessions", "person__name")
        .values("id", "person__name", "category", "sessions", "participants")
    )
    return [
        {
            "id": r["id"],
            "name": r["person__name"],
            "category": r["category"],
            "sessions": r["sessions"],
            "participants": r["participants"],
        }
        for r in rows
    ]


__all__ = [
    "activity_totals",
    "activities_by_community",
    "activities_by_subunit",
    "activities_by_month",
    "activities_by_kind",
    "activities_by_type",
    "activities_by_programme",
    "lecture_totals",
    "lecturer_sessions",
]
