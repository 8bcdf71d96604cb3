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


def grow_records(community, volunteer, n):
    """n more service records, certificates and recruiting activities (each with a sign-up) of ``volunteer``."""
    from django.contrib.auth.models import User
    from django.utils import timezone

    from activities.models import Activity, ActivityType
    from volunteers.models import Certificate, IssuingOffice, Recruitment, ServiceRecord, SignUp

    office, _ = IssuingOffice.objects.get_or_create(
        community=community,
        defaults={"subdistrict": community.subdistrict, "name": "站", "code": "QC", "person_in_charge": "负责人",
                  "contact": "1"},
    )  # fmt: skip
    issuer = User.objects.get_or_create(username="issuer")[0]
    team = VolunteerTeam.objects.filter(community=community).first()
    start = timezone.now() + datetime.timedelta(days=3)
    for i in range(Certificate.objects.count(), Certificate.objects.count() + n):
        ServiceRecord.objects.create(
            volunteer=volunteer, community=community, kind="other", served_on=datetime.date(2018, 2, 1 + i % 28),
            minutes=60, recorded="backfilled" if i % 2 else "organiser", backfill_reason="补录" if i % 2 else "",
            confirmed_at=timezone.now() if i % 3 else None,
        )  # fmt: skip
        Certificate.objects.create(
            number=f"QC-2018-{i:05d}", office=office, volunteer=volunteer, period_start=datetime.date(2018, 1, 1),
            period_end=datetime.date(2018, 12, 31), hours=1, backfilled_hours=0, services=1, content="x",
            person_in_charge="负责人", handler="经办", contact="1", issued_by=issuer,
        )  # fmt: skip
        activity = Activity.objects.create(
            title=f"招募{i}", type=ActivityType.objects.filter(subdistrict=None).first(), community=community,
            start=start, end=start + datetime.timedelta(hours=2), participants=0, volunteer_team=team,
        )  # fmt: skip
        recruitment = Recruitment.objects.create(
            activity=activity, community=community, needed=3, tasks="x", risks="x",
            signup_deadline=start - datetime.timedelta(days=1),
        )  # fmt: skip
        SignUp.objects.create(
            recruitment=recruitment, volunteer=volunteer, community=community, status="confirmed"
        )


@pytest.mark.parametrize(
    "url",
    [
        "admin:volunteers_servicerecord_changelist",
        "admin:volunteers_certificate_changelist",
        "admin:volunteers_recruitment_changelist",
        "volunteer:activities",
        "volunteer:me",
    ],
)
def test_the_records_pages_use_a_fixed_number_of_queries(
    client, staff, url, community, recipient, team, volunteer
):
    from django.core.cache import cache

    from volunteers.recruiting import CODES

    add_visit(recipient, team, [volunteer], datetime.date(2018, 1, 5))
    grow_records(community, volunteer, 1)
    sign_in(client, staff)
    session = client.session
    CODES.remember(session, volunteer.phone)
    session.save()
    target = reverse(url)
    cache.clear()
    assert client.get(target).status_code == 200
    few = count_queries(lambda: client.get(target))
    grow_records(community, volunteer, 25)
    many = count_queries(lambda: client.get(target))
    assert many == few
    assert few <= 25
