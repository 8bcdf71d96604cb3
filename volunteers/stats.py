"""Counts of volunteer work over a unit and a period, each computed by the database (for the reports app).

``unit`` is a District, Subdistrict or Community; ``start`` and ``end`` are dates, both included.
Every function runs a fixed number of queries, whatever the number of rows.

Which person-times a figure is:
- ``visits``: home visits = person-times served (服务人次), one per visit whoever went;
- ``volunteer_person_times``: confirmed service records (志愿者参与人次) of every kind — one per volunteer per
  visit, per activity served, per duty or other service;
- ``volunteers``: the volunteers with such records; ``party_member_volunteers``: the Party members among them
  who made home visits (the articles' "党员开展上门服务");
- ``volunteer_hours``: the sum of those records' hours (each volunteer's own hours), of which
  ``backfilled_hours`` were back-filled by staff (补录);
- ``visit_hours``: the sum of the visits' lengths (time spent with the recipients).

A team counts when it belongs to the unit and was founded by ``end`` (or has no founding date); its
members are those who joined by ``end`` (or without a date). Visits count by the recipient's community,
service records by the recording organisation's (for a visit, the same); hours count once confirmed.
"""

import datetime

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncMonth

from registers.periods import months
from registers.scoping import scope_path
from registers.units import level_of, next_level, subunits

from .models import CareRecipient, HomeVisit, Membership, ServiceRecord, VolunteerTeam

TEAM_KEYS = ("teams", "party_member_teams")
MEMBER_KEYS = ("members", "party_member_members")
VISIT_KEYS = ("visits", "recipients_visited", "visit_hours")
PARTICIPATION_KEYS = (
    "volunteer_person_times",
    "volunteers",
    "party_member_volunteers",
    "volunteer_hours",
    "backfilled_hours",
)
HOURS_KEYS = ("visit_hours", "volunteer_hours", "backfilled_hours")
TOTAL_KEYS = TEAM_KEYS + MEMBER_KEYS + VISIT_KEYS + PARTICIPATION_KEYS


def _teams(unit, end):
    return VolunteerTeam.objects.for_unit(unit).filter(Q(founded_on__isnull=True) | Q(founded_on__lte=end))


def _memberships(unit, end):
    return Membership.objects.for_unit(unit).filter(
        Q(joined_on__isnull=True) | Q(joined_on__lte=end),
        Q(team__founded_on__isnull=True) | Q(team__founded_on__lte=end),
    )


def _visits(unit, start, end):
    return HomeVisit.objects.for_unit(unit).filter(visited_on__gte=start, visited_on__lte=end)


def _participations(unit, start, end):
    return ServiceRecord.objects.for_unit(unit).confirmed().between(start, end)


_TEAM_AGGREGATES = {
    "teams": Count("pk"),
    "party_member_teams": Count("pk", filter=Q(is_party_member_team=True)),
}
_MEMBER_AGGREGATES = {
    "members": Count("person", distinct=True),
    "party_member_members": Count("person", distinct=True, filter=Q(person__is_party_member=True)),
}
_VISIT_AGGREGATES = {
    "visits": Count("pk"),
    "recipients_visited": Count("recipient", distinct=True),
    "visit_minutes": Sum("minutes"),
}
_PARTICIPATION_AGGREGATES = {
    "volunteer_person_times": Count("pk"),
    "volunteers": Count("volunteer", distinct=True),
    # The articles' "党员开展上门服务": Party members with a home visit among their services.
    "party_member_volunteers": Count(
        "volunteer",
        distinct=True,
        filter=Q(volunteer__is_party_member=True, kind=ServiceRecord.Kind.HOME_VISIT),
    ),
    "volunteer_minutes": Sum("minutes"),
    "backfilled_minutes": Sum("minutes", filter=Q(recorded=ServiceRecord.Recorded.BACKFILLED)),
}


def _finish(row: dict) -> dict:
    """Zero-fill and turn minutes into hours (one decimal)."""
    result = {key: row.get(key) or 0 for key in TOTAL_KEYS if key not in HOURS_KEYS}
    for key in HOURS_KEYS:
        result[key] = hours(row.get(key.replace("_hours", "_minutes")))
    return result


