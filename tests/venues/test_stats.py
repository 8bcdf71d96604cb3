import datetime

import pytest

from tests.venues.conftest import make_venue
from venues import stats
from venues.models import Booking, Venue, VisitRecord
from venues.services import booking_create


def record(venue, day, visitors, booking=None):
    return VisitRecord.objects.create(
        venue=venue, community=venue.community, visited_on=day, visitors=visitors, booking=booking
    )


@pytest.fixture
def register(venue, other_venue, far_community):
    far = make_venue(far_community, slug="far", name="洛耐展馆", kind=Venue.Kind.ORGANISATIONAL_LIFE_BASE)
    record(venue, datetime.date(2018, 3, 5), 25)
    record(venue, datetime.date(2018, 3, 20), 30)
    record(venue, datetime.date(2018, 5, 1), 20)
    record(venue, datetime.date(2019, 1, 2), 99)  # outside the period
    record(other_venue, datetime.date(2018, 4, 1), 40)
    record(far, datetime.date(2018, 4, 1), 50)
    return venue


YEAR_2018 = (datetime.date(2018, 1, 1), datetime.date(2018, 12, 31))


def test_totals_for_a_community_and_a_period(register, community):
    figures = stats.totals(community, *YEAR_2018)
    assert figures["receptions"] == 3
    assert figures["visitors"] == 75
    assert figures["walk_in_receptions"] == 3 and figures["walk_in_visitors"] == 75


def test_totals_roll_up_to_the_subdistrict_and_district(register, subdistrict, district):
    assert stats.totals(subdistrict, *YEAR_2018)["visitors"] == 115
    assert stats.totals(district, *YEAR_2018)["visitors"] == 115  # 洛耐展馆 is in 涧西区
    assert stats.totals(district)["visitors"] == 214


def test_breakdowns_by_sub_unit_and_month(register, subdistrict, district, community, other_venue):
    rows = {
        r["name"]: (r["id"], r["receptions"], r["visitors"])
        for r in stats.by_subunit(subdistrict, *YEAR_2018)
    }
    assert rows == {"环西社区": (community.pk, 3, 75), "金业路社区": (other_venue.community_id, 1, 40)}
    assert [(r["name"], r["visitors"]) for r in stats.by_subunit(district, *YEAR_2018)] == [
        ("西关办事处", 115)
    ]
    assert [(r["name"], r["visitors"]) for r in stats.by_subunit(community, *YEAR_2018)] == [
        ("家风家训馆", 75)
    ]
    months = stats.by_month(community, *YEAR_2018)
    assert [(m["month"], m["receptions"], m["visitors"]) for m in months] == [
        (datetime.date(2018, 3, 1), 2, 55),
        (datetime.date(2018, 5, 1), 1, 20),
    ]


def test_bookings_by_status(venue, slot_start, community, other_venue):
    common = {
        "offering": None,
        "visitor_kind": "resident",
        "organisation": "",
        "contact_name": "张",
        "phone": "13812345678",
    }
    booking_create(venue=venue, starts_at=slot_start, size=1, **common)
    booking_create(venue=venue, starts_at=slot_start, size=2, **{**common, "phone": "13900000001"})
    booking_create(venue=other_venue, starts_at=slot_start, size=2, **common)
    Booking.objects.filter(size=2, venue=venue).update(status=Booking.Status.CONFIRMED)
    day = slot_start.date()
    figures = stats.totals(community, day, day)
    assert figures["bookings"][Booking.Status.PENDING] == 1
    assert figures["bookings"][Booking.Status.CONFIRMED] == 1
    assert figures["bookings"][Booking.Status.REJECTED] == 0
    assert figures["bookings_total"] == 2
    assert (
        stats.totals(community, day.replace(year=day.year - 1), day.replace(year=day.year - 1))[
            "bookings_total"
        ]
        == 0
    )


def test_venues_by_kind(venue, other_venue, subdistrict):
    kinds = stats.venues_by_kind(subdistrict)
    assert kinds[Venue.Kind.FAMILY_VALUES_HALL] == 1 and kinds[Venue.Kind.CULTURAL_SQUARE] == 1
    assert kinds[Venue.Kind.LECTURE_HALL] == 0


def test_stats_run_a_fixed_number_of_queries(register, subdistrict, django_assert_num_queries):
    for i in range(50):
        record(register, datetime.date(2018, 1 + i % 12, 1 + i % 28), 10)
    with django_assert_num_queries(2):
        stats.totals(subdistrict, *YEAR_2018)
    with django_assert_num_queries(1):
        stats.by_subunit(subdistrict, *YEAR_2018)
    with django_assert_num_queries(1):
        stats.by_month(subdistrict, *YEAR_2018)
    with django_assert_num_queries(1):
        stats.venues_by_kind(subdistrict)
