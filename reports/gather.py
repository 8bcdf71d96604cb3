"""Every count the dashboard shows, fetched once: the apps' stats (``volunteers.stats``, ``activities.stats``,
``venues.stats``) and the registers' aggregates (``reports.aggregates``), in a fixed number of queries
whatever the data size (about 40). The figures (``reports.figures``) and tables read from the ``Data``."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count

from activities import stats as activity_stats
from activities.models import Programme
from party import stats as party_stats
from registers.scoping import subunit_group
from registers.units import COMMUNITY, level_of, subunits
from venues import stats as venue_stats
from venues.models import Venue
from volunteers import stats as volunteer_stats

from . import aggregates, summaries
from .links import Links


@dataclass
class Data:
    unit: object
    start: datetime.date
    end: datetime.date
    level: str
    subunits: list
    links: Links
    profile_by_sub: dict
    area: dict
    party_by_kind: dict
    party_by_sub: dict
    partners_by_kind: dict
    partners_by_sub: dict
    term: int | None
    roles: dict
    committee: dict
    committee_by_sub: dict
    volunteers: dict
    volunteers_by_sub: dict
    volunteers_by_month: dict
    activities: dict
    activities_by_kind: list
    programmes: list
    sub_programmes: dict  # programme id -> its sub-programmes' ids
    lectures: dict
    extras_by_sub: dict
    extras_by_month: dict
    activities_by_venue: dict
    receptions: dict
    receptions_per_sub: dict
    receptions_by_month: dict
    receptions_by_kind: dict
    venue_kinds: dict
    venues: list
    venues_per_sub: dict
    receptions_by_venue: dict
    pool_by_sub: dict
    docents: dict
    teams: list
    meetings: dict
    meetings_by_sub: dict
    wishes: dict
    in_service: dict

    def communities_by_kind(self) -> dict:
        kinds: dict = {}
        for entry in self.profile_by_sub.values():
            for kind, n in entry.get("kinds", {}).items():
                kinds[kind] = kinds.get(kind, 0) + n
        return kinds


def _sub_programmes(programmes) -> dict:
    result: dict = {}
    parents = Programme.objects.filter(parent_id__in=[p["id"] for p in programmes])
    for parent_id, pk in parents.values_list("parent_id", "pk"):
        result.setdefault(parent_id, []).append(pk)
    return result


def _venues_per_sub(unit) -> dict:
    group = subunit_group(Venue, unit)
    rows = Venue.objects.for_unit(unit).values(group).annotate(n=Count("pk")).order_by()
    return {row[group]: row["n"] for row in rows}


def _live_flows(unit, start: datetime.date, end: datetime.date) -> dict:
    """The flow figures counted from the live records (about 16 queries): for periods that are not whole
    months, and the benchmark's comparison."""
    level = level_of(unit)
    extras_by_sub, extras_by_month, activities_by_venue = aggregates.activity_extras(unit, start, end)
    receptions = venue_stats.totals(unit, start, end)
    if level == COMMUNITY:
        receptions_per_sub = {unit.pk: receptions}
    else:
        receptions_per_sub = {row["id"]: row for row in venue_stats.by_subunit(unit, start, end)}
    return {
        "volunteers": volunteer_stats.volunteer_totals(unit, start, end),
        "volunteers_by_sub": {
            row["id"]: row for row in volunteer_stats.volunteer_totals_by_subunit(unit, start, end)
        },
        "volunteers_by_month": {
            row["month"]: row for row in volunteer_stats.volunteer_totals_by_month(unit, start, end)
        },
        "activities": activity_stats.activity_totals(unit, start, end),
        "activities_by_kind": activity_stats.activities_by_kind(unit, start, end),
        "programmes": activity_stats.activities_by_programme(unit, start, end),
        "lectures": activity_stats.lecture_totals(unit, start, end),
        "extras_by_sub": extras_by_sub,
        "extras_by_month": extras_by_month,
        "activities_by_venue": activities_by_venue,
        "receptions": receptions,
        "receptions_per_sub": receptions_per_sub,
        "receptions_by_month": {row["month"]: row for row in venue_stats.by_month(unit, start, end)},
        "receptions_by_kind": aggregates.receptions_by_kind(unit, start, end),
        "receptions_by_venue": aggregates.receptions_by_venue(unit, start, end),
    }


def _summary_flows(unit, start: datetime.date, end: datetime.date, subs: list) -> dict:
    """The flow figures and the members from the summary tables, after bringing the unit's marked months
    up to date; the teams are counted live."""
    summaries.refresh_unit(unit)
    sub_ids = [sub.pk for sub in subs]
    flows = summaries.flows(unit, start, end, sub_ids)
    members, members_by_sub = summaries.members(unit, end, sub_ids)
    flows["volunteers"].update(volunteer_stats.team_totals(unit, end), **members)
    by_sub = flows["volunteers_by_sub"]
    for pk, row in volunteer_stats.team_totals_by_subunit(unit, end).items():
        by_sub.setdefault(pk, {}).update(row)
    for pk, row in members_by_sub.items():
        by_sub.setdefault(pk, {}).update(row)
    return flows


def gather(unit, start: datetime.date, end: datetime.date, *, live: bool = False) -> Data:
    """Every count of the dashboard. The flows, the team members and the committee come from the summary
    tables for whole months (``live`` counts them from the records instead, as for any other period)."""
    level = level_of(unit)
    subs = subunits(unit)
    profile_by_sub, area = aggregates.profile(unit)
    party_by_kind, party_by_sub = aggregates.party_organizations(unit, end)
    partners_by_kind, partners_by_sub = aggregates.partners(unit, end)
    pool_by_sub, docents = aggregates.lecturers(unit)
    if summaries.covers(start, end) and not live:
        flows = _summary_flows(unit, start, end, subs)
        term, roles, committee, committee_by_sub = summaries.committee(unit, start, end)
    else:
        flows = _live_flows(unit, start, end)
        term, roles, committee, committee_by_sub = aggregates.committee(unit, start, end)
    return Data(
        unit=unit,
        start=start,
        end=end,
        level=level,
        subunits=subs,
        links=Links(unit, start, end),
        profile_by_sub=profile_by_sub,
        area=area,
        party_by_kind=party_by_kind,
        party_by_sub=party_by_sub,
        partners_by_kind=partners_by_kind,
        partners_by_sub=partners_by_sub,
        term=term,
        roles=roles,
        committee=committee,
        committee_by_sub=committee_by_sub,
        sub_programmes=_sub_programmes(flows["programmes"]),
        venue_kinds=venue_stats.venues_by_kind(unit),
        venues=aggregates.venue_list(unit),
        venues_per_sub=_venues_per_sub(unit),
        pool_by_sub=pool_by_sub,
        docents=docents,
        teams=aggregates.teams(unit, end),
        meetings=party_stats.meeting_totals(unit, start, end),
        meetings_by_sub={row["id"]: row for row in party_stats.meeting_totals_by_subunit(unit, start, end)},
        wishes=party_stats.wish_totals(unit, start, end),
        in_service=party_stats.in_service_by_subunit(unit, end),
        **flows,
    )
