"""The dashboard: every figure of a unit and a period, as named tables (no models of its own).

``build(unit, start, end)`` composes the counts the apps compute (``volunteers.stats``, ``activities.stats``,
``venues.stats``) with the aggregates of the units registers (``communities``) written here, and returns a
``Dashboard``: a list of ``Table``s the page renders, the XLSX export writes one sheet each and the CSV
export writes one of. The number of queries is fixed whatever the data size (about 40).

Standing figures (teams, venues, Party organisations, partners, lecturers) count what exists at the end of
the period; flows (visits, activities, receptions) count what happened within it. "Person-times" are named
for what they count: visits are person-times served (服务人次); participants are activity person-times.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.contrib import admin
from django.db.models import Count
from django.urls import reverse
from django.utils.translation import pgettext_lazy

from activities import stats as activity_stats
from activities.models import Activity, ActivityType, Lecturer, Programme
from communities.models import (
    CommitteeMember,
    Community,
    Grid,
    PartnerOrganization,
    Partnership,
    PartyOrganization,
)
from registers.units import COMMUNITY, DISTRICT, SUBDISTRICT, level_of
from venues import stats as venue_stats
from venues.models import Docent, Venue, VisitRecord
from volunteers import stats as volunteer_stats
from volunteers.models import HomeVisit, VolunteerTeam

from . import aggregates
from .figures import BREAKDOWN_FIGURES, FIGURES, LEVEL_NAMES, MONTH_FIGURES
from .units import NEXT_LEVEL, in_unit, subunit_path, subunits

TEXT, INT, DEC, PCT, DATE = "text", "int", "dec", "pct", "date"


@dataclass
class Column:
    key: str
    label: str
    kind: str = INT

    @property
    def is_number(self) -> bool:
        return self.kind != TEXT and self.kind != DATE


@dataclass
class Table:
    """A table of the dashboard. Each row is a dict of values by column key, plus ``_links`` (column key →
    admin URL counting the same records) and ``_key`` (a stable id of the row, e.g. a figure's name)."""

    name: str
    title: str
    columns: list[Column]
    rows: list[dict] = field(default_factory=list)

    @property
    def display_rows(self) -> list[dict]:
        """Rows for the template: ``{"key", "cells": [{"value", "number", "link"}]}``."""
        result = []
        for row in self.rows:
            links = row.get("_links") or {}
            cells = []
            for column in self.columns:
                value = row.get(column.key)
                cells.append(
                    {
                        "value": "" if value is None else value,
                        "number": column.is_number and value is not None and value != "",
                        "link": links.get(column.key) or "",
                    }
                )
            result.append({"key": row.get("_key", ""), "cells": cells})
        return result

    def value(self, row_key: str, column: str):
        for row in self.rows:
            if row.get("_key") == row_key:
                return row.get(column)
        raise KeyError(row_key)


@dataclass
class Dashboard:
    unit: object
    start: datetime.date
    end: datetime.date
    tables: list[Table]
    totals: dict
    months: list[dict]
    breakdown: list[dict]
    community_names: dict = field(default_factory=dict)

    def table(self, name: str) -> Table:
        for table in self.tables:
            if table.name == name:
                return table
        raise KeyError(name)


# --- links to the admin changelists that list what a figure counts ---------------------------------------


class Links:
    """Admin changelist URLs filtered like a figure (only querystring lookups the admins allow: fields of the
    model itself, e.g. ``community__id__in`` and ``start__date__gte``, and their list filters' parameters)."""

    def __init__(self, unit, start, end, community_ids, subdistrict_ids):
        self.unit, self.start, self.end = unit, start, end
        self.community_ids, self.subdistrict_ids = community_ids, subdistrict_ids

    @staticmethod
    def url(model, **params) -> str | None:
        if not admin.site.is_registered(model):
            return None
        opts = model._meta
        base = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        return base + "?" + urlencode(params) if params else base

    def communities(self, ids=None) -> dict:
        ids = self.community_ids if ids is None else ids
        if len(ids) == 1:
            return {"community__id__exact": ids[0]}
        return {"community__id__in": ",".join(str(pk) for pk in ids) or "0"}

    def subdistricts(self, ids=None) -> dict:
        ids = self.subdistrict_ids if ids is None else ids
        if level_of(self.unit) == COMMUNITY:
            return {"community__id__exact": self.unit.pk}
        if len(ids) == 1:
            return {"subdistrict__id__exact": ids[0]}
        return {"subdistrict__id__in": ",".join(str(pk) for pk in ids) or "0"}

    def days(self, field: str) -> dict:
        return {f"{field}__gte": self.start.isoformat(), f"{field}__lte": self.end.isoformat()}

    def activities(self, ids=None, **extra):
        return self.url(Activity, **self.communities(ids), **self.days("start__date"), **extra)

    def visits(self, ids=None):
        return self.url(HomeVisit, **self.communities(ids), **self.days("visited_on"))

    def receptions(self, ids=None, **extra):
        return self.url(VisitRecord, **self.communities(ids), **self.days("visited_on"), **extra)

    def teams(self, ids=None, **extra):
        return self.url(VolunteerTeam, **self.communities(ids), **extra)

    def venues(self, ids=None, **extra):
        return self.url(Venue, **self.communities(ids), **extra)


# --- composition ---------------------------------------------------------------------------------------


def _months(start, end):
    months, month = [], start.replace(day=1)
    while month <= end:
        months.append(month)
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return months


def _sum(rows, key):
    return sum(row.get(key) or 0 for row in rows)


def build(unit, start: datetime.date, end: datetime.date) -> Dashboard:
    level = level_of(unit)
    subs = subunits(unit)
    pairs = list(
        Community.objects.filter(in_unit(unit, "")).values_list("pk", "subdistrict_id").order_by("pk")
    )
    community_ids = [pk for pk, _sub in pairs]
    communities_of_sub: dict = {}
    for pk, sub_id in pairs:
        communities_of_sub.setdefault(sub_id, []).append(pk)
    if level == DISTRICT:
        subdistrict_ids = [s.pk for s in subs]
    else:
        subdistrict_ids = [unit.pk if level == SUBDISTRICT else unit.subdistrict_id]
    links = Links(unit, start, end, community_ids, subdistrict_ids)

    def sub_ids(sub):
        """Community ids of a sub-unit, for its links."""
        return communities_of_sub.get(sub.pk, []) if level == DISTRICT else [sub.pk]

    # Queries: each helper says how many.
    profile_by_sub, area = aggregates.profile(unit)
    party_by_kind, party_by_sub = aggregates.party_organizations(unit, end)
    partners_by_kind, partners_by_sub = aggregates.partners(unit, end)
    term, roles, committee, committee_by_sub = aggregates.committee(unit, start, end)
    volunteers = volunteer_stats.volunteer_totals(unit, start, end)
    volunteers_by_sub = {
        row["unit"].pk: row for row in volunteer_stats.volunteer_totals_by_subunit(unit, start, end)
    }
    volunteers_by_month = {
        row["month"]: row for row in volunteer_stats.volunteer_totals_by_month(unit, start, end)
    }
    activities = activity_stats.activity_totals(unit, start, end)
    activities_by_kind = activity_stats.activities_by_kind(unit, start, end)
    programmes = activity_stats.activities_by_programme(unit, start, end)
    lectures = activity_stats.lecture_totals(unit, start, end)
    extras_by_sub, extras_by_month, activities_by_venue = aggregates.activity_extras(unit, start, end)
    receptions = venue_stats.totals(unit, start, end)
    venue_kinds = venue_stats.venues_by_kind(unit)
    receptions_by_kind = aggregates.receptions_by_kind(unit, start, end)
    receptions_by_month = {row["month"]: row for row in venue_stats.by_month(unit, start, end)}
    venues, receptions_by_venue = aggregates.venue_list(unit, start, end)
    pool_by_sub, docents = aggregates.lecturers(unit)
    teams = aggregates.teams(unit, end)
    sub_programmes: dict = {}
    for parent_id, pk in Programme.objects.filter(parent_id__in=[p["id"] for p in programmes]).values_list(
        "parent_id", "pk"
    ):
        sub_programmes.setdefault(parent_id, []).append(pk)
    group = subunit_path(unit)
    venues_per_sub = {
        row[group]: row["n"]
        for row in Venue.objects.filter(in_unit(unit)).values(group).annotate(n=Count("pk")).order_by()
    }
    if level == COMMUNITY:
        receptions_per_sub = {unit.pk: receptions}
    else:
        receptions_per_sub = {row["id"]: row for row in venue_stats.by_subunit(unit, start, end)}

    # --- totals -----------------------------------------------------------------------------------------
    kinds_total: dict = {}
    for entry in profile_by_sub.values():
        for kind, n in entry.get("kinds", {}).items():
            kinds_total[kind] = kinds_total.get(kind, 0) + n
    lecturers_total = _sum(pool_by_sub.values(), "lecturers")
    totals = {
        "area_km2": area["area"],
        "population": area["population"],
        "subdistricts": len(subs) if level == DISTRICT else None,
        "communities": sum(kinds_total.values()),
        "urban_communities": kinds_total.get(Community.Kind.URBAN, 0),
        "village_converted_communities": kinds_total.get(Community.Kind.VILLAGE_CONVERTED, 0),
        "villages": kinds_total.get(Community.Kind.VILLAGE, 0),
        "grids": _sum(profile_by_sub.values(), "grids"),
        "courtyards": _sum(profile_by_sub.values(), "courtyards"),
        "party_organizations": sum(k["all"] for k in party_by_kind.values()),
        "partners": _sum(partners_by_kind.values(), "partners"),
        "co_building": _sum(partners_by_kind.values(), "co_building"),
        "social_organizations": _sum(partners_by_kind.values(), "social"),
        "social_in_centres": _sum(partners_by_kind.values(), "social_in_centres"),
        "social_workers": _sum(partners_by_kind.values(), "social_workers"),
        "teams": volunteers["teams"],
        "party_member_teams": volunteers["party_member_teams"],
        "members": volunteers["members"],
        "party_member_members": volunteers["party_member_members"],
        "visits": volunteers["visits"],
        "recipients_visited": volunteers["recipients_visited"],
        "volunteer_person_times": volunteers["volunteer_person_times"],
        "volunteers": volunteers["volunteers"],
        "party_member_volunteers": volunteers["party_member_volunteers"],
        "volunteer_hours": volunteers["volunteer_hours"],
        "activities": activities["activities"],
        "participants": activities["participants"],
        "volunteer_service_activities": _sum(extras_by_sub.values(), "volunteer_service"),
        "partner_activities": _sum(extras_by_sub.values(), "partner_activities"),
        "lecture_sessions": lectures["sessions"],
        "lecture_participants": lectures["participants"],
        "lecturers_taught": lectures["lecturers"],
        "lecturers": lecturers_total,
        "volunteer_lecturers": _sum(pool_by_sub.values(), "volunteer_lecturers"),
        "lecture_halls": venue_kinds.get(Venue.Kind.LECTURE_HALL, 0),
        "venues": sum(venue_kinds.values()),
        "receptions": receptions["receptions"],
        "visitors": receptions["visitors"],
        "docents": docents["docents"],
        "volunteer_docents": docents["volunteer_docents"],
        "committee_term": term,
        "committee_members": committee["people"] or 0,
        "committee_roles": sum(roles.values()),
        "committee_average_age": aggregates.average(committee["age_total"], committee["with_age"]),
        "committee_college": committee["college"] or 0,
        "committee_college_share": aggregates.ratio(committee["college"], committee["people"]),
    }
    total_links = {
        "communities": Links.url(Community, **({"id__in": ",".join(map(str, community_ids)) or "0"})),
        "grids": Links.url(Grid, **links.communities()),
        "party_organizations": Links.url(PartyOrganization, **links.subdistricts()),
        "partners": Links.url(Partnership, **links.communities()),
        "teams": links.teams(),
        "party_member_teams": links.teams(is_party_member_team__exact=1),
        "visits": links.visits(),
        "activities": links.activities(),
        "participants": links.activities(),
        "volunteer_service_activities": links.activities(kind=ActivityType.Kind.VOLUNTEER_SERVICE),
        "lecture_sessions": links.activities(kind=ActivityType.Kind.LECTURE),
        "lecture_participants": links.activities(kind=ActivityType.Kind.LECTURE),
        "lecturers": Links.url(Lecturer, **links.communities(), active__exact=1),
        "lecture_halls": links.venues(kind__exact=Venue.Kind.LECTURE_HALL),
        "venues": links.venues(),
        "receptions": links.receptions(),
        "visitors": links.receptions(),
        "docents": Links.url(Docent, **links.communities(), active__exact=1),
        "committee_members": Links.url(CommitteeMember, **links.communities(), term__exact=term)
        if term
        else None,
        "committee_roles": Links.url(CommitteeMember, **links.communities(), term__exact=term)
        if term
        else None,
    }
    if level == COMMUNITY:
        total_links["communities"] = None
    totals_table = Table(
        "totals",
        pgettext_lazy("report", "totals"),
        [
            Column("figure", pgettext_lazy("report", "figure"), TEXT),
            Column("value", pgettext_lazy("report", "value"), DEC),
        ],
        [
            {"_key": key, "figure": label, "value": totals[key], "_links": {"value": total_links.get(key)}}
            for key, label in FIGURES
            if totals.get(key) is not None
        ],
    )

    # --- breakdown by sub-unit --------------------------------------------------------------------------
    breakdown = []
    for sub in subs:
        profile = profile_by_sub.get(sub.pk, {})
        vol = volunteers_by_sub.get(sub.pk, {})
        act = extra = extras_by_sub.get(sub.pk, {})
        rec = receptions_per_sub.get(sub.pk, {})
        com = committee_by_sub.get(sub.pk, {})
        partners = partners_by_sub.get(sub.pk, {})
        ids = sub_ids(sub)
        row = {
            "_key": f"{NEXT_LEVEL[level]}:{sub.pk}",
            "unit": str(sub),
            "communities": sum(profile.get("kinds", {}).values()),
            "grids": profile.get("grids", 0),
            "courtyards": profile.get("courtyards", 0),
            "party_organizations": party_by_sub.get(sub.pk, 0),
            "partners": partners.get("partners", 0),
            "teams": vol.get("teams", 0),
            "party_member_teams": vol.get("party_member_teams", 0),
            "members": vol.get("members", 0),
            "volunteers": vol.get("volunteers", 0),
            "party_member_volunteers": vol.get("party_member_volunteers", 0),
            "visits": vol.get("visits", 0),
            "volunteer_hours": vol.get("volunteer_hours", 0),
            "activities": act.get("activity_count", 0),
            "participants": act.get("participant_sum", 0),
            "lecture_sessions": extra.get("lectures", 0),
            "lecturers": pool_by_sub.get(sub.pk, {}).get("lecturers", 0),
            "venues": venues_per_sub.get(sub.pk, 0),
            "receptions": rec.get("receptions", 0),
            "visitors": rec.get("visitors", 0),
            "committee_members": com.get("people", 0),
            "committee_college_share": aggregates.ratio(com.get("college"), com.get("people")),
        }
        row["_links"] = {
            "teams": links.teams(ids),
            "visits": links.visits(ids),
            "activities": links.activities(ids),
            "participants": links.activities(ids),
            "lecture_sessions": links.activities(ids, kind=ActivityType.Kind.LECTURE),
            "venues": links.venues(ids),
            "receptions": links.receptions(ids),
            "visitors": links.receptions(ids),
        }
        breakdown.append(row)
    breakdown_columns = [Column("unit", LEVEL_NAMES[NEXT_LEVEL[level]], TEXT)] + [
        Column(key, label, PCT if key.endswith("share") else (DEC if key.endswith("hours") else INT))
        for key, label in BREAKDOWN_FIGURES
        if not (key == "communities" and level != DISTRICT)
    ]

    # --- by month -----------------------------------------------------------------------------------------
    months = []
    for month in _months(start, end):
        act = extra = extras_by_month.get(month, {})
        vol = volunteers_by_month.get(month, {})
        rec = receptions_by_month.get(month, {})
        months.append(
            {
                "_key": month.strftime("%Y-%m"),
                "month": month.strftime("%Y-%m"),
                "activities": act.get("activity_count", 0),
                "participants": act.get("participant_sum", 0),
                "lecture_sessions": extra.get("lectures", 0),
                "lecture_participants": extra.get("lecture_participants", 0),
                "visits": vol.get("visits", 0),
                "volunteer_person_times": vol.get("volunteer_person_times", 0),
                "volunteer_hours": vol.get("volunteer_hours", 0),
                "receptions": rec.get("receptions", 0),
                "visitors": rec.get("visitors", 0),
            }
        )
    month_columns = [Column("month", pgettext_lazy("report", "month"), TEXT)] + [
        Column(key, label, DEC if key.endswith("hours") else INT) for key, label in MONTH_FIGURES
    ]

    # --- the other tables ---------------------------------------------------------------------------------
    kind_rows = [
        {
            "_key": row["kind"],
            "kind": row["label"],
            "activities": row["activities"],
            "participants": row["participants"],
            "_links": {
                "activities": links.activities(kind=row["kind"]),
                "participants": links.activities(kind=row["kind"]),
            },
        }
        for row in activities_by_kind
    ]
    programme_rows = []
    for row in programmes:
        ids = [row["id"], *sub_programmes.get(row["id"], [])]
        url = links.activities(programme__id__in=",".join(map(str, ids)))
        programme_rows.append(
            {
                "_key": row["name"],
                "programme": row["name"],
                "activities": row["activities"],
                "participants": row["participants"],
                "_links": {"activities": url, "participants": url},
            }
        )
    venue_rows = []
    kind_labels = dict(Venue.Kind.choices)
    for venue in venues:
        act = activities_by_venue.get(venue["pk"], {})
        rec = receptions_by_venue.get(venue["pk"], {})
        venue_rows.append(
            {
                "_key": venue["name"],
                "venue": venue["name"],
                "kind": kind_labels.get(venue["kind"], venue["kind"]),
                "community": venue["community__name"],
                "floor": venue["floor"],
                "area_m2": venue["area_m2"],
                "opened_on": venue["opened_on"].strftime("%Y-%m") if venue["opened_on"] else "",
                "sections": venue["section_count"],
                "activities": act.get("activity_count", 0),
                "participants": act.get("participant_sum", 0),
                "receptions": rec.get("receptions", 0),
                "visitors": rec.get("visitors", 0),
                "_links": {
                    "activities": links.activities(venue__id__exact=venue["pk"]),
                    "receptions": links.receptions(venue__id__exact=venue["pk"]),
                    "visitors": links.receptions(venue__id__exact=venue["pk"]),
                },
            }
        )
    venue_kind_rows = [
        {
            "_key": kind,
            "kind": label,
            "venues": venue_kinds.get(kind, 0),
            "receptions": receptions_by_kind.get(kind, {}).get("receptions", 0),
            "visitors": receptions_by_kind.get(kind, {}).get("visitors", 0),
            "_links": {"venues": links.venues(kind__exact=kind)},
        }
        for kind, label in Venue.Kind.choices
    ]
    party_rows = [
        {
            "_key": kind,
            "kind": label,
            "organisations": party_by_kind.get(kind, {}).get("all", 0),
            "in_communities": party_by_kind.get(kind, {}).get("in_community", 0),
            "_links": {
                "organisations": Links.url(PartyOrganization, **links.subdistricts(), kind__exact=kind)
            },
        }
        for kind, label in PartyOrganization.Kind.choices
    ]
    partner_rows = [
        {
            "_key": kind,
            "kind": label,
            "partners": partners_by_kind.get(kind, {}).get("partners", 0),
            "co_building": partners_by_kind.get(kind, {}).get("co_building", 0),
            "in_service_centres": partners_by_kind.get(kind, {}).get("social_in_centres", 0),
            "social_workers": partners_by_kind.get(kind, {}).get("social_workers", 0),
        }
        for kind, label in PartnerOrganization.Kind.choices
    ]
    role_rows = [
        {
            "_key": role,
            "role": label,
            "members": roles.get(role, 0),
            "_links": {
                "members": Links.url(
                    CommitteeMember, **links.communities(), term__exact=term, role__exact=role
                )
                if term
                else None
            },
        }
        for role, label in CommitteeMember.Role.choices
    ]
    area_labels = dict(VolunteerTeam.ServiceArea.choices)
    team_rows = [
        {
            "_key": team["name"],
            "team": team["name"],
            "service_area": area_labels.get(team["service_area"], team["service_area"]),
            "community": team["community__name"],
            "founded_on": team["founded_on"].isoformat() if team["founded_on"] else "",
            "party_member_team": pgettext_lazy("report", "yes")
            if team["is_party_member_team"]
            else pgettext_lazy("report", "no"),
            "members": team["member_count"],
        }
        for team in teams
    ]

    tables = [
        totals_table,
        Table("breakdown", pgettext_lazy("report", "by sub-unit"), breakdown_columns, breakdown),
        Table("months", pgettext_lazy("report", "by month"), month_columns, months),
        Table(
            "activity_kinds",
            pgettext_lazy("report", "activities by kind"),
            [
                Column("kind", pgettext_lazy("report", "kind"), TEXT),
                Column("activities", pgettext_lazy("report", "activities")),
                Column("participants", pgettext_lazy("report", "participants (person-times)")),
            ],
            kind_rows,
        ),
        Table(
            "programmes",
            pgettext_lazy("report", "activities by programme"),
            [
                Column("programme", pgettext_lazy("report", "programme"), TEXT),
                Column("activities", pgettext_lazy("report", "activities")),
                Column("participants", pgettext_lazy("report", "participants (person-times)")),
            ],
            programme_rows,
        ),
        Table(
            "venue_kinds",
            pgettext_lazy("report", "venues by kind"),
            [
                Column("kind", pgettext_lazy("report", "kind"), TEXT),
                Column("venues", pgettext_lazy("report", "venues")),
                Column("receptions", pgettext_lazy("report", "receptions")),
                Column("visitors", pgettext_lazy("report", "visitors")),
            ],
            venue_kind_rows,
        ),
        Table(
            "venues",
            pgettext_lazy("report", "venues"),
            [
                Column("venue", pgettext_lazy("report", "venue"), TEXT),
                Column("kind", pgettext_lazy("report", "kind"), TEXT),
                Column("community", pgettext_lazy("report", "community"), TEXT),
                Column("floor", pgettext_lazy("report", "floor"), TEXT),
                Column("area_m2", pgettext_lazy("report", "area (m²)")),
                Column("opened_on", pgettext_lazy("report", "opened"), TEXT),
                Column("sections", pgettext_lazy("report", "sections")),
                Column("activities", pgettext_lazy("report", "activities")),
                Column("participants", pgettext_lazy("report", "participants (person-times)")),
                Column("receptions", pgettext_lazy("report", "receptions")),
                Column("visitors", pgettext_lazy("report", "visitors")),
            ],
            venue_rows,
        ),
        Table(
            "party_organizations",
            pgettext_lazy("report", "Party organisations by kind"),
            [
                Column("kind", pgettext_lazy("report", "kind"), TEXT),
                Column("organisations", pgettext_lazy("report", "organisations")),
                Column("in_communities", pgettext_lazy("report", "serving a community")),
            ],
            party_rows,
        ),
        Table(
            "partners",
            pgettext_lazy("report", "partner organisations by kind"),
            [
                Column("kind", pgettext_lazy("report", "kind"), TEXT),
                Column("partners", pgettext_lazy("report", "organisations")),
                Column("co_building", pgettext_lazy("report", "with their own Party organisation")),
                Column(
                    "in_service_centres", pgettext_lazy("report", "social organisations in service centres")
                ),
                Column("social_workers", pgettext_lazy("report", "social workers placed")),
            ],
            partner_rows,
        ),
        Table(
            "committee",
            pgettext_lazy("report", "committee members by role"),
            [
                Column("role", pgettext_lazy("report", "role"), TEXT),
                Column("members", pgettext_lazy("report", "members")),
            ],
            role_rows,
        ),
        Table(
            "teams",
            pgettext_lazy("report", "volunteer teams"),
            [
                Column("team", pgettext_lazy("report", "team"), TEXT),
                Column("service_area", pgettext_lazy("report", "service area"), TEXT),
                Column("community", pgettext_lazy("report", "community"), TEXT),
                Column("founded_on", pgettext_lazy("report", "founded on"), TEXT),
                Column("party_member_team", pgettext_lazy("report", "Party-member team"), TEXT),
                Column("members", pgettext_lazy("report", "members")),
            ],
            team_rows,
        ),
    ]
    return Dashboard(unit, start, end, tables, totals, months, breakdown)
