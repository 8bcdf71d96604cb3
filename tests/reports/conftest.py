"""Records of every kind the dashboard counts, in 环西社区 and 金业路社区 (西关办事处) and in 上海市场社区
(涧西区, outside the personas' district), built with ``fill(community, n)``: n of each, in 2017."""

import datetime

import pytest
from django.utils import timezone

from activities.models import Activity, ActivityType, Lecturer, Programme
from communities.models import (
    CommitteeMember,
    Courtyard,
    Grid,
    PartnerOrganization,
    Partnership,
    PartyOrganization,
    Person,
)
from venues.models import Venue, VisitRecord
from volunteers.models import CareRecipient, HomeVisit, Membership, VolunteerTeam
from volunteers.services import sync_visit_records

TZ = timezone.get_default_timezone()
YEAR = 2017
PERIOD = {"start": "2017-01-01", "end": "2017-12-31"}


def at(y, m, d, hour=9):
    return datetime.datetime(y, m, d, hour, tzinfo=TZ)


def fill(community, n=2, tag=""):
    """n of each record in ``community``: teams, members, visits, activities, lectures, venues, receptions,
    Party organisations, partners, committee members. Returns a dict of what was made, for assertions."""
    tag = tag or community.name
    sub = community.subdistrict
    lecture = ActivityType.objects.get(kind=ActivityType.Kind.LECTURE, subdistrict=None)
    service = ActivityType.objects.get(kind=ActivityType.Kind.VOLUNTEER_SERVICE, subdistrict=None)
    grid = Grid.objects.create(community=community, name=f"{tag}网格")
    Courtyard.objects.bulk_create([Courtyard(grid=grid, name=f"{tag}楼院{i}") for i in range(n)])
    org = PartyOrganization.objects.create(
        name=f"{tag}党委", kind=PartyOrganization.Kind.PARTY_COMMITTEE, subdistrict=sub, community=community
    )
    PartyOrganization.objects.bulk_create(
        [
            PartyOrganization(
                name=f"{tag}楼栋党小组{i}",
                kind=PartyOrganization.Kind.BUILDING_GROUP,
                subdistrict=sub,
                community=community,
                parent=org,
            )
            for i in range(n)
        ]
    )
    partner = PartnerOrganization.objects.create(
        name=f"{tag}社工", kind=PartnerOrganization.Kind.SOCIAL_WORK_AGENCY, subdistrict=sub
    )
    Partnership.objects.create(
        partner=partner,
        community=community,
        agreement=Partnership.Agreement.SERVICE_AGREEMENT,
        signed_on=datetime.date(2016, 5, 1),
        social_workers=n,
        in_service_centre=True,
    )
    people = Person.objects.bulk_create(
        [
            Person(
                name=f"{tag}{i}",
                community=community,
                is_party_member=i % 2 == 0,
                birth_date=datetime.date(1970 + i % 20, 1, 15),
                education=Person.Education.BACHELOR if i % 2 else Person.Education.SENIOR_HIGH,
            )
            for i in range(2 * n + 2)
        ]
    )
    team = VolunteerTeam.objects.create(
        name=f"{tag}党员志愿服务队",
        community=community,
        is_party_member_team=True,
        founded_on=datetime.date(2016, 1, 1),
    )
    Membership.objects.bulk_create([Membership(team=team, person=p) for p in people[:n]])
    recipient = CareRecipient.objects.create(
        person=people[-1], community=community, since=datetime.date(2016, 1, 1)
    )
    visits = HomeVisit.objects.bulk_create(
        [
            HomeVisit(
                community=community,
                recipient=recipient,
                team=team,
                visited_on=datetime.date(YEAR, 1 + i % 12, 10),
                minutes=60,
            )
            for i in range(n)
        ]
    )
    Through = HomeVisit.volunteers.through
    Through.objects.bulk_create([Through(homevisit=v, person=people[0]) for v in visits])
    sync_visit_records([v.pk for v in visits])
    venue = Venue.objects.create(
        community=community,
        kind=Venue.Kind.LECTURE_HALL,
        name=f"{tag}讲习所",
        slug=f"hall-{community.pk}-{Venue.objects.count()}",
    )
    programme = Programme.objects.create(name=f"{tag}品牌", subdistrict=sub, community=community)
    part = Programme.objects.create(
        name=f"{tag}子项目", subdistrict=sub, community=community, parent=programme
    )
    activities = Activity.objects.bulk_create(
        [
            Activity(
                title=f"{tag}活动{i}",
                type=lecture if i % 2 == 0 else service,
                community=community,
                party_organization=org,
                venue=venue,
                programme=part if i % 2 else programme,
                start=at(YEAR, 1 + i % 12, 5),
                end=at(YEAR, 1 + i % 12, 5, 11),
                participants=10,
            )
            for i in range(n)
        ]
    )
    lecturer = Lecturer.objects.create(
        person=people[1], community=community, category=Lecturer.Category.VOLUNTEER
    )
    Activity.lecturers.through.objects.bulk_create(
        [
            Activity.lecturers.through(activity=a, lecturer=lecturer)
            for a in activities
            if a.type_id == lecture.pk
        ]
    )
    VisitRecord.objects.bulk_create(
        [
            VisitRecord(
                venue=venue, community=community, visited_on=datetime.date(YEAR, 1 + i % 12, 20), visitors=5
            )
            for i in range(n)
        ]
    )
    CommitteeMember.objects.bulk_create(
        [
            CommitteeMember(
                person=p,
                community=community,
                term=2018,
                elected_on=datetime.date(2018, 5, 20),
                role=CommitteeMember.Role.SECRETARY
                if i == 0
                else CommitteeMember.Role.RESIDENTS_COMMITTEE_MEMBER,
            )
            for i, p in enumerate(people[:n])
        ]
    )
    return {"team": team, "venue": venue, "programme": programme, "people": people, "org": org}


@pytest.fixture
def records(community, other_community, far_community):
    return {
        "home": fill(community, 2),
        "other": fill(other_community, 3),
        "far": fill(far_community, 4),
    }
