from datetime import datetime, time, timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from venues.models import Closure, Docent, Offering, OpeningHours, Venue, VenueSection


@pytest.fixture(autouse=True)
def _english(settings):
    """The tests read the English messages; test_locale checks the Chinese ones."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Rate-limit counters live in the cache: every test starts from zero."""
    cache.clear()
    yield
    cache.clear()


def make_venue(community, slug="jiafeng", **fields):
    defaults = {
        "kind": Venue.Kind.FAMILY_VALUES_HALL,
        "name": "家风家训馆",
        "address": "环西社区党群服务中心",
        "floor": "2F",
        "area_m2": 40,
        "capacity": 10,
        "public_bookable": True,
        "needs_approval": True,
        "slot_minutes": 60,
        "booking_window_days": 28,
        "min_notice_hours": 24,
        "what_to_bring": "请携带身份证。",
    }
    defaults.update(fields)
    venue = Venue.objects.create(community=community, slug=slug, **defaults)
    OpeningHours.objects.bulk_create(
        OpeningHours(venue=venue, weekday=day, opens=time(9), closes=time(12)) for day in range(7)
    )
    return venue


@pytest.fixture
def venue(community):
    venue = make_venue(community)
    VenueSection.objects.bulk_create(
        [
            VenueSection(venue=venue, title="古今名人家风家训摘录", position=1),
            VenueSection(venue=venue, title="新二十四孝图", position=2),
            VenueSection(venue=venue, title="身边好家风", position=3),
        ]
    )
    return venue


@pytest.fixture
def other_venue(other_community):
    return make_venue(
        other_community, slug="guangchang", name="学雷锋志愿服务社区文化广场", kind=Venue.Kind.CULTURAL_SQUARE
    )


@pytest.fixture
def offering(venue):
    return Offering.objects.create(venue=venue, name="讲解参观", duration_minutes=45, max_group_size=8)


def local_dt(day, hour, minute=0):
    return datetime.combine(day, time(hour, minute), tzinfo=timezone.get_default_timezone())


@pytest.fixture
def slot_start():
    """A bookable slot start: three days ahead at 10:00 local time."""
    return local_dt(timezone.localdate() + timedelta(days=3), 10)


def slot_value(starts_at):
    return timezone.localtime(starts_at).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def docent(community):
    from communities.models import Person

    person = Person.objects.create(name="王讲解", community=community, phone="13800001111")
    return Docent.objects.create(community=community, person=person)


@pytest.fixture
def closure(venue):
    day = timezone.localdate() + timedelta(days=5)
    return Closure.objects.create(
        venue=venue, starts_on=day, ends_on=day + timedelta(days=1), reason="设备检修"
    )
