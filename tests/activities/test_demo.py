"""load_demo's activity data: the articles' figures come out of activities.stats, and a rerun adds nothing."""

import datetime
import io
import time

import pytest
from django.db import transaction
from django.utils import timezone

from activities import demo, stats
from activities.models import Activity, Lecturer, ProgrammeYear
from communities import demo as units
from communities.models import Community, District
from venues import demo as venues_demo
from volunteers import demo as volunteers_demo

START, END = datetime.date(2016, 1, 1), datetime.date(2018, 12, 31)


@pytest.fixture(scope="module")
def demo_db(django_db_setup, django_db_blocker):
    """The four loaders once for this module, rolled back afterwards (the other tests see a clean database)."""
    with django_db_blocker.unblock(), transaction.atomic():
        out = io.StringIO()
        units.load(out)
        venues_demo.load(out)
        volunteers_demo.load(out)
        started = time.perf_counter()
        demo.load(out)
        pytest.demo_seconds = time.perf_counter() - started
        yield
        transaction.set_rollback(True)


@pytest.fixture
def figures(demo_db, db):
    return None


def community(name):
    return Community.objects.get(name=name)


def test_jinye_square_held_115_activities(figures):
    jinye = community("金业路社区")
    assert stats.activity_totals(jinye, START, END)["activities"] == 115
    assert Activity.objects.filter(venue__name="学雷锋志愿服务社区文化广场").count() == 115


def test_wuxin_project_150_activities_3000_person_times(figures):
    tanggong = community("唐宫东路社区")
    assert stats.activity_totals(tanggong, START, END) == {"activities": 150, "participants": 3000}
    [wuxin] = stats.activities_by_programme(tanggong, START, END)
    assert (wuxin["name"], wuxin["activities"], wuxin["participants"]) == ("五心工程", 150, 3000)
    parts = stats.activities_by_programme(tanggong, START, END, roll_up=False)
    assert sorted(p["name"] for p in parts) == sorted(demo.WUXIN_PARTS)
    year = ProgrammeYear.objects.with_progress().get(programme__name="五心工程", year=2018)
    assert (
        year.activities_done
        == Activity.objects.filter(programme__parent__name="五心工程", start__year=2018).count()
    )


def test_jianxi_services_and_lecture_halls(figures):
    jianxi = District.objects.get(name="涧西区")
    kinds = {row["kind"]: row for row in stats.activities_by_kind(jianxi, START, END)}
    assert kinds["volunteer_service"]["activities"] == 2300
    assert stats.lecture_totals(jianxi, START, END) == {
        "sessions": 840,
        "participants": 20500,
        "lecturers": 1024,
    }
    assert Lecturer.objects.for_unit(jianxi).count() == 1024
    brands = {row["name"] for row in stats.activities_by_programme(jianxi, START, END)}
    assert set(demo.JIANXI_BRANDS) <= brands


def test_wuhanlu_sanshe_50_activities(figures):
    wuhanlu = community("武汉路社区")
    rows = {row["name"]: row for row in stats.activities_by_programme(wuhanlu, START, END)}
    assert rows["三社联动"]["activities"] == 50


def test_yiyang_433_sessions_17239_participants_433_lecturers(figures):
    yiyang = District.objects.get(name="宜阳县")
    assert stats.lecture_totals(yiyang, START, END) == {
        "sessions": 433,
        "participants": 17239,
        "lecturers": 433,
    }


def test_every_date_is_inside_2016_to_2018_but_the_recruiting_one(figures):
    later = Activity.objects.exclude(start__year__in=[2016, 2017, 2018])
    # The one activity recruiting volunteers lies ahead, so that the public page always has one.
    assert [(a.title, a.start > timezone.now(), hasattr(a, "recruitment")) for a in later] == [
        ("学雷锋志愿服务：为老人理发、测血压", True, True)
    ]


def test_loading_is_fast(figures):
    assert pytest.demo_seconds < 15  # a few seconds on SQLite; generous for a shared 2-core machine


def test_loading_twice_adds_nothing(figures):
    before = (Activity.objects.count(), Lecturer.objects.count(), ProgrammeYear.objects.count())
    demo.load(io.StringIO())
    assert (Activity.objects.count(), Lecturer.objects.count(), ProgrammeYear.objects.count()) == before


def test_the_demo_has_a_led_project_with_quarterly_progress(client, figures):
    from django.contrib.auth.models import User
    from django.urls import reverse

    from activities.models import Programme

    programme = Programme.objects.get(name="五心工程")
    assert programme.led_by and programme.targets and programme.tasks and programme.measures
    client.force_login(User.objects.create_superuser("led-project-viewer", password="x-long-enough-1A"))
    from audit.testing import otp_verify_session

    otp_verify_session(client, User.objects.get(username="led-project-viewer"))
    page = client.get(reverse("activities:programme", args=[programme.pk])).content.decode()
    assert "Led project" in page and "开展活动24场，完成年度目标" in page  # this module reads English pages
