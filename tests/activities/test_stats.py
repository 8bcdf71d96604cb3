"""activities.stats: figures for a unit and a period, each one database aggregate (fixed query count)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from activities import stats
from activities.models import Activity, ActivityType, Lecturer, Programme
from communities.models import Community, PartyOrganization, Person

from .conftest import at

START, END = datetime.date(2018, 1, 1), datetime.date(2018, 12, 31)


@pytest.fixture
def log(community, other_community, far_community, lecture_type, service_type, branch, other_branch, programme,
        subproject, lecturer):  # fmt: skip
    far_branch = PartyOrganization.objects.create(
        name="上海市场社区党委", kind=PartyOrganization.Kind.PARTY_COMMITTEE, subdistrict=far_community.subdistrict,
        community=far_community,
    )  # fmt: skip
    second = Lecturer.objects.create(
        person=Person.objects.create(name="王讲师", community=community), community=community,
        category=Lecturer.Category.MODEL_WORKER,
    )  # fmt: skip

    def add(title, type_, community, org, start, participants, programme=None, lecturers=()):
        a = Activity.objects.create(
            title=title, type=type_, community=community, party_organization=org, start=start,
            end=start + datetime.timedelta(hours=2), participants=participants, programme=programme,
        )  # fmt: skip
        a.lecturers.set(lecturers)
        return a

    add("讲座1", lecture_type, community, branch, at(2018, 1, 10), 50, programme, [lecturer, second])
    add("讲座2", lecture_type, community, branch, at(2018, 3, 10), 30, subproject, [lecturer])
    add("服务1", service_type, community, branch, at(2018, 3, 11), 20, subproject)
    add("服务2", service_type, other_community, other_branch, at(2018, 12, 31, 23), 10)  # last evening counts
    add("跨年", service_type, other_community, other_branch, at(2019, 1, 1, 0), 99)  # next year: not counted
    add("去年", lecture_type, community, branch, at(2017, 12, 31, 23), 99, programme, [second])
    add("别区", lecture_type, far_community, far_branch, at(2018, 5, 1), 77)


def test_totals_for_each_level(log, community, subdistrict, district, far_community):
    assert stats.activity_totals(community, START, END) == {"activities": 3, "participants": 100}
    assert stats.activity_totals(subdistrict, START, END) == {"activities": 4, "participants": 110}
    assert stats.activity_totals(district, START, END) == {"activities": 4, "participants": 110}
    assert stats.activity_totals(far_community, START, END) == {"activities": 1, "participants": 77}


def test_empty_period_gives_zeros(log, community):
    day = datetime.date(2015, 1, 1)
    assert stats.activity_totals(community, day, day) == {"activities": 0, "participants": 0}


def test_by_subunit_is_the_next_level_down_with_zeros(log, district, subdistrict, community, other_community):
    assert stats.activities_by_subunit(district, START, END) == [
        {"id": subdistrict.pk, "name": "西关办事处", "activities": 4, "participants": 110}
    ]
    by_community = {
        r["name"]: (r["activities"], r["participants"])
        for r in stats.activities_by_subunit(subdistrict, START, END)
    }
    assert by_community == {"环西社区": (3, 100), "金业路社区": (1, 10)}
    quiet = Community.objects.create(subdistrict=subdistrict, name="定鼎路社区")
    rows = {r["id"]: r for r in stats.activities_by_community(subdistrict, START, END)}
    assert rows[quiet.pk]["activities"] == 0 and rows[quiet.pk]["participants"] == 0
    assert [r["name"] for r in stats.activities_by_subunit(community, START, END)] == ["环西社区"]


def test_by_month_has_every_month(log, subdistrict):
    months = stats.activities_by_month(subdistrict, START, END)
    assert [m["month"] for m in months] == [datetime.date(2018, m, 1) for m in range(1, 13)]
    by_month = {m["month"].month: (m["activities"], m["participants"]) for m in months}
    assert (
        by_month[1] == (1, 50)
        and by_month[3] == (2, 50)
        and by_month[12] == (1, 10)
        and by_month[2] == (0, 0)
    )


def test_by_kind_and_type(log, community, lecture_type, service_type):
    kinds = {
        r["kind"]: (r["activities"], r["participants"])
        for r in stats.activities_by_kind(community, START, END)
    }
    assert kinds["lecture"] == (2, 80) and kinds["volunteer_service"] == (1, 20) and kinds["sports"] == (0, 0)
    assert len(kinds) == len(ActivityType.Kind.choices)
    types = {
        r["name"]: (r["activities"], r["participants"])
        for r in stats.activities_by_type(community, START, END)
    }
    assert types == {lecture_type.name: (2, 80), service_type.name: (1, 20)}


def test_by_programme_rolls_subprojects_up(log, community, programme, subproject):
    assert stats.activities_by_programme(community, START, END) == [
        {"id": programme.pk, "name": "五心工程", "activities": 3, "participants": 100}
    ]
    direct = {
        r["name"]: r["activities"]
        for r in stats.activities_by_programme(community, START, END, roll_up=False)
    }
    assert direct == {"五心工程": 1, "暖心工程": 2}


def test_lectures_and_distinct_lecturers(log, community, lecturer):
    assert stats.lecture_totals(community, START, END) == {"sessions": 2, "participants": 80, "lecturers": 2}
    sessions = {r["name"]: r["sessions"] for r in stats.lecturer_sessions(community, START, END)}
    assert sessions == {"李讲师": 2, "王讲师": 1}


FUNCTIONS = [
    (stats.activity_totals, 1),
    (stats.activities_by_subunit, 1),
    (stats.activities_by_community, 1),
    (stats.activities_by_month, 1),
    (stats.activities_by_kind, 1),
    (stats.activities_by_type, 1),
    (stats.activities_by_programme, 1),
    (stats.lecture_totals, 2),
    (stats.lecturer_sessions, 1),
]


@pytest.mark.parametrize("function,queries", FUNCTIONS, ids=[f.__name__ for f, _ in FUNCTIONS])
def test_each_figure_is_a_fixed_number_of_queries(log, district, subdistrict, community, function, queries,
                                                  lecture_type, branch, lecturer):  # fmt: skip
    for unit in (district, subdistrict, community):
        with CaptureQueriesContext(connection) as few:
            function(unit, START, END)
        assert len(few) == queries, (unit, [q["sql"] for q in few])
    more_programmes = [
        Programme.objects.create(name=f"品牌{i}", subdistrict=subdistrict, community=community)
        for i in range(5)
    ]
    activities = Activity.objects.bulk_create(
        Activity(
            title=f"活动{i}",
            type=lecture_type,
            community=community,
            party_organization=branch,
            start=at(2018, 1 + i % 12, 1 + i % 28),
            end=at(2018, 1 + i % 12, 1 + i % 28, 11),
            participants=i,
            programme=more_programmes[i % 5],
        )  # fmt: skip
        for i in range(200)
    )
    Activity.lecturers.through.objects.bulk_create(
        Activity.lecturers.through(activity_id=a.pk, lecturer_id=lecturer.pk) for a in activities
    )
    with CaptureQueriesContext(connection) as many:
        function(district, START, END)
    assert len(many) == queries
