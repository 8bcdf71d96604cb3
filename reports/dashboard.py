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
from decimal import Decimal
from urllib.parse import urlencode

from django.contrib import admin
from django.db.models import Case, Count, IntegerField, Max, Q, Sum, Value, When
from django.db.models.functions import Coalesce, ExtractDay, ExtractMonth, ExtractYear, TruncMonth
from django.urls import reverse
from django.utils.translation import pgettext_lazy

from activities import stats as activity_stats
from activities.models import Activity, ActivityType, Lecturer, Programme
from communities.models import (
    CommitteeMember,
    Community,
    Courtyard,
    Grid,
    PartnerOrganization,
    Partnership,
    PartyOrganization,
    Person,
    Subdistrict,
)
from communities.scoping import COMMUNITY, DISTRICT, SUBDISTRICT, unit_level
from venues import stats as venue_stats
from venues.models import Docent, Venue, VisitRecord
from volunteers import stats as volunteer_stats
from volunteers.models import HomeVisit, VolunteerTeam

from .units import NEXT_LEVEL, in_unit, path_to, subunit_path, subunits

TEXT, INT, DEC, PCT, DATE = "text", "int", "dec", "pct", "date"
SOCIAL_KINDS = (PartnerOrganization.Kind.SOCIAL_ORGANIZATION, PartnerOrganization.Kind.SOCIAL_WORK_AGENCY)


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
        if unit_level(self.unit) == COMMUNITY:
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


# --- the unit's own registers (communities app) ---------------------------------------------------------


def _profile(unit):
    """Area, population, communities by kind, grids and courtyards, for the unit and by sub-unit (4 queries)."""
    level = unit_level(unit)
    sub = path_to(NEXT_LEVEL[level], "")
    per_sub: dict = {}
    for row in (
        Community.objects.filter(in_unit(unit, "")).values(sub, "kind").annotate(n=Count("pk")).order_by()
    ):
        per_sub.setdefault(row[sub], {}).setdefault("kinds", {})[row["kind"]] = row["n"]
    for model, prefix, key in ((Grid, "community", "grids"), (Courtyard, "grid__community", "courtyards")):
        group = subunit_path(unit, prefix)
        for row in (
            model.objects.filter(in_unit(unit, prefix)).values(group).annotate(n=Count("pk")).order_by()
        ):
            per_sub.setdefault(row[group], {})[key] = row["n"]
    if level == DISTRICT:
        area = Subdistrict.objects.filter(district=unit).aggregate(
            area=Sum("area_km2"), population=Sum("population")
        )
    elif level == SUBDISTRICT:
        area = {"area": unit.area_km2, "population": unit.population}
    else:
        area = {"area": None, "population": unit.population}
    return per_sub, area


def _party_organizations(unit, end):
    """Party organisations by kind and by sub-unit; those serving a community counted apart (1 query)."""
    level = unit_level(unit)
    where = {
        DISTRICT: Q(subdistrict__district_id=unit.pk),
        SUBDISTRICT: Q(subdistrict_id=unit.pk),
        COMMUNITY: Q(community_id=unit.pk),
    }[level]
    group = {DISTRICT: "subdistrict_id", SUBDISTRICT: "community_id", COMMUNITY: "community_id"}[level]
    rows = (
        PartyOrganization.objects.filter(where, Q(founded_on__isnull=True) | Q(founded_on__lte=end))
        .values(group, "kind")
        .annotate(n=Count("pk"), in_community=Count("pk", filter=Q(community__isnull=False)))
        .order_by()
    )
    by_kind: dict = {}
    by_sub: dict = {}
    for row in rows:
        kind = by_kind.setdefault(row["kind"], {"all": 0, "in_community": 0})
        kind["all"] += row["n"]
        kind["in_community"] += row["in_community"]
        by_sub[row[group]] = by_sub.get(row[group], 0) + row["n"]
    return by_kind, by_sub


