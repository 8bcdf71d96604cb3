"""The aggregates the dashboard needs beyond what the apps' stats modules give, each computed by the
database in a fixed number of queries (each function says how many): the units registers (communities),
Party organisations, partners, the committee's make-up, and a few activity and venue breakdowns."""

import datetime
from decimal import Decimal

from django.db import connection
from django.db.models import Case, Count, F, IntegerField, Max, Q, Sum, Value, When
from django.db.models.functions import Coalesce, ExtractDay, ExtractMonth, ExtractYear, TruncMonth

from activities.models import Activity, ActivityType, Lecturer
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
from registers.scoping import subunit_group
from registers.units import SUBDISTRICT, is_above, level_of, next_level
from venues.models import Docent, Venue, VisitRecord
from volunteers.models import VolunteerTeam

SOCIAL_KINDS = (PartnerOrganization.Kind.SOCIAL_ORGANIZATION, PartnerOrganization.Kind.SOCIAL_WORK_AGENCY)


# --- the unit's own registers (communities app) ---------------------------------------------------------


def profile(unit):
    """Area, population, communities by kind, grids and courtyards, for the unit and by sub-unit (4 queries;
    a city's one more, its districts' subdistricts)."""
    level = level_of(unit)
    sub = subunit_group(Community, unit)
    per_sub: dict = {}
    for row in Community.objects.for_unit(unit).values(sub, "kind").annotate(n=Count("pk")).order_by():
        per_sub.setdefault(row[sub], {}).setdefault("kinds", {})[row["kind"]] = row["n"]
    for model, key in ((Grid, "grids"), (Courtyard, "courtyards")):
        group = subunit_group(model, unit)
        for row in model.objects.for_unit(unit).values(group).annotate(n=Count("pk")).order_by():
            per_sub.setdefault(row[group], {})[key] = row["n"]
    if is_above(next_level(level), SUBDISTRICT):  # a city: its districts' subdistricts
        group = subunit_group(Subdistrict, unit)
        for row in Subdistrict.objects.for_unit(unit).values(group).annotate(n=Count("pk")).order_by():
            per_sub.setdefault(row[group], {})["subdistricts"] = row["n"]
    if is_above(level, SUBDISTRICT):
        area = Subdistrict.objects.for_unit(unit).aggregate(
            area=Sum("area_km2"), population=Sum("population"), subdistricts=Count("pk")
        )
        if area["area"] is not None:  # SQLite sums decimals as floats: 2.69000000000000 without this
            area["area"] = area["area"].quantize(Decimal("0.01"))
    elif level == SUBDISTRICT:
        area = {"area": unit.area_km2, "population": unit.population}
    else:
        area = {"area": None, "population": unit.population}
    return per_sub, area


def party_organizations(unit, end):
    """Party organisations by kind and by sub-unit; those serving a community counted apart (1 query)."""
    group = subunit_group(PartyOrganization, unit)
    rows = (
        PartyOrganization.objects.for_unit(unit)
        .filter(Q(founded_on__isnull=True) | Q(founded_on__lte=end))
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


def partners(unit, end):
    """Partner organisations with a partnership in the unit signed by the period's end (2 queries).

    A partner of several communities counts once in the unit (distinct), and once in each sub-unit.
    """
    partnerships = Partnership.objects.for_unit(unit).filter(signed_on__lte=end)
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
    group = subunit_group(Partnership, unit)
    by_sub = {row[group]: row for row in partnerships.values(group).annotate(**figures).order_by()}
    return by_kind, by_sub


def age_on(date_field: str, birth_field: str):
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


def committee(unit, start, end):
    """The two committees of the latest term elected in the period (3 queries).

    Members are people (someone holding two roles, 交叉任职, counts once); the role breakdown counts roles.
    Ages are whole years on the election date, averaged over the people. A member counts in the committee's
    community, which is the person's (CommitteeMember.clean).
    """
    elected = CommitteeMember.objects.for_unit(unit).filter(elected_on__gte=start, elected_on__lte=end)
    term = elected.aggregate(term=Max("term"))["term"]
    if term is None:
        return None, {}, dict.fromkeys(COMMITTEE_PEOPLE, 0), {}
    members = elected.filter(term=term)
    roles = dict(members.values("role").annotate(n=Count("pk")).values_list("role", "n").order_by())
    group = subunit_group(CommitteeMember, unit)
    per_person = members.values("person", group).annotate(
        person_age=Max(age_on("elected_on", "person__birth_date")),
        person_college=Max(
            Case(When(person__education__in=Person.COLLEGE_OR_ABOVE, then=Value(1)), default=Value(0))
        ),
    )
    totals, by_sub = committee_people(per_person, group)
    return term, roles, totals, by_sub


COMMITTEE_PEOPLE = ("people", "with_age", "age_total", "college")


def committee_people(per_person, group: str) -> tuple[dict, dict]:
    """(totals, {sub-unit: counts}) of ``per_person`` — grouped rows of (a person, ``group``, their
    ``person_age``, ``person_college``) — counted by sub-unit in one query (the database groups the grouped
    rows); the totals are their sums, a person counting in one sub-unit."""
    sql, params = per_person.order_by().query.sql_with_params()
    column = connection.ops.quote_name(group)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {column}, COUNT(*), COUNT(person_age), SUM(person_age), SUM(person_college) "
            f"FROM ({sql}) per_person GROUP BY {column}",
            params,
        )
        by_sub = {
            sub: dict(zip(COMMITTEE_PEOPLE, (int(n or 0) for n in counts), strict=True))
            for sub, *counts in cursor.fetchall()
        }
    return {key: sum(row[key] for row in by_sub.values()) for key in COMMITTEE_PEOPLE}, by_sub


