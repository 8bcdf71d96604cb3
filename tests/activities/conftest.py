import datetime

import pytest
from django.conf import settings
from django.utils import timezone, translation

from activities.models import Activity, ActivityType, Lecturer, Programme, ProgrammeYear
from communities.models import PartyOrganization, Person
from venues.models import Venue

TZ = timezone.get_default_timezone()


@pytest.fixture(autouse=True)
def english(client):
    """Pages and messages in English, so tests read the msgids (one test checks the Chinese on purpose)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


def at(y, m, d, hour=9):
    return datetime.datetime(y, m, d, hour, tzinfo=TZ)


@pytest.fixture
def lecture_type(db):
    return ActivityType.objects.get(kind=ActivityType.Kind.LECTURE, subdistrict=None)


@pytest.fixture
def service_type(db):
    return ActivityType.objects.get(kind=ActivityType.Kind.VOLUNTEER_SERVICE, subdistrict=None)


@pytest.fixture
def branch(community):
    return PartyOrganization.objects.create(
        name="环西社区党总支",
        kind=PartyOrganization.Kind.GENERAL_BRANCH,
        subdistrict=community.subdistrict,
        community=community,
    )


@pytest.fixture
def other_branch(other_community):
    return PartyOrganization.objects.create(
        name="金业路社区党总支",
        kind=PartyOrganization.Kind.GENERAL_BRANCH,
        subdistrict=other_community.subdistrict,
        community=other_community,
    )


@pytest.fixture
def venue(community):
    return Venue.objects.create(
        community=community, kind=Venue.Kind.FAMILY_VALUES_HALL, name="家风家训馆", slug="jiafeng"
    )


@pytest.fixture
def other_venue(other_community):
    return Venue.objects.create(
        community=other_community,
        kind=Venue.Kind.CULTURAL_SQUARE,
        name="学雷锋志愿服务社区文化广场",
        slug="xueleifeng",
    )


@pytest.fixture
def programme(community):
    return Programme.objects.create(name="五心工程", subdistrict=community.subdistrict, community=community)


@pytest.fixture
def subproject(programme):
    return Programme.objects.create(
        name="暖心工程", subdistrict=programme.subdistrict, community=programme.community, parent=programme
    )


@pytest.fixture
def programme_year(programme):
    return ProgrammeYear.objects.create(
        programme=programme, year=2018, target_activities=100, target_participants=2000
    )


@pytest.fixture
def lecturer(community):
    person = Person.objects.create(name="李讲师", community=community)
    return Lecturer.objects.create(person=person, community=community, category=Lecturer.Category.PARTY_CADRE)


@pytest.fixture
def activity(community, lecture_type, branch, programme):
    return Activity.objects.create(
        title="三新大讲堂：学习十九大精神",
        type=lecture_type,
        community=community,
        party_organization=branch,
        start=at(2018, 3, 5),
        end=at(2018, 3, 5, 11),
        participants=60,
        programme=programme,
    )


@pytest.fixture
def other_activity(other_community, service_type, other_branch):
    return Activity.objects.create(
        title="学雷锋志愿服务",
        type=service_type,
        community=other_community,
        party_organization=other_branch,
        start=at(2018, 3, 5),
        end=at(2018, 3, 5, 11),
        participants=30,
    )


@pytest.fixture
def sheet_world(client, community, branch, venue, lecturer, programme):
    """Everything a good activity row names: 环西社区, its branch, hall, lecturer and programme; pages in English."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