def _partners(unit, end):
    """Partner organisations with a partnership in the unit signed by the period's end (2 queries).

    A partner of several communities counts once in the unit (distinct), and once in each sub-unit.
    """
    partnerships = Partnership.objects.filter(in_unit(unit), signed_on__lte=end)
    figures = {
        "partners": Count("partner", distinct=True),
        "co_building": Count("partner", distinct=True, filter=Q(partner__has_party_organization=True)),
        "social": Count("partner", distinct=True, filter=Q(partner__kind__in=SOCIAL_KINDS)),
        "social_in_centres": Count(
            "partner", distinct=True, filter=Q(partner__kind__in=SOCIAL_KINDS, in_service_centre=True)
        ),
        "social_workers": Coalesce(Sum("social_workers"), 0),
    }
    by_kind = {
        row["partner__kind"]: row
        for row in partnerships.values("partner__kind").annotate(**figures).order_by()
    }
    group = subunit_path(unit)
    by_sub = {row[group]: row for row in partnerships.values(group).annotate(**figures).order_by()}
    return by_kind, by_sub


def _age_on(date_field: str, birth_field: str):
    """Whole years from ``birth_field`` to ``date_field``, by the database (same on SQLite and PostgreSQL)."""
    before_birthday = Case(
        When(
            Q(**{f"{date_field}__month__lt": ExtractMonth(birth_field)})
            | Q(
                **{
                    f"{date_field}__month": ExtractMonth(birth_field),
                    f"{date_field}__day__lt": ExtractDay(birth_field),
                }
            ),
            then=Value(1),
        ),
        default=Value(0),
        output_field=IntegerField(),
    )
    return ExtractYear(date_field) - ExtractYear(birth_field) - before_birthday


def _committee(unit, start, end):
    """The two committees of the latest term elected in the period (4 queries).

    Members are people (someone holding two roles, 交叉任职, counts once); the role breakdown counts roles.
    Ages are whole years on the election date, averaged over the people.
    """
    elected = CommitteeMember.objects.filter(in_unit(unit), elected_on__gte=start, elected_on__lte=end)
    term = elected.aggregate(term=Max("term"))["term"]
    if term is None:
        return None, {}, {"people": 0, "with_age": 0, "age_total": 0, "college": 0}, {}
    members = elected.filter(term=term)
    roles = dict(members.values("role").annotate(n=Count("pk")).values_list("role", "n").order_by())
    college = Person.COLLEGE_OR_ABOVE
    per_person = members.values("person", "community_id").annotate(
        person_age=Max(_age_on("elected_on", "person__birth_date")),
        person_college=Max(Case(When(person__education__in=college, then=Value(1)), default=Value(0))),
    )
    # The person's community is the committee's (CommitteeMember.clean), so grouping people by sub-unit
    # reads the person's community path.
    people = Person.objects.filter(pk__in=members.values("person"))
    group = subunit_path(unit)
    by_sub = {
        row[group]: row
        for row in people.values(group)
        .annotate(
            people=Count("pk", distinct=True),
            college=Count("pk", distinct=True, filter=Q(education__in=college)),
        )
        .order_by()
    }
    totals = per_person.aggregate(
        people=Count("person"),
        with_age=Count("person_age"),
        age_total=Sum("person_age"),
        college=Sum("person_college"),
    )
    return term, roles, totals, by_sub


def _ratio(part, whole, digits=1):
    if not whole:
        return None
    return round(Decimal(part or 0) * 100 / Decimal(whole), digits)


def _average(total, count, digits=1):
    if not count:
        return None
    return round(Decimal(total or 0) / Decimal(count), digits)


# --- activities and venues beyond what their stats modules give -----------------------------------------


