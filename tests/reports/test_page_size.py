"""A city's dashboard does not grow with what lies under it beyond the rows it shows (#17): the listings
of venues, teams and programmes show the 30 busiest and say so (the files list them all), and the unit
picker offers the units near the one shown, not every community of the city."""

import csv
import io
import re

import pytest
from django.urls import reverse

from communities.models import Community
from registers.units import unit_key
from tests.conftest import make_staff
from venues.models import Venue
from volunteers.models import VolunteerTeam

URL = reverse("reports:dashboard")
YEAR = {"start": "2018-01-01", "end": "2018-12-31"}


def add_communities(subdistrict, n, start=0):
    communities = Community.objects.bulk_create(
        [Community(subdistrict=subdistrict, name=f"第{i}社区") for i in range(start, start + n)]
    )
    Venue.objects.bulk_create(
        [
            Venue(community=c, kind=Venue.Kind.LECTURE_HALL, name=f"{c.name}讲习所", slug=f"hall-{c.name}")
            for c in communities
        ]
    )
    VolunteerTeam.objects.bulk_create(
        [VolunteerTeam(community=c, name=f"{c.name}志愿服务队") for c in communities]
    )


def city_page(client, city):
    page = client.get(URL, {"unit": unit_key(city), **YEAR})
    assert page.status_code == 200
    return page.content.decode()


def section(content, name):
    return content.split(f'id="table-{name}"')[1].split("</section>")[0]


@pytest.fixture
def city_supervisor(client, district):
    user = make_staff("city-supervisor", district.city)
    client.force_login(user)
    return client


def test_a_city_page_lists_thirty_venues_and_teams_and_says_the_files_hold_them_all(
    city_supervisor, subdistrict
):
    add_communities(subdistrict, 45)
    content = city_page(city_supervisor, subdistrict.district.city)
    for name in ("venues", "teams"):
        rows = re.findall(r"<tr data-row=", section(content, name))
        assert len(rows) == 30, name
        assert "本页只列出共 45 个中活动最多的 30 个" in section(content, name)
    download = city_supervisor.get(
        URL, {"unit": unit_key(subdistrict.district.city), **YEAR, "format": "csv", "table": "venues"}
    )
    lines = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode("utf-8-sig"))))
    assert len([line for line in lines if line and line[0].endswith("讲习所")]) == 45


def test_a_city_page_keeps_its_size_when_its_communities_double(city_supervisor, subdistrict):
    add_communities(subdistrict, 40)
    smaller = city_page(city_supervisor, subdistrict.district.city)
    add_communities(subdistrict, 80, start=40)
    larger = city_page(city_supervisor, subdistrict.district.city)
    picker = larger.split('name="unit"')[1].split("</select>")[0]
    assert "社区" not in picker, "the picker offers the city's districts, not its communities"
    assert abs(len(larger.encode()) - len(smaller.encode())) < 2_000


def test_the_unit_picker_offers_the_path_down_and_the_sub_units(city_supervisor, subdistrict, community):
    content = city_supervisor.get(URL, {"unit": unit_key(subdistrict), **YEAR}).content.decode()
    picker = content.split('name="unit"')[1].split("</select>")[0]
    options = re.findall(r'<option value="([^"]+)"[^>]*>([^<]+)</option>', picker)
    assert [key for key, _label in options] == [
        unit_key(subdistrict.district.city),
        unit_key(subdistrict.district),
        unit_key(subdistrict),
        unit_key(community),
    ]
    assert f'value="subdistrict:{subdistrict.pk}" selected' in picker


def page_queries(client, city):
    from django.db import connection

    counted = []

    def count(execute, sql, params, many, context):
        counted.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        city_page(client, city)
    return len(counted)


def test_a_city_page_runs_the_same_number_of_queries_at_both_sizes(city_supervisor, subdistrict):
    from reports.summaries import refresh

    city = subdistrict.district.city
    add_communities(subdistrict, 20)
    refresh()
    smaller = page_queries(city_supervisor, city)
    add_communities(subdistrict, 100, start=20)
    refresh()
    assert page_queries(city_supervisor, city) == smaller <= 55