def ratio(part, whole, digits=1):
    if not whole:
        return None
    return round(Decimal(part or 0) * 100 / Decimal(whole), digits)


def average(total, count, digits=1):
    if not count:
        return None
    return round(Decimal(total or 0) / Decimal(count), digits)


# --- activities and venues beyond what their stats modules give -----------------------------------------


def activity_extras(unit, start, end):
    """Activities, lecture sessions and partner-organised activities by sub-unit and month, activities by
    venue (3 queries; activities.stats has the totals, kinds and programmes). Activities and participants
    by sub-unit and month come from these same grouped queries rather than from activities.stats'
    activities_by_subunit / activities_by_month, which would cost two more queries for the same numbers."""
    log = Activity.objects.for_unit(unit).between(start, end).order_by()
    lecture = Q(type__kind=ActivityType.Kind.LECTURE)
    figures = {
        "activity_count": Count("pk"),
        "participant_sum": Coalesce(Sum("participants"), 0),
        "lectures": Count("pk", filter=lecture),
        "lecture_participants": Coalesce(Sum("participants", filter=lecture), 0),
        "partner_activities": Count("pk", filter=Q(partner__isnull=False)),
        "volunteer_service": Count("pk", filter=Q(type__kind=ActivityType.Kind.VOLUNTEER_SERVICE)),
    }
    group = subunit_group(Activity, unit)
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


def venue_list(unit):
    """The unit's venues with their sections (1 query)."""
    return list(
        Venue.objects.for_unit(unit)
        .annotate(section_count=Count("sections"))
        .values("pk", "name", "kind", "community__name", "floor", "area_m2", "opened_on", "section_count")
        .annotate(sub=F(subunit_group(Venue, unit)))
        .order_by("community__name", "name")
    )


def receptions_by_venue(unit, start, end):
    """Receptions and visitors in the period per venue (1 query)."""
    return {
        row["venue"]: row
        for row in VisitRecord.objects.for_unit(unit)
        .filter(visited_on__gte=start, visited_on__lte=end)
        .values("venue")
        .annotate(receptions=Count("pk"), visitors=Coalesce(Sum("visitors"), 0))
        .order_by()
    }


def receptions_by_kind(unit, start, end):
    return {
        row["venue__kind"]: row
        for row in VisitRecord.objects.for_unit(unit)
        .filter(visited_on__gte=start, visited_on__lte=end)
        .values("venue__kind")
        .annotate(receptions=Count("pk"), visitors=Coalesce(Sum("visitors"), 0))
        .order_by()
    }


def lecturers(unit):
    """The lecturer pool and the docents, standing figures (2 queries)."""
    group = subunit_group(Lecturer, unit)
    pool = {
        row[group]: row
        for row in Lecturer.objects.for_unit(unit)
        .filter(active=True)
        .values(group)
        .annotate(
            lecturers=Count("pk"),
            volunteer_lecturers=Count("pk", filter=Q(category=Lecturer.Category.VOLUNTEER)),
        )
        .order_by()
    }
    docent_figures = {"docents": Count("pk"), "volunteer_docents": Count("pk", filter=Q(is_volunteer=True))}
    docent_group = subunit_group(Docent, unit)
    docents_by_sub = {
        row[docent_group]: row
        for row in Docent.objects.for_unit(unit)
        .filter(active=True)
        .values(docent_group)
        .annotate(**docent_figures)
        .order_by()
    }
    docents = {key: sum(row[key] for row in docents_by_sub.values()) for key in docent_figures}
    for pk, row in docents_by_sub.items():
        pool.setdefault(pk, {}).update(docents=row["docents"], volunteer_docents=row["volunteer_docents"])
    return pool, docents


def teams(unit, end):
    """The unit's volunteer teams with their members at the period's end (1 query)."""
    return list(
        VolunteerTeam.objects.for_unit(unit)
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