def _activity_extras(unit, start, end):
    """Activities, lecture sessions and partner-organised activities by sub-unit and month, activities by
    venue (3 queries; activities.stats has the totals, kinds and programmes). The sub-unit figures are
    written here: activities.stats.activities_by_subunit annotates "activities" on Community, which
    clashes with Community.activities (ValueError), at the time of writing."""
    log = Activity.objects.filter(in_unit(unit)).between(start, end).order_by()
    lecture = Q(type__kind=ActivityType.Kind.LECTURE)
    figures = {
        "activity_count": Count("pk"),
        "participant_sum": Coalesce(Sum("participants"), 0),
        "lectures": Count("pk", filter=lecture),
        "lecture_participants": Coalesce(Sum("participants", filter=lecture), 0),
        "partner_activities": Count("pk", filter=Q(partner__isnull=False)),
        "volunteer_service": Count("pk", filter=Q(type__kind=ActivityType.Kind.VOLUNTEER_SERVICE)),
    }
    group = subunit_path(unit)
    by_sub = {row[group]: row for row in log.values(group).annotate(**figures)}
    by_month = {}
    for row in log.annotate(month=TruncMonth("start")).values("month").annotate(**figures):
        month = row["month"]
        by_month[month.date() if isinstance(month, datetime.datetime) else month] = row
    by_venue = {
        row["venue"]: row
        for row in log.filter(venue__isnull=False)
        .values("venue")
        .annotate(activity_count=Count("pk"), participant_sum=Coalesce(Sum("participants"), 0))
    }
    return by_sub, by_month, by_venue


def _venue_list(unit, start, end):
    """The unit's venues with their sections and receptions in the period (2 queries)."""
    venues = list(
        Venue.objects.filter(in_unit(unit))
        .annotate(section_count=Count("sections"))
        .values("pk", "name", "kind", "community__name", "floor", "area_m2", "opened_on", "section_count")
        .order_by("community__name", "name")
    )
    receptions = {
        row["venue"]: row
        for row in VisitRecord.objects.filter(in_unit(unit), visited_on__gte=start, visited_on__lte=end)
        .values("venue")
        .annotate(receptions=Count("pk"), visitors=Coalesce(Sum("visitors"), 0))
        .order_by()
    }
    return venues, receptions


def _receptions_by_kind(unit, start, end):
    return {
        row["venue__kind"]: row
        for row in VisitRecord.objects.filter(in_unit(unit), visited_on__gte=start, visited_on__lte=end)
        .values("venue__kind")
        .annotate(receptions=Count("pk"), visitors=Coalesce(Sum("visitors"), 0))
        .order_by()
    }


def _lecturers(unit):
    """The lecturer pool and the docents, standing figures (2 queries)."""
    group = subunit_path(unit)
    pool = {
        row[group]: row
        for row in Lecturer.objects.filter(in_unit(unit), active=True)
        .values(group)
        .annotate(
            lecturers=Count("pk"),
            volunteer_lecturers=Count("pk", filter=Q(category=Lecturer.Category.VOLUNTEER)),
        )
        .order_by()
    }
    docents = Docent.objects.filter(in_unit(unit), active=True).aggregate(
        docents=Count("pk"), volunteer_docents=Count("pk", filter=Q(is_volunteer=True))
    )
    return pool, docents


