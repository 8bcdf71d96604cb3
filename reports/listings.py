"""The dashboard's tables that list things (kinds, programmes, venues, teams …) rather than figures: each a
function of the gathered ``Data`` returning a ``Table``."""

from functools import partial

from django.utils.translation import pgettext_lazy

from communities.models import CommitteeMember, PartnerOrganization, PartyOrganization
from venues.models import Venue
from volunteers.models import VolunteerTeam

from .tables import DATE, MONTH, TEXT, Column, Table


def _columns(*specs) -> list[Column]:
    """Columns from (key, label) or (key, label, kind) tuples."""
    return [Column(*spec) for spec in specs]


# The most rows a listing shows on the page (a city has thousands of venues and teams; the files list all).
PAGE_LIMIT = 30

KIND = ("kind", pgettext_lazy("report", "kind"), TEXT)
ACTIVITIES = ("activities", pgettext_lazy("report", "activities"))
PARTICIPANTS = ("participants", pgettext_lazy("report", "participants (person-times)"))
RECEPTIONS = ("receptions", pgettext_lazy("report", "receptions"))
VISITORS = ("visitors", pgettext_lazy("report", "visitors"))
COMMUNITY = ("community", pgettext_lazy("report", "community"), TEXT)


def activity_kinds(d) -> Table:
    rows = []
    for row in d.activities_by_kind:
        url = d.links.activities(kind=row["kind"])
        rows.append(
            {
                "_key": row["kind"],
                "kind": row["label"],
                "activities": row["activities"],
                "participants": row["participants"],
                "_links": {"activities": url, "participants": url},
            }
        )
    title = pgettext_lazy("report", "activities by kind")
    return Table("activity_kinds", title, _columns(KIND, ACTIVITIES, PARTICIPANTS), rows)


def _programme_links(links, ids) -> dict:
    url = links.activities(programme__id__in=",".join(map(str, ids)))
    return {"activities": url, "participants": url}


def programmes(d) -> Table:
    rows = []
    for row in d.programmes:
        ids = [row["id"], *d.sub_programmes.get(row["id"], [])]
        rows.append(
            {
                "_key": row["name"],
                "programme": row["name"],
                "activities": row["activities"],
                "participants": row["participants"],
                "_links": partial(_programme_links, d.links, ids),
            }
        )
    columns = _columns(("programme", pgettext_lazy("report", "programme"), TEXT), ACTIVITIES, PARTICIPANTS)
    title = pgettext_lazy("report", "activities by programme")
    return Table("programmes", title, columns, rows, page_limit=PAGE_LIMIT, page_order=("activities",))


def venue_kinds(d) -> Table:
    rows = [
        {
            "_key": kind,
            "kind": label,
            "venues": d.venue_kinds.get(kind, 0),
            "receptions": d.receptions_by_kind.get(kind, {}).get("receptions", 0),
            "visitors": d.receptions_by_kind.get(kind, {}).get("visitors", 0),
            "_links": {"venues": d.links.venues(kind__exact=kind)},
        }
        for kind, label in Venue.Kind.choices
    ]
    columns = _columns(KIND, ("venues", pgettext_lazy("report", "venues")), RECEPTIONS, VISITORS)
    return Table("venue_kinds", pgettext_lazy("report", "venues by kind"), columns, rows)


def _venue_links(links, pk) -> dict:
    receptions = links.receptions(venue__id__exact=pk)
    return {
        "activities": links.activities(venue__id__exact=pk),
        "receptions": receptions,
        "visitors": receptions,
    }


