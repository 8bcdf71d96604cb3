"""manage.py generate_load: a synthetic province, reproducible with its seed (PostgreSQL only)."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, F, Sum

from activities.models import Activity
from communities.models import City, Community, District, Subdistrict
from registers.roles import SUPERVISORS
from registers.units import unit_key
from reports import figures as report_figures
from reports.dashboard import build
from tests.conftest import make_staff
from tests.reports.test_article_figures import _page_table
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


@pytest.mark.postgres
def test_a_city_build_hangs_its_districts_under_one_city_that_its_supervisor_sees(db, client):
    # The --city size at the smallest the options allow for two districts: 2 × 1 subdistrict × 10 communities.
    output = run(seed=4, city=True, communities=20, subdistricts=1, activities=400, visits=400, bookings=60)
    assert "summary tables rebuilt" in output
    city = City.objects.get(name="负载测试市")
    districts = list(District.objects.order_by("name"))
    assert [d.name for d in districts] == ["负载测试01区", "负载测试02区"]
    assert {d.city_id for d in districts} == {city.pk}
    assert [Subdistrict.objects.filter(district=d).count() for d in districts] == [1, 1]
    assert [Community.objects.filter(subdistrict__district=d).count() for d in districts] == [10, 10]
    # The summaries it rebuilt equal the live records (the command exits with an error otherwise).
    call_command("check_summaries", stdout=io.StringIO())

    make_staff("city-supervisor", city, SUPERVISORS)
    signed_in = client.post(
        "/admin/login/", {"username": "city-supervisor", "password": "pw-for-tests-only", "next": "/admin/"}
    )
    assert signed_in.status_code == 302
    page = client.get("/reports/", {"unit": unit_key(city), "start": "2018-01-01", "end": "2018-12-31"})
    assert page.status_code == 200
    _position, _headers, rows = _page_table(page.content.decode(), "breakdown")
    assert sorted(rows) == sorted(f"district:{d.pk}" for d in districts)
    columns = ["unit"] + [f.key for f in report_figures.FIGURES if f.per_sub and "city" in f.breakdown_levels]
    for district in districts:
        _index, cells = rows[f"district:{district.pk}"]
        assert cells[0] == district.name
        in_2018 = {
            "communities": Community.objects.filter(subdistrict__district=district).count(),
            "activities": Activity.objects.filter(
                community__subdistrict__district=district, start__year=2018
            ).count(),
            "visits": HomeVisit.objects.filter(
                community__subdistrict__district=district, visited_on__year=2018
            ).count(),
        }
        assert in_2018["activities"] > 0 and in_2018["visits"] > 0
        for key, expected in in_2018.items():
            assert float(cells[columns.index(key)]) == expected, key
