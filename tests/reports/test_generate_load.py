"""manage.py generate_load: a synthetic province, reproducible with its seed (PostgreSQL only)."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, F, Sum

from activities.models import Activity
from communities.models import Community, District
from reports.dashboard import build
from venues.models import Booking, VisitRecord
from volunteers.models import HomeVisit, ServiceRecord

SMALL = {"communities": 30, "activities": 3000, "visits": 5000, "bookings": 900}


def run(**options):
    out = io.StringIO()
    call_command("generate_load", stdout=out, **{**SMALL, **options})
    return out.getvalue()


def fingerprint():
    """What the data is, independent of row ids."""
    return (
        list(
            Activity.objects.values("type__kind")
            .annotate(n=Count("pk"), p=Sum("participants"))
            .order_by("type__kind")
        ),
        list(
            HomeVisit.objects.values("visited_on__year")
            .annotate(n=Count("pk"), m=Sum("minutes"))
            .order_by("visited_on__year")
        ),
        list(Booking.objects.values("status").annotate(n=Count("pk"), s=Sum("size")).order_by("status")),
        list(Activity.objects.values("community__name").annotate(n=Count("pk")).order_by("community__name")),
    )


@pytest.mark.skipif("connection.vendor == 'postgresql'")
def test_refuses_sqlite_with_a_clear_message(db):
    with pytest.raises(CommandError, match="PostgreSQL"):
        run()


@pytest.mark.postgres
def test_builds_the_requested_sizes(db):
    output = run(seed=3)
    assert "Synthetic province built" in output
    assert Community.objects.count() == 30
    assert District.objects.count() == 1
    assert Activity.objects.count() == 3000
    assert HomeVisit.objects.count() == 5000
    assert HomeVisit.volunteers.through.objects.count() == 5000
    assert ServiceRecord.objects.confirmed().filter(home_visit__isnull=False).count() == 5000
    assert Booking.objects.count() == 900
    assert VisitRecord.objects.count() == Booking.objects.filter(status="completed").count() > 0
    # Every row obeys the models' rules: dates in 2016–2018, team members on their team's visits.
    assert not HomeVisit.objects.exclude(visited_on__range=("2016-01-01", "2018-12-31")).exists()
    through = HomeVisit.volunteers.through.objects
    assert through.filter(person__volunteer_memberships__team=F("homevisit__team")).count() == 5000


@pytest.mark.postgres
def test_same_seed_same_data_other_seed_other_data(db):
    run(seed=5)
    first = fingerprint()
    with pytest.raises(CommandError, match="--replace"):
        run(seed=5)
    run(seed=5, replace=True)
    assert fingerprint() == first
    run(seed=6, replace=True)
    assert fingerprint() != first


@pytest.mark.postgres
def test_replace_refuses_a_database_with_real_districts(db, district):
    run(seed=1)
    with pytest.raises(CommandError, match="dedicated database"):
        run(seed=1, replace=True)


@pytest.mark.postgres
def test_the_dashboard_reads_it(db, django_assert_max_num_queries):
    run(seed=2)
    district = District.objects.get()
    with django_assert_max_num_queries(50):
        report = build(district, datetime.date(2018, 1, 1), datetime.date(2018, 12, 31))
    in_2018 = Activity.objects.filter(start__year=2018).count()
    assert report.totals["activities"] == in_2018 > 0
    assert report.totals["visits"] == HomeVisit.objects.filter(visited_on__year=2018).count()
    assert len(report.breakdown) == 3  # 30 communities: 3 subdistricts of 10
    assert connection.vendor == "postgresql"