def _teams(unit, end):
    """The unit's volunteer teams with their members at the period's end (1 query)."""
    return list(
        VolunteerTeam.objects.filter(in_unit(unit))
        .filter(Q(founded_on__isnull=True) | Q(founded_on__lte=end))
        .annotate(
            member_count=Count(
                "memberships",
                filter=Q(memberships__joined_on__isnull=True) | Q(memberships__joined_on__lte=end),
            )
        )
        .values(
            "pk",
            "name",
            "service_area",
            "community__name",
            "founded_on",
            "is_party_member_team",
            "member_count",
        )
        .order_by("community__name", "name")
    )


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
    level = unit_level(unit)
    subs = subunits(unit)
    pairs = list(
        Community.objects.filter(in_unit(unit, "")).values_list("pk", "subdistrict_id", "name").order_by("pk")
    )
    community_ids = [pk for pk, _sub, _name in pairs]
    communities_of_sub: dict = {}
    for pk, sub_id, _name in pairs:
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
    profile_by_sub, area = _profile(unit)
    party_by_kind, party_by_sub = _party_organizations(unit, end)
    partners_by_kind, partners_by_sub = _partners(unit, end)
    term, roles, committee, committee_by_sub = _committee(unit, start, end)
    volunteers = volunteer_stats.volunteer_totals(unit, start, end)
    volunteers_by_sub = {
        row["unit"].pk: row for row in volunteer_stats.volunteer_totals_by_subunit(unit, start, end)
    }
    volunteers_by_month = {
        row["month"]: row for row in volunteer_stats.volunteer_totals_by_month(unit, start, end)
    }
    activities = activity_stats.activity_totals(unit, start, end)
    activities_by_month = {row["month"]: row for row in activity_stats.activities_by_month(unit, start, end)}
    activities_by_kind = activity_stats.activities_by_kind(unit, start, end)
    programmes = activity_stats.activities_by_programme(unit, start, end)
    lectures = activity_stats.lecture_totals(unit, start, end)
    extras_by_sub, extras_by_month, activities_by_venue = _activity_extras(unit, start, end)
    receptions = venue_stats.totals(unit, start, end)
    venue_kinds = venue_stats.venues_by_kind(unit)
    receptions_by_kind = _receptions_by_kind(unit, start, end)
    receptions_by_month = {row["month"]: row for row in venue_stats.by_month(unit, start, end)}
    venues, receptions_by_venue = _venue_list(unit, start, end)
    pool_by_sub, docents = _lecturers(unit)
    teams = _teams(unit, end)
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
        "committee_average_age": _average(committee["age_total"], committee["with_age"]),
        "committee_college": committee["college"] or 0,
        "committee_college_share": _ratio(committee["college"], committee["people"]),
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
            "committee_college_share": _ratio(com.get("college"), com.get("people")),
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
        act = activities_by_month.get(month, {})
        extra = extras_by_month.get(month, {})
        vol = volunteers_by_month.get(month, {})
        rec = receptions_by_month.get(month, {})
        months.append(
            {
                "_key": month.strftime("%Y-%m"),
                "month": month.strftime("%Y-%m"),
                "activities": act.get("activities", 0),
                "participants": act.get("participants", 0),
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


LEVEL_NAMES = {
    DISTRICT: pgettext_lazy("report", "district"),
    SUBDISTRICT: pgettext_lazy("report", "subdistrict"),
    COMMUNITY: pgettext_lazy("report", "community"),
}

# The headline figures, in the order of the page and of the "totals" sheet.
FIGURES = [
    ("area_km2", pgettext_lazy("report", "area (km²)")),
    ("population", pgettext_lazy("report", "resident population")),
    ("subdistricts", pgettext_lazy("report", "subdistricts")),
    ("communities", pgettext_lazy("report", "communities")),
    ("urban_communities", pgettext_lazy("report", "urban communities")),
    ("village_converted_communities", pgettext_lazy("report", "village-converted communities")),
    ("villages", pgettext_lazy("report", "administrative villages")),
    ("grids", pgettext_lazy("report", "grids")),
    ("courtyards", pgettext_lazy("report", "courtyards")),
    ("party_organizations", pgettext_lazy("report", "Party organisations")),
    ("partners", pgettext_lazy("report", "partner organisations")),
    ("co_building", pgettext_lazy("report", "co-building Party organisations")),
    ("social_organizations", pgettext_lazy("report", "social organisations")),
    ("social_in_centres", pgettext_lazy("report", "social organisations in service centres")),
    ("social_workers", pgettext_lazy("report", "social workers placed")),
    ("teams", pgettext_lazy("report", "volunteer teams")),
    ("party_member_teams", pgettext_lazy("report", "Party-member volunteer teams")),
    ("members", pgettext_lazy("report", "team members")),
    ("party_member_members", pgettext_lazy("report", "Party members in teams")),
    ("visits", pgettext_lazy("report", "home visits (person-times served)")),
    ("recipients_visited", pgettext_lazy("report", "people visited at home")),
    ("volunteer_person_times", pgettext_lazy("report", "volunteer person-times on home visits")),
    ("volunteers", pgettext_lazy("report", "volunteers who made home visits")),
    ("party_member_volunteers", pgettext_lazy("report", "Party members who made home visits")),
    ("volunteer_hours", pgettext_lazy("report", "volunteer hours")),
    ("activities", pgettext_lazy("report", "activities")),
    ("participants", pgettext_lazy("report", "participants (person-times)")),
    ("volunteer_service_activities", pgettext_lazy("report", "volunteer service activities")),
    ("partner_activities", pgettext_lazy("report", "activities organised by partner organisations")),
    ("lecture_sessions", pgettext_lazy("report", "lecture sessions")),
    ("lecture_participants", pgettext_lazy("report", "lecture participants (person-times)")),
    ("lecturers_taught", pgettext_lazy("report", "lecturers who gave sessions")),
    ("lecturers", pgettext_lazy("report", "lecturers in the pool")),
    ("volunteer_lecturers", pgettext_lazy("report", "volunteer lecturers")),
    ("lecture_halls", pgettext_lazy("report", "lecture halls")),
    ("venues", pgettext_lazy("report", "venues")),
    ("receptions", pgettext_lazy("report", "venue receptions")),
    ("visitors", pgettext_lazy("report", "venue visitors")),
    ("docents", pgettext_lazy("report", "docents")),
    ("volunteer_docents", pgettext_lazy("report", "volunteer docents")),
    ("committee_term", pgettext_lazy("report", "committee term (year elected)")),
    ("committee_members", pgettext_lazy("report", "committee members (people)")),
    ("committee_roles", pgettext_lazy("report", "committee roles held")),
    ("committee_average_age", pgettext_lazy("report", "average age on the election date")),
    ("committee_college", pgettext_lazy("report", "committee members with junior college or above")),
    ("committee_college_share", pgettext_lazy("report", "share with junior college or above (%)")),
]

BREAKDOWN_FIGURES = [
    ("communities", pgettext_lazy("report", "communities")),
    ("grids", pgettext_lazy("report", "grids")),
    ("courtyards", pgettext_lazy("report", "courtyards")),
    ("party_organizations", pgettext_lazy("report", "Party organisations")),
    ("partners", pgettext_lazy("report", "partner organisations")),
    ("teams", pgettext_lazy("report", "volunteer teams")),
    ("party_member_teams", pgettext_lazy("report", "Party-member volunteer teams")),
    ("members", pgettext_lazy("report", "team members")),
    ("party_member_volunteers", pgettext_lazy("report", "Party members who made home visits")),
    ("visits", pgettext_lazy("report", "home visits (person-times served)")),
    ("volunteer_hours", pgettext_lazy("report", "volunteer hours")),
    ("activities", pgettext_lazy("report", "activities")),
    ("participants", pgettext_lazy("report", "participants (person-times)")),
    ("lecture_sessions", pgettext_lazy("report", "lecture sessions")),
    ("lecturers", pgettext_lazy("report", "lecturers in the pool")),
    ("venues", pgettext_lazy("report", "venues")),
    ("receptions", pgettext_lazy("report", "venue receptions")),
    ("visitors", pgettext_lazy("report", "venue visitors")),
    ("committee_members", pgettext_lazy("report", "committee members (people)")),
    ("committee_college_share", pgettext_lazy("report", "share with junior college or above (%)")),
]

MONTH_FIGURES = [
    ("activities", pgettext_lazy("report", "activities")),
    ("participants", pgettext_lazy("report", "participants (person-times)")),
    ("lecture_sessions", pgettext_lazy("report", "lecture sessions")),
    ("lecture_participants", pgettext_lazy("report", "lecture participants (person-times)")),
    ("visits", pgettext_lazy("report", "home visits (person-times served)")),
    ("volunteer_person_times", pgettext_lazy("report", "volunteer person-times on home visits")),
    ("volunteer_hours", pgettext_lazy("report", "volunteer hours")),
    ("receptions", pgettext_lazy("report", "venue receptions")),
    ("visitors", pgettext_lazy("report", "venue visitors")),
]
