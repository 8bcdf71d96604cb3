import io

import pytest

from communities import demo as units
from venues import demo, stats
from venues.models import Docent, Offering, Venue, VenueSection, VisitRecord


@pytest.fixture
def loaded(db):
    units.load(io.StringIO())
    demo.load(io.StringIO())


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (Venue, VenueSection, Offering, Docent, VisitRecord)
    }


def test_family_values_hall_of_huanxi(loaded):
    hall = Venue.objects.get(name="家风家训馆", community=units.huanxi())
    assert (hall.floor, hall.area_m2, hall.opened_on.isoformat()[:7]) == ("2F", 40, "2018-01")
    assert list(hall.sections.values_list("title", flat=True)) == [
        "古今名人家风家训摘录",
        "新二十四孝图",
        "身边好家风",
    ]
    assert hall.docents.count() >= 2
    figures = stats.totals(units.huanxi(), *_year(2018))
    assert (figures["receptions"], figures["visitors"]) == (20, 500)


def _year(year):
    import datetime

    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def test_xiguan_square_and_reading_rooms(loaded):
    assert Venue.objects.get(kind=Venue.Kind.CULTURAL_SQUARE, community__name="金业路社区").name == (
        "学雷锋志愿服务社区文化广场"
    )
    assert stats.venues_by_kind(units.xiguan())[Venue.Kind.READING_ROOM] == 7


def test_jianxi_bases_lecturers_batches_and_lecture_halls(loaded):
    jianxi = units.jianxi()
    kinds = stats.venues_by_kind(jianxi)
    assert kinds[Venue.Kind.ORGANISATIONAL_LIFE_BASE] == 16
    assert kinds[Venue.Kind.LECTURE_HALL] == 165
    names = set(Venue.objects.filter(kind=Venue.Kind.ORGANISATIONAL_LIFE_BASE).values_list("name", flat=True))
    assert {"一拖农耕博物馆", "中信焦裕禄事迹展览馆", "洛耐展馆"} <= names
    assert not Venue.objects.filter(kind=Venue.Kind.ORGANISATIONAL_LIFE_BASE, offerings__isnull=True).exists()
    assert (
        Docent.objects.for_unit(jianxi)
        .filter(venues__kind=Venue.Kind.ORGANISATIONAL_LIFE_BASE)
        .distinct()
        .count()
        == 25
    )
    figures = stats.totals(jianxi)
    assert (figures["receptions"], figures["visitors"]) == (210, 4400)


def test_yiyang_stations_centres_and_squares(loaded):
    kinds = stats.venues_by_kind(units.yiyang())
    assert kinds[Venue.Kind.TOWNSHIP_CULTURAL_STATION] == 16
    assert kinds[Venue.Kind.VILLAGE_CULTURAL_CENTRE] == 353
    assert kinds[Venue.Kind.CULTURAL_SQUARE] == 8


def test_loading_twice_changes_nothing(loaded):
    before = counts()
    demo.load(io.StringIO())
    assert counts() == before


def test_demo_venues_are_on_the_public_pages(loaded, client):
    response = client.get("/venues/")
    assert response.status_code == 200
    assert client.get(Venue.objects.get(name="家风家训馆").get_absolute_url()).status_code == 200
    assert client.get(Venue.objects.get(name="一拖农耕博物馆").get_absolute_url()).status_code == 200
