"""Lists, the due page and the stats run the same number of queries with 1 row as with many."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from communities.models import Person
from volunteers import stats
from volunteers.models import CareRecipient, HomeVisit, Membership, Service, VolunteerTeam

from .conftest import add_visit, admin_url, make_recipient, sign_in

YEAR = (datetime.date(2018, 1, 1), datetime.date(2018, 12, 31))


def grow(community, n):
    """n more teams (2 members each), recipients (categories, volunteers, services) and visits."""
    services = list(Service.objects.all()[:2])
    for i in range(n):
        team = VolunteerTeam.objects.create(name=f"队{i}", community=community, is_party_member_team=True)
        people = [
            Person.objects.create(name=f"队员{i}-{k}", community=community, is_party_member=True)
            for k in range(2)
        ]
        for person in people:
            Membership.objects.create(team=team, person=person)
        recipient = make_recipient(
            community,
            f"对象{i}",
            phone=f"1350000{i:04d}",
            team=team,
            categories=("disabled", "seriously_ill"),
        )
        recipient.assigned_volunteers.set(people)
        recipient.usual_services.set(services)
        visit = add_visit(recipient, team, people, datetime.date(2018, 1, 1 + i % 28))
        visit.services.set(services)


def count_queries(func) -> int:
    with CaptureQueriesContext(connection) as queries:
        func()
    return len(queries)


@pytest.mark.parametrize(
    "user_fixture",
    ["staff", "sensitive_staff"],
)
@pytest.mark.parametrize(
    "url",
    [
        lambda c: admin_url(CareRecipient),
        lambda c: admin_url(CareRecipient) + "?due=this_month",
        lambda c: admin_url(HomeVisit),
        lambda c: admin_url(VolunteerTeam),
        lambda c: reverse("volunteers:due") + f"?unit=community:{c.pk}&month=2018-03",
        lambda c: (
            reverse("volunteers:service_records") + f"?unit=community:{c.pk}&start=2018-01-01&end=2018-12-31"
        ),
    ],
    ids=["recipients", "recipients-due", "visits", "teams", "due-page", "service-records"],
)
def test_pages_use_a_fixed_number_of_queries(
    client, request, user_fixture, url, community, recipient, team, volunteer
):
    user = request.getfixturevalue(user_fixture)
    add_visit(recipient, team, [volunteer], datetime.date(2018, 1, 5))
    sign_in(client, user)
    target = url(community)
    assert client.get(target).status_code == 200  # warm up: session, content types, permissions
    few = count_queries(lambda: client.get(target))
    grow(community, 25)
    many = count_queries(lambda: client.get(target))
    assert many == few
    assert few <= 25


@pytest.mark.parametrize(
    "func,expected",
    [
        (lambda unit: stats.volunteer_totals(unit, *YEAR), 4),
        (lambda unit: stats.volunteer_totals_by_subunit(unit, *YEAR), 5),
        (lambda unit: stats.volunteer_totals_by_month(unit, *YEAR), 2),
        (lambda unit: stats.service_records_by_team(unit, *YEAR), 2),
        (lambda unit: list(stats.service_records_by_volunteer(unit, *YEAR)), 1),
        (lambda unit: list(stats.due_visits(unit, datetime.date(2018, 3, 1))), 1),
        (lambda unit: stats.due_count(unit, datetime.date(2018, 3, 1)), 1),
    ],
    ids=["totals", "by-subunit", "by-month", "teams", "volunteers", "due", "due-count"],
)
def test_stats_use_a_fixed_number_of_queries(
    func, expected, subdistrict, community, recipient, team, volunteer
):
    add_visit(recipient, team, [volunteer], datetime.date(2018, 1, 5))
    assert count_queries(lambda: func(subdistrict)) == expected
    grow(community, 25)
    assert count_queries(lambda: func(subdistrict)) == expected
