"""The home-visit list's search by a person's name (the recipient's or a volunteer's, or the team's name):
each visit listed once however many of its volunteers match, only the account's visits, and on PostgreSQL
through the name's trigram index and the visits' own indexes (HomeVisitQuerySet.naming)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from communities.models import Person
from volunteers.models import HomeVisit, Membership

from .conftest import add_visit, admin_url, make_recipient

pytestmark = pytest.mark.django_db

DAY = datetime.date(2018, 5, 10)


def listed(response) -> list[int]:
    return [visit.pk for visit in response.context["cl"].result_list]


@pytest.fixture
def visits(community, team, volunteer, second_volunteer, recipient, other_recipient, other_team):
    namesake = Person.objects.create(name="王建军二", community=community)
    Membership.objects.create(team=team, person=namesake)
    both = add_visit(recipient, team, [volunteer, namesake], DAY)
    alone = add_visit(recipient, team, [second_volunteer], DAY - datetime.timedelta(days=1))
    elsewhere = add_visit(other_recipient, other_team, [], DAY)
    return both, alone, elsewhere


def test_a_volunteers_name_lists_each_of_their_visits_once(client, staff, visits):
    both, _alone, _elsewhere = visits
    client.force_login(staff)
    # Both volunteers of the first visit match "王建军": it is listed once, not once per volunteer.
    assert listed(client.get(admin_url(HomeVisit), {"q": "王建军"})) == [both.pk]


def test_the_recipients_name_lists_their_visits(client, staff, visits, recipient):
    both, alone, _elsewhere = visits
    client.force_login(staff)
    assert listed(client.get(admin_url(HomeVisit), {"q": "秀兰"})) == [both.pk, alone.pk]


def test_words_narrow_the_search(client, staff, visits):
    _both, alone, _elsewhere = visits
    client.force_login(staff)
    assert listed(client.get(admin_url(HomeVisit), {"q": "陈秀兰 刘红梅"})) == [alone.pk]


def test_another_units_visits_are_not_found_by_name(client, staff, visits, other_recipient):
    client.force_login(staff)
    assert listed(client.get(admin_url(HomeVisit), {"q": other_recipient.person.name})) == []
    assert listed(client.get(admin_url(HomeVisit), {"q": "金业路"})) == []


def test_the_teams_name_still_finds_its_visits(client, staff, visits):
    both, alone, _elsewhere = visits
    client.force_login(staff)
    assert listed(client.get(admin_url(HomeVisit), {"q": "党员志愿"})) == [both.pk, alone.pk]


def test_the_search_lists_no_visit_twice_without_distinct(client, staff, community, team):
    recipients = [make_recipient(community, f"居民{i:03d}", phone="") for i in range(12)]
    volunteers = [Person.objects.create(name=f"居民志愿者{i}", community=community) for i in range(3)]
    for i, recipient in enumerate(recipients):
        add_visit(recipient, team, volunteers, DAY - datetime.timedelta(days=i))
    client.force_login(staff)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(admin_url(HomeVisit), {"q": "居民"})
    # Each visit matches by its recipient and by three volunteers: listed once, without DISTINCT.
    assert len(listed(response)) == len(set(listed(response))) == 12
    (query,) = [q["sql"] for q in captured.captured_queries if "LIKE" in q["sql"] and "ORDER BY" in q["sql"]]
    assert "DISTINCT" not in query and "UNION" in query