def venues(d) -> Table:
    rows = []
    kind_labels = dict(Venue.Kind.choices)
    for venue in d.venues:
        act = d.activities_by_venue.get(venue["pk"], {})
        rec = d.receptions_by_venue.get(venue["pk"], {})
        rows.append(
            {
                "_key": venue["name"],
                "venue": venue["name"],
                "kind": kind_labels.get(venue["kind"], venue["kind"]),
                "community": venue["community__name"],
                "floor": venue["floor"],
                "area_m2": venue["area_m2"],
                "opened_on": venue["opened_on"],
                "sections": venue["section_count"],
                "activities": act.get("activity_count", 0),
                "participants": act.get("participant_sum", 0),
                "receptions": rec.get("receptions", 0),
                "visitors": rec.get("visitors", 0),
                "_links": partial(_venue_links, d.links, venue["pk"]),
            }
        )
    columns = _columns(
        ("venue", pgettext_lazy("report", "venue"), TEXT),
        KIND,
        COMMUNITY,
        ("floor", pgettext_lazy("report", "floor"), TEXT),
        ("area_m2", pgettext_lazy("report", "area (m²)")),
        ("opened_on", pgettext_lazy("report", "opened"), MONTH),
        ("sections", pgettext_lazy("report", "sections")),
        ACTIVITIES,
        PARTICIPANTS,
        RECEPTIONS,
        VISITORS,
    )
    return Table(
        "venues",
        pgettext_lazy("report", "venues"),
        columns,
        rows,
        page_limit=PAGE_LIMIT,
        page_order=("activities", "receptions"),
    )


def party_organizations(d) -> Table:
    rows = [
        {
            "_key": kind,
            "kind": label,
            "organisations": d.party_by_kind.get(kind, {}).get("all", 0),
            "in_communities": d.party_by_kind.get(kind, {}).get("in_community", 0),
            "_links": {
                "organisations": d.links.url(PartyOrganization, **d.links.of_unit(), kind__exact=kind)
            },
        }
        for kind, label in PartyOrganization.Kind.choices
    ]
    columns = _columns(
        KIND,
        ("organisations", pgettext_lazy("report", "organisations")),
        ("in_communities", pgettext_lazy("report", "serving a community")),
    )
    return Table("party_organizations", pgettext_lazy("report", "Party organisations by kind"), columns, rows)


def partners(d) -> Table:
    rows = []
    for kind, label in PartnerOrganization.Kind.choices:
        counts = d.partners_by_kind.get(kind, {})
        rows.append(
            {
                "_key": kind,
                "kind": label,
                "partners": counts.get("partners", 0),
                "co_building": counts.get("co_building", 0),
                "in_service_centres": counts.get("social_in_centres", 0),
                "social_workers": counts.get("social_workers", 0),
            }
        )
    columns = _columns(
        KIND,
        ("partners", pgettext_lazy("report", "organisations")),
        ("co_building", pgettext_lazy("report", "with their own Party organisation")),
        ("in_service_centres", pgettext_lazy("report", "social organisations in service centres")),
        ("social_workers", pgettext_lazy("report", "social workers placed")),
    )
    return Table("partners", pgettext_lazy("report", "partner organisations by kind"), columns, rows)


def committee(d) -> Table:
    rows = []
    for role, label in CommitteeMember.Role.choices:
        link = None
        if d.term:
            link = d.links.url(CommitteeMember, **d.links.of_unit(), term__exact=d.term, role__exact=role)
        rows.append(
            {"_key": role, "role": label, "members": d.roles.get(role, 0), "_links": {"members": link}}
        )
    columns = _columns(
        ("role", pgettext_lazy("report", "role"), TEXT), ("members", pgettext_lazy("report", "members"))
    )
    return Table("committee", pgettext_lazy("report", "committee members by role"), columns, rows)


def teams(d) -> Table:
    area_labels = dict(VolunteerTeam.ServiceArea.choices)
    yes, no = pgettext_lazy("report", "yes"), pgettext_lazy("report", "no")
    rows = [
        {
            "_key": team["name"],
            "team": team["name"],
            "service_area": area_labels.get(team["service_area"], team["service_area"]),
            "community": team["community__name"],
            "founded_on": team["founded_on"],
            "party_member_team": yes if team["is_party_member_team"] else no,
            "members": team["member_count"],
        }
        for team in d.teams
    ]
    columns = _columns(
        ("team", pgettext_lazy("report", "team"), TEXT),
        ("service_area", pgettext_lazy("report", "service area"), TEXT),
        COMMUNITY,
        ("founded_on", pgettext_lazy("report", "founded on"), DATE),
        ("party_member_team", pgettext_lazy("report", "Party-member team"), TEXT),
        ("members", pgettext_lazy("report", "members")),
    )
    return Table(
        "teams",
        pgettext_lazy("report", "volunteer teams"),
        columns,
        rows,
        page_limit=PAGE_LIMIT,
        page_order=("members",),
    )


LISTINGS = [activity_kinds, programmes, venue_kinds, venues, party_organizations, partners, committee, teams]
