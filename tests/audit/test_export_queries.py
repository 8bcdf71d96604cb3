"""A resident's data export costs the same number of queries for 2 records of each kind as for 30."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from communities.models import CommitteeMember, Person
from tests.venues.conftest import make_venue
from tests.volunteers.conftest import add_visit, make_recipient
from venues.models import Booking, Slot
from volunteers.models import CareCategory, Membership, Service, VolunteerTeam

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fixed_lists(db):
    CareCategory.ensure_all()
    Service.ensure_all()


def resident_with(community, n: int, *, tag: str) -> Person:
    """A care recipient who is also a volunteer: ``n`` records of every kind, each naming other records."""
    recipient = make_recipient(community, f"陈秀兰{tag}", phone=f"138{n:04d}{len(tag):04d}")
    person = recipient.person
    venue = make_venue(community, slug=f"hall-{tag}")
    neighbour = make_recipient(community, f"李大爷{tag}", phone="")
    for i in range(n):
        team = VolunteerTeam.objects.create(name=f"服务队{tag}{i}", community=community, leader=person)
        Membership.objects.create(team=team, person=person)
        CommitteeMember.objects.create(
            person=person,
            community=community,
            term=2000 + i,
            elected_on=datetime.date(2000 + i, 1, 5),
            role=CommitteeMember.Role.DIRECTOR,
        )
        day = timezone.localdate() - datetime.timedelta(days=i + 1)
        visit = add_visit(recipient, team, [neighbour.person], day)
        visit.services.set(Service.objects.all()[:2])
        add_visit(neighbour, team, [person], day)
        start = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))
        Booking.objects.create(
            reference=f"{tag}{i:04d}",
            venue=venue,
            community=community,
            slot=Slot.objects.create(
                venue=venue, starts_at=start, ends_at=start + datetime.timedelta(hours=1), capacity=20
            ),
            visitor_kind=Booking.VisitorKind.RESIDENT,
            size=2,
            contact_name=person.name,
            phone=person.phone,
            status=Booking.Status.COMPLETED,
        )
    return person


def export(client, person, fmt="json"):
    return client.get(reverse("audit:person_export", args=[person.pk, fmt]))


@pytest.mark.parametrize("fmt", ["json", "xlsx"])
def test_the_export_takes_a_fixed_number_of_queries(
    client, sensitive_staff, community, fmt, django_assert_max_num_queries
):
    few, many = resident_with(community, 2, tag="a"), resident_with(community, 30, tag="b")
    client.force_login(sensitive_staff)
    export(client, few, fmt)  # the session, permissions and content types are cached from here on
    with CaptureQueriesContext(connection) as queries:
        assert export(client, few, fmt).status_code == 200
    with django_assert_max_num_queries(len(queries)):
        response = export(client, many, fmt)
    assert response.status_code == 200
    if fmt == "json":
        text = response.content.decode()
        assert all(f"b{i:04d}" in text for i in range(30))
