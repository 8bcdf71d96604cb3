"""The names of the dashboard's figures, in the order of the page and of the sheets (translations in
reports/locale, with the context "report" so they never change another app's words)."""

from django.utils.translation import pgettext_lazy

from registers.units import COMMUNITY, DISTRICT, SUBDISTRICT

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
    ("volunteers", pgettext_lazy("report", "volunteers who made home visits")),
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