def team_totals(unit, end: datetime.date) -> dict:
    """Teams at ``end`` (1 query): with the members (``reports.summaries.members``), the standing part of
    volunteer_totals, for the reports that read the period's flows and members from their summary tables."""
    row = _teams(unit, end).aggregate(**_TEAM_AGGREGATES)
    return {key: row.get(key) or 0 for key in TEAM_KEYS}


def team_totals_by_subunit(unit, end: datetime.date) -> dict:
    """{sub-unit id: teams at ``end``} (1 query; sub-units without teams left out)."""
    key = scope_path(VolunteerTeam, next_level(level_of(unit)))
    rows = _teams(unit, end).values(key).annotate(**_TEAM_AGGREGATES).order_by()
    return {row[key]: {k: row[k] for k in _TEAM_AGGREGATES} for row in rows}


def hours(minutes) -> float:
    """Minutes as the reports show hours: one decimal."""
    return round((minutes or 0) / 60, 1)


def volunteer_totals(unit, start: datetime.date, end: datetime.date) -> dict:
    """The unit's figures for the period (4 queries).

    Returns ``{"teams", "party_member_teams", "members", "party_member_members", "visits",
    "recipients_visited", "visit_hours", "volunteer_person_times", "volunteers", "party_member_volunteers",
    "volunteer_hours", "backfilled_hours"}``: counts are ints, hours floats. For the article's sentence "47支党员志愿服务队，
    319名党员开展上门服务1880人次" read party_member_teams, party_member_volunteers and visits.
    """
    row = team_totals(unit, end)
    row.update(_memberships(unit, end).aggregate(**_MEMBER_AGGREGATES))
    row.update(_visits(unit, start, end).aggregate(**_VISIT_AGGREGATES))
    row.update(_participations(unit, start, end).aggregate(**_PARTICIPATION_AGGREGATES))
    return _finish(row)


def volunteer_totals_by_subunit(unit, start: datetime.date, end: datetime.date) -> list[dict]:
    """One row per subdistrict of a district, per community of a subdistrict, or the community itself.

    Each row is ``{"id", "name", **volunteer_totals keys}`` (the shape of every stats module's sub-unit rows),
    every sub-unit present
    (zeros where nothing happened), ordered by name. 5 queries.
    """
    below = next_level(level_of(unit))
    rows: dict[int, dict] = {}
    for queryset, key, aggregates in (
        (_teams(unit, end), scope_path(VolunteerTeam, below), _TEAM_AGGREGATES),
        (_memberships(unit, end), scope_path(Membership, below), _MEMBER_AGGREGATES),
        (_visits(unit, start, end), scope_path(HomeVisit, below), _VISIT_AGGREGATES),
        (_participations(unit, start, end), scope_path(ServiceRecord, below), _PARTICIPATION_AGGREGATES),
    ):
        for row in queryset.values(key).annotate(**aggregates).order_by():
            rows.setdefault(row[key], {}).update(row)
    return [{"id": sub.pk, "name": sub.name, **_finish(rows.get(sub.pk, {}))} for sub in subunits(unit)]


def volunteer_totals_by_month(unit, start: datetime.date, end: datetime.date) -> list[dict]:
    """One row per calendar month of the period: ``{"month": <first day>, "visits", "recipients_visited",
    "visit_hours", "volunteer_person_times", "volunteers", "party_member_volunteers", "volunteer_hours"}``.

    Teams and members are standing figures, not monthly ones: read them from volunteer_totals. 2 queries.
    """
    rows: dict[datetime.date, dict] = {}
    for queryset, field, aggregates in (
        (_visits(unit, start, end), "visited_on", _VISIT_AGGREGATES),
        (_participations(unit, start, end), "served_on", _PARTICIPATION_AGGREGATES),
    ):
        for row in (
            queryset.annotate(month=TruncMonth(field)).values("month").annotate(**aggregates).order_by()
        ):
            month = row["month"]
            if isinstance(month, datetime.datetime):
                month = month.date()
            rows.setdefault(month, {}).update(row)
    result = []
    for month in months(start, end):
        finished = _finish(rows.get(month, {}))
        result.append({"month": month, **{k: finished[k] for k in VISIT_KEYS + PARTICIPATION_KEYS}})
    return result


