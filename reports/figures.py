"""The dashboard's figures, each defined once: its name, how it is counted over the unit, over each sub-unit
and each month (where it is broken down so), and the admin list it links to. The order here is the order of
the page and of the sheets (translations in reports/locale, with the context "report" so they never change
another app's words). Adding a figure is adding a ``Figure`` here; ``reports.dashboard`` walks the list."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import pgettext_lazy

from activities.models import ActivityType, Lecturer
from communities.models import CommitteeMember, Community, Grid, Partnership, PartyOrganization
from registers.units import COMMUNITY, LEVEL_LABELS, SUBDISTRICT, is_above, level_names, next_level
from venues.models import Docent, Venue

from . import aggregates
from .tables import DEC, INT, PCT

LEVEL_NAMES = LEVEL_LABELS
ABOVE_SUBDISTRICT = tuple(name for name in level_names() if is_above(name, SUBDISTRICT))  # city, district
ABOVE_DISTRICT = tuple(name for name in ABOVE_SUBDISTRICT if is_above(next_level(name), SUBDISTRICT))  # city


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    total: Callable  # (data) -> the unit's value; None leaves the figure out
    link: Callable | None = None  # (data, a sub-unit or None for the whole unit) -> admin URL
    per_sub: Callable | None = None  # (data, sub-unit id) -> value: a column of the breakdown
    link_per_sub: bool = False  # the breakdown's cells link too
    per_month: Callable | None = None  # (data, first day of the month) -> value: a column by month
    kind: str = INT
    breakdown_levels: tuple = level_names()  # units whose breakdown shows it


def _sum(rows, key):
    return sum(row.get(key) or 0 for row in rows)


def _of(attribute: str, key: str):
    """(data, sub-unit id or month) -> ``data.<attribute>[id][key]``, 0 where there is none."""
    return lambda d, pk: getattr(d, attribute).get(pk, {}).get(key, 0)


def _kind_of_sub(kind):
    """(data, sub-unit id) -> its communities of ``kind``."""
    return lambda d, pk: d.profile_by_sub.get(pk, {}).get("kinds", {}).get(kind, 0)


def _venues_of_sub(kind):
    """(data, sub-unit id) -> its venues of ``kind``."""
    return lambda d, pk: sum(1 for venue in d.venues if venue["sub"] == pk and venue["kind"] == kind)


def _total(attribute: str, key: str):
    return lambda d: _sum(getattr(d, attribute).values(), key)


def _committee_link(d, sub=None, **extra):
    if not d.term:
        return None
    return d.links.url(CommitteeMember, **d.links.of_unit(), term__exact=d.term, **extra)


def _communities_link(d, sub=None):
    if d.level == COMMUNITY:
        return None
    return d.links.url(Community, **d.links.of_unit(sub))


LECTURE, VOLUNTEER_SERVICE = ActivityType.Kind.LECTURE, ActivityType.Kind.VOLUNTEER_SERVICE

FIGURES = [
    Figure("area_km2", pgettext_lazy("report", "area (km²)"), lambda d: d.area["area"], kind=DEC),
    Figure("population", pgettext_lazy("report", "resident population"), lambda d: d.area["population"]),
    Figure(
        "subdistricts",
        pgettext_lazy("report", "subdistricts"),
        lambda d: d.area.get("subdistricts"),
        per_sub=lambda d, pk: d.profile_by_sub.get(pk, {}).get("subdistricts", 0),
        breakdown_levels=ABOVE_DISTRICT,
    ),
    Figure(
        "communities",
        pgettext_lazy("report", "communities"),
        lambda d: sum(d.communities_by_kind().values()),
        link=_communities_link,
        per_sub=lambda d, pk: sum(d.profile_by_sub.get(pk, {}).get("kinds", {}).values()),
        breakdown_levels=ABOVE_SUBDISTRICT,
    ),
    Figure(
        "urban_communities",
        pgettext_lazy("report", "urban communities"),
        lambda d: d.communities_by_kind().get(Community.Kind.URBAN, 0),
        per_sub=_kind_of_sub(Community.Kind.URBAN),
        breakdown_levels=ABOVE_DISTRICT,
    ),
    Figure(
        "village_converted_communities",
        pgettext_lazy("report", "village-converted communities"),
        lambda d: d.communities_by_kind().get(Community.Kind.VILLAGE_CONVERTED, 0),
        per_sub=_kind_of_sub(Community.Kind.VILLAGE_CONVERTED),
        breakdown_levels=ABOVE_DISTRICT,
    ),
    Figure(
        "villages",
        pgettext_lazy("report", "administrative villages"),
        lambda d: d.communities_by_kind().get(Community.Kind.VILLAGE, 0),
        per_sub=_kind_of_sub(Community.Kind.VILLAGE),
        breakdown_levels=ABOVE_DISTRICT,
    ),
    Figure(
        "grids",
        pgettext_lazy("report", "grids"),
        _total("profile_by_sub", "grids"),
        link=lambda d, sub: d.links.url(Grid, **d.links.of_unit()),
        per_sub=_of("profile_by_sub", "grids"),
    ),
    Figure(
        "courtyards",
        pgettext_lazy("report", "courtyards"),
        _total("profile_by_sub", "courtyards"),
        per_sub=_of("profile_by_sub", "courtyards"),
    ),
    Figure(
        "party_organizations",
        pgettext_lazy("report", "Party organisations"),
        lambda d: sum(kind["all"] for kind in d.party_by_kind.values()),
        link=lambda d, sub: d.links.url(PartyOrganization, **d.links.of_unit()),
        per_sub=lambda d, pk: d.party_by_sub.get(pk, 0),
    ),
    Figure(
        "partners",
        pgettext_lazy("report", "partner organisations"),
        _total("partners_by_kind", "partners"),
        link=lambda d, sub: d.links.url(Partnership, **d.links.of_unit()),
        per_sub=_of("partners_by_sub", "partners"),
    ),
    Figure(
        "co_building",
        pgettext_lazy("report", "co-building Party organisations"),
        _total("partners_by_kind", "co_building"),
        per_sub=_of("partners_by_sub", "co_building"),
        breakdown_levels=ABOVE_DISTRICT,
    ),
    Figure(
        "social_organizations",
        pgettext_lazy("report", "social organisations"),
        _total("partners_by_kind", "social"),
        per_sub=_of("partners_by_sub", "social"),
        breakdown_levels=ABOVE_DISTRICT,
    ),
    Figure(
        "social_in_centres",
        pgettext_lazy("report", "social organisations in service centres"),
        _total("partners_by_kind", "social_in_centres"),
        per_sub=_of("partners_by_sub", "social_in_centres"),
        breakdown_levels=ABOVE_DISTRICT,
    ),
    Figure(
        "social_workers",
        pgettext_lazy("report", "social workers placed"),
        _total("partners_by_kind", "social_workers"),
        per_sub=_of("partners_by_sub", "social_workers"),
        breakdown_levels=ABOVE_DISTRICT,
    ),
    Figure(
        "teams",
        pgettext_lazy("report", "volunteer teams"),
        lambda d: d.volunteers["teams"],
        link=lambda d, sub: d.links.teams(sub),
        per_sub=_of("volunteers_by_sub", "teams"),
        link_per_sub=True,
    ),
    Figure(
        "party_member_teams",
        pgettext_lazy("report", "Party-member volunteer teams"),
        lambda d: d.volunteers["party_member_teams"],
        link=lambda d, sub: d.links.teams(is_party_member_team__exact=1),
        per_sub=_of("volunteers_by_sub", "party_member_teams"),
    ),
    Figure(
        "members",
        pgettext_lazy("report", "team members"),
        lambda d: d.volunteers["members"],
        per_sub=_of("volunteers_by_sub", "members"),
    ),
    Figure(
        "party_member_members",
        pgettext_lazy("report", "Party members in teams"),
        lambda d: d.volunteers["party_member_members"],
    ),
    Figure(
        "visits",
        pgettext_lazy("report", "home visits (person-times served)"),
        lambda d: d.volunteers["visits"],
        link=lambda d, sub: d.links.visits(sub),
        per_sub=_of("volunteers_by_sub", "visits"),
        link_per_sub=True,
        per_month=_of("volunteers_by_month", "visits"),
    ),
    Figure(
        "recipients_visited",
        pgettext_lazy("report", "people visited at home"),
        lambda d: d.volunteers["recipients_visited"],
    ),
    Figure(
        "volunteer_person_times",
        pgettext_lazy("report", "volunteer person-times"),
        lambda d: d.volunteers["volunteer_person_times"],
        per_month=_of("volunteers_by_month", "volunteer_person_times"),
    ),
    Figure(
        "volunteers",
        pgettext_lazy("report", "volunteers who served"),
        lambda d: d.volunteers["volunteers"],
        per_sub=_of("volunteers_by_sub", "volunteers"),
    ),
    Figure(
        "party_member_volunteers",
        pgettext_lazy("report", "Party members who made home visits"),
        lambda d: d.volunteers["party_member_volunteers"],
        per_sub=_of("volunteers_by_sub", "party_member_volunteers"),
    ),
    Figure(
        "volunteer_hours",
        pgettext_lazy("report", "volunteer hours"),
        lambda d: d.volunteers["volunteer_hours"],
        per_sub=_of("volunteers_by_sub", "volunteer_hours"),
        per_month=_of("volunteers_by_month", "volunteer_hours"),
        kind=DEC,
    ),
    Figure(
        "backfilled_hours",
        pgettext_lazy("report", "of which back-filled by staff"),
        lambda d: d.volunteers["backfilled_hours"],
        per_sub=_of("volunteers_by_sub", "backfilled_hours"),
        kind=DEC,
    ),
    Figure(
        "branch_meetings",
        pgettext_lazy("report", "branch meetings held (三会一课 and others)"),
        lambda d: d.meetings["branch_meetings"],
        per_sub=_of("meetings_by_sub", "branch_meetings"),
    ),
    Figure(
        "themed_party_days",
        pgettext_lazy("report", "themed Party days held by branches"),
        lambda d: d.meetings["themed_party_days"],
        per_sub=_of("meetings_by_sub", "themed_party_days"),
    ),
    Figure(
        "in_service_members",
        pgettext_lazy("report", "in-service Party members reporting (双报到)"),
        lambda d: d.in_service["total"],
        per_sub=lambda d, pk: d.in_service.get(pk, 0),
    ),
    Figure(
        "wishes_claimed",
        pgettext_lazy("report", "small wishes claimed (微心愿)"),
        lambda d: d.wishes["wishes_claimed"],
    ),
    Figure(
        "activities",
        pgettext_lazy("report", "activities"),
        lambda d: d.activities["activities"],
        link=lambda d, sub: d.links.activities(sub),
        per_sub=_of("extras_by_sub", "activity_count"),
        link_per_sub=True,
        per_month=_of("extras_by_month", "activity_count"),
    ),
    Figure(
        "participants",
        pgettext_lazy("report", "participants (person-times)"),
        lambda d: d.activities["participants"],
        link=lambda d, sub: d.links.activities(sub),
        per_sub=_of("extras_by_sub", "participant_sum"),
        link_per_sub=True,
        per_month=_of("extras_by_month", "participant_sum"),
    ),
    Figure(
        "volunteer_service_activities",
        pgettext_lazy("report", "volunteer service activities"),
        _total("extras_by_sub", "volunteer_service"),
        link=lambda d, sub: d.links.activities(kind=VOLUNTEER_SERVICE),
        per_sub=_of("extras_by_sub", "volunteer_service"),
        breakdown_levels=ABOVE_DISTRICT,
    ),
    Figure(
        "partner_activities",
        pgettext_lazy("report", "activities organised by partner organisations"),
        _total("extras_by_sub", "partner_activities"),
    ),
    Figure(
        "lecture_sessions",
        pgettext_lazy("report", "lecture sessions"),
        lambda d: d.lectures["sessions"],
        link=lambda d, sub: d.links.activities(sub, kind=LECTURE),
        per_sub=_of("extras_by_sub", "lectures"),
        link_per_sub=True,
        per_month=_of("extras_by_month", "lectures"),
    ),
    Figure(
        "lecture_participants",
        pgettext_lazy("report", "lecture participants (person-times)"),
        lambda d: d.lectures["participants"],
        link=lambda d, sub: d.links.activities(kind=LECTURE),
        per_month=_of("extras_by_month", "lecture_participants"),
        per_sub=_of("extras_by_sub", "lecture_participants"),
        breakdown_levels=ABOVE_DISTRICT,
    ),
    Figure(
        "lecturers_taught",
        pgettext_lazy("report", "lecturers who gave sessions"),
        lambda d: d.lectures["lecturers"],
    ),
    Figure(
        "lecturers",
        pgettext_lazy("report", "lecturers in the pool"),
        _total("pool_by_sub", "lecturers"),
        link=lambda d, sub: d.links.url(Lecturer, **d.links.of_unit(), active__exact=1),
        per_sub=_of("pool_by_sub", "lecturers"),
    ),
    Figure(
        "volunteer_lecturers",
        pgettext_lazy("report", "volunteer lecturers"),
        _total("pool_by_sub", "volunteer_lecturers"),
        per_sub=_of("pool_by_sub", "volunteer_lecturers"),
        breakdown_levels=ABOVE_DISTRICT,
    ),
    Figure(
        "lecture_halls",
        pgettext_lazy("report", "lecture halls"),
        lambda d: d.venue_kinds.get(Venue.Kind.LECTURE_HALL, 0),
        link=lambda d, sub: d.links.venues(kind__exact=Venue.Kind.LECTURE_HALL),
        per_sub=_venues_of_sub(Venue.Kind.LECTURE_HALL),
        breakdown_levels=ABOVE_DISTRICT,
    ),
    Figure(
        "venues",
        pgettext_lazy("report", "venues"),
        lambda d: sum(d.venue_kinds.values()),
        link=lambda d, sub: d.links.venues(sub),
        per_sub=lambda d, pk: d.venues_per_sub.get(pk, 0),
        link_per_sub=True,
    ),
    Figure(
        "receptions",
        pgettext_lazy("report", "venue receptions"),
        lambda d: d.receptions["receptions"],
        link=lambda d, sub: d.links.receptions(sub),
        per_sub=_of("receptions_per_sub", "receptions"),
        link_per_sub=True,
        per_month=_of("receptions_by_month", "receptions"),
    ),
    Figure(
        "visitors",
        pgettext_lazy("report", "venue visitors"),
        lambda d: d.receptions["visitors"],
        link=lambda d, sub: d.links.receptions(sub),
        per_sub=_of("receptions_per_sub", "visitors"),
        link_per_sub=True,
        per_month=_of("receptions_by_month", "visitors"),
    ),
    Figure(
        "docents",
        pgettext_lazy("report", "docents"),
        lambda d: d.docents["docents"],
        link=lambda d, sub: d.links.url(Docent, **d.links.of_unit(), active__exact=1),
    ),
    Figure(
        "volunteer_docents",
        pgettext_lazy("report", "volunteer docents"),
        lambda d: d.docents["volunteer_docents"],
        per_sub=_of("pool_by_sub", "volunteer_docents"),
        breakdown_levels=ABOVE_DISTRICT,
    ),
    Figure("committee_term", pgettext_lazy("report", "committee term (year elected)"), lambda d: d.term),
    Figure(
        "committee_members",
        pgettext_lazy("report", "committee members (people)"),
        lambda d: d.committee["people"] or 0,
        link=_committee_link,
        per_sub=_of("committee_by_sub", "people"),
    ),
    Figure(
        "committee_roles",
        pgettext_lazy("report", "committee roles held"),
        lambda d: sum(d.roles.values()),
        link=_committee_link,
    ),
    Figure(
        "committee_average_age",
        pgettext_lazy("report", "average age on the election date"),
        lambda d: aggregates.average(d.committee["age_total"], d.committee["with_age"]),
        per_sub=lambda d, pk: aggregates.average(
            d.committee_by_sub.get(pk, {}).get("age_total"), d.committee_by_sub.get(pk, {}).get("with_age")
        ),
        breakdown_levels=ABOVE_DISTRICT,
    ),
    Figure(
        "committee_college",
        pgettext_lazy("report", "committee members with junior college or above"),
        lambda d: d.committee["college"] or 0,
        per_sub=_of("committee_by_sub", "college"),
        breakdown_levels=ABOVE_DISTRICT,
    ),
    Figure(
        "committee_college_share",
        pgettext_lazy("report", "share with junior college or above (%)"),
        lambda d: aggregates.ratio(d.committee["college"], d.committee["people"]),
        per_sub=lambda d, pk: aggregates.ratio(
            d.committee_by_sub.get(pk, {}).get("college"), d.committee_by_sub.get(pk, {}).get("people")
        ),
        kind=PCT,
    ),
]