def service_records_by_volunteer(unit, start: datetime.date, end: datetime.date):
    """Per volunteer: their confirmed service records (volunteer person-times) and hours, for certificates.

    A values() queryset of ``{"person", "name", "community", "is_party_member", "volunteer_number",
    "services", "minutes", "backfilled_minutes"}``, most hours first; one query however it is sliced.
    """
    return (
        _participations(unit, start, end)
        .values("volunteer")
        .annotate(
            backfilled_minutes=Sum("minutes", filter=Q(recorded=ServiceRecord.Recorded.BACKFILLED)),
            services=Count("pk"),
            total_minutes=Sum("minutes"),
        )
        .values(
            "services",
            "backfilled_minutes",
            minutes=F("total_minutes"),
            person=F("volunteer"),
            name=F("volunteer__name"),
            community=F("volunteer__community__name"),
            is_party_member=F("volunteer__is_party_member"),
            volunteer_number=F("volunteer__volunteer_number"),
        )
        .order_by("-total_minutes", "name", "volunteer")
    )


def service_records_by_team(unit, start: datetime.date, end: datetime.date) -> list[dict]:
    """Per team with visits or service records in the unit: ``{"team", "name", "community", "visits" (served
    person-times), "visit_hours", "volunteer_person_times", "volunteers", "volunteer_hours",
    "backfilled_hours"}``, most visits first, then most hours. 2 queries.
    """
    rows: dict[int, dict] = {}
    visits = (
        _visits(unit, start, end)
        .values("team")
        .annotate(visits=Count("pk"), visit_minutes=Sum("minutes"))
        .values("team", "visits", "visit_minutes", name=F("team__name"), community=F("team__community__name"))
        .order_by()
    )
    for row in visits:
        rows[row["team"]] = row
    participations = (
        _participations(unit, start, end)
        .filter(team__isnull=False)
        .values("team")
        .annotate(
            volunteer_person_times=Count("pk"),
            volunteers=Count("volunteer", distinct=True),
            volunteer_minutes=Sum("minutes"),
            backfilled_minutes=Sum("minutes", filter=Q(recorded=ServiceRecord.Recorded.BACKFILLED)),
        )
        .values(
            "team",
            "volunteer_person_times",
            "volunteers",
            "volunteer_minutes",
            "backfilled_minutes",
            name=F("team__name"),
            community=F("team__community__name"),
        )
        .order_by()
    )
    for row in participations:
        rows.setdefault(row["team"], {}).update(row)
    result = [
        {
            "team": team,
            "name": row.get("name", ""),
            "community": row.get("community", ""),
            "visits": row.get("visits") or 0,
            "visit_hours": hours(row.get("visit_minutes")),
            "volunteer_person_times": row.get("volunteer_person_times") or 0,
            "volunteers": row.get("volunteers") or 0,
            "volunteer_hours": hours(row.get("volunteer_minutes")),
            "backfilled_hours": hours(row.get("backfilled_minutes")),
        }
        for team, row in rows.items()
    ]
    return sorted(result, key=lambda r: (-r["visits"], -r["volunteer_hours"], r["name"]))


def due_visits(unit, month: datetime.date, today: datetime.date | None = None):
    """The due-visit list for ``unit`` and ``month`` (see CareRecipient.due_in), oldest visit first."""
    return (
        CareRecipient.objects.for_unit(unit)
        .due_in(month, today=today)
        .select_related("person", "community", "assigned_team", "courtyard")
        .order_by(F("days_since_last_visit").desc(nulls_first=True), "community__name", "person__name")
    )


def due_count(unit, month: datetime.date) -> int:
    """How many recipients of ``unit`` are due a visit in ``month`` (1 query)."""
    return CareRecipient.objects.for_unit(unit).due_in(month).count()
